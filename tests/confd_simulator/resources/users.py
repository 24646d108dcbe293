"""/users by int id or uuid, with confd's exact filters (fullname, username, uuid lists...)."""

import datetime
import uuid

from ..core import CURRENT, LEGACY, by_generation
from ..fields import MISSING, Field, digits, length, regexp, value_range
from .common import SUBROUTINE_LENGTH, Collection, Column, Shown, links, shown
from .incalls import incalls_to, summary as incall_summary

CREATED_AT = by_generation(current=lambda now: now.replace(tzinfo=None).isoformat(),  # naive UTC
                           legacy=lambda now: now.isoformat())

FIELDS = [
    Field("firstname", "str", length(max_len=128), required=True),
    Field("lastname", "str", length(max_len=128), allow_none=True, default=""),
    Field("email", "email", length(max_len=254), allow_none=True, default=None),
    Field("timezone", "str", length(max_len=254), allow_none=True, default=None),
    Field("country", "str", length(max_len=2), allow_none=True, default=None, generations=CURRENT),
    Field("language", "str", regexp(r"^[a-z]{2}_[A-Z]{2}$"), allow_none=True, default=None),
    Field("description", "str", allow_none=True, default=None),
    Field("caller_id", "str", length(max_len=80), allow_none=True),
    Field("outgoing_caller_id", "str", length(max_len=80), allow_none=True, default=None),
    Field("mobile_phone_number", "str", length(max_len=80), regexp(r"^\+?[0-9\*#]+$"), allow_none=True, default=None),
    Field("mobile_fallback_enabled", "strict_bool", default=False, generations=CURRENT),
    Field("username", "str", length(max_len=254), allow_none=True, default=None),
    Field("password", "str", length(max_len=64), allow_none=True, default=None),
    Field("music_on_hold", "str", length(max_len=128), allow_none=True, default=None),
    Field("preprocess_subroutine", "str", length(max_len=SUBROUTINE_LENGTH), allow_none=True, default=None),
    Field("userfield", "str", length(max_len=128), allow_none=True, default=None),
    Field("call_transfer_enabled", "strict_bool", default=False),
    Field("dtmf_hangup_enabled", "strict_bool", default=False),
    Field("call_record_enabled", "strict_bool", default=False, generations=LEGACY),
    Field("call_record_outgoing_external_enabled", "strict_bool", default=False, generations=CURRENT),
    Field("call_record_outgoing_internal_enabled", "strict_bool", default=False, generations=CURRENT),
    Field("call_record_incoming_internal_enabled", "strict_bool", default=False, generations=CURRENT),
    Field("call_record_incoming_external_enabled", "strict_bool", default=False, generations=CURRENT),
    Field("online_call_record_enabled", "strict_bool", default=False),
    Field("supervision_enabled", "strict_bool", default=True),
    Field("ring_seconds", "int", value_range(0, 10800), default=30),
    Field("simultaneous_calls", "int", value_range(1, 20), default=5),
    Field("call_permission_password", "str", digits(), length(max_len=16), allow_none=True, default=None),
    Field("subscription_type", "int", value_range(0, 10), default=0),
    Field("created_at", "str", dump_only=True),
    Field("enabled", "strict_bool", default=True),
]


def _incalls(req, record):
    return [incall_summary(req, incall) for incall in incalls_to(req, "user").get(record["id"], [])]


SHOWN = shown("id", "uuid") + tuple(Shown(field.name, generations=field.generations) for field in FIELDS) + (
    Shown("tenant_uuid"), links("users", "/users/%d"), Shown("agent", None), Shown("call_permissions", []),
    Shown("fallbacks", {"noanswer_destination": None, "busy_destination": None, "congestion_destination": None,
                        "fail_destination": None}),
    Shown("groups", []), Shown("incalls", _incalls), Shown("lines", []),
    Shown("forwards", {kind: {"enabled": False, "destination": None}
                       for kind in ("busy", "noanswer", "unconditional")}),
    Shown("schedules", []), Shown("services", {"dnd": {"enabled": False}, "incallfilter": {"enabled": False}}),
    Shown("switchboards", []), Shown("voicemail", None), Shown("queues", []),
    Shown("func_key_template_id", None, generations=CURRENT), Shown("call_record_enabled", False, generations=CURRENT),
    Shown("call_pickup_target_users", []))


def _fullname(record):
    if record.get("lastname") is None:
        return None  # firstname || ' ' || NULL is NULL in SQL
    return "%s %s" % (record["firstname"], record["lastname"])


def _prepare(req, record, data, creating):
    if creating:
        record["uuid"] = str(uuid.uuid4())
        now = datetime.datetime.now(datetime.timezone.utc)
        record["created_at"] = CREATED_AT[req.generation](now)
        if data.get("caller_id") is None:
            data["caller_id"] = '"%s"' % ("%s %s" % (data["firstname"], data.get("lastname") or "")).strip()


def seed_users(state, user_uuid, created_at):
    record = {"id": 1, "uuid": user_uuid, "tenant_uuid": state.tenant_uuid, "created_at": created_at}
    for field in FIELDS:
        if state.generation in field.generations and not field.dump_only:
            record[field.name] = None if field.default is MISSING else field.initial(state.generation)
    record.update(firstname="Alice", lastname="Smoke", email="alice.smoke@example.com", caller_id='"Alice Smoke"')
    state.tables["users"][1] = record
    state.sequences["users"] = 1


def _any_of(key):
    """xivo-dao's user search splits these filters on commas (any value matches)."""
    return lambda record, wanted: record.get(key) in wanted.split(",")


def _none(_req, _record):
    return None


# CURRENT sorts names case-insensitively (collated search), LEGACY in byte order.
COLUMNS = (Column("id", integer=True, searched=()), Column("uuid", match=_any_of("uuid"), searched=()),
           Column("fullname", lambda req, record: _fullname(record), folded=CURRENT),
           Column("firstname", folded=CURRENT, searched=()), Column("lastname", folded=CURRENT, searched=()),
           Column("email"), Column("username"), Column("caller_id"), Column("description"), Column("userfield"),
           Column("mobile_phone_number", match=_any_of("mobile_phone_number")),
           Column("music_on_hold", searched=LEGACY), Column("outgoing_caller_id"), Column("preprocess_subroutine"),
           Column("enabled", searched=()), Column("exten", _none, match=lambda record, wanted: False),
           Column("extension", _none, searched=()), Column("context", _none, searched=()),
           Column("voicemail_number", _none, searched=()), Column("provisioning_code", _none))
USERS = Collection("users", "/users", "User", fields=FIELDS, shown=SHOWN, columns=COLUMNS, default_order="lastname",
                   by_uuid=True, unique=[("email",), ("username",)], prepare=_prepare, uuid_meta="id",
                   uuid_shown=uuid.UUID, body_first=True)
