"""Run the functional tests against real wazo-confd servers (``make test-real``) instead of the simulator.

``RealServer`` has the interface of ``tests.sim_fixture.Simulator`` where a real server can give it:

* ``url``, ``confd_url``, ``auth_url``, ``token``, ``tenant``, ``username``, ``password``, ``generation``,
  ``api()``, ``http()``, ``connection_vars()``: as for the simulator. ``url`` is a recording proxy of ours on
  127.0.0.1 (a random port) that forwards ``/1.1/...`` to the real confd and ``/0.1/...`` to the real wazo-auth.
* ``requests()``, ``clear_requests()``, ``writes()``, ``readonly(on)``, ``readonly_status()``: the proxy logs
  every request it forwards (method, path, query, status, body, as the simulator does) and, while read-only,
  answers 418 to every confd write without forwarding it, and counts it. It serves these under ``/__sim__/``
  like the simulator (``/__sim__/requests``, ``/__sim__/readonly``), so playbooks that clear the log with the
  ``uri`` module work too; every other simulator control answers 404.
* ``state()``: every tenant-visible collection, read from the server's own list routes and sorted as the
  simulator's ``GET /__sim__/state`` sorts them (that dump is these list routes too); the [key, value] pairs
  of each SIP section (``*_section_options``, legacy ``options``) sorted, since a real server answers them in
  the order PostgreSQL returns the rows, which changes when a row is written (the simulator: as sent).
* ``reset()``: the tenant back to what it held when the session started (the *baseline*, checked to be the
  fixture of tests/fixtures/confd-transcripts/README.md): everything created since is deleted (incalls, outcalls,
  trunks (with their endpoint and legacy register), SIP endpoints, registers, groups, queues, voicemails, IVRs,
  conferences, switchboards, music on hold, extensions, contexts, users, in that order), the baseline objects a
  test changed are put back (e.g. the user's username), and the state read again must equal the baseline,
  otherwise ``RealServerError`` says what differs. Request log cleared, read-only off.
* ``fault()`` raises: faults need the simulator (tests using them are marked ``simulator_only``).

Standard library only. The tests' conftest (tests/functional/conftest.py) chooses this class with
``--target real`` or WAZO_TEST_TARGET=real; ``probe()`` tells which generations have a server.
"""

import concurrent.futures
import http.client
import json
import os
import ssl
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.sim_fixture import PASSWORD, TENANT, TOKEN, USERNAME, WRITE_METHODS, Simulator

DEFAULT_URLS = {
    "current": ("http://127.0.0.1:9486/1.1", "http://127.0.0.1:9497/0.1"),
    "legacy": ("http://127.0.0.1:19486/1.1", "http://127.0.0.1:19497/0.1"),
}
UPSTREAM_TIMEOUT = float(os.environ.get("WAZO_REAL_TIMEOUT", "300"))

# The collections of the simulator's GET /__sim__/state (tests/confd_simulator/server.py), same names, same routes.
STATE_COLLECTIONS = (
    ("trunks", "/trunks"), ("endpoints_sip", "/endpoints/sip"), ("sip_templates", "/endpoints/sip/templates"),
    ("sip_transports", "/sip/transports"), ("registers_sip", "/registers/sip"), ("outcalls", "/outcalls"),
    ("incalls", "/incalls"), ("extensions", "/extensions"), ("contexts", "/contexts"), ("users", "/users"),
    ("groups", "/groups"), ("voicemails", "/voicemails"), ("queues", "/queues"), ("ivr", "/ivr"),
    ("conferences", "/conferences"), ("switchboards", "/switchboards"), ("moh", "/moh"),
)
ROUTES = dict(STATE_COLLECTIONS)

# Deletion order: what holds references first (an incall holds its extension, an outcall its trunks and
# extensions, a trunk its endpoint and register), what is referenced last. A DELETE that fails is retried
# after the others (an unforeseen dependency), up to DELETE_PASSES times.
DELETE_ORDER = ("incalls", "outcalls", "trunks", "endpoints_sip", "registers_sip", "groups", "queues", "switchboards",
                "ivr", "conferences", "voicemails", "moh", "extensions", "contexts", "users", "sip_templates",
                "sip_transports")
