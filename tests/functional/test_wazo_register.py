"""wazo_register against the simulator, both API generations."""

import pytest

from provider_tasks import SECRET_2, assert_no_secret, check_mode_matches, endpoint, register, trunk, writes


def provider(sim, ansible):
    ansible.run_tasks([endpoint(), trunk()], expect_rc=0)
    sim.clear_requests()


def test_register_then_rerun_writes_nothing(sim, ansible, generation):
    provider(sim, ansible)
    result = ansible.run_tasks([register()], diff=True, verbosity=3, expect_rc=0)
    task = result.task("wazo_register")
    assert task.changed
    if generation == "legacy":
        post = writes(sim)[0]
        assert post[:2] == ("POST", "/1.1/registers/sip")
        assert post[2]["transport"] == "transport-udp" and post[2]["sip_username"] == "123456"
        assert task.result["register"]["trunk"]["id"] == sim.state()["trunks"][0]["id"]
        assert task.result["register"]["auth_password"] == "********"
    else:
        [(method, body)] = [(write[0], write[2]) for write in writes(sim)]
        assert method == "PUT"
        assert sorted(body["registration_section_options"]) == [
            ["client_uri", "sip:123456@sip.provider.example"], ["expiration", "120"],
            ["server_uri", "sip:sip.provider.example"], ["transport", "transport-udp"]]
        assert body["registration_outbound_auth_section_options"] == [["username", "123456"],
                                                                      ["password", "Prov1der-S3cret"]]
        assert [template["label"] for template in task.result["register"]["templates"]] == ["registration_trunk"]
    assert_no_secret(result)

    sim.clear_requests()
    again = ansible.run_tasks([register()], expect_rc=0)
    assert not again.task("wazo_register").changed and writes(sim) == []
    assert len(sim.requests()) <= 3


def test_password_change_sends_only_it_and_masks_it(sim, ansible, generation):
    provider(sim, ansible)
    ansible.run_tasks([register()], expect_rc=0)
    sim.clear_requests()
    result = ansible.run_tasks([register(auth_password=SECRET_2)], diff=True, verbosity=3, expect_rc=0)
    [(method, body)] = [(write[0], write[2]) for write in writes(sim)]
    assert method == "PUT"
    if generation == "legacy":
        assert body == {"auth_password": SECRET_2}
    else:
        assert body == {"registration_outbound_auth_section_options": [["username", "123456"], ["password", SECRET_2]]}
    assert_no_secret(result)


def test_check_mode_agrees_with_the_real_run(sim, ansible):
    provider(sim, ansible)
    checked = check_mode_matches(sim, ansible, [register()])[0]
    assert checked.task("wazo_register").changed
    check_mode_matches(sim, ansible, [register(remote_port=5080)])


def test_absent_removes_the_registration_only(sim, ansible, generation):
    provider(sim, ansible)
    ansible.run_tasks([register()], expect_rc=0)
    result = ansible.run_tasks([register(state="absent"), register(state="absent")], expect_rc=0)
    assert [task.changed for task in result.tasks] == [True, False]
    state = sim.state()
    assert len(state["trunks"]) == 1 and len(state["endpoints_sip"]) == 1
    if generation == "legacy":
        assert state["registers_sip"] == [] and state["trunks"][0]["register_sip"] is None
    else:
        endpoint_sip = state["endpoints_sip"][0]
        assert endpoint_sip["registration_section_options"] == []
        assert endpoint_sip["registration_outbound_auth_section_options"] == []
        assert [template["label"] for template in endpoint_sip["templates"]] == ["global"]


@pytest.mark.parametrize("options, option", [
    (dict(trunk="no-such-trunk"), "trunk"),
    (dict(remote_host=None), "remote_host"),
    (dict(transport="sctp"), "transport"),
    (dict(auth_username=None, sip_username=None), "sip_username"),
])
def test_bad_input_fails_naming_the_option_with_zero_writes(sim, ansible, options, option):
    provider(sim, ansible)
    task = register(**options)
    module_options = task["wazo.confd.wazo_register"]
    for key in [key for key, value in module_options.items() if value is None]:
        del module_options[key]
    result = ansible.run_tasks([task], expect_rc=2)
    assert option in result.task("wazo_register").msg
    assert writes(sim) == []


def test_absent_without_trunk_is_fine(sim, ansible):
    result = ansible.run_tasks([register(state="absent")], expect_rc=0)
    assert not result.task("wazo_register").changed and writes(sim) == []
