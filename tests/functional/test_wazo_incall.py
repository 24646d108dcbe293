"""wazo_incall against the simulator, both API generations."""

import pytest

from provider_tasks import check_mode_matches, task, writes

DID = "5551234"
USER = {"type": "user", "user": "Alice Smoke", "ring_time": 25}


def incall(**overrides):
    options = dict(exten=DID, destination=USER, caller_id_mode="prepend", caller_id_name="Sales")
    options.update(overrides)
    return task("wazo_incall", **options)


def context_of(sim, context_type):
    return [item for item in sim.state()["contexts"] if item["type"] == context_type][0]


def stored_incall(sim, exten=DID):
    for item in sim.state()["incalls"]:
        if [extension["exten"] for extension in item["extensions"]] == [exten]:
            return item
    return None


def diff_of(result, name="wazo_incall"):
    diff = result.task(name).diff
    return diff[0] if isinstance(diff, list) else diff


def api(sim, method, path, body=None, expect=201):
    status, answer = sim.api(method, path, body)
    assert status == expect, (method, path, status, answer)
    return answer


def test_create_then_rerun_writes_nothing(sim, ansible, generation):
    created = ansible.run_tasks([incall()], diff=True, expect_rc=0)
    assert created.task("wazo_incall").changed
    context = context_of(sim, "incall")["name"]
    posted = writes(sim)
    # the extension first: a run that stops early leaves a free extension the next run adopts
    assert posted[0] == ("POST", "/1.1/extensions", {"exten": DID, "context": context})
    assert posted[1] == ("POST", "/1.1/incalls", {"destination": {"type": "user", "user_id": 1, "ring_time": 25.0},
                                                  "caller_id_mode": "prepend", "caller_id_name": "Sales"})
    stored = stored_incall(sim)
    assert posted[2:] == [("PUT", "/1.1/incalls/%s/extensions/%s" % (stored["id"], stored["extensions"][0]["id"]), {})]
    assert stored["destination"]["user_id"] == 1 and stored["destination"]["ring_time"] == 25.0
    returned = created.task("wazo_incall").result
    assert returned["id"] == stored["id"] and returned["incall"]["extensions"][0]["exten"] == DID
    assert diff_of(created)["after"]["extension"] == [{"exten": DID, "context": context}]

    sim.clear_requests()
    again = ansible.run_tasks([incall()], expect_rc=0)
    assert not again.task("wazo_incall").changed and writes(sim) == []
    reads = [(entry["method"], entry["path"]) for entry in sim.requests()]
    if generation == "legacy":
        assert reads == [("GET", "/1.1/contexts"), ("GET", "/1.1/extensions"),
                         ("GET", "/1.1/incalls/%s" % stored["id"])]
    else:
        assert reads == [("GET", "/1.1/contexts"), ("GET", "/1.1/incalls")]


def test_every_user_reference_names_the_same_user(sim, ansible):
    user = api(sim, "GET", "/users/1", expect=200)
    api(sim, "PUT", "/users/1", {"username": "alice"}, expect=204)
    references = ["Alice Smoke", "1", user["uuid"], "alice", "alice.smoke@example.com"]
    tasks = [incall(destination=dict(USER, user=reference)) for reference in references]
    result = ansible.run_tasks(tasks, expect_rc=0)
    assert [item.changed for item in result.tasks] == [True, False, False, False, False]
    assert len([entry for entry in writes(sim) if entry[1] == "/1.1/incalls"]) == 1


def test_one_changed_option_sends_only_that_field(sim, ansible):
    ansible.run_tasks([incall()], expect_rc=0)
    incall_id = stored_incall(sim)["id"]
    sim.clear_requests()
    changed = ansible.run_tasks([incall(caller_id_name="Support")], diff=True, expect_rc=0)
    assert writes(sim) == [("PUT", "/1.1/incalls/%s" % incall_id, {"caller_id_name": "Support"})]
    assert diff_of(changed) == {"before": {"caller_id_name": "Sales"}, "after": {"caller_id_name": "Support"}}

    busy = {"type": "hangup", "cause": "busy", "timeout": 10}
    sim.clear_requests()
    rerouted = ansible.run_tasks([incall(caller_id_name="Support", destination=busy)], diff=True, expect_rc=0)
    assert writes(sim) == [("PUT", "/1.1/incalls/%s" % incall_id, {"destination": busy})]
    assert list(diff_of(rerouted)["after"]) == ["destination"]

    sim.clear_requests()
    # the server answers timeout 10.0: the same destination, nothing to write
    again = ansible.run_tasks([incall(caller_id_name="Support", destination=busy)], expect_rc=0)
    assert not again.task("wazo_incall").changed and writes(sim) == []


