"""/incalls and incall <-> extension (one extension per incall; LEGACY keeps the DID after dissociation)."""

from ..core import CURRENT, LEGACY, by_generation, resource_associated, resource_error, route, unexpected
from ..fields import Field, length, one_of
from . import destinations
from .common import SUBROUTINE_LENGTH, Collection, Column, Shown, get_record, links, release_extensions, shown
from .contexts import find_context
from .extensions import INCALL_KEEPS_DID, owned_extensions, summary as extension_summary


FIELDS = [Field("preprocess_subroutine", "str", length(max_len=SUBROUTINE_LENGTH), allow_none=True, default=None),
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


def _extensions(req, record):
    return [extension_summary(req, ext) for ext in incall_extensions(req, record["id"])]


def _did(req, record):
    extens = owned_extensions(req, "incall").get(record["id"])
    return extens[0]["exten"] if extens else None


def _destination(req, record):
    return destinations.render(req, record["destination"])


SHOWN = shown("id", "tenant_uuid", "preprocess_subroutine", "greeting_sound", "caller_id_mode", "caller_id_name",
              "description") + (Shown("destination", _destination), links("incalls", "/incalls/%d"),
                                Shown("extensions", _extensions), Shown("schedules", []))
# xivo-dao 2025 (CURRENT): no id column, the DID (exten) instead, and user_id is not searched
COLUMNS = (Column("preprocess_subroutine"), Column("greeting_sound"), Column("description"),
           Column("user_id", lambda req, record: destinations.target_of(record["destination"], "user"), integer=True,
                  searched=LEGACY),
           Column("exten", _did, generations=CURRENT), Column("id", integer=True, generations=LEGACY))


def _check_targets(req, _record, data, _creating):
    if "destination" in data:
        destinations.validate_targets(req.state, data["destination"])


INCALLS = Collection("incalls", "/incalls", "Incall", fields=FIELDS, shown=SHOWN, columns=COLUMNS,
                     id_param="incall_id", default_order=by_generation(current="exten", legacy="id"),
                     prepare=_check_targets,
                     initial={"legacy_did": None}, body_first=True, on_delete=(release_extensions("incall"),))


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
    if INCALL_KEEPS_DID[req.generation]:
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
