"""Functional test harness: real ``ansible-playbook`` runs against the confd simulator.

Fixtures
  generation   "current" or "legacy"; every test that uses ``sim`` runs once per generation.
               ``@pytest.mark.generation("legacy")`` keeps a test to the named generation(s);
               ``--generations current`` (pytest option) runs only the named generation(s).
  sim          the simulator of that generation (tests/sim_fixture.py ``Simulator``), started once per
               session (per xdist worker) and reset before every test: seed state, empty request
               log, no faults, read-only off. url, confd_url, auth_url, token, tenant, api(),
               reset(), requests(), clear_requests(), writes(), readonly(on), readonly_status(),
               fault(**kw), clear_faults(), state().
  ansible      an ``AnsibleRunner``: run_playbook(playbook, extra_vars=None, check=False, diff=False,
               verbosity=0, env=None, expect_rc=None) and run_tasks(tasks, ...), returning a
               ``PlaybookResult`` (rc, stdout, stderr, tasks, stats, changed_tasks, failed_tasks, task(name)).
  run_playbook shortcut for ``ansible.run_playbook``.

Against real servers (``--target real`` or WAZO_TEST_TARGET=real; ``make test-real``), ``sim`` is a
tests/real_server.py ``RealServer`` of that generation instead: the same interface but fault() and
clear_faults() (it has no faults), a recording proxy of ours in front of the real confd and wazo-auth for the
request log and the read-only switch, reset() putting the tenant back to the fixture (checked). Only the
generations whose server answers run (each is reported in a banner, NOT RUN loudly); the tests marked
``simulator_only`` and those that use no server are deselected; the tests of one generation stay on one
pytest-xdist worker, the server's tenant being shared. WAZO_REAL_* variables: see
tests/real_server.py and the README.

Playbooks run with the ansible-playbook of the venv running pytest, on localhost with the local
connection and that venv's Python as interpreter, with this repository as the wazo.confd collection.
Extra vars and environment give them the simulator's connection: wazo_confd_url, wazo_auth_url,
wazo_token, wazo_tenant, api_generation (and WAZO_CONFD_URL, WAZO_AUTH_URL, WAZO_TOKEN, WAZO_TENANT,
WAZO_API_GENERATION; pass ``env={"WAZO_TOKEN": None}`` to unset one, ``connection_env=False`` for none;
``connection_extra_vars=False`` leaves them out of the extra vars).
"""

import json
import os
import re
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.sim_fixture import GENERATIONS, Simulator, deselect_by_generation  # noqa: E402  pylint: disable=wrong-import-position
from tests import real_server  # noqa: E402  pylint: disable=wrong-import-position

CALLBACK_DIR = os.path.join(ROOT, "tests", "functional", "callback_plugins")
BIN_DIR = os.path.dirname(sys.executable)
PLAYBOOK_TIMEOUT = int(os.environ.get("WAZO_TEST_PLAYBOOK_TIMEOUT", "600"))
CONNECTION_ENV = {
    "wazo_confd_url": "WAZO_CONFD_URL",
    "wazo_auth_url": "WAZO_AUTH_URL",
    "wazo_token": "WAZO_TOKEN",
    "wazo_tenant": "WAZO_TENANT",
    "api_generation": "WAZO_API_GENERATION",
}
MODULE_DEFAULTS = {name: "{{ %s }}" % name for name in CONNECTION_ENV}


def pytest_addoption(parser):
    parser.addoption("--generations", default=",".join(GENERATIONS),
                     help="comma-separated API generations to test (default: %(default)s)")
    parser.addoption("--target", choices=("simulator", "real"), default=os.environ.get("WAZO_TEST_TARGET") or "simulator",
                     help="the servers the tests run against: the confd simulator, or the real servers the "
                          "WAZO_REAL_* variables give (default: WAZO_TEST_TARGET, else simulator)")


REAL_RUN_ENV = "WAZO_REAL__GENERATIONS"  # the generations the controller found up, handed to pytest-xdist workers
REAL_PROBES = pytest.StashKey()


def real_target(config):
    return config.getoption("--target") == "real"