DELETE_PASSES = 3

# The fixture (tests/fixtures/confd-transcripts/README.md): none of these in the tenant.
FIXTURE_EMPTY = ("trunks", "endpoints_sip", "registers_sip", "outcalls", "incalls", "groups", "voicemails", "queues",
                 "ivr", "conferences", "switchboards", "moh")
CONTEXT_TYPES = ("internal", "incall", "outcall")
# Fields never written back when a baseline object is restored.
NOT_WRITABLE = {"id", "uuid", "tenant_uuid", "links", "created_at", "name"}


class RealServerError(Exception):
    """The real server is not usable for the tests, or could not be put back to the fixture."""


# -- one generation's settings ---------------------------------------------------------------------

def settings(generation, environ=None):
    """The real server of ``generation`` as the environment gives it (defaults: the loopback rigs)."""
    environ = os.environ if environ is None else environ
    confd_url, auth_url = DEFAULT_URLS[generation]
    prefix = "WAZO_REAL_%s_" % generation.upper()
    return {
        "generation": generation,
        "confd_url": environ.get(prefix + "CONFD_URL") or confd_url,
        "auth_url": environ.get(prefix + "AUTH_URL") or auth_url,
        "token": environ.get("WAZO_REAL_TOKEN") or TOKEN,
        "tenant": environ.get("WAZO_REAL_TENANT") or TENANT,
        "username": environ.get("WAZO_REAL_USERNAME") or USERNAME,
        "password": environ.get("WAZO_REAL_PASSWORD") or PASSWORD,
    }


def _ssl_context():
    if os.environ.get("WAZO_REAL_VALIDATE_CERTS", "true").lower() in ("0", "false", "no"):
        return ssl._create_unverified_context()  # pylint: disable=protected-access
    return ssl.create_default_context(cafile=os.environ.get("WAZO_REAL_CA_PATH") or None)


