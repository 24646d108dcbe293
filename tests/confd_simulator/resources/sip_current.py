"""CURRENT (Wazo >= 20.13) PJSIP endpoints and templates, and the trunk <-> endpoint association.

Tables: ``endpoints_sip`` and ``sip_templates`` (uuid -> record), ``sip_names`` (name -> uuid of the
endpoint or template holding it: one unique column for both), ``sip_trunk_endpoint``
(trunk id -> endpoint uuid) and ``sip_tenant_templates`` (tenant uuid -> {label: template uuid}).
A record: {uuid, tenant_uuid, name, label, <section>_section_options: [[key, value], ...] for each section,
templates: [uuid], transport: uuid or None, asterisk_id, template: bool, trunk_id (endpoints only)}.
Endpoints and templates are one declaration served twice (``_declare``).
"""

import functools
import random
import uuid

from ..core import CURRENT, not_permitted, param_not_found, resource_exists, route, unexpected
from ..fields import Field, length, load, one_of
from . import sip_transports
from .common import Collection, Column, Shown, get_record, links, render, shown
from .sip_common import (ListOf, NestedOne, OrderedDictRepr, check_trunk_endpoint, invalid_option, pjsip_section,
                         random_hash, random_name)

SECTIONS = ("aor", "auth", "endpoint", "identify", "registration", "registration_outbound_auth", "outbound_auth")
# Option names accepted per section: what confd's PJSIPDocValidator reads from Asterisk's pjsip.json
# (order kept: it is the order of the error message), plus confd's hard-coded identify/registration lists.
AOR_OPTIONS = (
    "contact", "default_expiration", "mailboxes", "voicemail_extension", "maximum_expiration", "max_contacts",
    "minimum_expiration", "remove_existing", "qualify_frequency", "qualify_timeout", "authenticate_qualify",
    "outbound_proxy", "support_path",
)
AUTH_OPTIONS = ("auth_type", "nonce_lifetime", "md5_cred", "password", "realm", "username")
ENDPOINT_OPTIONS = (
    "100rel", "aggregate_mwi", "allow", "allow_overlap", "aors", "auth", "callerid", "callerid_privacy",
    "callerid_tag", "context", "direct_media_glare_mitigation", "direct_media_method", "trust_connected_line",
    "send_connected_line", "connected_line_method", "direct_media", "disable_direct_media_on_nat", "disallow",
    "dtmf_mode", "media_address", "bind_rtp_to_media_address", "force_rport", "ice_support", "identify_by",
    "redirect_method", "mailboxes", "mwi_subscribe_replaces_unsolicited", "voicemail_extension", "moh_suggest",
    "outbound_auth", "outbound_proxy", "rewrite_contact", "rtp_ipv6", "rtp_symmetric", "send_diversion",
    "send_pai", "send_rpid", "rpid_immediate", "timers_min_se", "timers", "timers_sess_expires", "transport",
    "trust_id_inbound", "trust_id_outbound", "use_ptime", "use_avpf", "force_avp", "media_use_received_transport",
    "media_encryption", "media_encryption_optimistic", "g726_non_standard", "inband_progress", "call_group",
    "pickup_group", "named_call_group", "named_pickup_group", "device_state_busy_at", "t38_udptl",
    "t38_udptl_ec", "t38_udptl_maxdatagram", "fax_detect", "fax_detect_timeout", "t38_udptl_nat",
    "t38_udptl_ipv6", "tone_zone", "language", "one_touch_recording", "record_on_feature", "record_off_feature",
    "rtp_engine", "allow_transfer", "user_eq_phone", "moh_passthrough", "sdp_owner", "sdp_session", "tos_audio",
    "tos_video", "cos_audio", "cos_video", "allow_subscribe", "sub_min_expiry", "from_user", "mwi_from_user",
    "from_domain", "dtls_verify", "dtls_rekey", "dtls_auto_generate_cert", "dtls_cert_file", "dtls_private_key",
    "dtls_cipher", "dtls_ca_file", "dtls_ca_path", "dtls_setup", "dtls_fingerprint", "srtp_tag_32", "set_var",
    "message_context", "accountcode", "preferred_codec_only", "rtp_keepalive", "rtp_timeout", "rtp_timeout_hold",
    "acl", "deny", "permit", "contact_acl", "contact_deny", "contact_permit", "subscribe_context", "contact_user",
    "asymmetric_rtp_codec", "rtcp_mux", "refer_blind_progress", "notify_early_inuse_ringing", "max_audio_streams",
    "max_video_streams", "bundle", "webrtc", "incoming_mwi_mailbox", "follow_early_media_fork",
    "accept_multiple_sdp_answers", "suppress_q850_reason_headers", "ignore_183_without_sdp",
)
IDENTIFY_OPTIONS = ("match", "endpoint", "srv_lookups", "match_header")
REGISTRATION_OPTIONS = (
    "auth_rejection_permanent", "client_uri", "contact_user", "contact_header_params", "expiration", "max_retries",
    "outbound_proxy", "retry_interval", "server_uri", "forbidden_retry_interval", "fatal_retry_interval", "line",
    "server_uri", "transport", "support_path", "support_outbound",
)
VALID_OPTIONS = {
    "aor": AOR_OPTIONS, "auth": AUTH_OPTIONS, "endpoint": ENDPOINT_OPTIONS, "identify": IDENTIFY_OPTIONS,
    "registration": REGISTRATION_OPTIONS, "registration_outbound_auth": AUTH_OPTIONS, "outbound_auth": AUTH_OPTIONS,
}
CUSTOM_VARIABLE_SECTIONS = ("aor", "endpoint")  # "@name" options are Asterisk channel variables