def _probe_real_servers(config):
    """Which generations have a real server (controller only; its workers inherit the answer); exits when none."""
    wanted = [name.strip() for name in config.getoption("--generations").split(",") if name.strip()]
    probes = [real_server.probe(name) for name in GENERATIONS if name in wanted]
    cleanup = os.environ.get("WAZO_REAL_CLEANUP", "").lower() in ("1", "true", "yes")
    dirty = []
    for found in probes:
        if found["ok"]:
            server = real_server.RealServer.from_environment(found["generation"])
            try:
                problems = server.clean_leftovers() if cleanup else real_server.fixture_problems(
                    server.state(), found["generation"])
            except (OSError, real_server.RealServerError) as error:
                problems = ["could not read the tenant: %s" % error]
            if problems:
                dirty.append("%s (%s): the tenant is not the fixture the tests assume:\n    %s" % (
                    found["generation"], found["confd_url"], "\n    ".join(problems)))
    config.stash[REAL_PROBES] = probes
    if dirty:
        raise pytest.UsageError("\n".join(dirty) + "\n(a run that was interrupted? WAZO_REAL_CLEANUP=1 deletes what "
                                "is not the fixture's; it deletes every trunk, outcall, incall, SIP endpoint... of "
                                "the tenant)")
    if not any(found["ok"] for found in probes):
        raise pytest.UsageError("no real server to test:\n" + "\n".join(real_banner(probes)))
    os.environ[REAL_RUN_ENV] = ",".join(found["generation"] for found in probes if found["ok"])


def real_banner(probes):
    lines = []
    for found in probes:
        if found["ok"]:
            lines.append("%s: RUN against %s (wazo %s), auth %s" % (
                found["generation"], found["confd_url"], found["version"], found["auth_url"]))
        else:
            lines.append("%s: NOT RUN (%s)" % (found["generation"], found["reason"]))
    return lines


def pytest_report_header(config):
    if real_target(config) and REAL_PROBES in config.stash:
        return ["real servers:"] + ["  " + line for line in real_banner(config.stash[REAL_PROBES])]
    return None


def pytest_configure(config):
    config.addinivalue_line("markers", "generation(*names): run the test only for these API generations")
    config.addinivalue_line("markers", "fault_matrix: the heavy fault matrix (the Makefile runs it on the newest ansible-core)")
    config.addinivalue_line("markers", "newest_only: exercises the collection's HTTP client, the simulator or the "
                                       "harness, nothing that differs between ansible-core versions (the Makefile "
                                       "runs it on the newest ansible-core only)")
    config.addinivalue_line("markers", "simulator_only: needs the simulator's own controls (faults) or a simulator of "
                                       "its own; deselected against real servers (--target real)")
    if real_target(config) and not hasattr(config, "workerinput"):
        _probe_real_servers(config)


def pytest_terminal_summary(terminalreporter):
    config = terminalreporter.config
    if real_target(config) and REAL_PROBES in config.stash:
        terminalreporter.write_sep("=", "real servers")
        for line in real_banner(config.stash[REAL_PROBES]):
            if "NOT RUN" in line:
                terminalreporter.write_sep("!", line, red=True, bold=True)
            else:
                terminalreporter.write_line(line, green=True, bold=True)
    # test_fault_matrix.py attaches its outcomes to its reports (also from xdist workers): one table at the end
    rows = [row for key in ("passed", "failed") for report in terminalreporter.stats.get(key, [])
            if getattr(report, "when", None) == "call"
            for name, value in getattr(report, "user_properties", ()) if name == "fault_matrix" for row in value]
    if rows:
        from reliability import render_fault_matrix  # pylint: disable=import-outside-toplevel
        terminalreporter.write_sep("=", "fault matrix")
        terminalreporter.write_line(render_fault_matrix(rows))


