"""/trunks: CRUD, list filters, delete cascade (endpoint, register, outcall links)."""

from ..core import CURRENT, LEGACY, unexpected
from ..fields import Field, one_of
from . import sip, sip_current
from .common import Collection, Column, Shown, drop_from_lists, links, shown
from .contexts import require_context

CALLER_ID_FORMATS = ("+E164", "E164", "national")
FIELDS = [Field("context", "str", allow_none=True, default=None),
          Field("twilio_incoming", "strict_bool", allow_none=True, default=False),
          Field("outgoing_caller_id_format", "str", one_of(*CALLER_ID_FORMATS), default="+E164", generations=CURRENT)]


def trunk_outcalls(req):
    """trunk id -> [outcall records] (outcalls hold the ordered trunk lists)."""
    def build():
        index = {}
        for outcall in req.state.tables["outcalls"].values():
            for trunk_id in outcall["trunk_ids"]:
                index.setdefault(trunk_id, []).append(outcall)
        return index
    return req.memo("trunk_outcalls", build)


def _outcalls(req, record):
    return [{"id": outcall["id"], "name": outcall["name"],
             "links": [req.link("outcalls", "/outcalls/%d" % outcall["id"])]}
            for outcall in trunk_outcalls(req).get(record["id"], [])]


def _sip_field(name):
    return lambda req, record: sip.of(req.generation).trunk_sip_fields(req, record["id"])[name]


SHOWN = shown("id", "tenant_uuid", "context", "twilio_incoming") + (
    Shown("outgoing_caller_id_format", generations=CURRENT),
    links("trunks", "/trunks/%d"),
    Shown("endpoint_sip", _sip_field("endpoint_sip")), Shown("endpoint_custom", None), Shown("endpoint_iax", None),
    Shown("outcalls", _outcalls), Shown("register_iax", None),
    Shown("register_sip", _sip_field("register_sip"), generations=LEGACY))


def _endpoint_name_label(index):
    """CURRENT's ``?name=`` / ``?label=``: the name or label of the trunk's SIP endpoint."""
    return lambda req, record: sip_current.trunk_name_label(req.state, record["id"])[index]


COLUMNS = (Column("id", integer=True), Column("context"),
           Column("description", lambda req, record: None),  # the column exists; trunks have no description
           Column("name", _endpoint_name_label(0), generations=CURRENT),
           Column("label", _endpoint_name_label(1), generations=CURRENT),
           Column("outgoing_caller_id_format", generations=CURRENT))


def _prepare(req, record, data, creating):
    if data.get("context") is not None:
        require_context(req.state, data["context"])
    if "twilio_incoming" not in data or data["twilio_incoming"] is not None:
        return
    if creating:
        data["twilio_incoming"] = False  # the model's default replaces an explicit null on INSERT
        return
    # Passes marshmallow (allow_none) but violates the NOT NULL column: confd crashes, nothing changes.
    raise unexpected(
        '(psycopg2.errors.NotNullViolation) null value in column "twilio_incoming" of relation "trunkfeatures" '
        "violates not-null constraint\nDETAIL:  Failing row contains (%d, %s, ...).\n\n[SQL: UPDATE trunkfeatures "
        "SET twilio_incoming=%%(twilio_incoming)s WHERE trunkfeatures.id = %%(trunkfeatures_id)s]\n[parameters: "
        "{'twilio_incoming': None, 'trunkfeatures_id': %d}]\n(Background on this error at: https://sqlalche.me/e/14/gkpj)"
        % (record["id"], record["tenant_uuid"], record["id"]))


def _delete_sip(req, record):
    sip.of(req.generation).delete_trunk_cascade(req.state, record["id"])


TRUNKS = Collection("trunks", "/trunks", "Trunk", fields=FIELDS, shown=SHOWN, columns=COLUMNS, id_param="trunk_id",
                    default_order="id",
                    prepare=_prepare, on_delete=(_delete_sip, drop_from_lists("outcalls", "trunk_ids")))
