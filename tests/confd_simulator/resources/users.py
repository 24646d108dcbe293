"""/users by int id or uuid, with confd's exact filters (fullname, username, uuid lists...)."""

import datetime
import uuid

from ..core import resource_exists
from ..fields import MISSING, Field, digits, length, regexp, value_range
from .common import Collection, getter
from .incalls import incalls_to, summary as incall_summary

_BOTH, _CURRENT, _LEGACY = ("current", "legacy"), ("current",), ("legacy",)
# name, generations, field (None: dump-only, value from the record)
_FIELDS = (
    ("firstname", _BOTH, lambda g: Field("firstname", "str", length(max_len=128), required=True)),
    ("lastname", _BOTH, lambda g: Field("lastname", "str", length(max_len=128), allow_none=True, default="")),
    ("email", _BOTH, lambda g: Field("email", "email", length(max_len=254), allow_none=True, default=None)),
    ("timezone", _BOTH, lambda g: Field("timezone", "str", length(max_len=254), allow_none=True, default=None)),
    ("country", _CURRENT, lambda g: Field("country", "str", length(max_len=2), allow_none=True, default=None)),
    ("language", _BOTH, lambda g: Field("language", "str", regexp(r"^[a-z]{2}_[A-Z]{2}$"), allow_none=True, default=None)),
    ("description", _BOTH, lambda g: Field("description", "str", allow_none=True, default=None)),
    ("caller_id", _BOTH, lambda g: Field("caller_id", "str", length(max_len=80), allow_none=True)),
    ("outgoing_caller_id", _BOTH, lambda g: Field("outgoing_caller_id", "str", length(max_len=80), allow_none=True,
                                                  default=None)),
    ("mobile_phone_number", _BOTH, lambda g: Field("mobile_phone_number", "str", length(max_len=80),
                                                   regexp(r"^\+?[0-9\*#]+$"), allow_none=True, default=None)),
    ("mobile_fallback_enabled", _CURRENT, lambda g: Field("mobile_fallback_enabled", "strict_bool", default=False)),
    ("username", _BOTH, lambda g: Field("username", "str", length(max_len=254), allow_none=True, default=None)),
    ("password", _BOTH, lambda g: Field("password", "str", length(max_len=64), allow_none=True, default=None)),
    ("music_on_hold", _BOTH, lambda g: Field("music_on_hold", "str", length(max_len=128), allow_none=True, default=None)),
    ("preprocess_subroutine", _BOTH, lambda g: Field("preprocess_subroutine", "str",
                                                     length(max_len=79 if g == "current" else 39), allow_none=True,
                                                     default=None)),
    ("userfield", _BOTH, lambda g: Field("userfield", "str", length(max_len=128), allow_none=True, default=None)),
    ("call_transfer_enabled", _BOTH, lambda g: Field("call_transfer_enabled", "strict_bool", default=False)),
    ("dtmf_hangup_enabled", _BOTH, lambda g: Field("dtmf_hangup_enabled", "strict_bool", default=False)),
    ("call_record_enabled", _LEGACY, lambda g: Field("call_record_enabled", "strict_bool", default=False)),
    ("call_record_outgoing_external_enabled", _CURRENT,
     lambda g: Field("call_record_outgoing_external_enabled", "strict_bool", default=False)),
    ("call_record_outgoing_internal_enabled", _CURRENT,
     lambda g: Field("call_record_outgoing_internal_enabled", "strict_bool", default=False)),
    ("call_record_incoming_internal_enabled", _CURRENT,
     lambda g: Field("call_record_incoming_internal_enabled", "strict_bool", default=False)),
    ("call_record_incoming_external_enabled", _CURRENT,
     lambda g: Field("call_record_incoming_external_enabled", "strict_bool", default=False)),
    ("online_call_record_enabled", _BOTH, lambda g: Field("online_call_record_enabled", "strict_bool", default=False)),
    ("supervision_enabled", _BOTH, lambda g: Field("supervision_enabled", "strict_bool", default=True)),
    ("ring_seconds", _BOTH, lambda g: Field("ring_seconds", "int", value_range(0, 10800), default=30)),
    ("simultaneous_calls", _BOTH, lambda g: Field("simultaneous_calls", "int", value_range(1, 20), default=5)),
    ("call_permission_password", _BOTH, lambda g: Field("call_permission_password", "str", digits(), length(max_len=16),
                                                        allow_none=True, default=None)),
    ("subscription_type", _BOTH, lambda g: Field("subscription_type", "int", value_range(0, 10), default=0)),
    ("created_at", _BOTH, None),
    ("enabled", _BOTH, lambda g: Field("enabled", "strict_bool", default=True)),
)
_RELATIONS_BEFORE = ("tenant_uuid", "links", "agent", "call_permissions", "fallbacks", "groups", "incalls", "lines",
                     "forwards", "schedules", "services", "switchboards", "voicemail", "queues")


