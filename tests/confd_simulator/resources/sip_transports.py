"""PJSIP transports, ``/sip/transports`` (both generations: LEGACY registers name them too).

Transports are server-wide (no tenant).  Table ``sip_transports``: uuid -> {uuid, name, options}.
"""

import uuid

from ..core import not_found, param_not_found, resource_associated, resource_exists
from ..fields import Field, length, load, regexp
from .common import Collection, Column, Shown, shown
from .sip_common import ListOf, invalid_option, pjsip_section

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
FIELDS = [
    Field("name", "str", pjsip_section, required=True),
    ListOf("options", ListOf("", Field("", "str", length(1, 4092), regexp(_VALUE)), length(2, 2)),
           length(max_len=128), default=list),
]
SHOWN = shown("uuid", "name") + (Shown("options", lambda _req, transport: [list(o) for o in transport["options"]]),)
COLUMNS = (Column("uuid", searched=()), Column("name"))


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


def _prepare(req, transport, data, creating):
    if creating and find_by_name(req.state, data["name"]):
        raise resource_exists("name", name=data["name"])  # sic: confd's POST validator names the field
    if not creating and "name" in data:
        other = find_by_name(req.state, data["name"])
        if other and other["uuid"] != transport["uuid"]:
            raise resource_exists("Transport", name=data["name"])
    for key in (option[0] for option in data.get("options", transport.get("options", []))):
        if key not in TRANSPORT_OPTIONS:
            raise invalid_option("options", key, TRANSPORT_OPTIONS)
    if creating:
        transport["uuid"] = str(uuid.uuid4())


def _move_endpoints(req, transport):
    """Endpoints and templates using the transport move to ``?fallback=``; without one, deleting is refused."""
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


TRANSPORTS = Collection(TABLE, "/sip/transports", "Transport", fields=FIELDS, shown=SHOWN, columns=COLUMNS,
                        default_order="name", by_id=False, by_uuid=True, uuid_param="transport_uuid",
                        uuid_shown=uuid.UUID, key="uuid", tenant_scoped=False, prepare=_prepare,
                        on_delete=(_move_endpoints,))
