"""/outcalls, PUT /outcalls/{id}/trunks (ordered list) and outcall <-> extension (dial patterns)."""

from ..core import (check_db_integers, not_permitted, param_not_found, resource_associated,
                    resource_error, route)
from ..fields import Field, length, load, regexp, value_range
from . import sip
from .common import SUBROUTINE_LENGTH, Collection, Column, Shown, get_record, links, release_extensions, shown
from .contexts import find_context
from .extensions import owned_extensions

_PREFIX = r"^\+|\+?[0-9#*]+$"
_DIAL_PATTERN = [Field("caller_id", "str", length(max_len=80), allow_none=True),
                 Field("external_prefix", "str", length(max_len=64), regexp(_PREFIX), allow_none=True),
                 Field("prefix", "str", length(max_len=32), regexp(_PREFIX), allow_none=True),
                 Field("strip_digits", "int", value_range(0))]
_DIAL_PATTERN_SETTINGS = [field.name for field in _DIAL_PATTERN]
_TRUNKS = [Field("trunks", "nested", schema=[Field("id", "int", required=True)], many=True, required=True)]


FIELDS = [Field("name", "str", length(max_len=128), required=True),
          Field("internal_caller_id", "strict_bool", default=False),
          Field("preprocess_subroutine", "str", length(max_len=SUBROUTINE_LENGTH), allow_none=True, default=None),
          Field("ring_time", "int", value_range(0), allow_none=True, default=None),
          Field("description", "str", allow_none=True, default=None),
          Field("enabled", "strict_bool", default=True)]


def _trunk_item(req, trunk):
    endpoint_sip = sip.of(req.generation).trunk_sip_fields(req, trunk["id"])["endpoint_sip"]
    return {"tenant_uuid": trunk["tenant_uuid"], "id": trunk["id"], "endpoint_sip": endpoint_sip,
            "endpoint_custom": None,
            "links": [req.link("trunks", "/trunks/%d" % trunk["id"])]}


def _trunks(req, record):
    trunks = req.state.tables["trunks"]
    return [_trunk_item(req, trunks[trunk_id]) for trunk_id in record["trunk_ids"] if trunk_id in trunks]


def _extensions(req, record):
    return [{"external_prefix": ext["owner"]["external_prefix"], "prefix": ext["owner"]["prefix"],
             "strip_digits": ext["owner"]["strip_digits"], "caller_id": ext["owner"]["caller_id"],
             "id": ext["id"], "exten": ext["exten"], "context": ext["context"],
             "links": [req.link("extensions", "/extensions/%d" % ext["id"])]}
            for ext in owned_extensions(req, "outcall").get(record["id"], [])]


SHOWN = shown("id", "tenant_uuid", "name", "internal_caller_id", "preprocess_subroutine", "ring_time", "description",
              "enabled") + (links("outcalls", "/outcalls/%d"), Shown("trunks", _trunks),
                            Shown("extensions", _extensions), Shown("schedules", []), Shown("call_permissions", []))
COLUMNS = (Column("id", integer=True), Column("description"), Column("name"), Column("preprocess_subroutine"))
OUTCALLS = Collection("outcalls", "/outcalls", "Outcall", fields=FIELDS, shown=SHOWN, columns=COLUMNS,
                      id_param="outcall_id", default_order="id", unique=[("name",)],  # case-sensitive, server-wide
                      initial={"trunk_ids": list}, on_delete=(release_extensions("outcall"),))


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
        # xivo-dao assigns the four settings, the ones not sent unchanged, and stores a null strip_digits as 0
        updated = dict((key, data.get(key, owner[key])) for key in _DIAL_PATTERN_SETTINGS)
        updated["strip_digits"] = 0 if updated["strip_digits"] is None else updated["strip_digits"]
        if any(owner[key] != value for key, value in updated.items()):
            # confd lists dial patterns in table order, and PostgreSQL stores an updated row after the others
            owner["order"] = req.state.next_id("dialpattern_rows")
        owner.update(updated)
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
    extension["owner"] = dict(dict.fromkeys(_DIAL_PATTERN_SETTINGS), **data,
                              type="outcall", id=outcall["id"], typeval=str(dialpattern_id),
                              order=req.state.next_id("dialpattern_rows"))
    return 204, None


@route("DELETE", "/outcalls/<int:outcall_id>/extensions/<int:extension_id>")
def dissociate_extension(req):
    outcall = get_record(req, "outcalls", req.params["outcall_id"], "Outcall")
    extension = get_record(req, "extensions", req.params["extension_id"], "Extension")
    owner = extension["owner"]
    if owner and owner["type"] == "outcall" and owner["id"] == outcall["id"]:
        extension["owner"] = None
    return 204, None