def _request(url, method="GET", body=None, headers=None, timeout=UPSTREAM_TIMEOUT):
    """(status, parsed JSON body or text or None); raises OSError when nothing answers."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    all_headers = {"Accept": "application/json"}
    if data is not None:
        all_headers["Content-Type"] = "application/json"
    all_headers.update(headers or {})
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    context = _ssl_context() if url.startswith("https:") else None
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:  # nosec - test rig
            return response.status, Simulator._decode(response.read(), response.headers.get("Content-Type", ""))  # pylint: disable=protected-access
    except urllib.error.HTTPError as error:
        with error:
            return error.code, Simulator._decode(error.read(), error.headers.get("Content-Type", ""))  # pylint: disable=protected-access


def _version(text):
    try:
        return tuple(int(part) for part in str(text).split(".")[:2])
    except ValueError:
        return None


def probe(generation, environ=None, timeout=20):
    """Does a server of ``generation`` answer? {"generation", "ok", "reason", "confd_url", "auth_url", "version"}.

    ok when confd answers GET /infos with the token, its wazo_version is of that generation (current >= 20.13,
    legacy <= 20.12), and wazo-auth answers HEAD /token/<token> (the token check confd itself makes)."""
    found = dict(settings(generation, environ), ok=False, reason=None, version=None)
    where = found["confd_url"] + "/infos"
    try:
        status, infos = _request(where, headers={"X-Auth-Token": found["token"]}, timeout=timeout)
    except OSError as error:
        found["reason"] = "no server answers at %s (%s)" % (found["confd_url"], getattr(error, "reason", error))
        return found
    if status != 200 or not isinstance(infos, dict):
        found["reason"] = "GET %s with the token answered %s: %.200r" % (where, status, infos)
        return found
    found["version"] = infos.get("wazo_version")
    version = _version(found["version"])
    if version is None or (version >= (20, 13)) != (generation == "current"):
        found["reason"] = "the server at %s is wazo %s, not a %s generation (%s)" % (
            found["confd_url"], found["version"], generation, ">= 20.13" if generation == "current" else "<= 20.12")
        return found
    check = "%s/token/%s" % (found["auth_url"], found["token"])
    try:
        status, answer = _request(check, method="HEAD", timeout=timeout)
    except OSError as error:
        found["reason"] = "confd answers, but no wazo-auth answers at %s (%s)" % (
            found["auth_url"], getattr(error, "reason", error))
        return found
    if status not in (200, 204):
        found["reason"] = "wazo-auth at %s does not accept the token: HEAD /token/... answered %s %.200r" % (
            found["auth_url"], status, answer)
        return found
    found["ok"] = True
    return found


# -- the tenant's content ------------------------------------------------------------------------

def canonical(value, key=None):
    """``value`` with the [key, value] pair lists of SIP sections sorted (see state()), recursively."""
    if isinstance(value, dict):
        return {name: canonical(item, name) for name, item in value.items()}
    if isinstance(value, list):
        items = [canonical(item) for item in value]
        if key and (key.endswith("_section_options") or key == "options") and all(
                isinstance(item, list) for item in items):
            return sorted(items, key=lambda pair: [str(part) for part in pair])
        return items
    return value


def item_key(item):
    """What identifies an item in its collection: its integer id, else its uuid."""
    return item["id"] if isinstance(item.get("id"), int) else item.get("uuid")


def describe(item):
    label = item.get("name") or item.get("label") or item.get("exten") or item.get("remote_host") or \
        " ".join(str(item.get(key) or "") for key in ("firstname", "lastname")).strip()
    return "%s%s" % (item_key(item), " (%s)" % label if label else "")


def fixture_problems(state, generation):
    """What in ``state`` is not the fixture the tests (and the transcripts) assume; [] when it is."""
    problems = []
    for name in FIXTURE_EMPTY:
        items = state.get(name) or []
        if items:
            problems.append("%d %s: %s%s" % (len(items), name, ", ".join(describe(item) for item in items[:8]),
                                             ", ..." if len(items) > 8 else ""))
    contexts = state.get("contexts") or []
    for context_type in CONTEXT_TYPES:
        found = [context for context in contexts if context.get("type") == context_type]
        if len(found) != 1:
            problems.append("%d %s contexts (the fixture has one): %s" % (
                len(found), context_type, ", ".join(describe(item) for item in found)))
    others = [context for context in contexts if context.get("type") not in CONTEXT_TYPES]
    if others:
        problems.append("contexts of other types: %s" % ", ".join(describe(item) for item in others))
    dial = {context.get("name") for context in contexts if context.get("type") in ("incall", "outcall")}
    extensions = [item for item in state.get("extensions") or [] if item.get("context") in dial]
    if extensions:
        problems.append("%d extensions in the incall/outcall contexts: %s" % (
            len(extensions), ", ".join("%s@%s" % (item.get("exten"), item.get("context")) for item in extensions[:8])))
    users = state.get("users") or []
    names = [(user.get("firstname"), user.get("lastname")) for user in users]
    if names != [("Alice", "Smoke")]:
        problems.append("users %s (the fixture has one, Alice Smoke)" % ", ".join(describe(user) for user in users))
    if generation == "current" and sorted(item.get("label") for item in state.get("sip_templates") or []) != sorted(
            ["global", "webrtc", "meeting_guest", "registration_trunk", "twilio_trunk"]):
        problems.append("SIP templates %s" % ", ".join(describe(item) for item in state.get("sip_templates") or []))
    return problems


def leftovers(state):
    """The items of ``state`` that are not the fixture's (what WAZO_REAL_CLEANUP=1 deletes): {collection: [item]}."""
    found = {name: list(state.get(name) or []) for name in FIXTURE_EMPTY}
    contexts = sorted(state.get("contexts") or [], key=lambda item: item.get("id") or 0)
    kept = {}
    for context in contexts:
        kept.setdefault(context.get("type"), context)
    found["contexts"] = [context for context in contexts if kept.get(context.get("type")) is not context
                         or context.get("type") not in CONTEXT_TYPES]
    dial = {context.get("name") for context in contexts if context.get("type") in ("incall", "outcall")}
    found["extensions"] = [item for item in state.get("extensions") or [] if item.get("context") in dial]
    users = sorted(state.get("users") or [], key=lambda item: item.get("id") or 0)
    found["users"] = users[1:]
    return {name: items for name, items in found.items() if items}


