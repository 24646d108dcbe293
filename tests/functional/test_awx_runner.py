"""The role run the way AWX runs a job: ansible-runner on an AWX-style private data directory.

AWX (and the automation controller of AAP) writes, for each job, a private data directory that it hands to
ansible-runner in the execution environment:

  env/envvars     the environment: the credential type's injectors rendered with the credential's inputs (here the
                  "Wazo API" type of docs/awx/credential_type.yml, rendered as the controller renders it, see
                  awx_credential.py), and the collections path of the job
  env/extravars   the job template's extra vars: here the providers, one of them with its SIP password
  inventory/hosts the inventory
  project/        the project checkout, with the job template's playbook

ansible-runner runs ansible-playbook with its awx_display callback, which writes every event into
artifacts/<ident>/job_events/; the playbook_on_stats event carries what set_stats published (its artifact_data),
which AWX stores as the job's artifacts and hands to the next nodes of a workflow. The role publishes its plan's
counts there as wazo_confd_plan.

Three jobs, as three launches of one job template: create everything, then nothing to do, then one route changed.
No secret (the credential's password, the provider's password, the session token) may appear in any artifact file.

Not newest_only, so the Makefile runs it on the oldest ansible-core too: the counts reach the stats event's
artifact_data through ansible-core (the role's set_stats and its templating, the stats aggregation, the callback
API that ansible-runner's callback reads), where the collection meets ansible-core; and ansible-core 2.19 changed
templating and the callback's task results.
"""

import copy
import json
import os
import subprocess
import sys

import pytest
import yaml

from awx_credential import render
from tests.sim_fixture import PASSWORD, USERNAME

BIN_DIR = os.path.dirname(sys.executable)
JOB_TIMEOUT = int(os.environ.get("WAZO_TEST_PLAYBOOK_TIMEOUT", "600"))
PROVIDER_PASSWORD = "pw-AwxRunner-51d9"
PLAYBOOK = """---
- name: Interconnect Wazo with the providers of the job's extra vars
  hosts: localhost
  gather_facts: false
  roles:
    - role: wazo.confd.provider_interconnection
"""
PROVIDERS = [{
    "name": "awxvoip",
    "label": "AWX VoIP",
    "host": "sip.awxvoip.example",
    "username": "4185550177",
    "password": PROVIDER_PASSWORD,
    "register": True,
    "outcalls": [{"name": "awxvoip-national", "ring_time": 30,
                  "dial_patterns": [{"pattern": "_NXXNXXXXXX", "prefix": "1"}]}],
    "incalls": [{"did": "5550177", "destination": {"type": "user", "user": "Alice Smoke"}}],
}]
# What the plan counts for them: SIP endpoint, trunk, registration, then each outcall and incall.
RESOURCES = 3 + len(PROVIDERS[0]["outcalls"]) + len(PROVIDERS[0]["incalls"])


