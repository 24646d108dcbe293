"""/extensions: patterns per context type, uniqueness, ranges of associated extensions, delete rules.

An extension's owner lives on the extension record (``owner``: None or
``{"type": "incall"|"outcall", "id": n, "typeval": "<str>", ...dial pattern fields}``); incalls and
outcalls find theirs through ``owned_extensions()``.
"""

import re

from ..core import LEGACY, ApiError, by_generation, input_error, resource_associated, resource_error, resource_exists
from ..fields import Field, length
from .common import Collection, Column, Shown, links, shown
from .contexts import in_ranges, require_context

EXTEN_REGEX = re.compile(r"^_[*#0-9_XxZzNn\[\].!-]{1,39}$|[*#0-9]{1,40}$")
EXTEN_OUTCALL_REGEX = re.compile(r"^_?\+?[*#0-9_XxZzNn\[\].!-]*$")
FIELDS = [Field("exten", "str", length(max_len=40), required=True), Field("context", "str", required=True),
          Field("commented", "bool"), Field("enabled", "bool")]
# LEGACY's incall row holds its DID (exten, context) itself, kept in step with its extension
INCALL_KEEPS_DID = by_generation(current=False, legacy=True)
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


def _owner_summary(owner_type):
    """``incall`` / ``outcall`` of a rendered extension: its owner of that type, or None."""
    def value(req, record):
        owner = record["owner"] or {}
        if owner.get("type") != owner_type:
            return None
        if owner_type == "incall":
            return {"id": owner["id"], "links": [req.link("incalls", "/incalls/%d" % owner["id"])]}
        outcall = req.state.tables["outcalls"][owner["id"]]
        return {"id": outcall["id"], "name": outcall["name"],
                "links": [req.link("outcalls", "/outcalls/%d" % outcall["id"])]}
    return value


SHOWN = shown("id", "tenant_uuid", "exten", "context") + (
    Shown("commented", lambda _req, record: not record["enabled"]), Shown("enabled"),
    links("extensions", "/extensions/%d"), Shown("conference", None), Shown("parking_lot", None), Shown("group", None),
    Shown("incall", _owner_summary("incall")), Shown("lines", []), Shown("outcall", _owner_summary("outcall")),
    Shown("queue", None))


def _context_type(req, record):
    types = req.memo("context_types", lambda: {c["name"]: c["type"] for c in req.state.tables["contexts"].values()})
    return types.get(record["context"])


COLUMNS = (Column("exten"), Column("context"), Column("type", _context_type),
           Column("feature", lambda _req, _record: "", generations=LEGACY),
           Column("is_feature", lambda _req, record: record["context"] == "xivo-features", generations=LEGACY))


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


def _prepare(req, record, data, creating):
    """The checks of confd's extension validators, in their order; ``data`` becomes what is stored."""
    exten, context_name = data.get("exten", record.get("exten")), data.get("context", record.get("context"))
    context = require_context(req.state, context_name)
    existing = find_extension(req.state, exten, context_name)
    if existing and existing is not record:
        raise resource_exists("Extension", exten=exten, context=context_name)
    owner = record.get("owner")
    if owner and context["type"] != _OWNER_CONTEXT_TYPE[owner["type"]]:
        raise resource_error("ContextType '%s' cannot be associated" % context["type"])
    if owner and owner["type"] == "incall":
        check_incall_range(context, exten)
    check_pattern(context, exten)
    if creating:
        record["tenant_uuid"] = context["tenant_uuid"]
    elif context["tenant_uuid"] != record["tenant_uuid"]:
        raise resource_error("different tenants")
    enabled = _enabled(data, record.get("enabled", True))
    data.clear()
    data.update(exten=exten, context=context_name, enabled=enabled)
    if owner and owner["type"] == "incall" and INCALL_KEEPS_DID[req.generation]:
        req.state.tables["incalls"][owner["id"]]["legacy_did"] = (exten, context_name)


def _refuse_if_owned(_req, record):
    owner = record["owner"]
    if owner:
        raise resource_associated("Extension", owner["type"], extension_id=record["id"], associated_id=owner["typeval"])


EXTENSIONS = Collection(
    "extensions", "/extensions", "Extension", fields=FIELDS, shown=SHOWN, columns=COLUMNS, default_order="exten",
    id_param="extension_id", prepare=_prepare, initial={"owner": None}, body_first=True,
    # LEGACY looks /extensions/{id} up among non-feature extensions, and its not-found message says so
    item_meta=by_generation(current={}, legacy={"is_feature": False}), on_delete=(_refuse_if_owned,))
