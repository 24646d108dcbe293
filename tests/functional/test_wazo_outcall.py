"""wazo_outcall against the simulator, both API generations."""

import pytest

from provider_tasks import check_mode_matches, task, writes

NAME = "to-providers"
PATTERNS = [
    {"exten": "_0XXXXXXXXX", "caller_id": "+33123456789", "strip_digits": 1, "prefix": "+33"},
    {"exten": "_00X.", "strip_digits": 2, "prefix": "+", "external_prefix": "9"},
]


def outcall(**overrides):
    options = dict(name=NAME, description="national and international", trunks=["prov-y", "prov-x"],
                   extensions=PATTERNS)
    options.update(overrides)
    return task("wazo_outcall", **options)


def make_trunk(sim, name):
    """A trunk whose SIP endpoint is called name, made through the API."""
    if sim.generation == "legacy":
        status, made = sim.api("POST", "/endpoints/sip", {"name": name, "username": name})
        endpoint_id = made["id"]
    else:
        status, made = sim.api("POST", "/endpoints/sip", {"name": name, "label": name})
        endpoint_id = made["uuid"]
    assert status == 201, made
    status, made = sim.api("POST", "/trunks", {})
    assert status == 201, made
    status, answer = sim.api("PUT", "/trunks/%s/endpoints/sip/%s" % (made["id"], endpoint_id))
    assert status == 204, answer
    return made["id"]


@pytest.fixture
def trunks(sim):
    """Trunks prov-x and prov-y; the request log starts empty."""
    made = dict((name, make_trunk(sim, name)) for name in ("prov-x", "prov-y"))
    sim.clear_requests()
    return made


def outcall_context(sim):
    return [item for item in sim.state()["contexts"] if item["type"] == "outcall"][0]


def stored_outcall(sim):
    found = [item for item in sim.state()["outcalls"] if item["name"] == NAME]
    return found[0] if found else None


def patterns_of(outcall_body):
    keys = ("exten", "caller_id", "strip_digits", "prefix", "external_prefix")
    return [dict((key, item.get(key)) for key in keys) for item in outcall_body["extensions"]]


def diff_of(result):
    diff = result.task("wazo_outcall").diff
    return diff[0] if isinstance(diff, list) else diff


def test_create_then_rerun_writes_nothing(sim, ansible, trunks):
    created = ansible.run_tasks([outcall()], diff=True, expect_rc=0)
    assert created.task("wazo_outcall").changed
    methods = [(method, path.split("/")[2]) for method, path, _body in writes(sim)]
    # extensions first (a run that stops early leaves free extensions the next run adopts), then the outcall
    assert methods == [("POST", "extensions"), ("POST", "extensions"), ("POST", "outcalls"), ("PUT", "outcalls"),
                       ("PUT", "outcalls"), ("PUT", "outcalls")]
    stored = stored_outcall(sim)
    assert [item["id"] for item in stored["trunks"]] == [trunks["prov-y"], trunks["prov-x"]]
    assert patterns_of(stored) == [
        {"exten": "_0XXXXXXXXX", "caller_id": "+33123456789", "strip_digits": 1, "prefix": "+33",
         "external_prefix": None},
        {"exten": "_00X.", "caller_id": None, "strip_digits": 2, "prefix": "+", "external_prefix": "9"}]
    returned = created.task("wazo_outcall").result
    assert returned["id"] == stored["id"] and returned["outcall"]["name"] == NAME
    assert diff_of(created)["after"]["trunks"] == ["prov-y", "prov-x"]

    sim.clear_requests()
    again = ansible.run_tasks([outcall()], diff=True, expect_rc=0)
    assert not again.task("wazo_outcall").changed and writes(sim) == []
    assert [(entry["method"], entry["path"]) for entry in sim.requests()] == [("GET", "/1.1/outcalls"),
                                                                              ("GET", "/1.1/contexts")]


def test_one_changed_option_sends_only_that_field(sim, ansible, trunks):
    ansible.run_tasks([outcall()], expect_rc=0)
    outcall_id = stored_outcall(sim)["id"]
    sim.clear_requests()
    changed = ansible.run_tasks([outcall(description="only this")], diff=True, expect_rc=0)
    assert writes(sim) == [("PUT", "/1.1/outcalls/%s" % outcall_id, {"description": "only this"})]
    assert diff_of(changed) == {"before": {"description": "national and international"},
                                "after": {"description": "only this"}}

    sim.clear_requests()
    reordered = ansible.run_tasks([outcall(description="only this", trunks=["prov-x", "prov-y"])], diff=True,
                                  expect_rc=0)
    assert writes(sim) == [("PUT", "/1.1/outcalls/%s/trunks" % outcall_id,
                            {"trunks": [{"id": trunks["prov-x"]}, {"id": trunks["prov-y"]}]})]
    assert diff_of(reordered) == {"before": {"trunks": ["prov-y", "prov-x"]}, "after": {"trunks": ["prov-x", "prov-y"]}}