def pytest_collection_modifyitems(config, items):
    wanted = [name.strip() for name in config.getoption("--generations").split(",") if name.strip()]
    if not wanted or set(wanted) - set(GENERATIONS):
        raise pytest.UsageError("--generations: a comma-separated list of %s" % ", ".join(GENERATIONS))
    if real_target(config):
        running = os.environ.get(REAL_RUN_ENV, "").split(",")
        wanted = [name for name in wanted if name in running]
    deselect_by_generation(config, items, wanted=wanted)
    if real_target(config):
        # simulator-only tests, and tests that talk to no server (they run in make functional)
        deselected = [item for item in items
                      if item.get_closest_marker("simulator_only") or "sim" not in item.fixturenames]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = [item for item in items if item not in deselected]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Against real servers, all the tests of a generation on one pytest-xdist worker: they share its tenant.
    (Not --dist loadgroup with xdist_group markers: pytest-xdist 3.8 renames item._nodeid, which pytest 9 no
    longer reads, so its groups are ignored.)"""
    if not real_target(config):
        return None
    from xdist.scheduler import LoadScopeScheduling  # pylint: disable=import-outside-toplevel

    class ByGeneration(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            params = re.split(r"[\[\]-]", nodeid.rsplit("::", 1)[-1])
            return next((name for name in GENERATIONS if name in params), "no generation")

    return ByGeneration(config, log)


# -- simulator ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def _simulators():
    started = {}
    yield started
    for simulator in started.values():
        simulator.stop()


@pytest.fixture(scope="session", params=GENERATIONS)
def generation(request):
    return request.param


@pytest.fixture
def sim(generation, _simulators, request):  # pylint: disable=redefined-outer-name
    if real_target(request.config):
        return _real_server(generation, _simulators)
    simulator = _simulators.get(generation)
    if simulator is None or not simulator.running:
        simulator = _simulators[generation] = Simulator(generation).start()
    return simulator


_REAL_FAILURES = {}


def _real_server(generation, started):
    """The real server of ``generation`` behind its proxy, started once per session (per xdist worker)."""
    if generation in _REAL_FAILURES:
        pytest.fail("the %s real server could not be used: %s" % (generation, _REAL_FAILURES[generation]), pytrace=False)
    server = started.get(generation)
    if server is None:
        try:
            server = started[generation] = real_server.RealServer.from_environment(generation).start()
        except (OSError, real_server.RealServerError) as error:
            _REAL_FAILURES[generation] = error
            raise
    return server


@pytest.fixture(autouse=True)
def _fresh_simulator(request):
    # only for tests that use the simulator, each starts from the seed with an empty request log
    if "sim" in request.fixturenames:
        request.getfixturevalue("sim").reset()


# -- ansible-playbook --------------------------------------------------------------------------

class TaskRecord(dict):
    """One task result recorded by callback_plugins/record_tasks.py; keys readable as attributes:
    name, action, host, play, status, changed, failed, skipped, ignore_errors, msg, diff, warnings, result."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None


class PlaybookResult:
    def __init__(self, command, rc, stdout, stderr, records):
        self.command = command
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.tasks = [TaskRecord(record) for record in records if record.get("event") == "task"]
        stats = [record["hosts"] for record in records if record.get("event") == "stats"]
        self.stats = stats[-1] if stats else {}

    @property
    def changed_tasks(self):
        return [task for task in self.tasks if task.changed]

    @property
    def failed_tasks(self):
        return [task for task in self.tasks if task.failed and not task.ignore_errors]

    @property
    def changed(self):
        return len(self.changed_tasks)

    @property
    def failed(self):
        return len(self.failed_tasks)

    def task(self, name):
        """The (last) recorded result of the task called ``name``."""
        found = [task for task in self.tasks if task.name == name]
        if not found:
            raise KeyError("no task %r recorded; recorded: %s" % (name, [task.name for task in self.tasks]))
        return found[-1]

    def output(self):
        return "$ %s\nrc=%s\n--- stdout\n%s\n--- stderr\n%s" % (" ".join(self.command), self.rc, self.stdout, self.stderr)

    def __repr__(self):
        return "<PlaybookResult rc=%s tasks=%d changed=%d failed=%d>" % (self.rc, len(self.tasks), self.changed, self.failed)


