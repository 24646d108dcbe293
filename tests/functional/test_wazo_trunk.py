"""wazo_trunk against the simulator, both API generations."""

import pytest

from provider_tasks import PROVIDER, assert_no_secret, check_mode_matches, endpoint, trunk, writes


def incall_context(sim):
    return sim.api("GET", "/contexts?type=incall")[1]["items"][0]


def test_create_binds_the_endpoint_in_the_incall_context_then_rerun_writes_nothing(sim, ansible):
    result = ansible.run_tasks([endpoint(), trunk()], diff=True, expect_rc=0)
    created = result.task("wazo_trunk")
    assert created.changed
    assert created.result["trunk"]["context"] == incall_context(sim)["name"]
    assert created.result["trunk"]["endpoint_sip"]["name"] == PROVIDER
    assert created.result["id"] == created.result["trunk"]["id"]
    written = [(write[0], write[1].split("/")[2]) for write in writes(sim)]
    assert written[1:] == [("POST", "trunks"), ("PUT", "trunks")]
    assert_no_secret(result)

    sim.clear_requests()
    again = ansible.run_tasks([trunk()], expect_rc=0)
    assert not again.task("wazo_trunk").changed and writes(sim) == []
    assert len(sim.requests()) <= 2


def test_context_by_label_or_name(sim, ansible, generation):
    context = incall_context(sim)
    by = context["label"] if generation == "current" else context["name"]
    result = ansible.run_tasks([endpoint(), trunk(context=by)], expect_rc=0)
    assert result.task("wazo_trunk").result["trunk"]["context"] == context["name"]


@pytest.mark.generation("current")
def test_one_changed_field_is_sent_alone(sim, ansible):
    ansible.run_tasks([endpoint(), trunk()], expect_rc=0)
    sim.clear_requests()
    result = ansible.run_tasks([trunk(outgoing_caller_id_format="national", twilio_incoming=False)], diff=True,
                               expect_rc=0)
    assert [(write[0], write[2]) for write in writes(sim)] == [("PUT", {"outgoing_caller_id_format": "national"})]
    diff = result.task("wazo_trunk").diff
    diff = diff[0] if isinstance(diff, list) else diff
    assert diff == {"before": {"outgoing_caller_id_format": "+E164"}, "after": {"outgoing_caller_id_format": "national"}}


@pytest.mark.generation("legacy")
def test_caller_id_format_on_legacy_fails_instead_of_being_dropped(sim, ansible):
    ansible.run_tasks([endpoint()], expect_rc=0)
    sim.clear_requests()
    result = ansible.run_tasks([trunk(outgoing_caller_id_format="national")], expect_rc=2)
    assert result.task("wazo_trunk").msg.startswith(
        "outgoing_caller_id_format: is only available on Wazo 20.13 and later; this server, Wazo 20.12 and older "
        "(legacy API), silently drops it")
    assert writes(sim) == []


def test_check_mode_agrees_with_the_real_run(sim, ansible):
    ansible.run_tasks([endpoint()], expect_rc=0)
    sim.clear_requests()
    checked = check_mode_matches(sim, ansible, [trunk()])[0]
    assert checked.task("wazo_trunk").changed
    check_mode_matches(sim, ansible, [trunk(twilio_incoming=True)])


@pytest.mark.parametrize("options, option", [
    (dict(context="no-such-context"), "context"),
    (dict(outgoing_caller_id_format="+33"), "outgoing_caller_id_format"),
    (dict(name="no-such-endpoint"), "name"),
])
def test_bad_input_fails_naming_the_option_with_zero_writes(sim, ansible, options, option):
    ansible.run_tasks([endpoint()], expect_rc=0)
    sim.clear_requests()
    result = ansible.run_tasks([trunk(**options)], expect_rc=2)
    assert option in result.task("wazo_trunk").msg
    assert writes(sim) == []


def test_ambiguous_default_context_is_an_error(sim, ansible, generation):
    ansible.run_tasks([endpoint()], expect_rc=0)
    second = {"label": "more-incalls", "type": "incall"}
    if generation == "legacy":
        second["name"] = "more-incalls"
    assert sim.api("POST", "/contexts", second)[0] == 201
    sim.clear_requests()
    result = ansible.run_tasks([trunk()], expect_rc=2)
    assert result.task("wazo_trunk").msg.startswith("context: not set, and the tenant has 2 incall contexts")
    assert writes(sim) == []


def test_absent_deletes_trunk_and_endpoint_and_is_idempotent(sim, ansible):
    ansible.run_tasks([endpoint(), trunk()], expect_rc=0)
    result = ansible.run_tasks([trunk(state="absent"), trunk(state="absent")], expect_rc=0)
    assert [task.changed for task in result.tasks] == [True, False]
    state = sim.state()
    assert state["trunks"] == [] and state["endpoints_sip"] == []