def _schema(generation):
    return [make(generation) for _name, generations, make in _FIELDS if make and generation in generations]


def _link(req, record):
    return req.link("users", "/users/%d" % record["id"])


def render(req, record):
    body = {"id": record["id"], "uuid": record["uuid"]}
    for name, generations, _make in _FIELDS:
        if req.generation in generations:
            body[name] = record.get(name)
    relations = {
        "tenant_uuid": record["tenant_uuid"], "links": [_link(req, record)], "agent": None, "call_permissions": [],
        "fallbacks": {"noanswer_destination": None, "busy_destination": None, "congestion_destination": None,
                      "fail_destination": None},
        "groups": [], "incalls": [incall_summary(req, incall) for incall in incalls_to(req, "user").get(record["id"], [])],
        "lines": [],
        "forwards": {kind: {"enabled": False, "destination": None} for kind in ("busy", "noanswer", "unconditional")},
        "schedules": [], "services": {"dnd": {"enabled": False}, "incallfilter": {"enabled": False}},
        "switchboards": [], "voicemail": None, "queues": []}
    for name in _RELATIONS_BEFORE:
        body[name] = relations[name]
    if req.current:
        body.update(func_key_template_id=None, call_record_enabled=False)
    body["call_pickup_target_users"] = []
    return body


def _fullname(record):
    if record.get("lastname") is None:
        return None  # firstname || ' ' || NULL is NULL in SQL
    return "%s %s" % (record["firstname"], record["lastname"])


def _columns(_req):
    simple = ("firstname", "lastname", "email", "username", "caller_id", "description", "userfield", "mobile_phone_number",
              "music_on_hold", "outgoing_caller_id", "preprocess_subroutine", "enabled")
    columns = {"id": lambda r: r["id"], "uuid": lambda r: r["uuid"], "fullname": _fullname}
    columns.update({name: getter(name) for name in simple})
    columns.update({name: lambda r: None for name in ("exten", "extension", "context", "voicemail_number",
                                                      "provisioning_code")})
    return columns


def _prepare(req, record, data, creating):
    for key in ("email", "username"):
        value = data.get(key)
        if value is not None:
            for other in req.state.tables["users"].values():
                if other.get(key) == value and other is not record:
                    raise resource_exists("User", **{key: value})
    if creating:
        record["uuid"] = str(uuid.uuid4())
        now = datetime.datetime.now(datetime.timezone.utc)
        record["created_at"] = now.isoformat() if not req.current else now.replace(tzinfo=None).isoformat()
        if data.get("caller_id") is None:
            data["caller_id"] = '"%s"' % ("%s %s" % (data["firstname"], data.get("lastname") or "")).strip()


def seed_users(state, user_uuid, created_at):
    record = {"id": 1, "uuid": user_uuid, "tenant_uuid": state.tenant_uuid, "created_at": created_at}
    for field in _schema(state.generation):
        record[field.name] = None if field.default is MISSING else field.default
    record.update(firstname="Alice", lastname="Smoke", email="alice.smoke@example.com", caller_id='"Alice Smoke"')
    state.tables["users"][1] = record
    state.sequences["users"] = 1


def _any_of(key):
    """xivo-dao's user search splits these filters on commas (any value matches)."""
    return lambda record, wanted: record.get(key) in wanted.split(",")


def _list_options(req):
    searched = ["fullname", "caller_id", "description", "userfield", "email", "mobile_phone_number", "preprocess_subroutine",
                "outgoing_caller_id", "exten", "username", "provisioning_code"]
    return {"search_columns": searched + ([] if req.current else ["music_on_hold"]),
            "custom_filters": {"uuid": _any_of("uuid"), "mobile_phone_number": _any_of("mobile_phone_number"),
                               "exten": lambda record, wanted: False},
            # CURRENT sorts names case-insensitively (collated search), LEGACY in byte order.
            "ci_order": ("firstname", "lastname", "fullname") if req.current else ()}


USERS = Collection("users", "/users", "User", schema=_schema, render=render, columns=_columns, default_order="lastname",
                   by_uuid=True, prepare=_prepare, int_columns=("id",), list_options=_list_options,
                   uuid_meta="id", uuid_shown=uuid.UUID, body_first=True)
