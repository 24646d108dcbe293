"""Bringing an existing Wazo under Ansible (issue 11), both API generations.

* Check mode tells the truth for a provider that does not exist yet: the five modules, and the role, with
  ``--check --diff`` show every object the real run makes (trunk, registration, outcall: their parent is *assumed*,
  with a warning), and write nothing.
* An interconnection made by hand with the calls of Wazo's interconnection guide (tests/functional/hand_made.py) is
  adopted by the modules and by the role: no second object of any kind, and a second run changes nothing.
* A provider that exists already may be described without its password (the server's is kept); a new one that
  registers may not.
"""

import json
import re

from hand_made import (
    CALLER_ID, DID, HOST, NAME, OUTCALL, PASSWORD, USERNAME, call, context_name, counts, failure_messages, failures,
    make_by_hand, module_tasks, provider_name, role_play, role_provider,
)

MODULES = ("wazo_sip_endpoint", "wazo_trunk", "wazo_register", "wazo_outcall", "wazo_incall")
# the tasks whose object has a parent that check mode cannot find (an earlier task creates it): the SIP endpoint of
# the trunk, the trunk of the registration and of the outcall
ASSUMED_PARENT = ("wazo_trunk", "wazo_register", "wazo_outcall")
MISSING = "no-such-provider"


def assumed_warnings(task):
    return [warning for warning in task.warnings if re.search(r"\bassumed\b", warning)]


def by_action(result, module):
    """The one recorded task that ran wazo.confd.<module>."""
    found = [task for task in result.tasks if task.action == "wazo.confd." + module]
    assert len(found) == 1, "%s: %s" % (module, [(task.name, task.action) for task in result.tasks])
    return found[0]


def item_diffs(task):
    """The diffs of a task (of each item of a loop)."""
    if "results" in task.result:
        return [item.get("diff") or {} for item in task.result["results"]]
    return [task.diff or {}]


def posts(sim):
    return [(entry["path"], entry["body"]) for entry in sim.writes() if entry["method"] == "POST"]


def registration_shown(after, generation):
    """Whether a registration diff's after side shows the registration's fields."""
    if generation == "legacy":
        return after.get("remote_host") == HOST and after.get("sip_username") == USERNAME
    options = dict(map(tuple, after.get("registration_section_options") or []))
    return (options.get("client_uri", "").startswith("sip:%s@%s" % (USERNAME, HOST))
            and options.get("server_uri", "").startswith("sip:" + HOST))


# -- 1. check mode tells the truth ---------------------------------------------------------------------------------

def test_check_mode_shows_a_new_provider_whole_and_writes_nothing(sim, ansible, generation):
    tasks = module_tasks(generation, name=NAME)
    sim.readonly(True)
    checked = ansible.run_tasks(tasks, check=True, diff=True)
    assert checked.rc == 0, failures(checked)
    assert sim.readonly_status()["refused"] == 0 and sim.writes() == []
    sim.readonly(False)

    assert [task.name for task in checked.tasks] == list(MODULES)
    assert [task.name for task in checked.changed_tasks] == list(MODULES)
    diffs = {task.name: task.diff for task in checked.tasks}
    for module, diff in diffs.items():
        assert diff and diff.get("after"), "%s shows no diff in check mode: %r" % (module, diff)
    assert diffs["wazo_sip_endpoint"]["after"]["name"] == NAME
    trunk = diffs["wazo_trunk"]["after"]
    assert trunk["endpoint_sip"] == NAME and trunk["context"] == context_name(sim, "incall")
    assert registration_shown(diffs["wazo_register"]["after"], generation), diffs["wazo_register"]
    outcall = diffs["wazo_outcall"]["after"]
    assert outcall["name"] == OUTCALL and outcall["trunks"] == [NAME]
    patterns = [(item["exten"], item.get("prefix"), item.get("caller_id")) for item in outcall["extensions"]]
    assert patterns == [("_NXXNXXXXXX", "1", CALLER_ID), ("911", None, None)]
    incall = diffs["wazo_incall"]["after"]
    assert incall["destination"]["type"] == "user" and DID in json.dumps(incall)

    # the objects whose parent a real run would have created by then say so; the others have nothing to assume
    for task in checked.tasks:
        warnings = assumed_warnings(task)
        if task.name in ASSUMED_PARENT:
            assert [warning for warning in warnings if NAME in warning], (task.name, task.warnings)
        else:
            assert warnings == [], (task.name, task.warnings)
    assert PASSWORD not in checked.stdout + checked.stderr + repr(checked.tasks)

    # for real: the same tasks change; a missing parent (no earlier task makes it) still fails, naming the option,
    # with nothing written (those tasks run first: every write comes after them)
    missing = [
        {"name": "trunk without endpoint", "wazo.confd.wazo_trunk": {"name": MISSING}, "ignore_errors": True},
        {"name": "registration without trunk", "wazo.confd.wazo_register": {
            "trunk": MISSING, "auth_username": USERNAME, "auth_password": PASSWORD, "remote_host": HOST},
         "ignore_errors": True},
        {"name": "outcall without trunk", "wazo.confd.wazo_outcall": {"name": "no-such-route", "trunks": [MISSING]},
         "ignore_errors": True},
    ]
    real = ansible.run_tasks(missing + tasks, diff=True)
    assert real.rc == 0, failures(real)
    assert [task.changed for task in real.tasks[3:]] == [task.changed for task in checked.tasks]
    for task, option in zip(real.tasks[:3], ("name", "trunk", "trunks")):
        assert task.failed and task.ignore_errors, task
        assert re.match(r"%s: " % option, task.msg) and MISSING in task.msg, task.msg
    first_write = sim.writes()[0]
    assert (first_write["method"], first_write["path"]) == ("POST", "/1.1/endpoints/sip")
    assert first_write["body"]["name"] == NAME


