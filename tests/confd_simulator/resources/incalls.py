"""/incalls and incall <-> extension (one extension per incall; LEGACY keeps the DID after dissociation)."""

from ..core import check_db_integers, paginate, resource_associated, resource_error, route, unexpected
from ..fields import Field, length, load, one_of
from . import destinations
from .common import get_record, tenant_records
from .contexts import find_context
from .extensions import owned_extensions, summary as extension_summary


def _schema(generation):
    return [Field("preprocess_subroutine", "str", length(max_len=79 if generation == "current" else 39), allow_none=True,
                  default=None),
            Field("greeting_sound", "str", length(max_len=255), allow_none=True, default=None),
            Field("caller_id_mode", "str", one_of("prepend", "overwrite", "append"), allow_none=True, default=None),
            Field("caller_id_name", "str", length(max_len=80), allow_none=True, default=None),
            Field("description", "str", allow_none=True, default=None),
            destinations.field()]


def incall_extensions(req, incall_id):
    return owned_extensions(req, "incall").get(incall_id, [])


def summary(req, record):
    """How users and groups show the incalls that reach them."""
    return {"id": record["id"], "extensions": [extension_summary(req, ext) for ext in incall_extensions(req, record["id"])],
            "links": [req.link("incalls", "/incalls/%d" % record["id"])]}


def incalls_to(req, kind):
    """target id -> [incall records] whose destination is that ``kind`` (user, group...)."""
    def build():
        index = {}
        for record in req.state.tables["incalls"].values():
            target = destinations.target_of(record["destination"], kind)
            if target is not None:
                index.setdefault(target, []).append(record)
        return index
    return req.memo("incalls_to:" + kind, build)


def render(req, record):
    return {"id": record["id"], "tenant_uuid": record["tenant_uuid"],
            "preprocess_subroutine": record["preprocess_subroutine"], "greeting_sound": record["greeting_sound"],
            "caller_id_mode": record["caller_id_mode"], "caller_id_name": record["caller_id_name"],
            "description": record["description"], "destination": destinations.render(req, record["destination"]),
            "links": [req.link("incalls", "/incalls/%d" % record["id"])],
            "extensions": [extension_summary(req, ext) for ext in incall_extensions(req, record["id"])],
            "schedules": []}


@route("GET", "/incalls")
def list_incalls(req):
    extens = owned_extensions(req, "incall")
    columns = {"preprocess_subroutine": lambda r: r["preprocess_subroutine"],
               "greeting_sound": lambda r: r["greeting_sound"], "description": lambda r: r["description"],
               "user_id": lambda r: destinations.target_of(r["destination"], "user")}
    if req.current:  # xivo-dao 2025: no id column, the DID (exten) instead, not searched by user_id
        columns["exten"] = lambda r: extens[r["id"]][0]["exten"] if extens.get(r["id"]) else None
        searched, order = ("preprocess_subroutine", "greeting_sound", "description", "exten"), "exten"
    else:
        columns["id"] = lambda r: r["id"]
        searched, order = tuple(columns), "id"
    return 200, paginate(req, tenant_records(req, "incalls"), columns, order, search_columns=searched,
                         int_columns=("id", "user_id"), render=lambda r: render(req, r))


@route("POST", "/incalls")
def create_incall(req):
    data = load(_schema(req.generation), req.json_object(), req.generation)
    destinations.validate_targets(req.state, data["destination"])
    record = dict(data, id=req.state.next_id("incalls"), tenant_uuid=req.tenant, legacy_did=None)
    check_db_integers(data)
    req.state.tables["incalls"][record["id"]] = record
    return 201, render(req, record)


@route("GET", "/incalls/<int:incall_id>")
def get_incall(req):
    return 200, render(req, get_record(req, "incalls", req.params["incall_id"], "Incall"))


@route("PUT", "/incalls/<int:incall_id>")
def update_incall(req):
    req.read_body()  # a middleware resource: the body is read before the lookup
    record = get_record(req, "incalls", req.params["incall_id"], "Incall")
    data = load(_schema(req.generation), req.json_object(), req.generation, partial=True)
    if "destination" in data:
        destinations.validate_targets(req.state, data["destination"])
    check_db_integers(data)
    record.update(data)
    return 204, None


@route("DELETE", "/incalls/<int:incall_id>")
def delete_incall(req):
    record = get_record(req, "incalls", req.params["incall_id"], "Incall")
    for extension in req.state.tables["extensions"].values():
        owner = extension["owner"]
        if owner and owner["type"] == "incall" and owner["id"] == record["id"]:
            extension["owner"] = None  # released, not deleted
    del req.state.tables["incalls"][record["id"]]
    return 204, None


def _legacy_did_conflict(req, incall, extension):
    """LEGACY: a dissociated incall keeps its DID row; another incall cannot take it (unique violation)."""
    key = (extension["exten"], extension["context"])
    for other in req.state.tables["incalls"].values():
        if other["id"] != incall["id"] and other["legacy_did"] == key:
            raise unexpected(
                '(psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint "incall_exten_context_key"\n'
                "DETAIL:  Key (exten, context)=(%s, %s) already exists.\n\n[SQL: UPDATE incall SET exten=%%(exten)s, "
                "context=%%(context)s WHERE incall.id = %%(id_1)s]\n[parameters: {'exten': '%s', 'context': '%s', "
                "'id_1': %d}]\n(Background on this error at: http://sqlalche.me/e/13/gkpj)"
                % (key[0], key[1], key[0], key[1], incall["id"]))


@route("PUT", "/incalls/<int:incall_id>/extensions/<int:extension_id>")
def associate_extension(req):
    incall = get_record(req, "incalls", req.params["incall_id"], "Incall")
    extension = get_record(req, "extensions", req.params["extension_id"], "Extension")
    owner = extension["owner"]
    if owner and owner["type"] == "incall" and owner["id"] == incall["id"]:
        return 204, None
    if extension["tenant_uuid"] != incall["tenant_uuid"]:
        raise resource_error("different tenants")
    current_extensions = incall_extensions(req, incall["id"])
    if current_extensions:
        raise resource_associated("Incall", "Extension", incall_id=str(incall["id"]), extension_id=current_extensions[0]["id"])
    if owner and owner["type"] == "incall":
        raise resource_associated("Incall", "Extension", incall_id=owner["typeval"], extension_id=extension["id"])
    if owner:
        raise resource_associated("Extension", owner["type"], extension_id=extension["id"], associated_id=owner["typeval"])
    context = find_context(req.state, extension["context"])
    if context["type"] != "incall":
        raise resource_error("ContextType '%s' cannot be associated ('id': %d, 'context': %r)"
                             % (context["type"], extension["id"], extension["context"]))
    if not req.current:
        _legacy_did_conflict(req, incall, extension)
        incall["legacy_did"] = (extension["exten"], extension["context"])
    extension["owner"] = {"type": "incall", "id": incall["id"], "typeval": str(incall["id"]), "order": 0}
    return 204, None


@route("DELETE", "/incalls/<int:incall_id>/extensions/<int:extension_id>")
def dissociate_extension(req):
    incall = get_record(req, "incalls", req.params["incall_id"], "Incall")
    extension = get_record(req, "extensions", req.params["extension_id"], "Extension")
    owner = extension["owner"]
    if owner and owner["type"] == "incall" and owner["id"] == incall["id"]:
        extension["owner"] = None
    return 204, None
