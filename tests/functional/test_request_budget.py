"""Request budget of the modules, from the simulator's request log, on both API generations.

With a token given and the API generation known (the harness's module defaults give both), a task whose
objects are already as asked (a no-op) sends no write and at most two requests per object it manages, and
what it sends does not depend on how many objects the tenant holds: the same run against a tenant with one
trunk and one incall of each kind and against one with a thousand more sends exactly the same requests, each
lookup with filters the server applies exactly (its list columns, docs: confd-api.md section 2), each list
answering as many items in both tenants. A reference (context, trunk, user, transport...) is looked up at
most once per task, and an object written is read back once.
"""

import re
import urllib.parse

import pytest

from tests.functional.populate import populate

# requests sent by the module_utils, which no ansible-core version changes
pytestmark = pytest.mark.newest_only

PROVIDER = "prov-budget"
SECRET = "Budget-S3cret-91"
NOISE = 999  # with our own objects: a thousand trunks, incalls and DID extensions

# Objects each module manages, for the budget of at most two requests per object in a no-op run.
MANAGED = {
    "wazo_sip_endpoint": {"current": 1, "legacy": 1},   # the endpoint
    "wazo_trunk": {"current": 1, "legacy": 1},          # the trunk (its binding is read with it)
    "wazo_register": {"current": 1, "legacy": 2},       # current: the endpoint's registration sections;
                                                        # legacy: the register and its trunk association
    "wazo_outcall": {"current": 2, "legacy": 2},        # the outcall and its dial-pattern extensions
    "wazo_incall": {"current": 2, "legacy": 2},         # the incall and its DID extension
}

# What each no-op task sends, exactly (ids and uuids normalized). The task name is the module, plus a suffix.
EXPECTED_NOOP = {
    "current": {
        "wazo_sip_endpoint": ["GET /1.1/endpoints/sip?name=prov-budget", "GET /1.1/sip/transports?name=transport-udp"],
        "wazo_trunk": ["GET /1.1/trunks?name=prov-budget"],
        "wazo_register": ["GET /1.1/trunks?name=prov-budget", "GET /1.1/endpoints/sip/{uuid}"],
        "wazo_outcall": ["GET /1.1/outcalls?name=prov-budget-out", "GET /1.1/contexts"],
        "wazo_incall 1": ["GET /1.1/contexts", "GET /1.1/incalls?exten=5550100"],
        "wazo_incall 2": ["GET /1.1/contexts", "GET /1.1/incalls?exten=5550101"],
    },
    "legacy": {
        "wazo_sip_endpoint": ["GET /1.1/endpoints/sip?username=prov-budget"],
        "wazo_trunk": ["GET /1.1/endpoints/sip?username=prov-budget", "GET /1.1/trunks/{id}"],
        "wazo_register": ["GET /1.1/endpoints/sip?username=prov-budget", "GET /1.1/trunks/{id}",
                          "GET /1.1/registers/sip/{id}"],
        "wazo_outcall": ["GET /1.1/outcalls?name=prov-budget-out", "GET /1.1/contexts"],
        "wazo_incall 1": ["GET /1.1/contexts", "GET /1.1/extensions?context=from-extern&exten=5550100",
                          "GET /1.1/incalls/{id}"],
        "wazo_incall 2": ["GET /1.1/contexts", "GET /1.1/extensions?context=from-extern&exten=5550101",
                          "GET /1.1/incalls/{id}"],
    },
}

# Exact-match list filters of the server (its list columns), per collection. A lookup uses only these.
EXACT_FILTERS = {
    "current": {
        "/1.1/endpoints/sip": {"name", "label", "asterisk_id", "uuid"},
        "/1.1/endpoints/sip/templates": {"name", "label", "uuid"},
        "/1.1/sip/transports": {"name", "uuid"},
        "/1.1/trunks": {"id", "context", "name", "label", "outgoing_caller_id_format"},
        "/1.1/outcalls": {"id", "name", "preprocess_subroutine"},
        "/1.1/extensions": {"exten", "context", "type"},
        "/1.1/incalls": {"exten", "user_id", "preprocess_subroutine", "greeting_sound"},
        "/1.1/contexts": {"id", "name", "label", "type"},
        "/1.1/users": {"id", "uuid", "firstname", "lastname", "fullname", "email", "username"},
    },
    "legacy": {
        "/1.1/endpoints/sip": {"username", "type", "host"},
        "/1.1/sip/transports": {"name", "uuid"},
        "/1.1/trunks": {"id", "context"},
        "/1.1/outcalls": {"id", "name", "preprocess_subroutine"},
        "/1.1/extensions": {"exten", "context", "type"},
        "/1.1/incalls": {"id", "user_id", "preprocess_subroutine", "greeting_sound"},
        "/1.1/contexts": {"id", "name", "type"},
        "/1.1/users": {"id", "uuid", "firstname", "lastname", "fullname", "email", "username"},
    },
}
# Collections read whole: the tenant's contexts (a handful, whatever the number of trunks, extensions, incalls).
READ_WHOLE = {"/1.1/contexts"}

UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
ITEM_ID = re.compile(r"/\d+(?=/|$)")


def provider_tasks(generation):
    """One provider as the role configures it: endpoint, trunk, registration, an outcall with two dial patterns
    and two incalls (destination by a user's full name)."""
    legacy = generation == "legacy"
    endpoint = dict(name=PROVIDER, username="4185550100", secret=SECRET, host="sip.budget.example", port=5060,
                    options=[["qualifyfreq", "60"]] + ([["transport", "udp"]] if legacy else []))
    if legacy:
        endpoint["type"] = "peer"
    else:
        endpoint["transport"] = "udp"
    tasks = [
        {"name": "wazo_sip_endpoint", "wazo.confd.wazo_sip_endpoint": endpoint},
        {"name": "wazo_trunk", "wazo.confd.wazo_trunk": {"name": PROVIDER}},
        {"name": "wazo_register", "wazo.confd.wazo_register": {
            "trunk": PROVIDER, "auth_username": "4185550100", "auth_password": SECRET,
            "remote_host": "sip.budget.example", "remote_port": 5060, "transport": "udp"}},
        {"name": "wazo_outcall", "wazo.confd.wazo_outcall": {
            "name": PROVIDER + "-out", "trunks": [PROVIDER],
            "extensions": [{"exten": "_NXXNXXXXXX", "prefix": "1"}, {"exten": "_1NXXNXXXXXX"}]}},
    ]
    for index, did in enumerate(("5550100", "5550101"), 1):
        tasks.append({"name": "wazo_incall %d" % index, "wazo.confd.wazo_incall": {
            "exten": did, "destination": {"type": "user", "user": "Alice Smoke"}}})
    return tasks


def module_of(task_name):
    return task_name.split()[0]


def shown(entry):
    path = ITEM_ID.sub("/{id}", UUID.sub("{uuid}", entry["path"]))
    query = urllib.parse.urlencode(sorted(urllib.parse.parse_qsl(entry["query"] or "", keep_blank_values=True)))
    return "%s %s%s" % (entry["method"], path, "?" + query if query else "")


def per_task(log, result):
    """The request log cut into the requests of each task (tasks run one after the other on one host);
    each module reports how many requests it sent (api_requests), which must add up to the log."""
    segments, position = {}, 0
    for task in result.tasks:
        count = task.result["api_requests"]
        segments[task.name] = log[position:position + count]
        position += count
    assert position == len(log), "the modules reported %d requests, the simulator logged %d" % (position, len(log))
    return segments


def assert_no_repeated_read(segments):
    """Within a task, the same GET is never sent twice without a write in between (references resolved once)."""
    for name, entries in segments.items():
        seen = set()
        for entry in entries:
            if entry["method"] != "GET":
                seen = set()
                continue
            key = (entry["path"], entry["query"])
            assert key not in seen, "%s sent %s twice: %s" % (name, shown(entry), [shown(e) for e in entries])
            seen.add(key)


def assert_exact_filters(generation, segments):
    for name, entries in segments.items():
        for entry in entries:
            filters = EXACT_FILTERS[generation].get(entry["path"])
            if entry["method"] != "GET" or filters is None:
                continue  # an item (by id/uuid), not a list
            keys = {key for key, _value in urllib.parse.parse_qsl(entry["query"] or "", keep_blank_values=True)}
            assert keys <= filters, "%s: %s uses a parameter the server does not filter on exactly" % (name, shown(entry))
            assert keys or entry["path"] in READ_WHOLE, "%s: %s lists a whole collection" % (name, shown(entry))


def list_sizes(sim, segments):
    """How many items each list request of the run answers now (replayed with the seeded token)."""
    sizes = {}
    for entries in segments.values():
        for entry in entries:
            if entry["method"] == "GET" and entry["path"] in EXACT_FILTERS[sim.generation]:
                status, body = sim.http("GET", entry["path"] + ("?" + entry["query"] if entry["query"] else ""),
                                        headers={"X-Auth-Token": sim.token})
                assert status == 200, body
                sizes[shown(entry)] = body["total"]
    return sizes


