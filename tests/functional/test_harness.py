"""Self-test of the functional harness: simulator wiring, ansible-playbook runner, task recording.

Uses only builtin modules, so it proves the harness independently of the collection's modules.
"""

import os

import pytest

# the harness itself, with builtin modules only: nothing of the collection that ansible-core versions could change
pytestmark = pytest.mark.newest_only

INFOS_PLAYBOOK = """
- name: Read the simulator's /infos with the uri module
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Read infos
      ansible.builtin.uri:
        url: "{{ wazo_confd_url }}/infos"
        headers:
          X-Auth-Token: "{{ wazo_token }}"
      register: infos

    - name: A wrong token is refused
      ansible.builtin.uri:
        url: "{{ wazo_confd_url }}/infos"
        headers:
          X-Auth-Token: not-a-token
        status_code: 401
"""

POST_TRUNK_TASK = {
    "name": "Create a trunk",
    "ansible.builtin.uri": {
        "url": "{{ wazo_confd_url }}/trunks",
        "method": "POST",
        "headers": {"X-Auth-Token": "{{ wazo_token }}", "Wazo-Tenant": "{{ wazo_tenant }}"},
        "body_format": "json",
        "body": {},
        "status_code": [201],
    },
    "changed_when": True,
}


def version_tuple(text):
    return tuple(int(part) for part in text.split(".")[:2])


def test_each_test_starts_from_a_reset_simulator(sim):
    assert sim.requests() == []
    assert sim.readonly_status()["enabled"] is False


def test_uri_reads_infos(sim, run_playbook, generation):
    result = run_playbook(INFOS_PLAYBOOK, expect_rc=0)

    infos = result.task("Read infos")
    assert infos.action == "ansible.builtin.uri"
    assert infos.status == "ok" and not infos.changed and not infos.failed
    version = version_tuple(infos.result["json"]["wazo_version"])
    if generation == "legacy":
        assert version <= (20, 12)
    else:
        assert version >= (20, 13)
    assert result.task("A wrong token is refused").status == "ok"
    assert result.failed_tasks == [] and result.changed_tasks == []
    assert result.stats["localhost"]["ok"] == 2

    logged = [(entry["method"], entry["path"], entry["status"]) for entry in sim.requests()]
    assert logged == [("GET", "/1.1/infos", 200), ("GET", "/1.1/infos", 401)]
    assert sim.writes() == []


def test_writes_are_logged_and_reset_restores_the_seed(sim, ansible):
    seed = sim.state()
    result = ansible.run_tasks([POST_TRUNK_TASK], expect_rc=0)

    assert [task.name for task in result.changed_tasks] == ["Create a trunk"]
    assert [(entry["method"], entry["path"]) for entry in sim.writes()] == [("POST", "/1.1/trunks")]
    assert sim.state() != seed
    sim.reset()
    assert sim.state() == seed
    assert sim.requests() == []


def test_readonly_refuses_writes(sim, ansible):
    sim.readonly(True)
    result = ansible.run_tasks([POST_TRUNK_TASK])

    assert result.rc != 0
    failed = result.failed_tasks
    assert [task.name for task in failed] == ["Create a trunk"]
    assert failed[0].result["status"] == 418
    assert sim.readonly_status() == {"enabled": True, "refused": 1}


@pytest.mark.simulator_only
def test_fault_injection(sim, ansible):
    sim.fault(method="GET", path="/infos", status=503)
    task = {"name": "Read infos", "ansible.builtin.uri": {
        "url": "{{ wazo_confd_url }}/infos", "headers": {"X-Auth-Token": "{{ wazo_token }}"}, "status_code": [200, 503]}}
    result = ansible.run_tasks([task, dict(task, name="Read infos again")], expect_rc=0)

    assert result.task("Read infos").result["status"] == 503
    assert result.task("Read infos again").result["status"] == 200
    sim.clear_faults()


def test_connection_reaches_modules_through_env_and_extra_vars(ansible):
    result = ansible.run_tasks([
        {"name": "Show the connection", "ansible.builtin.debug": {"msg": "{{ [wazo_confd_url, lookup('env', 'WAZO_CONFD_URL')] }}"}},
    ], extra_vars={"api_generation": "auto"}, env={"WAZO_TOKEN": None}, expect_rc=0)

    url, env_url = result.task("Show the connection").msg
    assert url == env_url == ansible.sim.confd_url


@pytest.mark.generation("legacy")
def test_generation_marker_keeps_one_generation(generation):
    assert generation == "legacy"


def test_check_and_diff_flags_reach_ansible(ansible):
    task = {"name": "Write a file", "ansible.builtin.copy": {"content": "x\n", "dest": "{{ playbook_dir }}/out.txt"}}
    result = ansible.run_tasks([task], check=True, diff=True, expect_rc=0)

    recorded = result.task("Write a file")
    assert recorded.changed
    assert recorded.diff and recorded.diff[0]["after"] == "x\n"
    assert not os.path.exists(os.path.join(ansible.workdir, "out.txt"))


WARNING_MODULE = '''#!/usr/bin/python
from ansible.module_utils.basic import AnsibleModule

module = AnsibleModule(argument_spec={})
module.warn("careful: recorded by the harness")
module.exit_json(changed=False)
'''


def test_module_warnings_are_recorded(ansible):
    # a module in library/ beside the playbook; the harness writes playbooks in ansible.workdir
    os.makedirs(os.path.join(ansible.workdir, "library"))
    with open(os.path.join(ansible.workdir, "library", "warn_me.py"), "w", encoding="utf-8") as handle:
        handle.write(WARNING_MODULE)
    result = ansible.run_tasks([{"name": "Warn", "warn_me": {}}], expect_rc=0)

    assert result.task("Warn").warnings == ["careful: recorded by the harness"]