def test_changed_dial_pattern_is_updated_in_place(sim, ansible, trunks):
    ansible.run_tasks([outcall()], expect_rc=0)
    stored = stored_outcall(sim)
    extension_id = stored["extensions"][0]["id"]
    sim.clear_requests()
    patterns = [dict(PATTERNS[0], caller_id="+33999999999"), PATTERNS[1]]
    changed = ansible.run_tasks([outcall(extensions=patterns)], diff=True, expect_rc=0)
    assert writes(sim) == [("PUT", "/1.1/outcalls/%s/extensions/%s" % (stored["id"], extension_id),
                            {"caller_id": "+33999999999"})]
    diff = diff_of(changed)
    assert list(diff["after"]) == ["extensions"]
    assert diff["after"]["extensions"][0]["caller_id"] == "+33999999999"
    # updated in place: the same extension, now listed last (confd lists dial patterns in table order)
    updated = stored_outcall(sim)["extensions"][-1]
    assert (updated["id"], updated["caller_id"]) == (extension_id, "+33999999999")
    # the new order is not a change
    sim.clear_requests()
    again = ansible.run_tasks([outcall(extensions=patterns)], expect_rc=0)
    assert not again.task("wazo_outcall").changed and writes(sim) == []


def test_cleared_pattern_settings_are_sent_as_clear_values(sim, ansible, trunks):
    ansible.run_tasks([outcall()], expect_rc=0)
    stored = stored_outcall(sim)
    sim.clear_requests()
    # strip_digits cannot be null on the server: "not set" is sent as 0; an empty prefix means none
    ansible.run_tasks([outcall(extensions=[{"exten": "_0XXXXXXXXX", "caller_id": "+33123456789", "prefix": ""},
                                           PATTERNS[1]])], expect_rc=0)
    assert writes(sim) == [("PUT", "/1.1/outcalls/%s/extensions/%s" % (stored["id"], stored["extensions"][0]["id"]),
                            {"strip_digits": 0, "prefix": None})]
    sim.clear_requests()
    again = ansible.run_tasks([outcall(extensions=[{"exten": "_0XXXXXXXXX", "caller_id": "+33123456789",
                                                    "prefix": ""}, PATTERNS[1]])], expect_rc=0)
    assert not again.task("wazo_outcall").changed and writes(sim) == []


def test_pattern_left_out_is_dissociated_and_deleted(sim, ansible, trunks):
    ansible.run_tasks([outcall()], expect_rc=0)
    stored = stored_outcall(sim)
    gone = stored["extensions"][1]["id"]
    sim.clear_requests()
    ansible.run_tasks([outcall(extensions=PATTERNS[:1])], expect_rc=0)
    assert writes(sim) == [("DELETE", "/1.1/outcalls/%s/extensions/%s" % (stored["id"], gone), None),
                           ("DELETE", "/1.1/extensions/%s" % gone, None)]
    assert gone not in [item["id"] for item in sim.state()["extensions"]]


def test_free_extension_is_adopted(sim, ansible, trunks):
    context = outcall_context(sim)["name"]
    status, extension = sim.api("POST", "/extensions", {"exten": "_00X.", "context": context})
    assert status == 201
    sim.clear_requests()
    ansible.run_tasks([outcall()], expect_rc=0)
    assert [entry for entry in writes(sim) if entry[:2] == ("POST", "/1.1/extensions")] == [
        ("POST", "/1.1/extensions", {"exten": "_0XXXXXXXXX", "context": context})]
    assert extension["id"] in [item["id"] for item in stored_outcall(sim)["extensions"]]


def test_check_mode_agrees_with_the_real_run(sim, ansible, trunks):
    checked = check_mode_matches(sim, ansible, [outcall()])[0]
    assert checked.task("wazo_outcall").changed
    sim.clear_requests()
    changes = outcall(trunks=["prov-x"], extensions=[dict(PATTERNS[0], strip_digits=3)], enabled=False)
    checked, real = check_mode_matches(sim, ansible, [changes])
    assert checked.task("wazo_outcall").changed and real.task("wazo_outcall").changed
    assert diff_of(checked) == diff_of(real)