def state_difference(expected, actual):
    """Readable differences between two state dumps: [] when they are equal."""
    differences = []
    for name in sorted(set(expected) | set(actual)):
        before = {item_key(item): item for item in expected.get(name, [])}
        after = {item_key(item): item for item in actual.get(name, [])}
        for key in sorted(set(after) - set(before), key=str):
            differences.append("%s: %s is new" % (name, describe(after[key])))
        for key in sorted(set(before) - set(after), key=str):
            differences.append("%s: %s is gone" % (name, describe(before[key])))
        for key in sorted(set(before) & set(after), key=str):
            if before[key] != after[key]:
                fields = sorted(field for field in set(before[key]) | set(after[key])
                                if before[key].get(field) != after[key].get(field))
                differences.append("%s: %s changed: %s" % (name, describe(before[key]), ", ".join(
                    "%s %.120r -> %.120r" % (field, before[key].get(field), after[key].get(field)) for field in fields)))
    return differences


# -- the recording proxy -------------------------------------------------------------------------

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade", "host", "content-length", "accept-encoding"}
READ_ONLY_BODY = ["Read-only (test proxy): this write was not sent to the server"]


class RecordingProxy:
    """A reverse proxy on 127.0.0.1: ``/1.1`` to confd, ``/0.1`` to wazo-auth; logs, and refuses writes on demand."""

    def __init__(self, confd_url, auth_url, host="127.0.0.1", timeout=UPSTREAM_TIMEOUT):
        self.upstreams = {"/1.1": confd_url.rstrip("/"), "/0.1": auth_url.rstrip("/")}
        self.host = host
        self.timeout = timeout
        self.lock = threading.Lock()
        self.log = []
        self.readonly = False
        self.refused = 0
        self.server = None
        self.url = None

    def start(self):
        self.server = _ProxyServer((self.host, 0), _ProxyHandler)
        self.server.proxy = self
        threading.Thread(target=self.server.serve_forever, name="wazo-real-proxy", daemon=True).start()
        self.url = "http://%s:%d" % (self.host, self.server.server_address[1])
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def reset(self):
        with self.lock:
            self.log = []
            self.readonly = False
            self.refused = 0

    def record(self, method, path, query, status, body):
        with self.lock:
            self.log.append({"method": method, "path": path, "query": query, "status": status, "body": body})

    def control(self, method, action, body):
        """The simulator's control API, for what a proxy can do: (status, body)."""
        with self.lock:
            if action == "requests" and method == "GET":
                return 200, list(self.log)
            if action == "requests" and method == "DELETE":
                self.log = []
                return 204, None
            if action == "readonly" and method == "GET":
                return 200, {"enabled": self.readonly, "refused": self.refused}
            if action == "readonly" and method == "POST":
                self.readonly = bool(isinstance(body, dict) and body.get("enabled"))
                return 204, None
        return 404, ["Not available against a real server (only requests and readonly are): %s /__sim__/%s"
                     % (method, action)]

    def forward(self, method, target, headers, raw):
        """Send the request to the upstream of its prefix: (status, reason, headers, body bytes)."""
        prefix, rest = target[:4], target[4:]
        upstream = urllib.parse.urlsplit(self.upstreams[prefix])
        connection_class = http.client.HTTPSConnection if upstream.scheme == "https" else http.client.HTTPConnection
        extra = {"context": _ssl_context()} if upstream.scheme == "https" else {}
        connection = connection_class(upstream.hostname, upstream.port, timeout=self.timeout, **extra)
        try:
            connection.request(method, upstream.path + rest, body=raw, headers=headers)
            response = connection.getresponse()
            data = response.read()
            return response.status, response.reason, response.getheaders(), data
        finally:
            connection.close()


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    proxy = None


