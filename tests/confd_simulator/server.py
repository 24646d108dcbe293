"""HTTP front of the simulator: confd (/1.1), wazo-auth (/0.1) and the /__sim__ control API."""

import json
import logging
import re
import socket
import ssl
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import resources  # noqa: F401  pylint: disable=unused-import  # registers every route
from . import seed
from .core import HTML_404, JSON_FORCED, NO_BODY, ApiError, Headers, HtmlNotFound, Reply, Request, State, find_route
from .resources import auth

_METHOD_NOT_ALLOWED = {"message": "The method is not allowed for the requested URL."}
_WRITES = {"POST", "PUT", "DELETE", "PATCH"}
LOG = logging.getLogger(__name__)


class Fault:
    def __init__(self, fault_id, spec):
        self.id = fault_id
        self.method = str(spec.get("method", "*")).upper()
        self.path = re.compile(str(spec.get("path", ".*")))
        self.nth = int(spec.get("nth", 1))
        self.times = int(spec.get("times", 1))
        self.status = int(spec.get("status", 503))
        self.body = spec.get("body")
        self.delay = float(spec.get("delay") or 0.0)
        self.drop = bool(spec.get("drop", False))
        # A delay alone lets the request through afterwards; with a status (or body) it answers that.
        self.answers = not self.drop and ("status" in spec or "body" in spec or not self.delay)
        self.seen = 0

    def hit(self, method, target):
        """Count a matching request; True when this one is affected."""
        if self.method not in ("*", method) or not self.path.search(target):
            return False
        self.seen += 1
        return self.nth <= self.seen < self.nth + self.times


class Simulator:
    """Shared server state: the confd state plus the control-API bookkeeping."""

    def __init__(self, generation):
        self.state = State(generation, seed.seed)
        self.control_lock = threading.Lock()
        self.requests_log = []
        self.faults = []
        self.fault_ids = 0
        self.readonly = False
        self.refused = 0
        self.scheme = "http"
        self.public_url = None  # fixed base of links (see build_server), else taken from each request

    def reset(self):
        with self.state.lock, self.control_lock:
            self.state.reset()
            self.requests_log = []
            self.faults = []
            self.readonly = False
            self.refused = 0

    def pick_fault(self, method, target):
        with self.control_lock:
            chosen = None
            for fault in self.faults:
                if fault.hit(method, target) and chosen is None:
                    chosen = fault
            return chosen

    def log(self, method, path, query, status, body):
        with self.control_lock:
            self.requests_log.append({"method": method, "path": path, "query": query, "status": status,
                                      "body": None if body is NO_BODY else body})

    # ---------------------------------------------------------------- confd

    def confd(self, method, path, query, headers, body, base_url):
        generation = self.state.generation
        lookup = "GET" if method == "HEAD" else method
        try:
            matched, params, allowed = find_route(generation, lookup, path)
        except HtmlNotFound:
            return Reply(404, HTML_404[generation])
        if matched is None:
            if method == "OPTIONS":
                return Reply(200, None, {"Allow": ", ".join(sorted(allowed | {"OPTIONS"}))})
            return Reply(405, _METHOD_NOT_ALLOWED, {"Allow": ", ".join(sorted(allowed))})
        req = Request(self.state, lookup, path, urllib.parse.parse_qsl(query, keep_blank_values=True),
                      body, Headers(headers.items()), base_url)
        req.params = params
        try:
            if not getattr(matched.handler, "public", False):
                req.tenant = auth.verify_confd_access(self.state, lookup, path, req.headers)
            result = matched.handler(req)
        except ApiError as error:
            return Reply(error.status, error.messages if error.body is None else error.body)
        except HtmlNotFound:
            return Reply(404, HTML_404[generation])
        except Exception as error:  # pylint: disable=broad-except  # confd answers 500 on any crash
            LOG.exception("unexpected error on %s %s", method, path)
            return Reply(500, ["Unexpected error: %s" % error])
        status, payload = result[0], result[1]
        extra = result[2] if len(result) > 2 else {}
        reply = Reply(status, payload, extra)
        if status == 201 and isinstance(payload, dict) and payload.get("links") and "Location" not in extra:
            reply.headers["Location"] = payload["links"][0]["href"]
        return reply

    # ---------------------------------------------------------------- control API

    def control(self, method, path, body, base_url):
        action = path[len("/__sim__"):].strip("/")
        body = body if isinstance(body, dict) else {}
        if action == "requests" and method == "GET":
            with self.control_lock:
                return Reply(200, list(self.requests_log))
        if action == "requests" and method == "DELETE":
            with self.control_lock:
                self.requests_log = []
            return Reply(204)
        if action == "faults" and method == "POST":
            with self.control_lock:
                try:
                    fault = Fault(self.fault_ids + 1, body)
                except (TypeError, ValueError, re.error) as error:
                    return Reply(400, ["Invalid fault: %s" % error])
                self.fault_ids += 1
                self.faults.append(fault)
                return Reply(201, {"id": fault.id})
        if action == "faults" and method == "DELETE":
            with self.control_lock:
                self.faults = []
            return Reply(204)
        if action == "readonly" and method == "POST":
            with self.control_lock:
                self.readonly = bool(body.get("enabled"))
            return Reply(204)
        if action == "readonly" and method == "GET":
            with self.control_lock:
                return Reply(200, {"enabled": self.readonly, "refused": self.refused})
        if action == "meetmes" and method == "POST":
            # a legacy meetme room, as the web interface makes it (confd has no API for them)
            if not isinstance(body.get("id"), int) or not isinstance(body.get("name"), str):
                return Reply(400, ["A meetme room needs an integer id and a name"])
            with self.state.lock:
                self.state.tables["meetmes"][body["id"]] = {"id": body["id"], "name": body["name"]}
            return Reply(204)
        if action == "reset" and method == "POST":
            self.reset()
            return Reply(204)
        if action == "state" and method == "GET":
            with self.state.lock:
                return Reply(200, self.dump_state(base_url))
        return Reply(404, ["Unknown simulator control %s %s" % (method, path)])

    def dump_state(self, base_url):
        """Every tenant-visible collection rendered as its GET list answers, sorted by id/uuid."""
        dump = {}
        for name, path in _STATE_COLLECTIONS:
            try:
                matched, params = find_route(self.state.generation, "GET", path)[:2]
            except HtmlNotFound:
                continue
            if matched is None:
                continue
            req = Request(self.state, "GET", path, [], NO_BODY, Headers(), base_url)
            req.params = params
            try:
                items = matched.handler(req)[1]["items"]
            except ApiError:
                continue
            dump[name] = sorted(items, key=lambda item: (str(item.get("id", "")).zfill(12), str(item.get("uuid", ""))))
        return dump


