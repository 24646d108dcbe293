"""/outcalls, PUT /outcalls/{id}/trunks (ordered list) and outcall <-> extension (dial patterns)."""

from ..core import check_db_integers, not_permitted, param_not_found, paginate, resource_associated, resource_error, resource_exists, route
from ..fields import Field, length, load, regexp, value_range
from .common import get_record, optional_module, tenant_records
from .contexts import find_context
from .extensions import owned_extensions

_PREFIX = r"^\+|\+?[0-9#*]+$"
_DIAL_PATTERN = [Field("caller_id", "str", length(max_len=80), allow_none=True),
                 Field("external_prefix", "str", length(max_len=64), regexp(_PREFIX), allow_none=True),
                 Field("prefix", "str", length(max_len=32), regexp(_PREFIX), allow_none=True),
                 Field("strip_digits", "int", value_range(0))]
_TRUNKS = [Field("trunks", "nested", schema=[Field("id", "int", required=True)], many=True, required=True)]


def _schema(generation):
    return [Field("name", "str", length(max_len=128), required=True),
            Field("internal_caller_id", "strict_bool", default=False),
            Field("preprocess_subroutine", "str", length(max_len=79 if generation == "current" else 39), allow_none=True,
                  default=None),
            Field("ring_time", "int", value_range(0), allow_none=True, default=None),
            Field("description", "str", allow_none=True, default=None),
            Field("enabled", "strict_bool", default=True)]


def _trunk_item(req, trunk):
    item = {"tenant_uuid": trunk["tenant_uuid"], "id": trunk["id"], "endpoint_sip": None, "endpoint_custom": None,
            "links": [req.link("trunks", "/trunks/%d" % trunk["id"])]}
    sip = optional_module("sip")
    if sip:
        item.update(sip.outcall_trunk_sip_fields(req, trunk["id"]))
    return item


def render(req, record):
    trunks = req.state.tables["trunks"]
    return {"id": record["id"], "tenant_uuid": record["tenant_uuid"], "name": record["name"],
            "internal_caller_id": record["internal_caller_id"], "preprocess_subroutine": record["preprocess_subroutine"],
            "ring_time": record["ring_time"], "description": record["description"], "enabled": record["enabled"],
            "links": [req.link("outcalls", "/outcalls/%d" % record["id"])],
            "trunks": [_trunk_item(req, trunks[trunk_id]) for trunk_id in record["trunk_ids"] if trunk_id in trunks],
            "extensions": [{"external_prefix": ext["owner"]["external_prefix"], "prefix": ext["owner"]["prefix"],
                            "strip_digits": ext["owner"]["strip_digits"], "caller_id": ext["owner"]["caller_id"],
                            "id": ext["id"], "exten": ext["exten"], "context": ext["context"],
                            "links": [req.link("extensions", "/extensions/%d" % ext["id"])]}
                           for ext in owned_extensions(req, "outcall").get(record["id"], [])],
            "schedules": [], "call_permissions": []}


def _check_unique_name(req, name, own_id=None):
    for other in req.state.tables["outcalls"].values():
        if other["name"] == name and other["id"] != own_id:  # case-sensitive, server-wide
            raise resource_exists("Outcall", name=name)


@route("GET", "/outcalls")
def list_outcalls(req):
    columns = {"id": lambda r: r["id"], "description": lambda r: r["description"], "name": lambda r: r["name"],
               "preprocess_subroutine": lambda r: r["preprocess_subroutine"]}
    return 200, paginate(req, tenant_records(req, "outcalls"), columns, "id", search_columns=tuple(columns),
                         int_columns=("id",), render=lambda r: render(req, r))


@route("POST", "/outcalls")
def create_outcall(req):
    data = load(_schema(req.generation), req.json_object(), req.generation)
    _check_unique_name(req, data["name"])
    record = dict(data, id=req.state.next_id("outcalls"), tenant_uuid=req.tenant, trunk_ids=[])
    check_db_integers(data)
    req.state.tables["outcalls"][record["id"]] = record
    return 201, render(req, record)


