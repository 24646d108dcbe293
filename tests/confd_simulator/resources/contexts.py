"""/contexts: LEGACY names are client-chosen (and changeable); CURRENT names are ctx-<slug>-<type>-<uuid>."""

import uuid

from ..core import CURRENT, LEGACY, by_generation, input_error, param_not_found, resource_exists, route, unexpected
from ..fields import Field, digits, length, load, none_of, one_of, regexp, value_range
from .common import Collection, Column, Shown, drop_from_lists, get_record, links, refuse_if_used, shown

RANGE_KINDS = ("user_ranges", "group_ranges", "queue_ranges", "conference_room_ranges", "incall_ranges")
_RESERVED = ("authentication", "general", "global", "globals", "parkedcalls", "xivo-features", "zonemessages")


def _check_range(data):
    start, end = data.get("start"), data.get("end")
    if start and end:
        if len(start) != len(end):
            return "Start and end must be of the same length"
        if int(start) > int(end):
            return "Start of range must be lower than or equal to the end"
    return None


_RANGE = [Field("start", "str", digits(), length(max_len=16), required=True), Field("end", "str", digits(), length(max_len=16))]
_INCALL_RANGE = _RANGE + [Field("did_length", "int", value_range(0))]


# CURRENT generates the name
FIELDS = ([Field("name", "str", regexp(r"^[a-zA-Z0-9-_]*$"), length(1, 39), none_of(*_RESERVED), required=True,
                 generations=LEGACY),
           Field("label", "str", length(1, 128), required=True, generations=CURRENT),
           Field("label", "str", length(max_len=128), allow_none=True, generations=LEGACY),
           Field("type", "str", one_of("internal", "incall", "outcall", "services", "others"), default="internal")]
          + [Field(kind, "nested", schema=_INCALL_RANGE if kind == "incall_ranges" else _RANGE, many=True,
                   schema_check=_check_range) for kind in RANGE_KINDS]
          + [Field("description", "str", allow_none=True), Field("enabled", "strict_bool", default=True)])


def find_context(state, name):
    """The context record named ``name`` (names are unique server-wide), or None."""
    for record in state.tables["contexts"].values():
        if record["name"] == name:
            return record
    return None


def require_context(state, name, field="context"):
    """The context named ``name`` for a body field, or confd's 400 'Context was not found'."""
    record = find_context(state, name)
    if record is None:
        raise param_not_found(field, "Context", **{field: name})
    return record


def _stored_ranges(ranges, incall):
    stored = []
    for rng in ranges:
        item = {"start": rng["start"], "end": rng.get("end") or rng["start"]}
        if incall:
            item["did_length"] = rng.get("did_length", 0)
        stored.append(item)
    return stored


def in_ranges(exten, ranges):
    """xivo-dao ContextNumbers.in_range: bounds keep their last did_length digits."""
    number = int(exten)
    for rng in ranges:
        did_length = rng.get("did_length", 0)
        start, end = int(rng["start"][-did_length:]), int(rng["end"][-did_length:])
        if start <= number <= end:
            return True
    return False


def summary(req, record):
    return {"id": record["id"], "name": record["name"], "label": record["label"],
            "links": [req.link("contexts", "/contexts/%d" % record["id"])]}


def _included(req, record):
    contexts = req.state.tables["contexts"]
    return [summary(req, contexts[included]) for included in record["contexts"] if included in contexts]


def _ranges(kind):
    return lambda _req, record: [dict(rng) for rng in record[kind]]


SHOWN = (shown("id") + shown("uuid", generations=CURRENT) + shown("name", "label", "type")
         + tuple(Shown(kind, _ranges(kind)) for kind in RANGE_KINDS)
         + shown("description", "tenant_uuid", "enabled")
         + (links("contexts", "/contexts/%d"), Shown("contexts", _included)))
COLUMNS = (Column("id", integer=True), Column("name"), Column("type"), Column("description"),
           Column("label", generations=CURRENT))


def _name_as_label(body):
    """CURRENT's deprecated compatibility: a name alone becomes the label."""
    if "label" not in body and "name" in body:
        return dict(body, label=body["name"])
    return body


def _rename(state, old, new):
    """LEGACY renames cascade to what refers to the context by name."""
    for table in ("extensions", "trunks", "voicemails"):
        for record in state.tables[table].values():
            if record.get("context") == old:
                record["context"] = new


def _prepare(req, record, data, creating):
    for kind in RANGE_KINDS:
        if kind in data:
            data[kind] = _stored_ranges(data[kind], kind == "incall_ranges")
    if creating and "name" not in data:  # CURRENT's body has no name: it is generated
        record["uuid"] = str(uuid.uuid4())
        record["name"] = "ctx-%s-%s-%s" % (req.state.tenant_slug, data["type"], record["uuid"])
    elif creating:
        if find_context(req.state, data["name"]):
            raise resource_exists("Context", name=data["name"])
    elif data.get("name", record["name"]) != record["name"]:
        if find_context(req.state, data["name"]):  # no validator on PUT: the unique constraint fails
            raise unexpected('(psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint '
                             '"context_name_key"\nDETAIL:  Key (name)=(%s) already exists.' % data["name"])
        _rename(req.state, record["name"], data["name"])


CONTEXTS = Collection(
    "contexts", "/contexts", "Context", fields=FIELDS, shown=SHOWN, columns=COLUMNS, default_order="id",
    id_param="context_id", pre_load=by_generation(current=_name_as_label, legacy=None), prepare=_prepare,
    initial=dict({"contexts": list, "description": None}, **{kind: list for kind in RANGE_KINDS}), body_first=True,
    check_integers=False,  # did_length is stored unchecked
    on_delete=(refuse_if_used("Context", ("extensions", "Extension", "extension_id", "context", "name"),
                              ("voicemails", "Voicemail", "voicemail_id", "context", "name"),
                              ("trunks", "Trunk", "trunk_id", "context", "name")),
               drop_from_lists("contexts", "contexts")))


_INCLUDED = [Field("contexts", "nested", schema=[Field("id", "int", required=True)], many=True, required=True)]


@route("PUT", "/contexts/<int:context_id>/contexts")
def set_included_contexts(req):
    record = get_record(req, "contexts", req.params["context_id"], "Context")
    data = load(_INCLUDED, req.json_object(), req.generation)
    ids = []
    for item in data["contexts"]:
        if item["id"] not in req.state.tables["contexts"]:
            raise param_not_found("contexts", "Context", id=item["id"])
        ids.append(item["id"])
    if len(set(ids)) != len(ids):
        raise input_error("contexts: Cannot include the same context more than once")
    record["contexts"] = ids
    return 204, None
