"""wazo_sip_endpoint against the simulator, both API generations."""

import pytest

from provider_tasks import PROVIDER, SECRET_2, assert_no_secret, check_mode_matches, endpoint, writes


def test_create_then_rerun_writes_nothing(sim, ansible, generation):
    created = ansible.run_tasks([endpoint()], diff=True, expect_rc=0)
    assert created.task("wazo_sip_endpoint").changed
    assert [write[0] for write in writes(sim)] == ["POST"]
    body = writes(sim)[0][2]
    if generation == "legacy":
        assert body["username"] == "123456" and body["host"] == "sip.provider.example" and body["type"] == "peer"
        assert sorted(body["options"]) == [["fromdomain", "sip.provider.example"], ["nat", "force_rport,comedia"],
                                           ["qualifyfreq", "60"]]
    else:
        assert body["aor_section_options"] == [["contact", "sip:123456@sip.provider.example:5060"],
                                               ["qualify_frequency", "60"]]
        assert ["from_domain", "sip.provider.example"] in body["endpoint_section_options"]
        assert body["templates"] and body["label"] == PROVIDER
    returned = created.task("wazo_sip_endpoint").result
    assert returned["sip_endpoint"]["name"] == PROVIDER
    assert_no_secret(created)

    sim.clear_requests()
    again = ansible.run_tasks([endpoint()], expect_rc=0)
    assert not again.task("wazo_sip_endpoint").changed and writes(sim) == []
    assert len(sim.requests()) <= 2


def test_one_changed_option_sends_only_that_field(sim, ansible, generation):
    ansible.run_tasks([endpoint()], expect_rc=0)
    sim.clear_requests()
    changed = ansible.run_tasks([endpoint(options={"qualifyfreq": 30})], diff=True, verbosity=3, expect_rc=0)
    put = [entry for entry in writes(sim) if entry[0] == "PUT"]
    assert len(put) == 1 and len(writes(sim)) == 1
    diff = changed.task("wazo_sip_endpoint").diff
    diff = diff[0] if isinstance(diff, list) else diff
    if generation == "legacy":
        assert list(put[0][2]) == ["options"]
        assert ["qualifyfreq", "30"] in put[0][2]["options"]
        assert ["nat", "force_rport,comedia"] in put[0][2]["options"]  # merged, not wiped
        assert list(diff["after"]) == ["options"]
    else:
        assert put[0][2] == {"aor_section_options": [["contact", "sip:123456@sip.provider.example:5060"],
                                                     ["qualify_frequency", "30"]]}
        assert list(diff["after"]) == ["aor_section_options"]
    assert_no_secret(changed)


def test_secret_change_is_masked_everywhere(sim, ansible):
    ansible.run_tasks([endpoint()], expect_rc=0)
    changed = ansible.run_tasks([endpoint(secret=SECRET_2)], diff=True, verbosity=3, expect_rc=0)
    assert changed.task("wazo_sip_endpoint").changed
    assert "********" in changed.stdout
    assert_no_secret(changed)


def test_check_mode_agrees_with_the_real_run(sim, ansible):
    check_mode_matches(sim, ansible, [endpoint()])
    sim.clear_requests()
    checked, real = check_mode_matches(sim, ansible, [endpoint(options={"fromuser": "123456"})])
    assert checked.task("wazo_sip_endpoint").changed and real.task("wazo_sip_endpoint").changed


def test_absent_removes_and_is_idempotent(sim, ansible):
    ansible.run_tasks([endpoint()], expect_rc=0)
    result = ansible.run_tasks([endpoint(state="absent"), endpoint(state="absent")], expect_rc=0)
    assert [task.changed for task in result.tasks] == [True, False]
    assert sim.state()["endpoints_sip"] == []


def test_exact_mode_removes_unstated_options(sim, ansible, generation):
    ansible.run_tasks([endpoint()], expect_rc=0)
    ansible.run_tasks([endpoint(options={"qualifyfreq": 60}, options_mode="exact")], expect_rc=0)
    stored = sim.state()["endpoints_sip"][0]
    if generation == "legacy":
        assert ["nat", "force_rport,comedia"] not in stored["options"]
    else:
        assert not any(pair[0] == "from_domain" for pair in stored["endpoint_section_options"])
    sim.clear_requests()
    again = ansible.run_tasks([endpoint(options={"qualifyfreq": 60}, options_mode="exact")], expect_rc=0)
    assert not again.task("wazo_sip_endpoint").changed and writes(sim) == []


@pytest.mark.generation("current")
def test_native_sections_template_and_transport(sim, ansible):
    result = ansible.run_tasks([endpoint(templates=["global"], transport="udp",
                                         identify_section_options=[["match", "203.0.113.10"]])], expect_rc=0)
    endpoint_sip = result.task("wazo_sip_endpoint").result["sip_endpoint"]
    assert endpoint_sip["identify_section_options"] == [["match", "203.0.113.10"]]
    assert [template["label"] for template in endpoint_sip["templates"]] == ["global"]
    assert endpoint_sip["transport"]["uuid"]


@pytest.mark.generation("legacy")
@pytest.mark.parametrize("option, value", [("templates", ["global"]), ("transport", "udp"),
                                           ("endpoint_section_options", {"language": "fr_FR"})])
def test_pjsip_options_on_legacy_fail_naming_them(sim, ansible, option, value):
    result = ansible.run_tasks([endpoint(**{option: value})], expect_rc=2)
    task = result.task("wazo_sip_endpoint")
    assert task.failed and task.msg.startswith(option + ":")
    assert writes(sim) == []


@pytest.mark.parametrize("overrides, option", [
    (dict(options="qualify=yes"), "options"),
    (dict(aor_section_options=[["qualify_frequency"]]), "aor_section_options"),
    (dict(port=5080, host=None), "port"),
    (dict(type="bogus"), "type"),
])
def test_bad_input_fails_naming_the_option_with_zero_writes(sim, ansible, overrides, option):
    task_options = endpoint(**overrides)
    options = task_options["wazo.confd.wazo_sip_endpoint"]
    for key in [key for key, value in options.items() if value is None]:
        del options[key]
    result = ansible.run_tasks([task_options], expect_rc=2)
    assert option in result.task("wazo_sip_endpoint").msg
    assert writes(sim) == []


def test_endpoint_without_username_keeps_its_name_then_a_trunk_finds_it(sim, ansible):
    # an IP-authenticated trunk: no username; a legacy server would name the endpoint after a random username
    tasks = [endpoint(username=None, secret=None), {"name": "wazo_trunk", "wazo.confd.wazo_trunk": {"name": PROVIDER}}]
    created = ansible.run_tasks(tasks, expect_rc=0)
    assert created.task("wazo_sip_endpoint").result["sip_endpoint"]["name"] == PROVIDER
    assert created.task("wazo_trunk").changed
    sim.clear_requests()
    again = ansible.run_tasks(tasks, expect_rc=0)
    assert not again.changed_tasks and writes(sim) == []
