"""/contexts: LEGACY names are client-chosen (and changeable); CURRENT names are ctx-<slug>-<type>-<uuid>."""

import uuid

from ..core import input_error, param_not_found, paginate, resource_associated, resource_exists, route, unexpected
from ..fields import Field, digits, length, load, none_of, one_of, regexp, value_range
from .common import get_record, tenant_records

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


def _schema(generation, creating):
    name = Field("name", "str", regexp(r"^[a-zA-Z0-9-_]*$"), length(1, 39), none_of(*_RESERVED), required=creating)
    if generation == "current":
        label = Field("label", "str", length(1, 128), required=creating)
    else:
        label = Field("label", "str", length(max_len=128), allow_none=True)
    schema = [] if generation == "current" else [name]
    schema += [label, Field("type", "str", one_of("internal", "incall", "outcall", "services", "others"), default="internal")]
    schema += [Field(kind, "nested", schema=_INCALL_RANGE if kind == "incall_ranges" else _RANGE, many=True,
                     schema_check=_check_range) for kind in RANGE_KINDS]
    schema += [Field("description", "str", allow_none=True), Field("enabled", "strict_bool", default=True)]
    return schema


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


def render(req, record):
    body = {"id": record["id"]}
    if req.current:
        body["uuid"] = record["uuid"]
    body.update(name=record["name"], label=record["label"], type=record["type"])
    for kind in RANGE_KINDS:
        body[kind] = [dict(rng) for rng in record[kind]]
    contexts = req.state.tables["contexts"]
    body.update(description=record["description"], tenant_uuid=record["tenant_uuid"], enabled=record["enabled"],
                links=[req.link("contexts", "/contexts/%d" % record["id"])],
                contexts=[summary(req, contexts[included]) for included in record["contexts"] if included in contexts])
    return body


def _apply(record, data):
    for key, value in data.items():
        record[key] = _stored_ranges(value, key == "incall_ranges") if key in RANGE_KINDS else value


def _with_label(req, body):
    if req.current and "label" not in body and "name" in body:
        return dict(body, label=body["name"])  # deprecated compatibility: a name alone becomes the label
    return body


@route("GET", "/contexts")
def list_contexts(req):
    columns = {"id": lambda r: r["id"], "name": lambda r: r["name"], "type": lambda r: r["type"],
               "description": lambda r: r["description"]}
    if req.current:
        columns["label"] = lambda r: r["label"]
    return 200, paginate(req, tenant_records(req, "contexts"), columns, "id", search_columns=tuple(columns),
                         int_columns=("id",), render=lambda r: render(req, r))


@route("POST", "/contexts")
def create_context(req):
    data = load(_schema(req.generation, True), _with_label(req, req.json_object()), req.generation)
    if not req.current and find_context(req.state, data["name"]):
        raise resource_exists("Context", name=data["name"])
    record = {"id": req.state.next_id("contexts"), "tenant_uuid": req.tenant, "contexts": [], "description": None}
    if req.current:
        record["uuid"] = str(uuid.uuid4())
        record["name"] = "ctx-%s-%s-%s" % (req.state.tenant_slug, data["type"], record["uuid"])
    for kind in RANGE_KINDS:
        record[kind] = []
    _apply(record, data)
    req.state.tables["contexts"][record["id"]] = record
    return 201, render(req, record)


@route("GET", "/contexts/<int:context_id>")
def get_context(req):
    return 200, render(req, get_record(req, "contexts", req.params["context_id"], "Context"))


def _rename(state, old, new):
    """LEGACY renames cascade to what refers to the context by name."""
    for table in ("extensions", "trunks", "voicemails"):
        for record in state.tables[table].values():
            if record.get("context") == old:
                record["context"] = new


@route("PUT", "/contexts/<int:context_id>")
def update_context(req):
    req.read_body()  # a middleware resource: the body is read before the lookup
    record = get_record(req, "contexts", req.params["context_id"], "Context")
    data = load(_schema(req.generation, False), _with_label(req, req.json_object()), req.generation, partial=True)
    new_name = data.get("name", record["name"])
    if new_name != record["name"]:
        if find_context(req.state, new_name):
            raise unexpected('(psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint '
                             '"context_name_key"\nDETAIL:  Key (name)=(%s) already exists.' % new_name)
        _rename(req.state, record["name"], new_name)
    _apply(record, data)
    return 204, None


@route("DELETE", "/contexts/<int:context_id>")
def delete_context(req):
    record = get_record(req, "contexts", req.params["context_id"], "Context")
    for table, resource, key in (("extensions", "Extension", "extension_id"), ("voicemails", "Voicemail", "voicemail_id"),
                                 ("trunks", "Trunk", "trunk_id")):
        for other in req.state.tables[table].values():
            if other.get("context") == record["name"]:
                raise resource_associated("Context", resource, context_id=record["id"], **{key: other["id"]})
    del req.state.tables["contexts"][record["id"]]
    for other in req.state.tables["contexts"].values():
        if record["id"] in other["contexts"]:
            other["contexts"].remove(record["id"])
    return 204, None


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