class AnsibleRunner:
    def __init__(self, simulator, workdir, collections_path):
        self.sim = simulator
        self.workdir = str(workdir)
        self.collections_path = collections_path
        self._runs = 0

    def connection_vars(self):
        return {name: self.sim.connection_vars()[name] for name in CONNECTION_ENV}

    def _write(self, name, text):
        path = os.path.join(self.workdir, name)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path

    def _playbook_path(self, playbook):
        if isinstance(playbook, (list, dict)):
            return self._write("playbook-%d.yml" % self._runs, yaml.safe_dump(playbook, sort_keys=False))
        if "\n" not in playbook and playbook.endswith((".yml", ".yaml")):
            path = playbook if os.path.isabs(playbook) else os.path.join(ROOT, playbook)
            if not os.path.isfile(path):
                raise FileNotFoundError(path)
            return path
        return self._write("playbook-%d.yml" % self._runs, playbook)

    def _environment(self, record, env, connection_env):
        environment = {key: value for key, value in os.environ.items() if not key.startswith(("WAZO_", "ANSIBLE_"))}
        environment.update({
            "ANSIBLE_CONFIG": self._write("ansible.cfg", "[defaults]\n"),
            "ANSIBLE_HOME": os.path.join(self.workdir, "ansible-home"),
            "ANSIBLE_LOCAL_TEMP": os.path.join(self.workdir, "ansible-tmp"),
            "ANSIBLE_COLLECTIONS_PATH": self.collections_path,
            "ANSIBLE_CALLBACK_PLUGINS": CALLBACK_DIR,
            "ANSIBLE_CALLBACKS_ENABLED": "record_tasks",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_PIPELINING": "1",
            "PATH": BIN_DIR + os.pathsep + os.environ.get("PATH", ""),
            "WAZO_TEST_RECORD": record,
        })
        if connection_env:
            for name, value in self.connection_vars().items():
                environment[CONNECTION_ENV[name]] = str(value)
        for key, value in (env or {}).items():
            if value is None:
                environment.pop(key, None)
            else:
                environment[key] = str(value)
        return environment

    def run_playbook(self, playbook, extra_vars=None, check=False, diff=False, verbosity=0, env=None,
                     expect_rc=None, connection_env=True, args=(), timeout=None, connection_extra_vars=True):
        """Run ``playbook`` (YAML text, a list of plays, or a path relative to the repository root);
        ``timeout`` (seconds) for long batches, else WAZO_TEST_PLAYBOOK_TIMEOUT; ``connection_extra_vars=False``
        leaves the connection out of the extra vars (for a playbook that passes such variables to its modules, so
        that the environment alone connects it)."""
        self._runs += 1
        record = os.path.join(self.workdir, "record-%d.jsonl" % self._runs)
        inventory = self._write("inventory.ini", "localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
        variables = dict(self.connection_vars() if connection_extra_vars else {}, wazo_sim_url=self.sim.url)
        variables.update(extra_vars or {})
        command = [os.path.join(BIN_DIR, "ansible-playbook"), "-i", inventory,
                   "-e", "@" + self._write("extra-vars-%d.json" % self._runs, json.dumps(variables))]
        command += ["--check"] if check else []
        command += ["--diff"] if diff else []
        command += ["-" + "v" * verbosity] if verbosity else []
        command += list(args) + [self._playbook_path(playbook)]
        completed = subprocess.run(command, cwd=self.workdir, env=self._environment(record, env, connection_env),
                                   stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                   timeout=timeout or PLAYBOOK_TIMEOUT, check=False)
        records = []
        if os.path.exists(record):
            with open(record, encoding="utf-8") as handle:
                records = [json.loads(line) for line in handle if line.strip()]
        result = PlaybookResult(command, completed.returncode, completed.stdout, completed.stderr, records)
        if expect_rc is not None and result.rc != expect_rc:
            raise AssertionError("ansible-playbook exited %s, expected %s\n%s" % (result.rc, expect_rc, result.output()))
        return result

    def run_tasks(self, tasks, module_defaults=True, play_vars=None, **kwargs):
        """Run ``tasks`` in one play on localhost, with the simulator connection as module_defaults
        of the group/wazo.confd.wazo action group (unless module_defaults=False)."""
        play = {"name": "functional test", "hosts": "localhost", "gather_facts": False}
        if module_defaults:
            play["module_defaults"] = {"group/wazo.confd.wazo": dict(MODULE_DEFAULTS)}
        if play_vars:
            play["vars"] = play_vars
        play["tasks"] = tasks
        return self.run_playbook([play], **kwargs)


@pytest.fixture(scope="session")
def collections_path(tmp_path_factory):
    """A collections path whose ansible_collections/wazo/confd is this repository (a symlink)."""
    base = tmp_path_factory.mktemp("collections")
    namespace = base / "ansible_collections" / "wazo"
    namespace.mkdir(parents=True)
    (namespace / "confd").symlink_to(ROOT, target_is_directory=True)
    return str(base)


@pytest.fixture
def ansible(sim, tmp_path, collections_path):  # pylint: disable=redefined-outer-name
    return AnsibleRunner(sim, tmp_path, collections_path)


@pytest.fixture
def run_playbook(ansible):  # pylint: disable=redefined-outer-name
    return ansible.run_playbook