_RELATION = [Field("uuid", "uuid", required=True)]
# each *_section_options is a list of [key, value] pairs (the whole list replaced when sent)
_PAIR = ListOf("", Field("", "str", length(1, 4092)), length(2, 2))
SCHEMA = (
    [Field("name", "str", pjsip_section), Field("label", "str", length(max_len=128), allow_none=True)]
    + [ListOf(section + "_section_options", _PAIR, length(max_len=512), default=list) for section in SECTIONS]
    + [ListOf("templates", NestedOne(_RELATION), default=list),
       Field("transport", "nested", schema=_RELATION, allow_none=True),
       Field("asterisk_id", "str", length(max_len=1024), allow_none=True)]
)
VIEW = Field("view", "str", one_of("merged"))

# The templates confd generates for a tenant (event handler ``generate_sip_templates``).
_TWILIO_MATCHES = (
    "54.172.60.0", "54.172.60.3", "54.172.60.2", "54.172.60.1", "177.71.206.195", "177.71.206.194",
    "177.71.206.193", "177.71.206.192", "54.252.254.67", "54.252.254.66", "54.252.254.65", "54.252.254.64",
    "54.169.127.131", "54.169.127.130", "54.169.127.129", "54.169.127.128", "54.65.63.195", "54.65.63.194",
    "54.65.63.193", "54.65.63.192", "35.156.191.131", "35.156.191.130", "35.156.191.129", "35.156.191.128",
    "54.171.127.195", "54.171.127.194", "54.171.127.193", "54.171.127.192", "54.244.51.3", "54.244.51.2",
    "54.244.51.1", "54.244.51.0",
)
GENERATED_TEMPLATES = (
    ("global", "b5c0e8d2-2c1e-4d43-9d8e-6f0f7c1a2b01", "transport-udp", (), {
        "aor": [["maximum_expiration", "3600"], ["default_expiration", "120"], ["minimum_expiration", "60"],
                ["qualify_frequency", "60"], ["remove_existing", "true"], ["max_contacts", "1"]],
        "endpoint": [["rtp_timeout", "7200"], ["allow_transfer", "yes"], ["use_ptime", "yes"], ["callerid", "wazo"],
                     ["direct_media", "no"], ["dtmf_mode", "rfc4733"], ["language", "en_US"],
                     ["inband_progress", "no"], ["rtp_timeout_hold", "0"], ["timers_sess_expires", "600"],
                     ["timers_min_se", "90"], ["trust_id_inbound", "no"], ["allow_subscribe", "yes"],
                     ["allow", "!all,ulaw"], ["set_var", "TIMEOUT(absolute)=36000"],
                     ["set_var", "DYNAMIC_FEATURES=togglerecord"], ["notify_early_inuse_ringing", "yes"]],
    }),
    ("webrtc", "3231e440-3ff5-473f-b613-53938825f9f6", "transport-wss", ("global",), {
        "aor": [["remove_existing", "false"], ["max_contacts", "10"]],
        "endpoint": [["webrtc", "yes"], ["dtls_auto_generate_cert", "yes"],
                     ["allow", "!all,opus,g722,alaw,ulaw,vp9,vp8,h264"], ["max_video_streams", "25"],
                     ["max_audio_streams", "1"], ["timers", "always"], ["timers_sess_expires", "300"],
                     ["timers_min_se", "90"]],
    }),
    ("meeting_guest", "c42e2e3c-7a09-4269-91bb-826be1510fd0", None, ("webrtc",), {}),
    ("registration_trunk", "9d1f4a67-5b3e-4c2a-8f71-0e6d2b4c8a02", None, ("global",), {
        "registration": [["forbidden_retry_interval", "30"], ["retry_interval", "20"], ["max_retries", "10000"],
                         ["auth_rejection_permanent", "no"], ["fatal_retry_interval", "30"]],
    }),
    ("twilio_trunk", "e8a3b6c4-1d7f-4e95-a2b0-7c5d9f3e1a03", None, ("registration_trunk",), {
        "identify": [["match", address] for address in _TWILIO_MATCHES],
    }),
)
# Tenant fields exposing a generated template (twilio_trunk is not exposed by confd's TenantSchema).
TENANT_FIELDS = (("global", "global_sip_template_uuid"), ("webrtc", "webrtc_sip_template_uuid"),
                 ("registration_trunk", "registration_trunk_sip_template_uuid"),
                 ("meeting_guest", "meeting_guest_sip_template_uuid"))