def destinations(sim, generation):
    """One destination of every type, with the objects they need made through the API."""
    internal = context_of(sim, "internal")
    group = api(sim, "POST", "/groups", {"label": "support"} if generation == "current" else {"name": "support"})
    queue = api(sim, "POST", "/queues", {"name": "sales-queue", "label": "Sales queue"})
    voicemail = api(sim, "POST", "/voicemails", {"name": "reception", "number": "8001", "context": internal["name"]})
    ivr = api(sim, "POST", "/ivr", {"name": "main-menu", "menu_sound": "main-menu"})
    conference = api(sim, "POST", "/conferences", {"name": "weekly"})
    switchboard = api(sim, "POST", "/switchboards", {"name": "front-desk"})
    outcall = api(sim, "POST", "/outcalls", {"name": "through-provider"})
    found = [
        dict(type="user", user="alice.smoke@example.com", ring_time=20),
        dict(type="group", group="support", ring_time=15),
        dict(type="queue", queue="Sales queue", ring_time=30),
        dict(type="voicemail", voicemail="reception", skip_instructions=True, greeting="busy"),
        dict(type="voicemail", voicemail=str(voicemail["id"])),
        dict(type="ivr", ivr="main-menu"),
        dict(type="conference", conference="weekly"),
        dict(type="switchboard", switchboard="front-desk", ring_time=10),
        dict(type="outcall", outcall=outcall["name"], exten="0123456789"),
        dict(type="extension", exten="1000", context=internal["label"]),
        dict(type="custom", command="Playback(hello-world)"),
        dict(type="sound", filename="welcome", no_answer=True),
        dict(type="hangup", cause="busy", timeout=10),
        dict(type="hangup", cause="congestion"),
        dict(type="hangup", cause="normal"),
        dict(type="none"),
        dict(type="application", application="directory", context=internal["name"]),
        dict(type="application", application="disa", context=internal["name"], pin="1234"),
        dict(type="application", application="fax_to_mail", email="fax@example.com"),
        dict(type="application", application="voicemail", context=internal["name"]),
    ]
    assert group and queue and ivr and switchboard and conference
    return found


def test_every_destination_type_converges(sim, ansible, generation):
    tasks = [dict(incall(exten="55520%02d" % index, destination=destination), name="did %d" % index)
             for index, destination in enumerate(destinations(sim, generation))]
    created = ansible.run_tasks(tasks, expect_rc=0)
    assert all(item.changed for item in created.tasks)
    stored = dict((item["extensions"][0]["exten"], item["destination"]) for item in sim.state()["incalls"])
    assert stored["5552001"]["group_id"] and stored["5552012"]["timeout"] == 10.0
    sim.clear_requests()
    again = ansible.run_tasks(tasks, expect_rc=0)
    assert [item.name for item in again.changed_tasks] == [] and writes(sim) == []


@pytest.mark.generation("legacy")
@pytest.mark.simulator_only
def test_legacy_meetme_room_converges(sim, ansible):
    # meetme rooms come from the legacy web interface; confd 20.11 has no API to make one
    sim.add_meetme(7, "board")
    tasks = [incall(destination={"type": "meetme", "conference": "7"})]
    created = ansible.run_tasks(tasks, expect_rc=0)
    assert created.task("wazo_incall").changed
    assert stored_incall(sim)["destination"] == {"type": "meetme", "conference_id": 7}
    sim.clear_requests()
    assert not ansible.run_tasks(tasks, expect_rc=0).task("wazo_incall").changed and writes(sim) == []


@pytest.mark.generation("legacy")
def test_legacy_meetme_room_that_does_not_exist_is_refused_with_confd_message(sim, ansible):
    # confd checks the meetme rooms of the web interface, not the conferences of /conferences
    conference = api(sim, "POST", "/conferences", {"name": "weekly"})
    before = sim.state()
    failed = ansible.run_tasks([incall(destination={"type": "meetme", "conference": str(conference["id"])})],
                               expect_rc=2)
    assert failed.task("wazo_incall").failed
    assert ("POST /incalls returned 400: Input Error - field 'actionarg1': Conference was not found "
            "('actionarg1': %d)" % conference["id"]) in failed.task("wazo_incall").result["msg"]
    after = sim.state()
    assert after["incalls"] == before["incalls"]
    # the DID's extension is made first and stays free: the next run adopts it
    left = [item for item in after["extensions"] if item not in before["extensions"]]
    assert [(item["exten"], item["incall"]) for item in left] == [(DID, None)]


