"""/extensions: patterns per context type, uniqueness, ranges of associated extensions, delete rules.

An extension's owner lives on the extension record (``owner``: None or
``{"type": "incall"|"outcall", "id": n, "typeval": "<str>", ...dial pattern fields}``); incalls and
outcalls find theirs through ``owned_extensions()``.
"""

import re

from ..core import ApiError, input_error, paginate, resource_associated, resource_error, resource_exists, route
from ..fields import Field, length, load
from .common import get_record, tenant_records
from .contexts import in_ranges, require_context

EXTEN_REGEX = re.compile(r"^_[*#0-9_XxZzNn\[\].!-]{1,39}$|[*#0-9]{1,40}$")
EXTEN_OUTCALL_REGEX = re.compile(r"^_?\+?[*#0-9_XxZzNn\[\].!-]*$")
_SCHEMA = [Field("exten", "str", length(max_len=40), required=True), Field("context", "str", required=True),
           Field("commented", "bool"), Field("enabled", "bool")]
_OWNER_CONTEXT_TYPE = {"incall": "incall", "outcall": "outcall"}


def owned_extensions(req, owner_type):
    """owner id -> [extension records] in association order, built once per request."""
    def build():
        index = {}
        for record in req.state.tables["extensions"].values():
            owner = record["owner"]
            if owner and owner["type"] == owner_type:
                index.setdefault(owner["id"], []).append(record)
        for records in index.values():
            records.sort(key=lambda record: record["owner"]["order"])
        return index
    return req.memo("owned_extensions:" + owner_type, build)


def summary(req, record):
    return {"id": record["id"], "exten": record["exten"], "context": record["context"],
            "links": [req.link("extensions", "/extensions/%d" % record["id"])]}


def render(req, record):
    owner = record["owner"] or {}
    body = {"id": record["id"], "tenant_uuid": record["tenant_uuid"], "exten": record["exten"], "context": record["context"],
            "commented": not record["enabled"], "enabled": record["enabled"],
            "links": [req.link("extensions", "/extensions/%d" % record["id"])],
            "conference": None, "parking_lot": None, "group": None, "incall": None, "lines": [], "outcall": None,
            "queue": None}
    if owner.get("type") == "incall":
        body["incall"] = {"id": owner["id"], "links": [req.link("incalls", "/incalls/%d" % owner["id"])]}
    elif owner.get("type") == "outcall":
        outcall = req.state.tables["outcalls"][owner["id"]]
        body["outcall"] = {"id": outcall["id"], "name": outcall["name"],
                           "links": [req.link("outcalls", "/outcalls/%d" % outcall["id"])]}
    return body


def check_pattern(context, exten):
    regex = EXTEN_OUTCALL_REGEX if context["type"] == "outcall" else EXTEN_REGEX
    if not regex.match(exten):
        # Raised by a confd validator, not marshmallow: no "Input Error - " prefix.
        raise ApiError(400, ["exten: ['String does not match expected pattern.']"])


def find_extension(state, exten, context):
    for record in state.tables["extensions"].values():
        if record["exten"] == exten and record["context"] == context:
            return record
    return None


def _enabled(data, default):
    enabled = default
    if "commented" in data:
        enabled = not data["commented"]
    if "enabled" in data:
        enabled = data["enabled"]
    return enabled


def check_incall_range(context, exten):
    if not exten.startswith("_") and not in_ranges(exten, context["incall_ranges"]):
        raise input_error("Extension '%s' is outside of range for context '%s'" % (exten, context["name"]))


def _get_extension(req):
    """The extension of an /extensions/{id} route: LEGACY looks it up among non-feature extensions, and
    its not-found message says so ('is_feature': False); association routes print the id only."""
    extension_id = req.params["extension_id"]
    shown = {"id": extension_id} if req.current else {"id": extension_id, "is_feature": False}
    return get_record(req, "extensions", extension_id, "Extension", **shown)


@route("GET", "/extensions")
def list_extensions(req):
    contexts = req.memo("context_types", lambda: {c["name"]: c["type"] for c in req.state.tables["contexts"].values()})
    columns = {"exten": lambda r: r["exten"], "context": lambda r: r["context"], "type": lambda r: contexts.get(r["context"])}
    if not req.current:
        columns.update(feature=lambda r: "", is_feature=lambda r: r["context"] == "xivo-features")
    return 200, paginate(req, tenant_records(req, "extensions"), columns, "exten", search_columns=tuple(columns),
                         render=lambda r: render(req, r))


@route("POST", "/extensions")
def create_extension(req):
    data = load(_SCHEMA, req.json_object(), req.generation)
    context = require_context(req.state, data["context"])
    if find_extension(req.state, data["exten"], data["context"]):
        raise resource_exists("Extension", exten=data["exten"], context=data["context"])
    check_pattern(context, data["exten"])
    record = {"id": req.state.next_id("extensions"), "tenant_uuid": context["tenant_uuid"], "exten": data["exten"],
              "context": data["context"], "enabled": _enabled(data, True), "owner": None}
    req.state.tables["extensions"][record["id"]] = record
    return 201, render(req, record)


@route("GET", "/extensions/<int:extension_id>")
def get_extension(req):
    return 200, render(req, _get_extension(req))


@route("PUT", "/extensions/<int:extension_id>")
def update_extension(req):
    req.read_body()  # a middleware resource: the body is read before the lookup
    record = _get_extension(req)
    data = load(_SCHEMA, req.json_object(), req.generation, partial=True)
    exten, context_name = data.get("exten", record["exten"]), data.get("context", record["context"])
    context = require_context(req.state, context_name)
    existing = find_extension(req.state, exten, context_name)
    if existing and existing["id"] != record["id"]:
        raise resource_exists("Extension", exten=exten, context=context_name)
    owner = record["owner"]
    if owner and context["type"] != _OWNER_CONTEXT_TYPE[owner["type"]]:
        raise resource_error("ContextType '%s' cannot be associated" % context["type"])
    if owner and owner["type"] == "incall":
        check_incall_range(context, exten)
    check_pattern(context, exten)
    if context["tenant_uuid"] != record["tenant_uuid"]:
        raise resource_error("different tenants")
    record.update(exten=exten, context=context_name, enabled=_enabled(data, record["enabled"]))
    if owner and owner["type"] == "incall" and not req.current:
        req.state.tables["incalls"][owner["id"]]["legacy_did"] = (exten, context_name)
    return 204, None


@route("DELETE", "/extensions/<int:extension_id>")
def delete_extension(req):
    record = _get_extension(req)
    owner = record["owner"]
    if owner:
        raise resource_associated("Extension", owner["type"], extension_id=record["id"], associated_id=owner["typeval"])
    del req.state.tables["extensions"][record["id"]]
    return 204, None