OPTION_FIELDS = tuple(section + "_section_options" for section in SECTIONS)


# ----------------------------------------------------------------------------- seed

def _new_record(tenant_uuid, name, template, record_uuid):
    record = {"uuid": record_uuid, "tenant_uuid": tenant_uuid, "name": name, "label": None, "templates": [],
              "transport": None, "asterisk_id": None, "template": template, "trunk_id": None}
    record.update((key, []) for key in OPTION_FIELDS)
    return record


def generate_templates(state, tenant_uuid):
    """confd's ``generate_sip_templates`` (names are random in confd; seeded here for stable resets)."""
    rng = random.Random(tenant_uuid)
    by_label = {}
    for label, template_uuid, transport_name, parents, sections in GENERATED_TEMPLATES:
        rec = _new_record(tenant_uuid, random_name(rng), True, template_uuid)
        rec["label"] = label
        transport = sip_transports.find_by_name(state, transport_name) if transport_name else None
        rec["transport"] = transport["uuid"] if transport else None
        rec["templates"] = [by_label[parent] for parent in parents]
        for section, options in sections.items():
            rec[section + "_section_options"] = [list(option) for option in options]
        state.tables[TEMPLATES][rec["uuid"]] = rec
        state.tables["sip_names"][rec["name"]] = rec["uuid"]
        by_label[label] = rec["uuid"]
    state.tables["sip_tenant_templates"][tenant_uuid] = by_label


def seed_sip(state):
    sip_transports.seed(state)
    generate_templates(state, state.tenant_uuid)


def tenant_sip_fields(state, tenant_uuid):
    """The SIP fields of ``GET /tenants/{uuid}`` (a deleted template reads null: FK ON DELETE SET NULL)."""
    by_label = state.tables["sip_tenant_templates"].get(tenant_uuid, {})
    fields = {"sip_templates_generated": bool(by_label)}
    for label, field in TENANT_FIELDS:
        template_uuid = by_label.get(label)
        fields[field] = template_uuid if template_uuid in state.tables[TEMPLATES] else None
    return fields


# -------------------------------------------------------------------------- render

def _combined(state, rec, key):
    """Inherited options (templates in priority order, recursively) followed by the record's own."""
    options = []
    for template_uuid in rec["templates"]:
        options.extend(_combined(state, state.tables[TEMPLATES][template_uuid], key))
    return options + rec[key]


def _options(key, merged):
    """A ``*_section_options`` as stored, or merged (``?view=merged``: the last value of each inherited key)."""
    def value(req, rec):
        if not merged:
            return [list(option) for option in rec[key]]
        accumulator = {}
        for name, option_value in _combined(req.state, rec, key):
            accumulator[name] = option_value
        return [[name, option_value] for name, option_value in accumulator.items()]
    return value


def _templates(req, rec):
    templates = req.state.tables[TEMPLATES]
    return [{"uuid": parent, "label": templates[parent]["label"]} for parent in rec["templates"]]


def _trunk(req, rec):
    trunk_id = rec["trunk_id"]
    return None if trunk_id is None else {"id": trunk_id, "links": [req.link("trunks", "/trunks/%d" % trunk_id)]}


def _shown(rel, path, endpoint, merged=False):
    return (shown("uuid", "tenant_uuid", "name", "label")
            + tuple(Shown(key, _options(key, merged)) for key in OPTION_FIELDS)
            + (Shown("templates", _templates),
               Shown("transport", lambda _req, rec: {"uuid": rec["transport"]} if rec["transport"] else None),
               Shown("asterisk_id"), links(rel, path + "/%s", key="uuid"))
            + ((Shown("trunk", _trunk), Shown("line", None)) if endpoint else ()))