def noop_run(sim, ansible, tasks):
    sim.clear_requests()
    result = ansible.run_tasks(tasks, expect_rc=0)
    assert [task.name for task in result.changed_tasks] == []
    log = sim.requests()
    assert [shown(entry) for entry in log if entry["method"] != "GET"] == [], "a no-op run wrote"
    return per_task(log, result)


def test_noop_budget_is_flat_with_a_thousand_objects(sim, ansible, generation):
    tasks = provider_tasks(generation)
    sim.clear_requests()
    first = ansible.run_tasks(tasks, expect_rc=0)
    assert [task.name for task in first.changed_tasks] == [task["name"] for task in tasks]
    first_run = per_task(sim.requests(), first)
    assert_no_repeated_read(first_run)
    # the trunk's default context, found by its type in the tenant's contexts, is not looked up again by its name
    assert [shown(entry) for entry in first_run["wazo_trunk"] if entry["path"] == "/1.1/contexts"] == [
        "GET /1.1/contexts"]

    small = noop_run(sim, ansible, tasks)
    small_sizes = list_sizes(sim, small)

    populate(sim, generation, NOISE)
    state = sim.state()
    assert len(state["trunks"]) == len(state["incalls"]) - 1 == NOISE + 1

    big = noop_run(sim, ansible, tasks)
    big_sizes = list_sizes(sim, big)

    for name, entries in big.items():
        requests = [shown(entry) for entry in entries]
        assert requests == [shown(entry) for entry in small[name]], "%s: the requests depend on the tenant's size" % name
        assert requests == EXPECTED_NOOP[generation][name], name
        assert len(requests) <= 2 * MANAGED[module_of(name)][generation], "%s exceeds its budget" % name
    assert big_sizes == small_sizes, "a lookup answers more items in a bigger tenant"
    assert all(size <= 1 for request, size in big_sizes.items() if request.split("?")[0][4:] not in READ_WHOLE)
    assert_exact_filters(generation, big)
    assert_no_repeated_read(big)

    # a change writes only what changed and reads each written object back once
    changed = []
    for task in tasks:
        module = "wazo.confd." + module_of(task["name"])
        if module in ("wazo.confd.wazo_outcall", "wazo.confd.wazo_incall"):
            task = dict(task, **{module: dict(task[module], description="changed by the budget test")})
        changed.append(task)
    sim.clear_requests()
    result = ansible.run_tasks(changed, expect_rc=0)
    assert [task.name for task in result.changed_tasks] == ["wazo_outcall", "wazo_incall 1", "wazo_incall 2"]
    segments = per_task(sim.requests(), result)
    assert_no_repeated_read(segments)
    for name in ("wazo_outcall", "wazo_incall 1", "wazo_incall 2"):
        requests = [shown(entry) for entry in segments[name]]
        item = "/1.1/%ss/{id}" % module_of(name)[5:]
        assert requests[-2:] == ["PUT " + item, "GET " + item], requests
        assert requests[:-2] == EXPECTED_NOOP[generation][name][:len(requests) - 2], requests


@pytest.mark.generation("current")
def test_references_are_resolved_once_per_task(sim, ansible):
    """Two trunks, two dial patterns in the same (default) context, then a change that needs every reference:
    each trunk and the context list are read once."""
    tasks = [{"name": "wazo_sip_endpoint %s" % name, "wazo.confd.wazo_sip_endpoint": {"name": name, "host": "h.example"}}
             for name in ("ref-a", "ref-b")]
    tasks += [{"name": "wazo_trunk %s" % name, "wazo.confd.wazo_trunk": {"name": name}} for name in ("ref-a", "ref-b")]
    tasks.append({"name": "wazo_outcall", "wazo.confd.wazo_outcall": {
        "name": "ref-out", "trunks": ["ref-a", "ref-b"],
        "extensions": [{"exten": "_NXX"}, {"exten": "_1NXX"}, {"exten": "_011."}]}})
    ansible.run_tasks(tasks, expect_rc=0)
    sim.clear_requests()
    result = ansible.run_tasks([dict(tasks[-1], **{"wazo.confd.wazo_outcall": dict(
        tasks[-1]["wazo.confd.wazo_outcall"], trunks=["ref-b", "ref-a"], extensions=[{"exten": "_NXX"}, {"exten": "_00."}])})],
        expect_rc=0)
    segments = per_task(sim.requests(), result)
    requests = [shown(entry) for entry in segments["wazo_outcall"]]
    assert requests.count("GET /1.1/contexts") == 1
    assert requests.count("GET /1.1/trunks?name=ref-a") == requests.count("GET /1.1/trunks?name=ref-b") == 1
    assert_no_repeated_read(segments)
    assert_exact_filters("current", segments)