_STATE_COLLECTIONS = (
    ("trunks", "/trunks"), ("endpoints_sip", "/endpoints/sip"), ("sip_templates", "/endpoints/sip/templates"),
    ("sip_transports", "/sip/transports"), ("registers_sip", "/registers/sip"), ("outcalls", "/outcalls"),
    ("incalls", "/incalls"), ("extensions", "/extensions"), ("contexts", "/contexts"), ("users", "/users"),
    ("groups", "/groups"), ("voicemails", "/voicemails"), ("queues", "/queues"), ("ivr", "/ivr"),
    ("conferences", "/conferences"), ("switchboards", "/switchboards"), ("moh", "/moh"),
)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "confd-simulator"

    def setup(self):
        super().setup()
        # Headers and body go out in two writes: without TCP_NODELAY, delayed ACKs add ~40 ms per response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin  # keep stderr quiet
        return

    def _read_body(self):
        size = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(size) if size else b""
        if not raw.strip():
            return NO_BODY, False
        content_type = self.headers.get("Content-Type", "")
        try:
            parsed = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return NO_BODY, True
        if not JSON_FORCED[self.server.simulator.state.generation] and "json" not in content_type:
            return NO_BODY, False
        return parsed, False

    def _send(self, reply, head_only=False):
        headers, payload = reply.encode(head_only)
        self.send_response(reply.status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    def _dispatch(self):
        simulator = self.server.simulator
        split = urllib.parse.urlsplit(self.path)
        path, query, method = urllib.parse.unquote(split.path), split.query, self.command
        body, malformed = self._read_body()
        if path.startswith("/__sim__"):
            self._send(simulator.control(method, path, body, simulator.public_url or self._request_base_url(simulator)))
            return
        fault = simulator.pick_fault(method, path + ("?" + query if query else ""))
        if fault and fault.delay:
            time.sleep(fault.delay)
        if fault and fault.drop:
            simulator.log(method, path, query, 0, body)
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if fault and fault.answers:
            body_allowed = fault.status not in (204, 304)
            reply = Reply(fault.status, (fault.body if fault.body is not None else ["Simulated fault"]) if body_allowed else None)
        elif path.startswith("/1.1/") and method in _WRITES and simulator.readonly:
            with simulator.control_lock:
                simulator.refused += 1
            reply = Reply(418, ["Simulator is read-only"])
        else:
            reply = self._handle(simulator, method, path, query, body, malformed)
        simulator.log(method, path, query, reply.status, body)
        self._send(reply, head_only=method == "HEAD")

    def _handle(self, simulator, method, path, query, body, malformed):
        base_url = simulator.public_url or self._request_base_url(simulator)
        headers = dict(self.headers.items())
        with simulator.state.lock:
            if path.startswith("/0.1/"):
                return auth.handle_auth(simulator.state, method, path[len("/0.1"):], query, Headers(headers.items()), body)
            if path.startswith("/1.1/"):
                if malformed and method in _WRITES:
                    return Reply(400, ["The browser (or proxy) sent a request that this server could not understand."])
                return simulator.confd(method, path[len("/1.1"):], query, headers, body, base_url)
        return Reply(404, HTML_404[simulator.state.generation])

    def _request_base_url(self, simulator):
        """Like confd behind nginx: Host, X-Forwarded-Proto and X-Script-Name shape links and Location."""
        host = self.headers.get("Host") or "%s:%s" % self.server.server_address[:2]
        scheme = self.headers.get("X-Forwarded-Proto") or simulator.scheme
        return "%s://%s%s" % (scheme, host, (self.headers.get("X-Script-Name") or "").rstrip("/"))

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _dispatch


class SimulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, simulator):
        super().__init__(address, Handler)
        self.simulator = simulator


# Where the recorded rigs' confd listened.  The transcripts embed it in hrefs that hold a created uuid
# (compared exactly), so by default links and Location carry it whatever port the simulator uses.
RIG_URLS = {"current": "http://127.0.0.1:9486", "legacy": "http://127.0.0.1:19486"}


def build_server(host, port, generation, tls_cert=None, tls_key=None, public_url=None):
    """public_url: base of links/Location; None = the recorded rig's, "auto" = from each request's Host."""
    simulator = Simulator(generation)
    public_url = public_url or RIG_URLS[generation]
    simulator.public_url = None if public_url == "auto" else public_url.rstrip("/")
    server = SimulatorHTTPServer((host, port), simulator)
    if tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls_cert, tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        simulator.scheme = "https"
    return server


def url_of(server):
    host, port = server.server_address[:2]
    return "%s://%s:%d" % (server.simulator.scheme, host, port)
