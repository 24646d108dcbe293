"""Helpers of the reliability tests (test_fault_matrix.py, test_concurrency.py).

* ``provider(...)`` / ``role_vars(...)``: the provider the tests converge (registration, one outcall, two incalls)
  and the role variables that connect it to the simulator with a wazo-auth login.
* ``batch_playbook(...)``: one ``ansible-playbook`` process that, for each k, resets the simulator, arms a fault
  on its k-th request, runs the role, records what happened, clears the faults, lets a delayed request land,
  runs the role again and records the state (action ``sim_control`` of tests/functional/action_plugins).
* ``normalize(state)``: a simulator state dump where the ids and uuids the server generated are replaced by
  labels computed from the objects' content, so that two converges compare equal exactly when they hold the
  same objects (counts, names, fields) linked the same way.
* ``render_fault_matrix(rows)``: the k x kind table printed at the end of the test session.
"""

import hashlib
import json
import os
import re

# Fault kinds: a spec for the simulator's POST /__sim__/faults (nth is added per k).
KINDS = {
    "500": {"status": 500},
    "503": {"status": 503},
    "timeout": {"delay": 3.0},
    "drop": {"drop": True},
}

ACTION_PLUGINS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "action_plugins")
ROLE = "wazo.confd.provider_interconnection"

# Collections whose ids/uuids the server generates while the role converges; the seed's are stable.
GENERATED = {"trunks": "trunks", "endpoints/sip": "endpoints_sip", "registers/sip": "registers_sip",
             "outcalls": "outcalls", "incalls": "incalls", "extensions": "extensions"}
HREF = re.compile(r"/1\.1/(trunks|endpoints/sip|registers/sip|outcalls|incalls|extensions)/([0-9a-fA-F-]+)$")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def provider(name="faultco", did_base=5550150, patterns=("_NXXNXXXXXX", "911")):
    """One provider with registration, one outcall (two dial patterns) and two incalls (two DIDs)."""
    return {
        "name": name,
        "host": "sip.%s.example" % name,
        "username": "41855%05d" % (did_base % 100000),
        "password": "pw-%s-7c1e" % name,
        "register": True,
        "outcalls": [{"name": "%s-out" % name,
                      "trunks": [name],
                      "dial_patterns": [{"pattern": patterns[0], "prefix": "1",
                                         "caller_id": '"Acme" <41855%05d>' % (did_base % 100000)},
                                        {"pattern": patterns[1]}]}],
        "incalls": [{"did": str(did_base), "destination": {"type": "user", "user": "Alice Smoke"}},
                    {"did": str(did_base + 1), "description": "%s second DID" % name,
                     "destination": {"type": "hangup", "cause": "normal"}}],
    }


def role_vars(sim, providers, timeout=None):
    """Role variables: the providers, and the simulator's connection with a wazo-auth login (no token)."""
    variables = {
        "provider_interconnection_wazo_confd_url": sim.confd_url,
        "provider_interconnection_wazo_auth_url": sim.auth_url,
        "provider_interconnection_wazo_username": sim.username,
        "provider_interconnection_wazo_password": sim.password,
        "provider_interconnection_wazo_tenant": sim.tenant,
        "provider_interconnection_providers": providers,
    }
    if timeout is not None:
        variables["provider_interconnection_timeout"] = timeout
    return variables


# The playbook's environment: no connection from WAZO_* variables (the role gets it all from its variables).
NO_CONNECTION_ENV = {"WAZO_TOKEN": None, "WAZO_API_GENERATION": None, "WAZO_CONFD_URL": None,
                     "WAZO_AUTH_URL": None, "WAZO_TENANT": None, "ANSIBLE_ACTION_PLUGINS": ACTION_PLUGINS}


def role_play(variables, name="Converge the providers"):
    return [{"name": name, "hosts": "localhost", "gather_facts": False,
             "roles": [{"role": ROLE, "vars": variables}]}]


# ---- one ansible-playbook process for many faulted converges -----------------------------------------