class Job:
    """One AWX job: its private data directory, run by ansible-runner, and what its artifacts hold."""

    def __init__(self, base, number, sim, collections_path, providers):
        self.ident = str(number)
        self.private_data_dir = os.path.join(str(base), "job-%d" % number)
        self.artifact_dir = os.path.join(self.private_data_dir, "artifacts", self.ident)
        env_dir = os.path.join(self.private_data_dir, "env")
        for folder in (env_dir, os.path.join(self.private_data_dir, "inventory"),
                       os.path.join(self.private_data_dir, "project")):
            os.makedirs(folder)
        # the controller writes the credential's files (tower.filename) into the job's private data directory
        envvars = render({"wazo_confd_url": sim.confd_url, "wazo_auth_url": sim.auth_url, "wazo_username": USERNAME,
                          "wazo_password": PASSWORD, "wazo_tenant": sim.tenant}, env_dir)
        envvars.update({
            "ANSIBLE_COLLECTIONS_PATH": collections_path,
            # kept inside the job, as in an execution environment's container
            "ANSIBLE_HOME": os.path.join(self.private_data_dir, "ansible-home"),
            "ANSIBLE_LOCAL_TEMP": os.path.join(self.private_data_dir, "ansible-tmp"),
        })
        self._write("env/envvars", yaml.safe_dump(envvars))
        self._write("env/extravars", yaml.safe_dump({"provider_interconnection_providers": providers}))
        self._write("env/settings", yaml.safe_dump({"job_timeout": JOB_TIMEOUT}))
        self._write("inventory/hosts", "localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
        self._write("project/interconnect.yml", PLAYBOOK)
        self._write("project/ansible.cfg", "[defaults]\n")
        self.process = None

    def _write(self, name, text):
        with open(os.path.join(self.private_data_dir, name), "w", encoding="utf-8") as handle:
            handle.write(text)

    def run(self, environ):
        """``ansible-runner run`` on the private data directory, as a process (AWX runs ``ansible-runner worker``
        in the execution environment), in ``environ`` (then the job's env/envvars)."""
        command = [os.path.join(BIN_DIR, "ansible-runner"), "run", self.private_data_dir, "--ident", self.ident,
                   "--playbook", "interconnect.yml", "--quiet"]
        self.process = subprocess.run(command, env=environ, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                      timeout=JOB_TIMEOUT + 60, check=False)
        return self

    def _artifact(self, name):
        try:
            with open(os.path.join(self.artifact_dir, name), encoding="utf-8") as handle:
                return handle.read()
        except FileNotFoundError:
            return None

    @property
    def status(self):
        """artifacts/<ident>/status and rc, what AWX reads as the job's status."""
        return tuple((self._artifact(name) or "").strip() or None for name in ("status", "rc"))

    def stdout(self):
        return self._artifact("stdout") or ""

    def events(self):
        """The job events as AWX receives them: artifacts/<ident>/job_events/<counter>-<uuid>.json."""
        folder = os.path.join(self.artifact_dir, "job_events")
        events = []
        for name in os.listdir(folder):
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                events.append(json.load(handle))
        return sorted(events, key=lambda event: event["counter"])

    def stats_event(self):
        found = [event for event in self.events() if event["event"] == "playbook_on_stats"]
        assert len(found) == 1, [event["event"] for event in self.events()]
        return found[0]["event_data"]

    def artifact_files(self):
        """(name, text) of every file of artifacts/<ident>/. ansible-runner's "command" file also records the
        environment it gave ansible-playbook, which holds the job's env/envvars and so the credential's password
        (AWX keeps that environment with the job and hides the values of secret-looking names when it shows it):
        that part, ansible-runner's and AWX's business, not the collection's, is left out here."""
        for folder, _dirs, names in os.walk(self.artifact_dir):
            for name in names:
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8", errors="replace") as handle:
                    text = handle.read()
                if os.path.relpath(path, self.artifact_dir) == "command":
                    text = json.dumps({key: value for key, value in json.loads(text).items() if key != "env"})
                yield os.path.relpath(path, self.artifact_dir), text

    def explain(self):
        return "ansible-runner rc=%s stderr=%s\n%s" % (self.process.returncode, self.process.stderr[-2000:], self.stdout())


@pytest.fixture
def awx_job(sim, tmp_path, collections_path):
    """Launches jobs: awx_job(providers) -> a Job that ran. The environment of ansible-runner is this process's
    without any WAZO_* or ANSIBLE_* variable, with this venv first in PATH; the job's is that and its env/envvars."""
    environ = {name: value for name, value in os.environ.items() if not name.startswith(("WAZO_", "ANSIBLE_"))}
    environ["PATH"] = BIN_DIR + os.pathsep + os.environ.get("PATH", "")
    launched = []

    def launch(providers):
        launched.append(Job(tmp_path, len(launched) + 1, sim, collections_path, providers).run(environ))
        return launched[-1]
    return launch


def session_tokens(sim):
    return {entry["path"].rsplit("/", 1)[-1] for entry in sim.requests()
            if entry["method"] == "DELETE" and entry["path"].startswith("/0.1/token/")}


def plan(**counts):
    expected = dict(create=0, update=0, delete=0, unchanged=0, unsure=0)
    expected.update(counts)
    expected["changes_planned"] = any(expected[action] for action in ("create", "update", "delete", "unsure"))
    return expected


def launch(sim, awx_job, providers):
    """One job from a fresh request log: the job, what it wrote to confd, the session tokens it used."""
    sim.clear_requests()
    job = awx_job(providers)
    assert job.status == ("successful", "0"), job.explain()
    return job, sim.writes(), session_tokens(sim)


def test_awx_job_publishes_the_plan_counts_in_its_artifacts(sim, awx_job):
    first, writes, tokens = launch(sim, awx_job, PROVIDERS)
    assert first.stats_event()["artifact_data"] == {"wazo_confd_plan": plan(create=RESOURCES)}, first.explain()
    assert writes

    # launched again: nothing to do, nothing written, nothing changed
    again, writes, more = launch(sim, awx_job, PROVIDERS)
    tokens |= more
    assert again.stats_event()["artifact_data"] == {"wazo_confd_plan": plan(unchanged=RESOURCES)}, again.explain()
    assert writes == []
    assert again.stats_event()["changed"].get("localhost", 0) == 0, again.explain()

    # launched with the route's ring time changed in the job template's extra vars
    providers = copy.deepcopy(PROVIDERS)
    providers[0]["outcalls"][0]["ring_time"] = 45
    changed, writes, more = launch(sim, awx_job, providers)
    tokens |= more
    assert changed.stats_event()["artifact_data"] == {
        "wazo_confd_plan": plan(update=1, unchanged=RESOURCES - 1)}, changed.explain()
    assert [(entry["method"], entry["path"].split("/")[2]) for entry in writes] == [("PUT", "outcalls")]
    assert [outcall["ring_time"] for outcall in sim.state()["outcalls"] if outcall["name"] == "awxvoip-national"] == [45]

    # one wazo-auth session per job, revoked at its end; no secret in any job's artifacts, though each job was
    # given the credential's password in env/envvars and the provider's in env/extravars
    assert len(tokens) == 3
    for job in (first, again, changed):
        with open(os.path.join(job.private_data_dir, "env", "envvars"), encoding="utf-8") as handle:
            assert PASSWORD in handle.read()
        with open(os.path.join(job.private_data_dir, "env", "extravars"), encoding="utf-8") as handle:
            assert PROVIDER_PASSWORD in handle.read()
        files = dict(job.artifact_files())
        assert "stdout" in files and any(name.startswith("job_events" + os.sep) for name in files)
        for secret in (PASSWORD, PROVIDER_PASSWORD, *tokens):
            leaks = sorted(name for name, text in files.items() if secret in text)
            assert leaks == [], "job %s: a secret in %s" % (job.ident, leaks)
