"""Fault matrix: a full role converge (one provider with registration, one outcall, two incalls) with a fault on
each of its requests in turn, for each fault kind, then a converge without fault.

The clean converge is run first: its request log gives N, and its state (normalized: generated ids and uuids
replaced by labels computed from content) is the desired state. Then, for every k in 1..N and every kind (an
answer 500, an answer 503, a timeout (the request is delayed past the modules' 2 s timeout, then carried out),
a dropped connection), on a freshly reset simulator:

* the faulted run either fails with a message that names the request (method, path) and what happened to it
  (status, timeout, no answer), or succeeds: then a warning says the request was retried (503 and drops on
  GET/PUT/DELETE), or says what was done instead (a failed token revocation), and the state is the desired one;
* the run that follows, without fault, succeeds and reaches exactly the desired state: no duplicate, no orphan,
  nothing missing, the same links.

Cost: a few hundred role runs. Many converges share one ansible-playbook process (reliability.batch_playbook),
the module processes are forked from a pre-warmed Python (warm_python.py: same module code, same ansible-playbook,
without re-importing requests each time), and the (kind, shard) tests spread over the pytest-xdist workers.
The table of outcomes is printed at the end of the session (conftest.py). Marked ``fault_matrix``: the Makefile
runs it with the newest ansible-core only. WAZO_FAULT_MATRIX (below) chooses how much of it runs.
"""

import json
import os
import time

import pytest
import yaml

from reliability import (
    KINDS, NO_CONNECTION_ENV, api_path, batch_playbook, failure_messages, names_the_request, normalize,
    provider, read_records, request_pattern, role_play, role_vars, state_difference, task_segments,
)
from warm_python import WarmPython

# WAZO_FAULT_MATRIX: "ci" (the default, what make test runs): the current generation; the converge without
# fault is skipped after a faulted run that succeeded and left exactly the desired state (it would be the
# idempotent second run that test_role.py checks). "full": both generations, a converge without fault after
# every faulted run. "off": nothing.
MODE = os.environ.get("WAZO_FAULT_MATRIX", "ci")
MATRIX_GENERATIONS = {"ci": ("current",), "full": ("current", "legacy"), "off": ()}[MODE]

pytestmark = [pytest.mark.fault_matrix, pytest.mark.newest_only, pytest.mark.generation(*MATRIX_GENERATIONS),
              pytest.mark.simulator_only]

SHARDS = 4
TIMEOUT = 2              # the modules' timeout (seconds) for the timeout kind
SETTLE = {"timeout": 1.5}  # after a timed-out run: the delayed request (3 s) lands before the next converge
BATCH_TIMEOUT = 5400     # seconds for one ansible-playbook process running a shard of the matrix

# To investigate some k only: WAZO_FAULT_MATRIX_KS=6,11 (a comma list).
ONLY_KS = [int(k) for k in os.environ.get("WAZO_FAULT_MATRIX_KS", "").split(",") if k.strip()]

# The module processes are forked from a pre-warmed Python (warm_python.py); WAZO_WARM_PYTHON=0 starts each
# one from scratch, as ansible-playbook does by default.
WARM = os.environ.get("WAZO_WARM_PYTHON", "1") != "0"

_REFERENCES = {}


@pytest.fixture(scope="module")
def interpreter():
    """extra vars that make module runs use the pre-warmed Python (none when WAZO_WARM_PYTHON=0)."""
    if not WARM:
        yield {}
        return
    with WarmPython() as warm:
        yield {"ansible_python_interpreter": warm.interpreter}


def clean_reference(sim, ansible, generation, interpreter):
    """The clean converge of this worker's simulator: request log and normalized state (once per generation)."""
    if generation not in _REFERENCES:
        sim.reset()
        ansible.run_playbook(role_play(role_vars(sim, [provider()])), extra_vars=interpreter, env=NO_CONNECTION_ENV,
                             expect_rc=0)
        requests = sim.requests()
        state = normalize(sim.state())
        assert requests and state["trunks"] and len(state["incalls"]) == 2
        _REFERENCES[generation] = {"requests": requests, "state": state}
        sim.reset()
    return _REFERENCES[generation]


def describe(entry):
    return "%s %s%s" % (entry["method"], api_path(entry), "?" + entry["query"] if entry.get("query") else "")