def _run_role(phase):
    """Tasks: run the role, keep whether it failed and what the failure said."""
    return [
        {"name": "matrix: forget the previous outcome", "ansible.builtin.set_fact": {"matrix_outcome": {"failed": False}}},
        {"name": "matrix: %s run" % phase, "block": [
            {"name": "matrix: the role (%s)" % phase, "ansible.builtin.include_role": {"name": ROLE}},
        ], "rescue": [
            {"name": "matrix: keep the failure", "ansible.builtin.set_fact": {"matrix_outcome": {
                "failed": True,
                "task": "{{ ansible_failed_task.name }}",
                "result": "{{ ansible_failed_result }}",
            }}},
        ]},
    ]


def batch_playbook(variables, record, fault=None, settle=0.0, desired=None, always_rerun=True):
    """The play and its per-k task file: for each k of the ``matrix_ks`` variable a faulted converge, then a
    converge without fault, both recorded in the JSON lines file ``record``.

    desired: a JSON file with the normalized desired state; unless always_rerun, the converge without fault is
    skipped when the faulted run succeeded and left exactly that state (it would be the idempotent second run).
    """
    control = {"url": "{{ wazo_sim_url }}"}
    step = [
        {"name": "matrix: reset the simulator and arm the fault",
         "sim_control": dict(control, reset=True, fault="{{ matrix_fault | combine({'nth': matrix_k | int}) }}")},
    ] + _run_role("faulted") + [
        {"name": "matrix: record the faulted run",
         "sim_control": dict(control, clear_faults=True, sleep=settle, record=record, requests=True, state=True,
                             data={"k": "{{ matrix_k | int }}", "phase": "fault", "outcome": "{{ matrix_outcome }}"},
                             **({"desired": desired} if desired else {})),
         "register": "matrix_faulted"},
        {"name": "matrix: decide on the converge without fault",
         "ansible.builtin.set_fact": {"matrix_rerun": "{{ %s or matrix_outcome.failed or not matrix_faulted.same_state "
                                                      "| default(false) }}" % bool(always_rerun)}},
        {"name": "matrix: converge without fault", "when": "matrix_rerun | bool", "block": _run_role("rerun")},
        {"name": "matrix: record the rerun",
         "sim_control": dict(control, record=record, state="{{ matrix_rerun | bool }}",
                             data={"k": "{{ matrix_k | int }}", "phase": "rerun", "skipped": "{{ not matrix_rerun | bool }}",
                                   "outcome": "{{ matrix_outcome if matrix_rerun | bool else {} }}"})},
    ]
    play = {"name": "Fault matrix", "hosts": "localhost", "gather_facts": False,
            "vars": dict(variables, matrix_fault=fault or {}),
            "tasks": [{"name": "matrix: one k", "ansible.builtin.include_tasks": "matrix-step.yml",
                       "loop": "{{ matrix_ks }}", "loop_control": {"loop_var": "matrix_k"}}]}
    return [play], step