@route("GET", "/outcalls/<int:outcall_id>")
def get_outcall(req):
    return 200, render(req, get_record(req, "outcalls", req.params["outcall_id"], "Outcall"))


@route("PUT", "/outcalls/<int:outcall_id>")
def update_outcall(req):
    record = get_record(req, "outcalls", req.params["outcall_id"], "Outcall")
    data = load(_schema(req.generation), req.json_object(), req.generation, partial=True)
    if "name" in data:
        _check_unique_name(req, data["name"], record["id"])
    check_db_integers(data)
    record.update(data)
    return 204, None


@route("DELETE", "/outcalls/<int:outcall_id>")
def delete_outcall(req):
    record = get_record(req, "outcalls", req.params["outcall_id"], "Outcall")
    for extension in req.state.tables["extensions"].values():
        owner = extension["owner"]
        if owner and owner["type"] == "outcall" and owner["id"] == record["id"]:
            extension["owner"] = None  # released, not deleted
    del req.state.tables["outcalls"][record["id"]]
    return 204, None


@route("PUT", "/outcalls/<int:outcall_id>/trunks")
def set_trunks(req):
    record = get_record(req, "outcalls", req.params["outcall_id"], "Outcall")
    data = load(_TRUNKS, req.json_object(), req.generation)
    trunk_ids = []
    for item in data["trunks"]:
        trunk = req.state.tables["trunks"].get(item["id"])
        if trunk is None:
            raise param_not_found("trunks", "Trunk", id=item["id"])
        if trunk["tenant_uuid"] != record["tenant_uuid"]:
            raise resource_error("different tenants")
        trunk_ids.append(trunk["id"])
    if len(set(trunk_ids)) != len(trunk_ids):
        raise not_permitted("Cannot associate same trunk more than once")
    record["trunk_ids"] = trunk_ids
    return 204, None


@route("PUT", "/outcalls/<int:outcall_id>/extensions/<int:extension_id>")
def associate_extension(req):
    outcall = get_record(req, "outcalls", req.params["outcall_id"], "Outcall")
    extension = get_record(req, "extensions", req.params["extension_id"], "Extension")
    data = load(_DIAL_PATTERN, req.json_object(), req.generation, partial=True)
    owner = extension["owner"]
    if owner and owner["type"] == "outcall" and owner["id"] == outcall["id"]:
        # already associated: only the keys sent change, an UPDATE nothing flushes before the commit
        check_db_integers(data, at_commit=True)
        owner.update(data)
        return 204, None
    if extension["tenant_uuid"] != outcall["tenant_uuid"]:
        raise resource_error("different tenants")
    if owner:
        raise resource_associated("Extension", owner["type"], extension_id=extension["id"], associated_id=owner["typeval"])
    context = find_context(req.state, extension["context"])
    if context["type"] != "outcall":
        raise resource_error("ContextType '%s' cannot be associated ('id': %d, 'context': %r)"
                             % (context["type"], extension["id"], extension["context"]))
    dialpattern_id = req.state.next_id("dialpatterns")
    # the dialpattern row is flushed by the next query (SQLAlchemy's autoflush), which says so
    check_db_integers(data, "(raised as a result of Query-invoked autoflush; consider using a session.no_autoflush "
                            "block if this flush is occurring prematurely)\n")
    extension["owner"] = dict({"caller_id": None, "external_prefix": None, "prefix": None, "strip_digits": None}, **data,
                              type="outcall", id=outcall["id"], typeval=str(dialpattern_id), order=dialpattern_id)
    return 204, None


@route("DELETE", "/outcalls/<int:outcall_id>/extensions/<int:extension_id>")
def dissociate_extension(req):
    outcall = get_record(req, "outcalls", req.params["outcall_id"], "Outcall")
    extension = get_record(req, "extensions", req.params["extension_id"], "Extension")
    owner = extension["owner"]
    if owner and owner["type"] == "outcall" and owner["id"] == outcall["id"]:
        extension["owner"] = None
    return 204, None