def test_absent_removes_everything_it_made(sim, ansible, trunks):
    before = sim.state()
    result = ansible.run_tasks([outcall(), outcall(state="absent"), outcall(state="absent")], expect_rc=0)
    assert [item.changed for item in result.tasks] == [True, True, False]
    removal = [(method, path.split("/")[2]) for method, path, _body in writes(sim)][6:]
    assert removal == [("DELETE", "outcalls"), ("DELETE", "extensions")] * 2 + [("DELETE", "outcalls")]
    assert sim.state() == before


def test_pattern_of_another_outcall_is_not_taken(sim, ansible, trunks):
    status, other = sim.api("POST", "/outcalls", {"name": "other"})
    assert status == 201
    status, extension = sim.api("POST", "/extensions", {"exten": "_00X.", "context": outcall_context(sim)["name"]})
    assert status == 201
    assert sim.api("PUT", "/outcalls/%s/extensions/%s" % (other["id"], extension["id"]), {})[0] == 204
    sim.clear_requests()
    result = ansible.run_tasks([outcall()], expect_rc=2)
    failed = result.task("wazo_outcall")
    assert failed.failed and "extensions[1]" in failed.msg and "other" in failed.msg
    assert writes(sim) == []


def test_two_outcall_contexts_need_a_choice(sim, ansible, trunks):
    second = {"label": "second-out", "type": "outcall"}
    if sim.generation == "legacy":
        second["name"] = "second-out"
    status, context = sim.api("POST", "/contexts", second)
    assert status == 201, context
    sim.clear_requests()
    ambiguous = dict(outcall(), name="ambiguous", ignore_errors=True)
    chosen = dict(outcall(extensions=[dict(item, context="second-out") for item in PATTERNS]), name="chosen")
    result = ansible.run_tasks([ambiguous, chosen], expect_rc=0)
    failed = result.task("ambiguous")
    assert failed.failed and "extensions[0].context" in failed.msg and "2 outcall contexts" in failed.msg
    assert "second-out" in failed.msg
    assert result.task("chosen").changed
    assert [item["context"] for item in stored_outcall(sim)["extensions"]] == [context["name"]] * 2


BAD_INPUT = [
    ("unknown trunk", dict(trunks=["prov-x", "nope"]), ["trunks", "nope"]),
    ("trunk listed twice", dict(trunks=["prov-x", "prov-x"]), ["trunks", "twice"]),
    ("unknown context", dict(extensions=[dict(PATTERNS[0], context="nowhere")]), ["extensions[0].context", "nowhere"]),
    ("context not for outcalls", dict(extensions=[dict(PATTERNS[0], context="{{ internal_context }}")]),
     ["extensions[0].context", "internal"]),
    ("bad pattern", dict(extensions=[PATTERNS[0], dict(PATTERNS[1], exten="9abc")]), ["extensions[1].exten", "9abc"]),
    ("empty pattern", dict(extensions=[dict(PATTERNS[0], exten="")]), ["extensions[0].exten", "empty"]),
    ("bad caller id", dict(extensions=[dict(PATTERNS[0], caller_id="x" * 81)]), ["extensions[0].caller_id", "80"]),
    ("bad prefix", dict(extensions=[dict(PATTERNS[0], prefix="abc")]), ["extensions[0].prefix", "abc"]),
    ("negative strip", dict(extensions=[dict(PATTERNS[0], strip_digits=-1)]), ["extensions[0].strip_digits"]),
    ("duplicate pattern", dict(extensions=[PATTERNS[0], dict(PATTERNS[0], caller_id="other")]),
     ["extensions[1]", "twice"]),
    ("empty name", dict(name=""), ["name", "empty"]),
    ("name too long", dict(name="n" * 129), ["name", "128"]),
    ("negative ring time", dict(ring_time=-1), ["ring_time"]),
]


def test_bad_input_fails_naming_the_option_with_zero_writes(sim, ansible, trunks):
    internal = [item for item in sim.state()["contexts"] if item["type"] == "internal"][0]
    sim.clear_requests()
    tasks = [dict(outcall(**options), name=case, ignore_errors=True) for case, options, _words in BAD_INPUT]
    result = ansible.run_tasks(tasks, play_vars={"internal_context": internal["label"]}, expect_rc=0)
    for case, _options, words in BAD_INPUT:
        failed = result.task(case)
        assert failed.failed, case
        for word in words:
            assert word in failed.msg, (case, failed.msg)
    assert writes(sim) == []