def test_check_mode_agrees_with_the_real_run(sim, ansible):
    checked = check_mode_matches(sim, ansible, [incall()])[0]
    assert checked.task("wazo_incall").changed
    sim.clear_requests()
    changes = incall(destination={"type": "hangup", "cause": "normal"}, description="closed")
    checked, real = check_mode_matches(sim, ansible, [changes])
    assert checked.task("wazo_incall").changed and real.task("wazo_incall").changed
    assert diff_of(checked) == diff_of(real)


def test_absent_removes_the_incall_and_its_extension(sim, ansible):
    before = sim.state()
    result = ansible.run_tasks([incall(), incall(state="absent"), incall(state="absent")], expect_rc=0)
    assert [item.changed for item in result.tasks] == [True, True, False]
    removal = [(method, path.split("/")[2]) for method, path, _body in writes(sim)][3:]
    # the incall first: on legacy servers a DID taken away from a live incall is stuck to it
    assert removal == [("DELETE", "incalls"), ("DELETE", "extensions")]
    assert sim.state() == before


def test_absent_deletes_a_free_extension_left_with_the_did(sim, ansible):
    before = sim.state()
    leftover = api(sim, "POST", "/extensions", {"exten": DID, "context": context_of(sim, "incall")["name"]})
    sim.clear_requests()
    result = ansible.run_tasks([incall(state="absent")], expect_rc=0)
    assert result.task("wazo_incall").changed
    assert writes(sim) == [("DELETE", "/1.1/extensions/%s" % leftover["id"], None)]
    assert sim.state() == before


def test_same_did_updates_the_same_incall(sim, ansible):
    ansible.run_tasks([incall()], expect_rc=0)
    sim.clear_requests()
    result = ansible.run_tasks([incall(destination={"type": "none"}), incall(caller_id_name="Support")],
                               expect_rc=0)
    # same DID: the same incall is updated, never a second incall for the DID
    assert [entry[:2] for entry in writes(sim)] == [("PUT", "/1.1/incalls/%s" % stored_incall(sim)["id"])] * 2
    assert len(sim.state()["incalls"]) == 1 and all(item.changed for item in result.tasks)


def bad_input(generation):
    cases = [
        ("unknown user", dict(destination=dict(USER, user="Nobody Here")), ["destination.user", "Nobody Here"]),
        ("unknown group", dict(destination={"type": "group", "group": "nope"}), ["destination.group", "nope"]),
        ("unknown context", dict(context="nowhere"), ["context", "nowhere"]),
        ("context not for incalls", dict(context="{{ outcall_context }}"), ["context", "outcall"]),
        ("bad pattern", dict(exten="+5551234"), ["exten", "+5551234"]),
        ("DID outside the range", dict(exten="4441234"), ["exten", "4441234", "range"]),
        ("missing destination", dict(destination=None), ["destination"]),
        ("option of another type", dict(destination=dict(USER, group="support")), ["destination.group", "user"]),
        ("missing target", dict(destination={"type": "voicemail"}), ["destination.voicemail", "required"]),
        ("missing hangup cause", dict(destination={"type": "hangup"}), ["destination.cause"]),
        ("timeout of a normal hangup", dict(destination={"type": "hangup", "cause": "normal", "timeout": 3}),
         ["destination.timeout"]),
        ("outcall number not digits", dict(destination={"type": "outcall", "outcall": "x", "exten": "12a"}),
         ["destination.exten", "digits"]),
        ("bad caller id name", dict(caller_id_name="x" * 81), ["caller_id_name", "80"]),
    ]
    if generation == "legacy":
        moh = dict(USER, moh_uuid="3f1d1c2e-0000-4000-8000-000000000001")
        cases.append(("music on hold on legacy", dict(destination=moh), ["destination.moh_uuid", "20.13"]))
    else:
        cases.append(("meetme on current", dict(destination={"type": "meetme", "conference": "1"}),
                      ["destination.type", "meetme"]))
    return cases


def test_bad_input_fails_naming_the_option_with_zero_writes(sim, ansible, generation):
    cases = bad_input(generation)
    tasks = [dict(incall(**options), name=case, ignore_errors=True) for case, options, _words in cases]
    result = ansible.run_tasks(tasks, play_vars={"outcall_context": context_of(sim, "outcall")["label"]},
                               expect_rc=0)
    for case, _options, words in cases:
        failed = result.task(case)
        assert failed.failed, case
        for word in words:
            assert word in failed.msg, (case, failed.msg)
    assert writes(sim) == []
