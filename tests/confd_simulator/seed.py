"""The fixture every run starts from (see README.md): one tenant, three contexts, one user, SIP seed."""

from .resources import sip, users

INFOS = {
    "current": {"uuid": "aa89b366-5953-42f0-9a64-15c55df7e690", "wazo_version": "26.08"},
    "legacy": {"uuid": "e2c11f55-9994-4c13-834e-1848a13cf405", "wazo_version": "20.11"},
}
# (id, uuid, type, CURRENT label, LEGACY name, LEGACY label, ranges)
_CONTEXTS = (
    (1, "62e459e7-5c51-4e1e-9287-ee9fbf5b815c", "internal", "default", "default", "Default",
     {"user_ranges": [("1000", "1999")], "group_ranges": [("2000", "2999")], "queue_ranges": [("3000", "3999")],
      "conference_room_ranges": [("4000", "4999")]}),
    (2, "11f17dab-25a6-4f55-abf6-463052208b28", "incall", "from-extern", "from-extern", "Incalls",
     {"incall_ranges": [("5550000", "5559999", 7)]}),
    (3, "c47703b9-b6d7-4dbc-9809-e072171a7ba4", "outcall", "to-extern", "to-extern", "Outcalls", {}),
)
RANGE_KINDS = ("user_ranges", "group_ranges", "queue_ranges", "conference_room_ranges", "incall_ranges")
USER_UUID = "a1c3e5f7-0000-4000-8000-00000000a11c"
USER_CREATED_AT = {"current": "2026-01-01T00:00:00.000000", "legacy": "2026-01-01T00:00:00.000000+00:00"}


def _range(values):
    start, end = values[0], values[1]
    rng = {"start": start, "end": end}
    if len(values) > 2:
        rng["did_length"] = values[2]
    return rng


def seed(state):
    generation = state.generation
    state.infos = dict(INFOS[generation])
    contexts = state.tables["contexts"]
    for context_id, context_uuid, context_type, label, legacy_name, legacy_label, ranges in _CONTEXTS:
        record = {"id": context_id, "tenant_uuid": state.tenant_uuid, "type": context_type, "description": None,
                  "enabled": True, "contexts": [3] if context_type == "internal" else []}
        record.update({  # CURRENT generates uuids and names; LEGACY's names are the client's
            "current": {"uuid": context_uuid, "label": label,
                        "name": "ctx-%s-%s-%s" % (state.tenant_slug, context_type, context_uuid)},
            "legacy": {"name": legacy_name, "label": legacy_label}}[generation])
        for kind in RANGE_KINDS:
            record[kind] = [_range(values) for values in ranges.get(kind, [])]
        contexts[context_id] = record
    state.sequences["contexts"] = 3
    users.seed_users(state, USER_UUID, USER_CREATED_AT[generation])
    sip.of(generation).seed_sip(state)
