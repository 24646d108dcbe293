"""The plan (wazo_interconnection_plan, plugins/module_utils/plan.py) against what the modules then do.

The property: for every module task of the role, the plan's action is what the module reports when it runs
right after the plan: ``unchanged`` exactly when the module changes nothing (``unsure`` leaves it to the module,
and must stay rare). Checked on both API generations, in process (the modules' own functions, through their
argument specs, on a real HTTP client of the simulator), for

* the scenarios of the functional tests: a new provider, a no-op, the hand-made interconnection of Wazo's guide
  (test_brownfield.py), a provider removed, routes added and removed, a password kept by the server;
* generated ones (hypothesis): desired providers against a server made from other providers, then edited by
  hand (an outcall's fields, an incall or an endpoint deleted).

Then the role with the plan, through ansible-playbook: a no-op run of 2 and of 12 providers sends the same
requests, and a change of one route writes that route only; check mode shows the plan and its diffs.
"""

import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hand_made

USER = "Alice Smoke"
PLAN_TASK = "%s : Plan the changes from one read of the server" % hand_made.ROLE
TABLE_TASK = "%s : Show the plan" % hand_made.ROLE
OUTCALLS_TASK = "%s : Ensure the outgoing routes (outcalls)" % hand_made.ROLE


@pytest.fixture(scope="session")
def collection(collections_path):
    """The collection's module_utils, imported from the collections path of the harness."""
    if collections_path not in sys.path:
        sys.path.insert(0, collections_path)
    from ansible_collections.wazo.confd.plugins.module_utils import (  # pylint: disable=import-outside-toplevel,import-error
        connection, interconnection, plan)
    return connection, interconnection, plan


class Session:
    """The plan and the modules' functions run in process against the simulator, as the role runs them."""

    def __init__(self, collection, sim):
        self.connection, self.interconnection, self.plan = collection
        self.sim = sim

    def client(self):
        return self.connection.ConfdClient(self.sim.confd_url, self.sim.auth_url, token=self.sim.token,
                                           tenant=self.sim.tenant, api_generation=self.sim.generation)

    def tasks(self, providers, existing=()):
        complete = self.interconnection.complete_providers(providers)
        return self.interconnection.module_arguments(complete, self.sim.generation, existing)

    def plan_of(self, tasks):
        client = self.client()
        entries = self.plan.plan_tasks(client, tasks)
        return entries, client.request_count

    def apply(self, tasks):
        """Run every module task (real run), in the role's order: {(state, task, index): changed, or the message
        of the module's failure}."""
        client, changed = self.client(), {}
        for state, name, index, arguments in self.plan.task_arguments(tasks):
            run = self.plan.run_task(client, name, arguments, check_mode=False)
            changed[(state, name, index)] = run.result["changed"] if run.result is not None else "failed: " + run.error
        return changed

    def check(self, tasks):
        """Plan, then run every module: the plan's actions must be what the modules do; then a second plan finds
        nothing to change. Returns the plan's entries."""
        entries, _requests = self.plan_of(tasks)
        changed = self.apply(tasks)

        def outcome(entry):
            return changed[(entry["state"], entry["task"], entry["index"])]

        def agrees(entry):
            if not isinstance(outcome(entry), bool):
                # a module that fails (desired routes in conflict, a parent that failed) must run to say why
                return entry["action"] != "unchanged"
            # unsure: the module decides
            return entry["action"] == "unsure" or (entry["action"] != "unchanged") == outcome(entry)

        mismatches = ["%s %s %s: planned %s, module changed=%s (%s)" % (
            entry["state"], entry["task"], entry["name"], entry["action"], outcome(entry), entry["diff"])
            for entry in entries if not agrees(entry)]
        assert not mismatches, "\n".join(mismatches)
        assert len(changed) == len(entries)
        # unsure only where the module fails: everything the plan can read, it predicts
        assert [entry for entry in entries if entry["action"] == "unsure" and isinstance(outcome(entry), bool)] == []
        if all(isinstance(value, bool) for value in changed.values()):
            again, _requests = self.plan_of(tasks)
            assert [entry for entry in again if entry["action"] != "unchanged"] == []
        return entries


@pytest.fixture
def session(collection, sim):  # pylint: disable=redefined-outer-name
    return Session(collection, sim)


def provider(index, password="Pr0vider-pw", **settings_):
    entry = {
        "name": "plan-%d" % index, "host": "sip%d.plan.example" % index, "username": "41855%05d" % index,
        "password": password,
        "outcalls": [{"name": "plan-%d-out" % index,
                      "dial_patterns": [{"pattern": "_9%dNXXXXXX" % index, "prefix": "1"}]}],
        "incalls": [{"did": "555%04d" % (100 + index), "destination": {"type": "user", "user": USER}}],
    }
    entry.update(settings_)
    return entry


