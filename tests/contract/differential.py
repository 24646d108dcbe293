#!/usr/bin/env python
"""Differential check: the same generated requests to a reference wazo-confd and to the simulator.

    python tests/contract/differential.py --reference URL --simulator URL --generation current \
        [--token T] [--tenant UUID] [--examples 300] [--seed 0] [--json differences.json]

URLs are confd bases (``http://HOST:PORT/1.1``). Both servers should start from the fixture state the
transcripts assume (tests/fixtures/confd-transcripts/README.md); one set of objects is built on each
server (tests/contract/generated_requests.py World), rebuilt when an example deletes one of them, and
deleted at the end, like what each example creates.

For every request, the status codes are compared, and for error answers the messages too, once each
server's own ids and names are replaced by the same placeholders (a 500's text only up to its first
line). Prints each distinct difference (route, statuses, messages, one request that shows it) and
exits 1 when there is any. Not part of any test run: it needs a reference server.
"""

import argparse
import json
import os
import re
import sys

import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tests.contract.generated_requests import (  # noqa: E402  pylint: disable=wrong-import-position
    Client, World, created_paths, requests_sequence, route_of)

TOKEN = "00000000-0000-4000-9000-0000000000ad"
TENANT = "a0000000-0000-4000-8000-000000000002"


_RANDOM = re.compile(r"^[a-z0-9]{8}$")  # generated names and secrets


def shape(value, names):
    """A created object's body made comparable: ids, uuids, links and generated 8-character strings masked,
    world values -> placeholders, lists of pairs (LEGACY options, PJSIP sections) sorted."""
    if isinstance(value, dict):
        return {key: "<id>" if key in ("id", "uuid", "tenant_uuid", "href") or key.endswith(("_id", "_uuid"))
                else shape(item, names) for key, item in value.items()}
    if isinstance(value, list):
        items = [shape(item, names) for item in value]
        return sorted(items, key=json.dumps) if all(isinstance(item, list) for item in items) else items
    if isinstance(value, str):
        return "<random>" if _RANDOM.match(value) else names.get(value, value)
    return value


def normalize(answer, names, method="GET"):
    """An answer made comparable: world values -> placeholders; 500 texts cut to their first line; what a
    POST created, shaped (see shape); other success bodies are not compared."""
    if method == "POST" and isinstance(answer, dict):
        return shape(answer, names)
    if isinstance(answer, list) and all(isinstance(item, str) for item in answer):
        result = []
        for text in answer:
            if text.startswith("Unexpected error:"):
                text = text.split("\n", 1)[0][:90]
            for value in sorted(names, key=len, reverse=True):
                if value.isdigit():  # ids only where metadata shows them: ('id': 12) ('x_id': '12') /12
                    pattern = r"(': '?|/)%s(?![\w-])" % re.escape(value)
                    text = re.sub(pattern, lambda match, name=names[value]: match.group(1) + name, text)
                else:
                    text = re.sub(r"(?<![\w-])%s(?![\w-])" % re.escape(value), names[value], text)
            result.append(text)
        return result
    return None  # success bodies: status only


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference", required=True, help="confd base URL of the reference (real) server")
    parser.add_argument("--simulator", required=True, help="confd base URL of the simulator")
    parser.add_argument("--generation", choices=("current", "legacy"), required=True)
    parser.add_argument("--token", default=TOKEN)
    parser.add_argument("--tenant", default=TENANT)
    parser.add_argument("--examples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="write the differences to this file")
    args = parser.parse_args(argv)

    servers = {"reference": Client(args.reference, args.token, args.tenant, requests.Session()),
               "simulator": Client(args.simulator, args.token, args.tenant, requests.Session())}
    differences = {}
    counter = [args.seed * 100000]
    worlds = {}

    def rebuild():
        counter[0] += 1
        for name, client in servers.items():
            if name in worlds:
                worlds[name].teardown()
            worlds[name] = World(client, args.generation, "%d" % counter[0])

    @settings(max_examples=args.examples, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def run(data):
        sequence = data.draw(requests_sequence(args.generation))
        if not worlds:
            rebuild()
        extra = {name: [] for name in servers}
        damaged = False
        try:
            for method, template, body in sequence:
                answers = {}
                for name, client in servers.items():
                    world = worlds[name]
                    path, sent = world.fill(template), world.fill(body)
                    status, answer = client.call(method, path, sent)
                    extra[name] += created_paths(method, path, status, answer)
                    damaged = damaged or (method == "DELETE" and status < 300 and path in world.created)
                    answers[name] = (status, normalize(answer, world.names(), method))
                if answers["reference"] != answers["simulator"]:
                    key = (method, route_of(template), answers["reference"][0], answers["simulator"][0],
                           json.dumps(answers["reference"][1]), json.dumps(answers["simulator"][1]))
                    differences.setdefault(key, {"count": 0, "request": [method, template, body]})
                    differences[key]["count"] += 1
        finally:
            for name, world in worlds.items():
                for path in reversed(extra[name]):
                    world.client.call("DELETE", path)
            if damaged:  # a world object was deleted: start again from a whole world
                rebuild()

    try:
        run()  # pylint: disable=no-value-for-parameter
    finally:
        for world in worlds.values():
            world.teardown()
    report = []
    for (method, route, ref_status, sim_status, ref_body, sim_body), seen in sorted(differences.items()):
        report.append({"route": "%s %s" % (method, route), "reference": [ref_status, json.loads(ref_body)],
                       "simulator": [sim_status, json.loads(sim_body)], "count": seen["count"], "example": seen["request"]})
        print("DIFF %s %s (x%d)\n  reference %s %s\n  simulator %s %s\n  example %s" % (
            method, route, seen["count"], ref_status, ref_body[:400], sim_status, sim_body[:400],
            json.dumps(seen["request"])[:600]))
    print("%d examples, %d distinct differences" % (args.examples, len(report)))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(report, handle, indent=1)
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main())