# ---------------------------------------------------------------------- validation

def _resolve_templates(req, relations):
    resolved = []
    for relation in relations:
        template = req.state.tables[TEMPLATES].get(relation["uuid"])
        if template is None or template["tenant_uuid"] != req.tenant:
            metadata = OrderedDictRepr(uuid=uuid.UUID(relation["uuid"]))
            raise param_not_found("templates", "endpoint_sip", templates=metadata)
        resolved.append(relation["uuid"])
    if len(set(resolved)) < len(resolved):  # one endpoint_sip_template row per (child, parent)
        raise unexpected('(psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint '
                         '"endpoint_sip_template_pkey"\nDETAIL:  Key (child_uuid, parent_uuid) already exists.')
    return resolved


def _check_name(state, name, own_uuid=None):
    """Unique across endpoints, templates and transports (in the order confd's validators check)."""
    holder = state.tables["sip_names"].get(name)
    if holder is not None and holder != own_uuid:
        resource = ENDPOINTS.resource if holder in state.tables[ENDPOINTS.table] else TEMPLATES_RESOURCE
        raise resource_exists(resource, name=name)
    transport = sip_transports.find_by_name(state, name)
    if transport is not None and transport["uuid"] != own_uuid:
        raise resource_exists("Transport", name=name)


def _check_options(rec):
    for section in SECTIONS:
        valid = VALID_OPTIONS[section]
        for key in (option[0] for option in rec[section + "_section_options"]):
            if section in CUSTOM_VARIABLE_SECTIONS and key.startswith("@"):
                continue
            if key not in valid:
                raise invalid_option(section + "_section_options", key, valid)


def _check_template_loops(state, own_uuid, parents):
    """confd's EndpointSIPTemplatesValidator (only a template can end up in its own ancestry)."""
    if own_uuid in parents:
        raise not_permitted("Cannot use itself as template")

    def walk(template_uuids, seen):
        for template_uuid in template_uuids:
            if template_uuid in seen:
                continue
            seen.add(template_uuid)
            template = state.tables[TEMPLATES][template_uuid]
            if own_uuid in template["templates"]:
                raise not_permitted("SIPEndpointTemplate(%s) already include this template" % template_uuid)
            walk(template["templates"], seen)

    walk(parents, set())


def _prepare(req, rec, data, creating):
    """confd's validators in their order; the name is unique in ``sip_names`` (endpoints and templates)."""
    state = req.state
    if creating or data.get("templates"):
        data["templates"] = _resolve_templates(req, data.get("templates", []))
    if data.get("transport"):
        data["transport"] = sip_transports.resolve(state, data["transport"]["uuid"])
    candidate = dict(rec, **data)
    if creating:
        if data.get("name") is not None:
            _check_name(state, data["name"])
        rec["uuid"] = candidate["uuid"] = str(uuid.uuid4())
    else:
        _check_template_loops(state, rec["uuid"], candidate["templates"])
        _check_name(state, candidate["name"], rec["uuid"])
    _check_options(candidate)
    if candidate["name"] is None:
        data["name"] = random_hash(lambda value: value in state.tables["sip_names"])
    state.tables["sip_names"].pop(rec["name"], None)
    state.tables["sip_names"][data.get("name", rec["name"])] = rec["uuid"]


def _forget(req, rec):
    req.state.tables["sip_names"].pop(rec["name"], None)
    if rec["trunk_id"] is not None:
        req.state.tables["sip_trunk_endpoint"].pop(rec["trunk_id"], None)


def _leave_children(req, rec):
    """A deleted template leaves the templates lists of the endpoints and templates that used it."""
    for table in (ENDPOINTS.table, TEMPLATES):
        for other in req.state.tables[table].values():
            if rec["uuid"] in other["templates"]:
                other["templates"] = [parent for parent in other["templates"] if parent != rec["uuid"]]


@functools.lru_cache(maxsize=64)
def _uuids(raw):
    wanted = set()
    for value in raw.split(","):
        try:
            wanted.add(str(uuid.UUID(value)))
        except ValueError:
            continue
    return frozenset(wanted)


# ``?uuid=a,b``: invalid uuids are skipped; none valid matches nothing; empty means no filter.
# ``?template=`` is accepted and ignored.
COLUMNS = (Column("name"), Column("label"), Column("asterisk_id"),
           Column("template", match=lambda rec, raw: True),
           Column("uuid", match=lambda rec, raw: not raw or rec["uuid"] in _uuids(raw), sortable=False, searched=()))