def _json_or_none(raw):
    if not raw or not raw.strip():
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "wazo-real-proxy"

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin  # keep stderr quiet
        return

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if not size:
                    while self.rfile.readline().strip():
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        size = self.headers.get("Content-Length")
        if size is None:
            return None
        return self.rfile.read(int(size))

    def _reply(self, status, headers, data, reason=None):
        self.send_response(status, reason)
        for name, value in headers:
            self.send_header(name, value)
        if self.command != "HEAD" or not any(name.lower() == "content-length" for name, _value in headers):
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data and self.command != "HEAD":
            self.wfile.write(data)

    def _reply_json(self, status, body):
        data = b"" if body is None else json.dumps(body).encode("utf-8")
        self._reply(status, [("Content-Type", "application/json")] if data else [], data)

    def _dispatch(self):
        proxy = self.server.proxy
        split = urllib.parse.urlsplit(self.path)
        path, query, method = urllib.parse.unquote(split.path), split.query, self.command
        raw = self._read_body()
        if path.startswith("/__sim__/"):
            status, body = proxy.control(method, path[len("/__sim__/"):].strip("/"), _json_or_none(raw))
            self._reply_json(status, body)
            return
        prefix = path[:4]
        if prefix not in proxy.upstreams or path[4:5] not in ("/", ""):
            self._reply(404, [("Content-Type", "text/plain")], b"Not a confd (/1.1) or wazo-auth (/0.1) path\n")
            return
        if prefix == "/1.1" and method in WRITE_METHODS and proxy.readonly:
            with proxy.lock:
                proxy.refused += 1
            proxy.record(method, path, query, 418, _json_or_none(raw))
            self._reply_json(418, READ_ONLY_BODY)
            return
        headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP}
        try:
            status, reason, answer_headers, data = proxy.forward(method, self.path, headers, raw)
        except (OSError, http.client.HTTPException) as error:
            proxy.record(method, path, query, 502, _json_or_none(raw))
            self._reply_json(502, ["test proxy: %s did not answer: %s" % (proxy.upstreams[prefix], error)])
            return
        proxy.record(method, path, query, status, _json_or_none(raw))
        self._reply(status, [(name, value) for name, value in answer_headers
                             if name.lower() not in HOP_BY_HOP | {"server", "date"}
                             or (method == "HEAD" and name.lower() == "content-length")], data, reason)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _dispatch


# -- the server ----------------------------------------------------------------------------------

