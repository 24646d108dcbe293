"""Start, drive and stop the confd simulator (tests/confd_simulator) from tests.

Standard library only, so it works in every venv that runs tests: the functional suite
(tests/functional/conftest.py, plain pytest), the contract replay (tests/contract) and the unit
tests run by ``ansible-test units`` (tests/unit/conftest.py).

    from tests.sim_fixture import Simulator               # plain pytest, repository root on sys.path
    from ansible_collections.wazo.confd.tests.sim_fixture import Simulator   # under ansible-test

    with Simulator("legacy") as sim:
        sim.confd_url       # http://127.0.0.1:PORT/1.1
        sim.api("GET", "/infos")
        sim.writes()        # non-GET requests the simulator received on /1.1

The simulator is started as ``python -m tests.confd_simulator --host H --port P --generation G``
with the collection root as working directory; it prints its base URL on one line when it is ready.
Without a port, ``--port 0`` lets the simulator bind a free port itself (no race between workers);
the port is then read from the printed URL.
"""

import atexit
import ctypes
import json
import os
import queue
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIMULATOR_PACKAGE = os.path.join(COLLECTION_ROOT, "tests", "confd_simulator")

GENERATIONS = ("current", "legacy")
TOKEN = "00000000-0000-4000-9000-0000000000ad"
TENANT = "a0000000-0000-4000-8000-000000000002"
TENANT_SLUG = "acme"
USERNAME = "admin"
PASSWORD = "admin-secret"

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
START_TIMEOUT = float(os.environ.get("CONFD_SIM_START_TIMEOUT", "60"))


_RUNNING = set()


def _stop_all():
    for simulator in list(_RUNNING):
        simulator.stop()


atexit.register(_stop_all)