def test_role_check_mode_on_a_new_provider_shows_every_resource(sim, ansible, generation):
    play = role_play([role_provider(generation, name=NAME)])
    sim.readonly(True)
    checked = ansible.run_playbook(play, check=True, diff=True)
    assert checked.rc == 0, failures(checked)
    assert sim.readonly_status()["refused"] == 0 and sim.writes() == []
    sim.readonly(False)

    assert not [task.name for task in checked.tasks if "Plan what follows" in task.name]
    for module in MODULES:
        assert by_action(checked, module).changed, module
    # the trunk, outcall and incall tasks show their diffs themselves
    [trunk] = item_diffs(by_action(checked, "wazo_trunk"))
    assert trunk["after"]["endpoint_sip"] == NAME and trunk["after"]["context"] == context_name(sim, "incall")
    [outcall] = item_diffs(by_action(checked, "wazo_outcall"))
    assert outcall["after"]["trunks"] == [NAME]
    assert [pattern["exten"] for pattern in outcall["after"]["extensions"]] == ["_NXXNXXXXXX", "911"]
    [incall] = item_diffs(by_action(checked, "wazo_incall"))
    assert incall["after"]["destination"]["type"] == "user" and DID in json.dumps(incall["after"])
    # the endpoint and registration tasks carry the password (no_log): the role shows their diffs itself
    shown = [task.msg for task in checked.tasks if task.name.split(" : ")[-1].startswith("Show the changes")]
    endpoint_diffs = [changes[NAME] for changes in shown if isinstance(changes, dict) and NAME in changes
                      and changes[NAME].get("after", {}).get("name") == NAME]
    assert endpoint_diffs, shown
    register_diffs = [changes[NAME] for changes in shown if isinstance(changes, dict) and NAME in changes
                      and registration_shown(changes[NAME].get("after", {}), generation)]
    assert register_diffs, shown
    for text in ("_NXXNXXXXXX", DID, HOST, '"endpoint_sip": "%s"' % NAME):
        assert text in checked.stdout, "%r is not in the output of the check run" % text
    assert PASSWORD not in checked.stdout + checked.stderr

    real = ansible.run_playbook(play, diff=True)
    assert real.rc == 0, failures(real)
    assert {module for module in MODULES if by_action(real, module).changed} == set(MODULES)


# -- 2. adoption of what people make by hand ---------------------------------------------------------------------