class _Endpoints(Collection):
    """``GET /endpoints/sip/{uuid}?view=merged`` shows the options inherited from the templates."""

    merged = _shown("endpoint_sip", "/endpoints/sip", True, merged=True)

    def get(self, req):
        if "view" in req.query and load([VIEW], {"view": req.query["view"]}, req.generation)["view"] == "merged":
            return 200, render(req, self.merged, self.find(req))
        return super().get(req)


def _declare(cls, table, path, resource, rel, endpoint, on_delete):
    return cls(table, path, resource, fields=SCHEMA, shown=_shown(rel, path, endpoint), columns=COLUMNS,
               default_order="label", generations=CURRENT, by_id=False, by_uuid=True, uuid_param="uuid", key="uuid",
               uuid_shown=uuid.UUID, prepare=_prepare, on_delete=on_delete, body_first=endpoint,
               initial=dict({key: list for key in OPTION_FIELDS}, name=None, label=None, templates=list,
                            transport=None, asterisk_id=None, template=not endpoint, trunk_id=None))


TEMPLATES, TEMPLATES_RESOURCE = "sip_templates", "SIPEndpointTemplate"
ENDPOINTS = _declare(_Endpoints, "endpoints_sip", "/endpoints/sip", "SIPEndpoint", "endpoint_sip", True, (_forget,))
_declare(Collection, TEMPLATES, "/endpoints/sip/templates", TEMPLATES_RESOURCE, "endpoint_sip_templates", False,
         (_forget, _leave_children))


# ------------------------------------------------------------- trunk <-> endpoint

def _association(req):
    trunk = get_record(req, "trunks", req.params["trunk_id"], "Trunk")
    endpoint = ENDPOINTS.lookup(req, "uuid", req.params["endpoint_uuid"])
    return trunk, endpoint, req.state.tables["sip_trunk_endpoint"].get(trunk["id"]) == endpoint["uuid"]


@route("PUT", "/trunks/<int:trunk_id>/endpoints/sip/<uuid:endpoint_uuid>", CURRENT)
def associate_trunk_endpoint(req):
    trunk, endpoint, associated = _association(req)
    if not associated:
        check_trunk_endpoint(req.state, trunk, dict(endpoint, key=endpoint["uuid"]), uuid.UUID)
        req.state.tables["sip_trunk_endpoint"][trunk["id"]] = endpoint["uuid"]
        endpoint["trunk_id"] = trunk["id"]
    return 204, None


@route("DELETE", "/trunks/<int:trunk_id>/endpoints/sip/<uuid:endpoint_uuid>", CURRENT)
def dissociate_trunk_endpoint(req):
    trunk, endpoint, associated = _association(req)
    if associated:
        del req.state.tables["sip_trunk_endpoint"][trunk["id"]]
        endpoint["trunk_id"] = None
    return 204, None


# --------------------------------------------------------- for the trunk resource

def _trunk_endpoint(state, trunk_id):
    endpoint_uuid = state.tables["sip_trunk_endpoint"].get(trunk_id)
    return state.tables[ENDPOINTS.table].get(endpoint_uuid) if endpoint_uuid else None


def trunk_sip_fields(req, trunk_id):
    """``endpoint_sip`` as a trunk (and an outcall's trunk) shows it: only username / client_uri options."""
    rec = _trunk_endpoint(req.state, trunk_id)
    if rec is None:
        return {"endpoint_sip": None}
    return {"endpoint_sip": {
        "uuid": rec["uuid"], "label": rec["label"], "name": rec["name"],
        "auth_section_options": [list(o) for o in rec["auth_section_options"] if o[0] == "username"],
        "registration_section_options": [list(o) for o in rec["registration_section_options"] if o[0] == "client_uri"],
        "links": [req.link("endpoint_sip", "/endpoints/sip/%s" % rec["uuid"])],
    }}


def delete_trunk_cascade(state, trunk_id):
    endpoint_uuid = state.tables["sip_trunk_endpoint"].pop(trunk_id, None)
    rec = state.tables[ENDPOINTS.table].pop(endpoint_uuid, None) if endpoint_uuid else None
    if rec is not None:
        state.tables["sip_names"].pop(rec["name"], None)


def trunk_name_label(state, trunk_id):
    rec = _trunk_endpoint(state, trunk_id)
    return (rec["name"], rec["label"]) if rec else (None, None)