def judge_faulted(kind, entry, fault_record, tasks, desired):
    """(outcome, problem or None) of the faulted run of one k."""
    outcome = fault_record["data"]["outcome"]
    request = "%s %s" % (entry["method"], api_path(entry))
    named = request_pattern(entry).search
    if outcome.get("failed"):
        messages = failure_messages(outcome)
        if any(names_the_request(message, entry, kind) for message in messages):
            return "failed-with-message", None
        return "PROBLEM", "failed without naming %s and its %s fault: task %r, messages %r" % (
            request, kind, outcome.get("task"), messages)
    warnings = [warning for task in tasks for warning in task.warnings or []]
    difference = state_difference(desired, normalize(fault_record["state"]))
    if difference:
        return "PROBLEM", "succeeded but the state is not the desired one:\n" + difference
    if any(named(warning) and "retry" in warning for warning in warnings):
        return "retried-ok", None
    if any(named(warning) for warning in warnings):
        return "ok-with-warning", None
    return "PROBLEM", "succeeded without any warning about %s (warnings: %r)" % (request, warnings)


@pytest.mark.parametrize("shard", range(SHARDS))
@pytest.mark.parametrize("kind", list(KINDS))
def test_fault_matrix(sim, ansible, generation, kind, shard, record_property, interpreter):  # pylint: disable=redefined-outer-name
    reference = clean_reference(sim, ansible, generation, interpreter)
    clean_log, desired = reference["requests"], reference["state"]
    ks = [k for k in range(1, len(clean_log) + 1) if (k - 1) % SHARDS == shard and (not ONLY_KS or k in ONLY_KS)]
    if not ks:
        pytest.skip("no k of this shard in WAZO_FAULT_MATRIX_KS")

    record = "%s/matrix-%s.jsonl" % (ansible.workdir, kind)
    variables = role_vars(sim, [provider()], timeout=TIMEOUT if kind == "timeout" else None)
    desired_path = "%s/desired-state.json" % ansible.workdir
    with open(desired_path, "w", encoding="utf-8") as handle:
        json.dump(desired, handle)
    play, step = batch_playbook(variables, record, fault=KINDS[kind], settle=SETTLE.get(kind, 0.0),
                                desired=desired_path, always_rerun=MODE == "full")
    with open("%s/matrix-step.yml" % ansible.workdir, "w", encoding="utf-8") as handle:
        yaml.safe_dump(step, handle, sort_keys=False)
    started = time.monotonic()
    result = ansible.run_playbook(play, extra_vars=dict(interpreter, matrix_ks=ks), env=NO_CONNECTION_ENV,
                                  timeout=BATCH_TIMEOUT)
    seconds = time.monotonic() - started
    assert result.rc == 0, result.output()[-6000:]

    records = read_records(record)
    faulted = dict((line["data"]["k"], line) for line in records if line["data"]["phase"] == "fault")
    reruns = dict((line["data"]["k"], line) for line in records if line["data"]["phase"] == "rerun")
    segments = task_segments(result.tasks)
    assert sorted(faulted) == ks and sorted(reruns) == ks and len(segments) == len(ks), result.output()[-3000:]

    rows, problems = [], []
    for index, k in enumerate(ks):
        entry = clean_log[k - 1]
        outcome, problem = judge_faulted(kind, entry, faulted[k], segments[index], desired)
        rerun = reruns[k]
        skipped = rerun["data"].get("skipped") in (True, "True", "true")
        if skipped:
            pass  # the faulted run succeeded with exactly the desired state (checked by judge_faulted)
        elif rerun["data"]["outcome"].get("failed"):
            outcome, problem = "PROBLEM", (problem or "") + "\nthe converge without fault failed: %r" % (
                failure_messages(rerun["data"]["outcome"]),)
        else:
            difference = state_difference(desired, normalize(rerun["state"]))
            if difference:
                outcome, problem = "PROBLEM", (problem or "") + "\nthe converge without fault did not reach the " \
                                                                "desired state:\n" + difference
        if problem:
            problems.append("k=%d (%s), %s: %s" % (k, describe(entry), kind, problem))
        rows.append({"generation": generation, "k": k, "request": describe(entry), "kind": kind,
                     "outcome": outcome, "rerun": not skipped, "seconds": seconds / len(ks)})
    record_property("fault_matrix", rows)
    assert not problems, "\n\n".join(problems)