def actions(entries):
    return sorted((entry["task"], entry["name"], entry["action"]) for entry in entries)


# ---- the scenarios of the functional tests ----------------------------------------------------------------------

@pytest.mark.newest_only
def test_plan_equals_modules_on_the_functional_scenarios(session, sim):
    first = session.check(session.tasks([provider(0), provider(1)]))
    assert {entry["action"] for entry in first} == {"create"}
    noop = session.check(session.tasks([provider(0), provider(1)]))
    assert {entry["action"] for entry in noop} == {"unchanged"}

    changed = provider(1, qualify_frequency=0, label="Plan One")
    changed["outcalls"] = [dict(changed["outcalls"][0], ring_time=45),
                           {"name": "plan-1-new", "dial_patterns": [{"pattern": "_8XXXX"}]}]
    changed["incalls"].append({"did": "5550200", "destination": {"type": "none"}})
    entries = session.check(session.tasks([provider(0), changed]))
    assert ("outcalls", "plan-1-new", "create") in actions(entries)
    assert ("outcalls", "plan-1-out", "update") in actions(entries)
    assert ("incalls", "5550101", "unchanged") in actions(entries)

    routes_removed = provider(1, qualify_frequency=0, label="Plan One", outcalls=[
        {"name": "plan-1-out", "state": "absent"}, {"name": "plan-1-new", "state": "absent"}])
    entries = session.check(session.tasks([provider(0), routes_removed]))
    assert ("outcalls", "plan-1-new", "delete") in actions(entries)

    # the server keeps the password of a provider given without one
    existing = [provider(0)["name"]]
    session.check(session.tasks([provider(0, password=None)], existing=existing))

    removed = session.check(session.tasks([provider(0, state="absent"), routes_removed]))
    assert ("trunks", "plan-0", "delete") in actions(removed)
    # confd deletes a trunk's SIP endpoint with it: the plan foresees it, the endpoint's task has nothing left to do
    assert ("sip_endpoints", "plan-0", "unchanged") in actions(removed)
    assert session.plan.counts(removed)["unsure"] == 0


@pytest.mark.newest_only
def test_plan_equals_modules_on_a_hand_made_interconnection(session, sim):
    hand_made.make_by_hand(sim)
    # adopted: what the guide's calls made is updated to the role's description, nothing created
    entries = session.check(session.tasks([hand_made.role_provider(sim.generation)]))
    assert "create" not in {entry["action"] for entry in entries}, actions(entries)
    other_route = hand_made.role_provider(sim.generation, outcalls=[
        {"name": hand_made.OUTCALL, "dial_patterns": [{"pattern": "_NXXNXXXXXX", "prefix": "1"}]}])
    entries = session.check(session.tasks([other_route]))
    assert [(task, action) for task, _name, action in actions(entries) if action != "unchanged"] == [
        ("outcalls", "update")]


# ---- generated desired states against generated servers -----------------------------------------------------------

PORTS = st.sampled_from([None, 5060, 5080])
TRANSPORTS = st.sampled_from([None, "udp", "tcp"])


@st.composite
def providers(draw, indexes=(0, 1, 2)):
    chosen = draw(st.lists(st.sampled_from(indexes), min_size=1, max_size=len(indexes), unique=True))
    result = []
    for index in sorted(chosen):
        outcalls = [{"name": "plan-%d-out%d" % (index, number),
                     "ring_time": draw(st.sampled_from([None, 30, 45])),
                     "enabled": draw(st.sampled_from([None, True, False])),
                     "dial_patterns": [{"pattern": "_%d%d%dNXXXX" % (index, number, pattern),
                                        "prefix": draw(st.sampled_from([None, "1", "+33"])),
                                        "strip_digits": draw(st.sampled_from([None, 0, 1]))}
                                       for pattern in range(draw(st.integers(0, 2)))]}
                    for number in draw(st.lists(st.integers(0, 2), max_size=2, unique=True))]
        incalls = [{"did": "555%04d" % (10 * index + number),
                    "destination": draw(st.sampled_from([None, {"type": "user", "user": USER}, {"type": "none"}]))}
                   for number in draw(st.lists(st.integers(0, 2), max_size=2, unique=True))]
        result.append(provider(index, host=draw(st.sampled_from(["a.plan.example", "b.plan.example"])),
                               port=draw(PORTS), transport=draw(TRANSPORTS), register=draw(st.booleans()),
                               qualify_frequency=draw(st.sampled_from([None, 0, 60])),
                               label=draw(st.sampled_from([None, "Plan A"])),
                               state=draw(st.sampled_from(["present", "present", "absent"])),
                               outcalls=outcalls, incalls=incalls))
    return result


