"""PJSIP transports, ``/sip/transports`` (both generations: LEGACY registers name them too).

Transports are server-wide (no tenant).  Table ``sip_transports``: uuid -> {uuid, name, options}.
"""

import uuid

from ..core import not_found, param_not_found, paginate, resource_associated, resource_exists, route
from ..fields import Field, length, load, regexp
from .sip_common import ListOf, body_object, invalid_option, pjsip_section

TABLE = "sip_transports"
SEED = (
    ("7cab7bb4-752c-4d22-a2f4-7c9b4bf2146a", "transport-udp", [["protocol", "udp"], ["bind", "0.0.0.0:5060"]]),
    ("5d2f1a0e-0f4c-4b8e-9c61-2f6b1c7a9e03", "transport-wss", [["protocol", "wss"], ["bind", "0.0.0.0:5060"]]),
)
# Section "transport" of Asterisk's pjsip.json documentation (``type`` is internal, left out).
TRANSPORT_OPTIONS = (
    "async_operations", "bind", "ca_list_file", "ca_list_path", "cert_file", "cipher", "domain",
    "external_media_address", "external_signaling_address", "external_signaling_port", "method", "local_net",
    "password", "priv_key_file", "protocol", "require_client_cert", "verify_client", "verify_server", "tos",
    "cos", "websocket_write_timeout", "allow_reload", "symmetric_transport", "allow_wildcard_certs",
    "tcp_keepalive_enable", "tcp_keepalive_idle_time", "tcp_keepalive_interval_time",
    "tcp_keepalive_probe_count",
)
_VALUE = r"^[a-zA-Z0-9-_\/\.:]*$"
SCHEMA = [
    Field("name", "str", pjsip_section, required=True),
    ListOf("options", ListOf("", Field("", "str", length(1, 4092), regexp(_VALUE)), length(2, 2)),
           length(max_len=128), default=list),
]
COLUMNS = {"uuid": lambda item: item["uuid"], "name": lambda item: item["name"]}


def seed(state):
    for transport_uuid, name, options in SEED:
        state.tables[TABLE][transport_uuid] = {"uuid": transport_uuid, "name": name, "options": [list(o) for o in options]}


def find_by_name(state, name):
    for transport in state.tables[TABLE].values():
        if transport["name"] == name:
            return transport
    return None


def transport_name_not_found(name):
    """LEGACY GetTransportValidator's error for a register naming no existing transport."""
    return param_not_found("transport", "Transport", transport=name)


def resolve(state, wanted_uuid):
    """The transport of a body's ``{"uuid": ...}`` (400 when it does not exist)."""
    if wanted_uuid not in state.tables[TABLE]:
        raise param_not_found("transport", "SIPTransport", uuid=uuid.UUID(wanted_uuid))
    return wanted_uuid


def render(transport):
    return {"uuid": transport["uuid"], "name": transport["name"], "options": [list(o) for o in transport["options"]]}


def _get(req):
    transport = req.state.tables[TABLE].get(req.params["transport_uuid"])
    if transport is None:
        raise not_found("Transport", uuid=uuid.UUID(req.params["transport_uuid"]))
    return transport


def _check_options(options):
    for key in (option[0] for option in options):
        if key not in TRANSPORT_OPTIONS:
            raise invalid_option("options", key, TRANSPORT_OPTIONS)


@route("GET", "/sip/transports")
def list_transports(req):
    items = sorted(req.state.tables[TABLE].values(), key=lambda item: item["name"])
    return 200, paginate(req, items, COLUMNS, "name", search_columns=("name",), render=render)


@route("POST", "/sip/transports")
def create_transport(req):
    form = load(SCHEMA, body_object(req), req.generation)
    if find_by_name(req.state, form["name"]):
        raise resource_exists("name", name=form["name"])
    _check_options(form["options"])
    transport = {"uuid": str(uuid.uuid4()), "name": form["name"], "options": form["options"]}
    req.state.tables[TABLE][transport["uuid"]] = transport
    return 201, render(transport)


@route("GET", "/sip/transports/<uuid:transport_uuid>")
def get_transport(req):
    return 200, render(_get(req))


@route("PUT", "/sip/transports/<uuid:transport_uuid>")
def update_transport(req):
    transport = _get(req)
    form = load(SCHEMA, body_object(req), req.generation, partial=True)
    if "name" in form:
        other = find_by_name(req.state, form["name"])
        if other and other["uuid"] != transport["uuid"]:
            raise resource_exists("Transport", name=form["name"])
    _check_options(form.get("options", transport["options"]))
    transport.update(form)
    return 204, None


@route("DELETE", "/sip/transports/<uuid:transport_uuid>")
def delete_transport(req):
    transport = _get(req)
    fallback = req.query.get("fallback")
    if fallback:
        fallback = load([Field("fallback", "uuid")], {"fallback": fallback}, req.generation)["fallback"]
        if fallback not in req.state.tables[TABLE]:
            raise not_found("Transport", uuid=uuid.UUID(fallback))
    for table in ("endpoints_sip", "sip_templates"):
        for endpoint in req.state.tables[table].values():
            if endpoint.get("transport") != transport["uuid"]:
                continue
            if not fallback:
                raise resource_associated("Transport", "EndpointSIP", transport_uuid=uuid.UUID(transport["uuid"]),
                                          endpoint_sip_uuid=uuid.UUID(endpoint["uuid"]))
            endpoint["transport"] = fallback
    del req.state.tables[TABLE][transport["uuid"]]
    return 204, None