class RealServer(Simulator):
    """A real wazo-confd (and wazo-auth) of one generation, behind a recording proxy; see the module doc."""

    def __init__(self, generation, confd_url, auth_url, token=TOKEN, tenant=TENANT, username=USERNAME,
                 password=PASSWORD, workers=4):
        super().__init__(generation)
        self.upstream_confd_url = confd_url.rstrip("/")
        self.upstream_auth_url = auth_url.rstrip("/")
        self.token = token
        self.tenant = tenant
        self.username = username
        self.password = password
        self.workers = workers
        self.baseline = None
        self._proxy = None

    @classmethod
    def from_environment(cls, generation, environ=None):
        found = settings(generation, environ)
        return cls(generation, found["confd_url"], found["auth_url"], token=found["token"], tenant=found["tenant"],
                   username=found["username"], password=found["password"])

    def __repr__(self):
        return "<RealServer %s %s via %s>" % (self.generation, self.upstream_confd_url, self.url)

    # -- lifecycle -----------------------------------------------------------------------------

    @property
    def running(self):
        return self._proxy is not None

    def start(self):
        """Start the proxy and take the baseline, which must be the fixture."""
        if self.running:
            return self
        baseline = self.state()
        problems = fixture_problems(baseline, self.generation)
        if problems:
            raise RealServerError("the %s server's tenant %s is not the fixture the tests assume (a run that was "
                                  "interrupted? WAZO_REAL_CLEANUP=1 deletes what is not the fixture's):\n  %s"
                                  % (self.generation, self.tenant, "\n  ".join(problems)))
        self.baseline = baseline
        self._proxy = RecordingProxy(self.upstream_confd_url, self.upstream_auth_url).start()
        self.url = self._proxy.url
        self.port = urllib.parse.urlsplit(self.url).port
        return self

    def stop(self):
        """Put the tenant back to the baseline, then stop the proxy."""
        proxy = self._proxy
        if proxy is None:
            return
        try:
            self.restore()
        finally:
            self._proxy = None
            proxy.stop()

    # -- direct requests to the real confd (not logged) ----------------------------------------

    def upstream(self, method, path, body=None):
        """A confd request sent directly (not through the proxy, so not logged): (status, body)."""
        return _request(self.upstream_confd_url + path, method=method, body=body,
                        headers={"X-Auth-Token": self.token, "Wazo-Tenant": self.tenant})

    def _each(self, function, items):
        if not items:
            return []
        with concurrent.futures.ThreadPoolExecutor(max_workers=self.workers) as pool:
            return list(pool.map(function, items))

    def state(self):
        """Every tenant-visible collection as its list route answers, sorted by id/uuid (as /__sim__/state)."""
        def read(entry):
            name, path = entry
            status, body = self.upstream("GET", path)
            if status in (404, 405):
                return name, None  # not a route of this generation
            if status != 200 or not isinstance(body, dict) or "items" not in body:
                raise RealServerError("GET %s answered %s: %.300r" % (path, status, body))
            return name, sorted((canonical(item) for item in body["items"]),
                                key=lambda item: (str(item.get("id", "")).zfill(12), str(item.get("uuid", ""))))
        return {name: items for name, items in self._each(read, STATE_COLLECTIONS) if items is not None}

    # -- clean-up ------------------------------------------------------------------------------

    def delete(self, extra):
        """Delete the items of {collection: [item]}, in DELETE_ORDER; [] or the DELETEs that kept failing."""
        pending = {name: list(items) for name, items in extra.items() if items}
        failures = []
        for _attempt in range(DELETE_PASSES):
            failures = []
            for name in DELETE_ORDER:
                def remove(item, name=name):
                    path = "%s/%s" % (ROUTES[name], item_key(item))
                    status, body = self.upstream("DELETE", path)
                    # 404: gone with what held it (a trunk's endpoint and register)
                    return None if status in (204, 404) else (name, item, "DELETE %s answered %s: %.300r" % (
                        path, status, body))
                failures += [failure for failure in self._each(remove, pending.get(name, [])) if failure]
            if not failures:
                return []
            pending = {}
            for name, item, _message in failures:
                pending.setdefault(name, []).append(item)
        return [message for _name, _item, message in failures]

    def _put_back(self, state):
        """PUT the baseline's writable fields of the baseline objects a test changed; the requests' errors."""
        errors = []
        for name, path in STATE_COLLECTIONS:
            now = {item_key(item): item for item in state.get(name, [])}
            for item in self.baseline.get(name, []):
                current = now.get(item_key(item))
                if current is None or current == item:
                    continue
                changed = {field: value for field, value in item.items()
                           if field not in NOT_WRITABLE and current.get(field) != value
                           and not isinstance(value, (dict, list))}
                if changed:
                    status, body = self.upstream("PUT", "%s/%s" % (path, item_key(item)), changed)
                    if status != 204:
                        errors.append("PUT %s/%s %r answered %s: %.300r" % (path, item_key(item), changed, status, body))
        return errors

    def restore(self):
        """The tenant back to the baseline, checked; RealServerError says what could not be put back."""
        state = self.state()
        if state == self.baseline:
            return
        extra = {}
        for name, items in state.items():
            known = {item_key(item) for item in self.baseline.get(name, [])}
            extra[name] = [item for item in items if item_key(item) not in known]
        errors = self.delete(extra)
        state = self.state()
        if state != self.baseline:
            errors += self._put_back(state)
            state = self.state()
        difference = state_difference(self.baseline, state)
        if difference or errors:
            raise RealServerError("the %s server's tenant is not back to the fixture after clean-up:\n  %s"
                                  % (self.generation, "\n  ".join(errors + difference)))

    def clean_leftovers(self):
        """Delete what is not the fixture's (a run that was interrupted); what is left that is not the fixture."""
        state = self.state()
        errors = self.delete(leftovers(state))
        return errors + fixture_problems(self.state(), self.generation)

    # -- the simulator's interface -------------------------------------------------------------

    def reset(self):
        """The tenant back to the baseline (checked); request log empty, read-only off."""
        self._proxy.reset()
        self.restore()

    def fault(self, *args, **kwargs):  # pylint: disable=unused-argument
        raise RealServerError("fault injection needs the simulator: mark the test simulator_only")

    def clear_faults(self):
        """Nothing to clear: a real server never has injected faults."""