HAND_EDITS = st.lists(st.sampled_from(["outcall ring_time", "outcall disabled", "incall deleted",
                                       "endpoint deleted"]), max_size=2)


def edit_by_hand(sim, edit):
    """An administrator's change made outside Ansible, on the first object of its kind."""
    kind, _change = edit.split(" ", 1)
    path = {"outcall": "/outcalls", "incall": "/incalls", "endpoint": "/endpoints/sip"}[kind]
    items = hand_made.call(sim, "GET", path)["items"]
    if not items:
        return
    key = items[0].get("uuid") or items[0]["id"] if kind == "endpoint" else items[0]["id"]
    if edit == "outcall ring_time":
        hand_made.call(sim, "PUT", "%s/%s" % (path, key), {"ring_time": 99})
    elif edit == "outcall disabled":
        hand_made.call(sim, "PUT", "%s/%s" % (path, key), {"enabled": False})
    else:
        hand_made.call(sim, "DELETE", "%s/%s" % (path, key), expect=(204, 400))


@pytest.mark.newest_only
@pytest.mark.simulator_only  # forty resets of the tenant: minutes on a real server
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(before=providers(), desired=providers(), edits=HAND_EDITS)
def test_plan_equals_modules_on_generated_states(session, sim, before, desired, edits):
    sim.reset()
    session.apply(session.tasks([dict(entry, state="present") for entry in before]))
    for edit in edits:
        edit_by_hand(sim, edit)
    session.check(session.tasks(desired))


# ---- the role with the plan ----------------------------------------------------------------------------------------

def role_requests(sim, ansible, providers_, **role_vars):
    sim.clear_requests()
    result = ansible.run_playbook(hand_made.role_play(providers_, **role_vars))
    assert result.rc == 0, hand_made.failure_messages(result) or result.stdout[-3000:]
    return result, sim.requests()


def test_noop_costs_the_same_for_2_and_12_providers(sim, ansible, session):
    costs = {}
    for count in (2, 12):
        sim.reset()
        providers_ = [provider(index) for index in range(count)]
        # the providers made by the modules' functions in process (what a first run of the role makes, quicker)
        session.apply(session.tasks(providers_))
        result, requests = role_requests(sim, ansible, providers_)
        assert result.stats["localhost"]["changed"] == 0
        assert [entry for entry in requests if entry["method"] not in ("GET", "HEAD")
                and entry["path"].startswith("/1.1")] == []
        costs[count] = sorted("%s %s" % (entry["method"], entry["path"].split("?")[0]) for entry in requests)
    assert costs[2] == costs[12]
    # the session (login, generation, revocation) and one list per collection the modules read
    assert len(costs[12]) <= 12, costs[12]


def test_a_changed_route_writes_that_route_only(sim, ansible, session):
    providers_ = [provider(index) for index in range(3)]
    session.apply(session.tasks(providers_))
    providers_[1]["outcalls"][0]["ring_time"] = 45
    result, requests = role_requests(sim, ansible, providers_)
    writes = [(entry["method"], entry["path"]) for entry in requests
              if entry["method"] not in ("GET", "HEAD") and entry["path"].startswith("/1.1")]
    [outcall] = [item for item in hand_made.call(sim, "GET", "/outcalls")["items"] if item["name"] == "plan-1-out"]
    assert writes == [("PUT", "/1.1/outcalls/%d" % outcall["id"])]
    assert outcall["ring_time"] == 45
    plan = result.task(PLAN_TASK)
    assert plan.result["counts"]["update"] == 1
    assert [task.name for task in result.changed_tasks] == [OUTCALLS_TASK]


def test_check_mode_shows_the_plan_and_its_diff_and_writes_nothing(sim, ansible, session):
    providers_ = [provider(0)]
    session.apply(session.tasks(providers_))
    providers_[0]["outcalls"][0]["ring_time"] = 45
    sim.clear_requests()
    result = ansible.run_playbook(hand_made.role_play(providers_), check=True, diff=True)
    assert result.rc == 0, hand_made.failure_messages(result)
    assert sim.writes() == []
    plan = result.task(PLAN_TASK)
    assert plan.changed
    assert plan.result["counts"] == {"create": 0, "update": 1, "delete": 0, "unchanged": 4, "unsure": 0}
    assert plan.result["diff"]["after"] == {"wazo_outcall plan-0-out": {"ring_time": 45}}
    assert result.task(TABLE_TASK).result["msg"] == [
        "plan-0 | wazo_outcall plan-0-out | update", "plan-0 | 4 resources | unchanged"]
    # the plan stands for the module tasks: none of them ran
    assert [task.name for task in result.changed_tasks] == [PLAN_TASK]
    assert hand_made.PASSWORD not in result.stdout and "Pr0vider-pw" not in result.stdout