def read_records(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def task_segments(tasks):
    """The recorded task results of a batch run, cut per faulted run: [[task, ...] for each k]."""
    segments, current = [], None
    for task in tasks:
        if task.name == "matrix: reset the simulator and arm the fault":
            current = []
            segments.append(current)
        elif task.name == "matrix: record the faulted run":
            current = None
        elif current is not None:
            current.append(task)
    return segments


# ---- failure messages ---------------------------------------------------------------------------------

def failure_messages(outcome):
    """Every message of a failed role run: the failed task's msg, or its loop items' msgs."""
    result = outcome.get("result") or {}
    messages = []

    def add(value):
        if isinstance(value, list):
            for item in value:
                add(item)
        elif value:
            messages.append(str(value))

    add(result.get("msg"))
    for item in result.get("results") or []:
        if isinstance(item, dict) and item.get("failed"):
            add(item.get("msg"))
    return messages


def api_path(entry):
    """The path a module names in its messages: relative to /1.1 or /0.1, a token masked."""
    path = re.sub(r"^/(1\.1|0\.1)", "", entry["path"])
    return re.sub(r"^/token/.+$", "/token/********", path)


def request_pattern(entry):
    """A regex of "METHOD /path" as messages show it, any generated id or uuid in the path."""
    path = re.escape(api_path(entry))
    path = re.sub(r"[0-9a-fA-F]{8}\\-[0-9a-fA-F]{4}\\-[0-9a-fA-F]{4}\\-[0-9a-fA-F]{4}\\-[0-9a-fA-F]{12}",
                  "[0-9a-fA-F-]{36}", path)
    path = re.sub(r"/[0-9]+(?=/|$)", "/[0-9]+", path)
    return re.compile(r"\b%s %s(?![\w/*-])" % (entry["method"], path))


def names_the_request(message, entry, kind):
    """Whether a failure message says which request failed and how (status, timeout, no answer)."""
    if not request_pattern(entry).search(message):
        return False
    if kind in ("500", "503"):
        return "returned %s" % kind in message
    return "got no answer" in message or "timed out" in message or "connection failed" in message


# ---- state normalization ------------------------------------------------------------------------------

def _same_setting(key, value):
    """The value a setting means: xivo-dao stores a null strip_digits as 0 when a dial pattern is associated again
    (as a retried PUT does), and both strip no digit."""
    return 0 if key == "strip_digits" and value is None else value


def _masked(value, parent_key=None):
    """value with generated ids, uuids and hrefs masked: what an object is, whatever the server numbered it; lists of
    objects in content order unless their order means something (confd moves an updated dial pattern last)."""
    if isinstance(value, dict):
        masked = {}
        for key, item in value.items():
            if key in ("id", "uuid") or (key.endswith("_id") and isinstance(item, int)):
                masked[key] = "#"
            elif key == "href":
                masked[key] = HREF.sub(lambda match: "/1.1/%s/#" % match.group(1), str(item))
            else:
                masked[key] = _masked(_same_setting(key, item), key)
        return masked
    if isinstance(value, list):
        items = [_masked(item) for item in value]
        if parent_key not in ORDERED_LISTS and all(isinstance(item, dict) for item in items):
            items.sort(key=lambda item: json.dumps(item, sort_keys=True))
        return items
    if isinstance(value, str) and UUID.match(value):
        return "#"
    return value


def _labels(state):
    """{(collection, str(id)): label} for every generated object, the label built from its masked content."""
    labels = {}
    for path, collection in GENERATED.items():
        counts = {}
        items = state.get(collection) or []
        keyed = sorted(((json.dumps(_masked(item), sort_keys=True), item) for item in items), key=lambda pair: pair[0])
        for text, item in keyed:
            digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
            counts[digest] = counts.get(digest, 0) + 1
            label = "<%s %s#%d>" % (collection, digest, counts[digest])
            labels[(collection, str(item.get("uuid", item.get("id"))))] = label
            labels[(path, str(item.get("uuid", item.get("id"))))] = label
    return labels


# Lists of generated objects whose order is meaningful.
ORDERED_LISTS = ("trunks",)


def normalize(state):
    """The state with generated ids/uuids replaced by content labels (see the module docstring)."""
    labels = _labels(state)
    uuids = dict((key[1], label) for key, label in labels.items() if UUID.match(key[1]))

    def collection_of(obj):
        for link in obj.get("links") or []:
            match = HREF.search(str(link.get("href", "")))
            if match:
                return match.group(1), match.group(2)
        return None

    def walk(value, collection=None, parent_key=None):
        if isinstance(value, dict):
            own = collection_of(value)
            out = {}
            for key, item in value.items():
                if key in ("id", "uuid") and own and (own[0], str(item)) in labels:
                    out[key] = labels[(own[0], str(item))]
                elif key in ("id", "uuid") and collection and (collection, str(item)) in labels:
                    out[key] = labels[(collection, str(item))]
                elif key == "href":
                    match = HREF.search(str(item))
                    out[key] = labels.get((match.group(1), match.group(2)), item) if match else item
                else:
                    out[key] = walk(_same_setting(key, item), parent_key=key)
            return out
        if isinstance(value, list):
            items = [walk(item) for item in value]
            # A list of generated objects is in id order, that is creation order, unless its order means
            # something (an outcall's trunks are its failover order).
            if parent_key not in ORDERED_LISTS and value and all(
                    isinstance(item, dict) and collection_of(item) for item in value):
                items.sort(key=lambda item: json.dumps(item, sort_keys=True))
            return items
        if isinstance(value, str) and value in uuids:
            return uuids[value]
        return value

    normalized = {}
    for collection, items in state.items():
        top = collection if collection in GENERATED.values() else None
        normalized[collection] = sorted((walk(item, top) for item in items), key=lambda item: json.dumps(item, sort_keys=True))
    return normalized


def state_difference(expected, actual):
    """Readable differences between two normalized states ('' when equal)."""
    lines = []
    for collection in sorted(set(expected) | set(actual)):
        want, have = expected.get(collection, []), actual.get(collection, [])
        if want == have:
            continue
        lines.append("%s: %d expected, %d found" % (collection, len(want), len(have)))
        want_text = [json.dumps(item, sort_keys=True) for item in want]
        have_text = [json.dumps(item, sort_keys=True) for item in have]
        for text in have_text:
            if text not in want_text:
                lines.append("  unexpected: %s" % text[:600])
        for text in want_text:
            if text not in have_text:
                lines.append("  missing:    %s" % text[:600])
    return "\n".join(lines)


# ---- the printed table ----------------------------------------------------------------------------------

OUTCOME_CODES = {"failed-with-message": "F", "retried-ok": "R", "ok-with-warning": "W", "ok": "o", "PROBLEM": "!"}


def render_fault_matrix(rows):
    """rows: {generation, k, request, kind, outcome, seconds}; one table per generation."""
    out = []
    for generation in sorted(set(row["generation"] for row in rows)):
        mine = [row for row in rows if row["generation"] == generation]
        kinds = [kind for kind in ("500", "503", "timeout", "drop") if any(row["kind"] == kind for row in mine)]
        ks = sorted(set(row["k"] for row in mine))
        cells = dict(((row["k"], row["kind"]), row) for row in mine)
        counts = dict((kind, {}) for kind in kinds)
        for row in mine:
            counts[row["kind"]][row["outcome"]] = counts[row["kind"]].get(row["outcome"], 0) + 1
        seconds = sum(row.get("seconds", 0) for row in mine)
        reruns = sum(1 for row in mine if row.get("rerun", True))
        out.append("%s generation: %d requests (k) x %d fault kinds = %d faulted converges; %d converges without "
                   "fault after them (%.0f s of playbook time)"
                   % (generation, len(ks), len(kinds), len(mine), reruns, seconds))
        out.append("  %3s  %-56s %s" % ("k", "request", " ".join("%-7s" % kind for kind in kinds)))
        for k in ks:
            request = next(row["request"] for row in mine if row["k"] == k)
            out.append("  %3d  %-56s %s" % (k, request[:56], " ".join(
                "%-7s" % OUTCOME_CODES.get(cells[(k, kind)]["outcome"], "?") if (k, kind) in cells else "-      "
                for kind in kinds)))
        out.append("  per kind: " + "; ".join("%s: %s" % (kind, ", ".join(
            "%d %s" % (number, outcome) for outcome, number in sorted(counts[kind].items()))) for kind in kinds))
    out.append("F failed with a message naming the request and its status (or the timeout, or the lost connection), "
               "R retried and succeeded (with a warning naming the request), W succeeded with a warning naming the "
               "request, ! unsafe (see the test failure). A faulted run that succeeded left exactly the clean "
               "converge's state; every converge without fault reached it.")
    return "\n".join(out)
