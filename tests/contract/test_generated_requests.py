"""The simulator never answers a 500 of its own, and no request leaves a state that breaks later ones.

Generated requests (tests/contract/generated_requests.py: valid and invalid bodies of every JSON kind,
missing bodies, unknown ids, odd list parameters) go to each resource the simulator serves, on both
generations, each example from the seed plus its own objects. After each request, the listing of the
resource it touched must answer 200; after each example, every listing must answer 200 and every
object the example started from must read back (200) or be gone (404).

The only 500s allowed are the ones the real servers give (confd-api.md errata, and what the
differential check, tests/contract/differential.py, saw on the real servers): ALLOWED_500 below.

The requests go to an in-process simulator (LocalClient: the same dispatch as its HTTP front, without
sockets). Bounded and deterministic: a fixed number of examples per generation, derandomized, no
example database, a per-example deadline.
"""

import datetime
import json
import os
import re
import sys
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.confd_simulator import core, server  # noqa: E402  pylint: disable=wrong-import-position
from tests.contract.generated_requests import (  # noqa: E402  pylint: disable=wrong-import-position
    INT32_MAX, NO_BODY, World, list_paths, requests_sequence, route_of)
from tests.sim_fixture import GENERATIONS, TENANT, TOKEN  # noqa: E402  pylint: disable=wrong-import-position

EXAMPLES = int(os.environ.get("GENERATED_REQUESTS_EXAMPLES", "250"))


def _integers(value):
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _integers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _integers(item)


def _query_integers(path):
    for _name, raw in urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query, keep_blank_values=True):
        try:
            yield int(raw)
        except ValueError:
            continue


def _beyond_integer(path, body):
    """A body integer beyond PostgreSQL INTEGER, or a query integer beyond INTEGER (filters) / BIGINT."""
    return any(abs(number) > INT32_MAX for number in list(_integers(body)) + list(_query_integers(path)))


def _has_key(body, key):
    return isinstance(body, dict) and key in body


# (why, generations, predicate(method, route, path, body), what the 500's message must match)
ALLOWED_500 = (
    ("PUT /trunks/{id} {twilio_incoming: null} violates NOT NULL (errata 2, both generations)", GENERATIONS,
     lambda method, route, path, body: method == "PUT" and route == "/trunks/{}" and _has_key(body, "twilio_incoming")
     and body["twilio_incoming"] is None, r"psycopg2\.errors\.NotNullViolation"),
    ("an integer beyond PostgreSQL INTEGER in a body, or in a list filter (INTEGER) or limit/offset (BIGINT): "
     "marshmallow's Integer has no bound, the query fails (an UPDATE flushed at commit: Flask's own 500 body)",
     GENERATIONS, lambda method, route, path, body: _beyond_integer(path, body),
     r"psycopg2\.errors\.NumericValueOutOfRange|^Internal Server Error$"),
    ("an integer list filter that Python's int() takes but PostgreSQL does not ('1_0')", GENERATIONS,
     lambda method, route, path, body: method == "GET" and "_" in urllib.parse.unquote(urllib.parse.urlsplit(path).query),
     r"psycopg2\.errors\.InvalidTextRepresentation"),
    ("the same template twice in a CURRENT endpoint's templates (endpoint_sip_template_pkey)", ("current",),
     lambda method, route, path, body: route.startswith("/endpoints/sip") and _has_key(body, "templates"),
     r"psycopg2\.errors\.UniqueViolation"),
    ("a LEGACY endpoint option whose value its typed usersip column refuses (integer, enum, CHECK, length), or a "
     "name, username or secret one character too long with the final newline the patterns' $ lets through",
     ("legacy",),
     lambda method, route, path, body: route.startswith("/endpoints/sip") and any(
         _has_key(body, key) for key in ("options", "name", "username", "secret")),
     r"psycopg2\.errors\.(InvalidTextRepresentation|NumericValueOutOfRange|CheckViolation|StringDataRightTruncation)"),
)


def allowed_500(generation, method, path, body, answer):
    message = answer[0] if isinstance(answer, list) and answer and isinstance(answer[0], str) else ""
    if isinstance(answer, dict):
        message = str(answer.get("message", ""))
    route = route_of(path)
    for _why, generations, applies, error in ALLOWED_500:
        if generation in generations and applies(method, route, path, body) and re.search(error, message):
            return True
    return False


def _resource_list(path, listings):
    """The listing of the collection a request touched (/outcalls/3/trunks -> /outcalls)."""
    path = path.split("?", 1)[0]
    return max((listing for listing in listings if path.startswith(listing)), key=len)


class LocalClient:
    """Requests straight to an in-process simulator (no sockets: about 20 times faster than HTTP here).

    The body goes through JSON and the same ``NO_BODY`` convention as the simulator's HTTP front
    (server.Handler._read_body); the answer is the JSON the front would send.
    """

    def __init__(self, generation):
        self.simulator = server.Simulator(generation)
        self.simulator.public_url = server.RIG_URLS[generation]
        self.tenant = TENANT
        self.headers = {"X-Auth-Token": TOKEN, "Content-Type": "application/json"}

    def call(self, method, path, body=NO_BODY):
        parsed = core.NO_BODY if body == NO_BODY else json.loads(json.dumps(body))
        split = urllib.parse.urlsplit(path)
        with self.simulator.state.lock:
            reply = self.simulator.confd(method, urllib.parse.unquote(split.path), split.query, self.headers, parsed,
                                         self.simulator.public_url)
        return reply.status, json.loads(json.dumps(reply.body))

    def reset(self):
        self.simulator.reset()


@pytest.mark.parametrize("generation", GENERATIONS)
def test_no_500_of_our_own(generation):
    client = LocalClient(generation)
    listings = list_paths(generation)

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=datetime.timedelta(seconds=10),
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(requests_sequence(generation))
    def check(sequence):
        client.reset()
        world = World(client, generation, "1")
        for method, template, body in sequence:
            path, sent = world.fill(template), world.fill(body)
            status, answer = client.call(method, path, sent)
            assert status != 500 or allowed_500(generation, method, path, sent, answer), (
                "%s %s %r answered 500: %r" % (method, path, sent, answer))
            touched = _resource_list(path, listings)
            listed, answer = client.call("GET", touched)
            assert listed == 200, "after %s %s %r, GET %s answered %s: %r" % (method, path, sent, touched, listed, answer)
        for listing in listings:
            listed, answer = client.call("GET", listing)
            assert listed == 200, "after %r, GET %s answered %s: %r" % (sequence, listing, listed, answer)
        for item in world.created:
            read, answer = client.call("GET", item)
            assert read in (200, 404), "after %r, GET %s answered %s: %r" % (sequence, item, read, answer)

    check()  # pylint: disable=no-value-for-parameter