def _die_with_parent():
    """In the child, before exec: get SIGTERM when the process that started it dies (Linux), so a test
    process that is killed (timeout, worker crash) leaves no simulator behind."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class SimulatorError(Exception):
    """The simulator could not be started or answered its control API unexpectedly."""


def deselect_by_generation(config, items, param="generation", wanted=GENERATIONS):
    """pytest_collection_modifyitems helper: drop the items whose ``param`` (a generation) is not one
    of the names of their ``@pytest.mark.generation(...)`` marker, or not one of ``wanted``."""
    kept, deselected = [], []
    for item in items:
        marker = item.get_closest_marker("generation")
        params = getattr(getattr(item, "callspec", None), "params", {})
        if param in params and (params[param] not in wanted or (marker and params[param] not in marker.args)):
            deselected.append(item)
        else:
            kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


class Simulator:
    """One simulator process of one generation, with helpers for its control API."""

    def __init__(self, generation, host="127.0.0.1", port=None, tls_cert=None, tls_key=None,
                 python=None, root=COLLECTION_ROOT, start_timeout=START_TIMEOUT):
        if generation not in GENERATIONS:
            raise ValueError("generation must be one of %s, not %r" % (", ".join(GENERATIONS), generation))
        self.generation = generation
        self.host = host
        self.port = port
        self.tls_cert = tls_cert
        self.tls_key = tls_key
        self.python = python or sys.executable
        self.root = root
        self.start_timeout = start_timeout
        self.token = TOKEN
        self.tenant = TENANT
        self.tenant_slug = TENANT_SLUG
        self.username = USERNAME
        self.password = PASSWORD
        self.url = None
        self._owner = None
        self._process = None
        self._stderr = None
        self._lines = None

    # -- process ---------------------------------------------------------------------------

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def running(self):
        if self._process is None:
            return False
        if os.getpid() == self._owner:
            return self._process.poll() is None
        # a forked test process (ansible-test units runs each test in a fork) cannot wait for its
        # parent's child: the simulator is alive when it accepts connections
        try:
            with socket.create_connection((self.host, self.port), timeout=2):
                return True
        except OSError:
            return False

    def start(self):
        if self.running:
            return self
        if not os.path.isfile(os.path.join(self.root, "tests", "confd_simulator", "__main__.py")):
            raise SimulatorError("the confd simulator is missing: no tests/confd_simulator/__main__.py under %s" % self.root)
        try:
            self._start_once(self.port or 0)
        except SimulatorError:
            self.stop()
            raise
        return self

    def _command(self, port):
        command = [self.python, "-m", "tests.confd_simulator", "--host", self.host, "--port", str(port),
                   "--generation", self.generation]
        if self.tls_cert:
            command += ["--tls-cert", self.tls_cert, "--tls-key", self.tls_key]
        return command

    def _start_once(self, port):
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1")
        self._stderr = tempfile.TemporaryFile(mode="w+", prefix="confd-sim-stderr-")
        self._process = subprocess.Popen(  # pylint: disable=consider-using-with  # stopped by stop()
            self._command(port), cwd=self.root, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=self._stderr, universal_newlines=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        self._owner = os.getpid()
        _RUNNING.add(self)
        self._lines = queue.Queue()
        reader = threading.Thread(target=self._read_stdout, args=(self._process.stdout, self._lines), daemon=True)
        reader.start()
        deadline = time.monotonic() + self.start_timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SimulatorError("the %s simulator printed no base URL within %ss%s"
                                     % (self.generation, self.start_timeout, self._stderr_tail()))
            try:
                line = self._lines.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                continue
            if line is None:
                raise SimulatorError("the %s simulator exited with status %s before it was ready%s"
                                     % (self.generation, self._process.wait(), self._stderr_tail()))
            line = line.strip()
            if line.startswith(("http://", "https://")):
                self.url = line.rstrip("/")
                self.port = urllib.parse.urlsplit(self.url).port or port
                return

    @staticmethod
    def _read_stdout(stream, lines):
        # keeps draining stdout for the whole life of the process, so it never blocks on a full pipe
        for line in stream:
            lines.put(line)
        lines.put(None)

    def _stderr_tail(self, size=4000):
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        text = self._stderr.read()[-size:]
        return (":\n" + text) if text.strip() else " (nothing on stderr)"

    def stop(self):
        """Stop the simulator; in a process forked from the one that started it, only forget it."""
        _RUNNING.discard(self)
        process, self._process = self._process, None
        if os.getpid() != self._owner:
            return
        if process is not None:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            if process.stdout:
                process.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    # -- URLs ------------------------------------------------------------------------------

    @property
    def confd_url(self):
        return self.url + "/1.1"

    @property
    def auth_url(self):
        return self.url + "/0.1"

    def connection_vars(self):
        """Options/extra vars a module or playbook needs to talk to this simulator."""
        return {
            "wazo_confd_url": self.confd_url,
            "wazo_auth_url": self.auth_url,
            "wazo_token": self.token,
            "wazo_tenant": self.tenant,
            "api_generation": self.generation,
            "validate_certs": not self.tls_cert,
        }

    # -- HTTP ------------------------------------------------------------------------------

    def http(self, method, path, body=None, headers=None, timeout=30):
        """One request to ``url + path``; returns (status, parsed JSON body or text or None)."""
        if not self.url:
            raise SimulatorError("the simulator is not started")
        data = None
        all_headers = {"Accept": "application/json"}
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=all_headers)
        context = ssl._create_unverified_context() if self.url.startswith("https") else None  # pylint: disable=protected-access
        try:
            with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
                return response.status, self._decode(response.read(), response.headers.get("Content-Type", ""))
        except urllib.error.HTTPError as error:
            with error:
                return error.code, self._decode(error.read(), error.headers.get("Content-Type", ""))

    @staticmethod
    def _decode(raw, content_type):
        if not raw:
            return None
        text = raw.decode("utf-8", "replace")
        if "json" in content_type:
            return json.loads(text)
        return text

    def api(self, method, path, body=None, headers=None, token=None):
        """A confd request (path relative to /1.1) with the seeded token; returns (status, body)."""
        all_headers = {"X-Auth-Token": token or self.token}
        all_headers.update(headers or {})
        return self.http(method, "/1.1" + path, body=body, headers=all_headers)

    def _control(self, method, path, body=None, expect=(200, 201, 204)):
        status, answer = self.http(method, "/__sim__" + path, body=body)
        if status not in expect:
            raise SimulatorError("%s /__sim__%s answered %s: %r" % (method, path, status, answer))
        return answer

    # -- control API (see /__sim__ in the simulator) ------------------------------------------

    def reset(self):
        """State back to the seed; request log, faults and read-only mode cleared."""
        self._control("POST", "/reset")

    def requests(self):
        """Every confd/auth request since the last clear: [{method, path, query, status, body}]."""
        return self._control("GET", "/requests")

    def clear_requests(self):
        self._control("DELETE", "/requests")

    def writes(self):
        """The logged non-GET requests to confd (/1.1): what changed or tried to change the server."""
        return [entry for entry in self.requests()
                if entry["method"] in WRITE_METHODS and entry["path"].startswith("/1.1")]

    def readonly(self, on=True):
        """While on, every confd write is answered 418 and counted (see readonly_status)."""
        self._control("POST", "/readonly", {"enabled": bool(on)})

    def readonly_status(self):
        """{"enabled": bool, "refused": number of refused writes}."""
        return self._control("GET", "/readonly")

    def fault(self, method="*", path=".*", nth=1, status=None, body=None, delay=0.0, drop=False, times=1):
        """Inject a fault on the nth request matching method and path regex; returns its id."""
        spec = {"method": method, "path": path, "nth": nth, "delay": delay, "drop": drop, "times": times}
        if status is not None:
            spec["status"] = status
        if body is not None:
            spec["body"] = body
        return self._control("POST", "/faults", spec)["id"]

    def add_meetme(self, room_id, name):
        """A legacy meetme room, as the web interface makes it (confd has no API for them)."""
        self._control("POST", "/meetmes", {"id": room_id, "name": name})

    def clear_faults(self):
        self._control("DELETE", "/faults")

    def state(self):
        """Every tenant-visible object, keyed by collection, rendered as confd renders them."""
        return self._control("GET", "/state")