def test_modules_adopt_a_hand_made_interconnection(sim, ansible, generation):
    made = make_by_hand(sim)
    before = counts(sim)
    sim.clear_requests()

    first = ansible.run_tasks(module_tasks(generation), diff=True)
    # legacy, before issue 11: PUT /registers/sip/{id} returned 400: auth_username: Cannot set field "auth_username"
    # if the field "auth_password" is not set (the guide's register has no auth_username)
    assert first.rc == 0, failures(first)
    assert counts(sim) == before
    assert posts(sim) == [], "adoption created objects"
    # what the guide made matches the description except the registration (legacy: auth_username, current: transport)
    assert [task.name for task in first.changed_tasks] == ["wazo_register"]
    trunk = call(sim, "GET", "/trunks/%s" % made["trunk"])
    assert trunk["endpoint_sip"]["name"] == provider_name(generation)
    if generation == "legacy":
        register = call(sim, "GET", "/registers/sip/%s" % made["register"])
        assert (register["auth_username"], register["auth_password"]) == (USERNAME, PASSWORD)
        assert trunk["register_sip"]["id"] == made["register"]
    outcall = call(sim, "GET", "/outcalls/%s" % made["outcall"])
    assert [item["id"] for item in outcall["trunks"]] == [made["trunk"]]
    assert sorted(extension["exten"] for extension in outcall["extensions"]) == ["911", "_NXXNXXXXXX"]
    incall = call(sim, "GET", "/incalls/%s" % made["incall"])
    assert [extension["exten"] for extension in incall["extensions"]] == [DID]

    sim.clear_requests()
    second = ansible.run_tasks(module_tasks(generation))
    assert second.rc == 0, failures(second)
    assert second.changed == 0, [task.name for task in second.changed_tasks]
    assert sim.writes() == []


def test_role_adopts_a_hand_made_interconnection(sim, ansible, generation):
    make_by_hand(sim)
    before = counts(sim)
    sim.clear_requests()
    play = role_play([role_provider(generation)])

    first = ansible.run_playbook(play, diff=True)
    assert first.rc == 0, failures(first)
    assert counts(sim) == before
    assert posts(sim) == [], "adoption created objects"

    sim.clear_requests()
    second = ansible.run_playbook(play)
    assert second.rc == 0, failures(second)
    assert second.changed == 0, [task.name for task in second.changed_tasks]
    assert sim.writes() == []


# -- 4. a provider without its password ----------------------------------------------------------------------------

def server_passwords(sim, made):
    """Every password the server holds for the hand-made provider (endpoint and registration)."""
    if sim.generation == "legacy":
        endpoint = call(sim, "GET", "/endpoints/sip/%s" % made["endpoint"])
        register = call(sim, "GET", "/registers/sip/%s" % made["register"])
        return [endpoint["secret"], register["auth_password"]]
    endpoint = call(sim, "GET", "/endpoints/sip/%s" % made["endpoint"])
    return [value for section in ("auth_section_options", "outbound_auth_section_options",
                                  "registration_outbound_auth_section_options")
            for key, value in endpoint[section] if key == "password"]


def test_role_keeps_the_server_password_of_an_existing_provider(sim, ansible, generation):
    made = make_by_hand(sim)
    assert server_passwords(sim, made) == [PASSWORD] * (2 if generation == "legacy" else 3)
    # the existing provider without password, and a new IP-authenticated one (no registration, no password; a
    # username, without which a legacy server renames the endpoint after the random username it gives it)
    ip_trunk = {"name": "ip-trunk", "host": "203.0.113.10", "username": "acme-ip", "register": False}
    result = ansible.run_playbook(role_play([role_provider(generation, password=None), ip_trunk]), diff=True)
    assert result.rc == 0, failures(result)
    assert server_passwords(sim, made) == [PASSWORD] * (2 if generation == "legacy" else 3)
    names = sorted(trunk["endpoint_sip"]["name"] for trunk in call(sim, "GET", "/trunks")["items"])
    assert names == sorted([provider_name(generation), "ip-trunk"])
    assert PASSWORD not in result.stdout + result.stderr


def test_new_registering_provider_without_password_fails_before_any_write(sim, ansible, generation):
    valid = {"name": "valid-provider", "host": "sip.valid.example", "username": "4185550122", "password": PASSWORD}
    lacking = {"name": "new-provider", "host": "sip.new.example", "username": "4185550133"}
    result = ansible.run_playbook(role_play([valid, lacking]))
    assert result.rc != 0
    assert sim.writes() == []
    messages = failure_messages(result)
    assert re.search(r"new-provider\b.*\bpassword\b", messages, re.S), messages
    assert "valid-provider" not in messages
