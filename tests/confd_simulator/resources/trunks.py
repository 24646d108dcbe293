"""/trunks: CRUD, list filters, delete cascade (endpoint, register, outcall links)."""

from ..core import paginate, route, unexpected
from ..fields import Field, load, one_of
from .common import get_record, optional_module, tenant_records
from .contexts import require_context

CALLER_ID_FORMATS = ("+E164", "E164", "national")


def _schema(generation):
    schema = [Field("context", "str", allow_none=True, default=None),
              Field("twilio_incoming", "strict_bool", allow_none=True, default=False)]
    if generation == "current":
        schema.append(Field("outgoing_caller_id_format", "str", one_of(*CALLER_ID_FORMATS), default="+E164"))
    return schema


def _sip():
    return optional_module("sip")


def sip_fields(req, trunk_id):
    sip = _sip()
    if sip:
        return sip.trunk_sip_fields(req, trunk_id)
    return {"endpoint_sip": None} if req.current else {"endpoint_sip": None, "register_sip": None}


def name_label(state, trunk_id):
    sip = _sip()
    return sip.trunk_name_label(state, trunk_id) if sip else (None, None)


def trunk_outcalls(req):
    """trunk id -> [outcall records] (outcalls hold the ordered trunk lists)."""
    def build():
        index = {}
        for outcall in req.state.tables["outcalls"].values():
            for trunk_id in outcall["trunk_ids"]:
                index.setdefault(trunk_id, []).append(outcall)
        return index
    return req.memo("trunk_outcalls", build)


def render(req, record):
    body = {"id": record["id"], "tenant_uuid": record["tenant_uuid"], "context": record["context"],
            "twilio_incoming": record["twilio_incoming"]}
    if req.current:
        body["outgoing_caller_id_format"] = record["outgoing_caller_id_format"]
    body.update(links=[req.link("trunks", "/trunks/%d" % record["id"])], endpoint_sip=None, endpoint_custom=None,
                endpoint_iax=None,
                outcalls=[{"id": outcall["id"], "name": outcall["name"],
                           "links": [req.link("outcalls", "/outcalls/%d" % outcall["id"])]}
                          for outcall in trunk_outcalls(req).get(record["id"], [])],
                register_iax=None)
    if not req.current:
        body["register_sip"] = None
    body.update(sip_fields(req, record["id"]))
    return body


def _validate_references(req, data):
    if data.get("context") is not None:
        require_context(req.state, data["context"])


@route("GET", "/trunks")
def list_trunks(req):
    columns = {"id": lambda r: r["id"], "context": lambda r: r["context"], "description": lambda r: None}
    if req.current:
        columns.update(name=lambda r: name_label(req.state, r["id"])[0], label=lambda r: name_label(req.state, r["id"])[1],
                       outgoing_caller_id_format=lambda r: r["outgoing_caller_id_format"])
    return 200, paginate(req, tenant_records(req, "trunks"), columns, "id", search_columns=tuple(columns),
                         int_columns=("id",), render=lambda r: render(req, r))


@route("POST", "/trunks")
def create_trunk(req):
    data = load(_schema(req.generation), req.json_object(), req.generation)
    _validate_references(req, data)
    if data["twilio_incoming"] is None:
        data["twilio_incoming"] = False  # the model's default replaces an explicit null on INSERT
    record = dict(data, id=req.state.next_id("trunks"), tenant_uuid=req.tenant)
    req.state.tables["trunks"][record["id"]] = record
    return 201, render(req, record)


@route("GET", "/trunks/<int:trunk_id>")
def get_trunk(req):
    return 200, render(req, get_record(req, "trunks", req.params["trunk_id"], "Trunk"))


@route("PUT", "/trunks/<int:trunk_id>")
def update_trunk(req):
    record = get_record(req, "trunks", req.params["trunk_id"], "Trunk")
    data = load(_schema(req.generation), req.json_object(), req.generation, partial=True)
    _validate_references(req, data)
    if "twilio_incoming" in data and data["twilio_incoming"] is None:
        # Passes marshmallow (allow_none) but violates the NOT NULL column: confd crashes, nothing changes.
        raise unexpected(
            '(psycopg2.errors.NotNullViolation) null value in column "twilio_incoming" of relation "trunkfeatures" '
            "violates not-null constraint\nDETAIL:  Failing row contains (%d, %s, ...).\n\n[SQL: UPDATE trunkfeatures "
            "SET twilio_incoming=%%(twilio_incoming)s WHERE trunkfeatures.id = %%(trunkfeatures_id)s]\n[parameters: "
            "{'twilio_incoming': None, 'trunkfeatures_id': %d}]\n(Background on this error at: https://sqlalche.me/e/14/gkpj)"
            % (record["id"], record["tenant_uuid"], record["id"]))
    record.update(data)
    return 204, None


@route("DELETE", "/trunks/<int:trunk_id>")
def delete_trunk(req):
    record = get_record(req, "trunks", req.params["trunk_id"], "Trunk")
    sip = _sip()
    if sip:
        sip.delete_trunk_cascade(req.state, record["id"])
    for outcall in req.state.tables["outcalls"].values():
        if record["id"] in outcall["trunk_ids"]:
            outcall["trunk_ids"].remove(record["id"])
    del req.state.tables["trunks"][record["id"]]
    return 204, None
