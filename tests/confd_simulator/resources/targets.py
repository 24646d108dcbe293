"""Objects an incall can reach besides users: groups, queues, voicemails, IVRs, conferences,
switchboards and music on hold.  Enough CRUD to create them, find them by name/label and route to them."""

import uuid

from ..core import CURRENT, LEGACY, by_generation
from ..fields import Field, digits, length, none_of, one_of, regexp, value_range
from . import destinations
from .common import SUBROUTINE_LENGTH, Collection, Column, Shown, links, shown
from .contexts import require_context
from .incalls import incalls_to, summary as incall_summary

_NAME = r"^[-_.a-zA-Z0-9]+$"


def _incalls(kind):
    """The incalls whose destination is the record (an object of type ``kind``)."""
    return lambda req, record: [incall_summary(req, incall) for incall in incalls_to(req, kind).get(record["id"], [])]


def _new_uuid(record):
    record["uuid"] = str(uuid.uuid4())
    return record["uuid"]


def _columns(key, *names):
    """Columns ``key`` (id or uuid), then ``names``, every one searched."""
    return (Column(key, integer=key == "id"),) + tuple(Column(name) for name in names)


def _shown_fields(fields):
    return tuple(Shown(field.name, generations=field.generations) for field in fields)


# ------------------------------------------------------------------ groups

GROUP_FIELDS = [
    Field("label", "str", length(max_len=128), required=True, generations=CURRENT),
    Field("name", "str", regexp(_NAME), none_of("general"), length(max_len=128), required=True, generations=LEGACY),
    Field("preprocess_subroutine", "str", length(max_len=SUBROUTINE_LENGTH), allow_none=True, default=None),
    Field("ring_strategy", "str", one_of("all", "random", "least_recent", "linear", "fewest_calls",
                                         "memorized_round_robin", "weight_random"), default="all"),
    Field("caller_id_mode", "str", one_of("prepend", "overwrite", "append"), allow_none=True, default=None),
    Field("caller_id_name", "str", length(max_len=80), allow_none=True, default=None),
    Field("timeout", "int", value_range(0), allow_none=True, default=None),
    Field("user_timeout", "int", value_range(0), allow_none=True, default=15),
    Field("retry_delay", "int", value_range(0), allow_none=True, default=5),
    Field("music_on_hold", "str", length(max_len=128), allow_none=True, default=None),
    Field("ring_in_use", "strict_bool", default=True),
    Field("mark_answered_elsewhere", "strict_bool", default=False),
    Field("enabled", "strict_bool", default=True),
    Field("dtmf_record_toggle", "strict_bool", default=False, generations=CURRENT),
    Field("ignore_forward", "strict_bool", default=False, generations=CURRENT),
    Field("max_calls", "int", value_range(0), default=0, generations=CURRENT)]
GROUP_SHOWN = (
    shown("id") + shown("uuid", generations=CURRENT) + shown("tenant_uuid", "name")
    + shown("label", generations=CURRENT)
    + shown("preprocess_subroutine", "ring_strategy", "caller_id_mode", "caller_id_name")
    + shown("dtmf_record_toggle", generations=CURRENT)
    + shown("timeout", "user_timeout", "retry_delay", "music_on_hold", "ring_in_use", "mark_answered_elsewhere",
            "enabled")
    + shown("ignore_forward", "max_calls", generations=CURRENT)
    + (links("groups", "/groups/%s", key=by_generation(current="uuid", legacy="id")), Shown("extensions", []),
       Shown("fallbacks", by_generation(current={"noanswer_destination": None, "congestion_destination": None},
                                        legacy={"noanswer_destination": None})),
       Shown("incalls", _incalls("group")), Shown("schedules", []), Shown("call_permissions", []),
       Shown("members", {"users": [], "extensions": []})))


def _name_group(req, record, data, creating):
    """The name is generated where the body has none (CURRENT; LEGACY's is the client's, unique)."""
    if creating and "name" not in data:
        record["name"] = "grp-%s-%s" % (req.state.tenant_slug, _new_uuid(record))


GROUPS = Collection("groups", "/groups", "Group", fields=GROUP_FIELDS, shown=GROUP_SHOWN,
                    columns=_columns("id", "name", "label", "preprocess_subroutine"), default_order="name",
                    by_uuid=True, unique=[("name",)], prepare=_name_group)


# ------------------------------------------------------------------ queues

QUEUE_FIELDS = [Field("name", "str", regexp(_NAME), none_of("general"), length(max_len=128), required=True),
                Field("label", "str", length(max_len=128), allow_none=True),
                Field("caller_id_mode", "str", one_of("prepend", "overwrite", "append"), allow_none=True, default=None),
                Field("caller_id_name", "str", length(max_len=80), allow_none=True, default=None),
                Field("timeout", "int", value_range(0), allow_none=True, default=0),
                Field("music_on_hold", "str", length(max_len=128), allow_none=True, default=None),
                Field("preprocess_subroutine", "str", length(max_len=79), allow_none=True, default=None),
                Field("enabled", "strict_bool", default=True),
                Field("options", "list", default=list)]
QUEUE_SHOWN = shown("id", "tenant_uuid") + _shown_fields(QUEUE_FIELDS) + (
    links("queues", "/queues/%d"), Shown("extensions", []), Shown("incalls", _incalls("queue")), Shown("schedules", []),
    Shown("members", {"agents": [], "users": []}))


def _label_queue(_req, _record, data, creating):
    if creating and data.get("label") is None:
        data["label"] = data["name"]


QUEUES = Collection("queues", "/queues", "Queue", fields=QUEUE_FIELDS, shown=QUEUE_SHOWN,
                    columns=_columns("id", "name", "label", "preprocess_subroutine"), default_order="name",
                    unique=[("name",)], prepare=_label_queue)


# ------------------------------------------------------------------ voicemails

VOICEMAIL_FIELDS = [
    Field("name", "str", length(max_len=80), required=True),
    Field("number", "str", regexp(r"^[0-9]{1,40}$"), required=True),
    Field("context", "str", required=True),
    Field("password", "str", regexp(r"^[0-9]{1,80}$"), allow_none=True, default=None),
    Field("email", "str", length(max_len=80), allow_none=True, default=None),
    Field("language", "str", regexp(r"^[a-z]{2}_[A-Z]{2}$"), allow_none=True, default=None),
    Field("timezone", "str", allow_none=True, default=None),
    Field("pager", "str", length(max_len=80), allow_none=True, default=None),
    Field("max_messages", "int", value_range(0), allow_none=True, default=None),
    Field("attach_audio", "strict_bool", allow_none=True, default=None),
    Field("delete_messages", "strict_bool", default=False),
    Field("ask_password", "strict_bool", default=True),
    Field("enabled", "strict_bool", default=True),
    Field("options", "list", default=list),
    Field("accesstype", "str", one_of("personal", "global"), default="personal", generations=CURRENT)]
VOICEMAIL_SHOWN = shown("id", "tenant_uuid") + _shown_fields(VOICEMAIL_FIELDS[:-1]) + (
    links("voicemails", "/voicemails/%d"),
    Shown("accesstype", lambda _req, record: record.get("accesstype", "personal"), generations=CURRENT),
    Shown("users", []))


def _check_voicemail(data):
    """CURRENT: deleting messages after sending them needs an email and the audio attached."""
    if data.get("delete_messages") and not data.get("email"):
        return "email must be provided if delete_messages is set"
    if data.get("delete_messages") and not data.get("attach_audio"):
        return "attach_audio must be set if delete_messages is set"
    return None


def _voicemail_context(req, _record, data, _creating):
    if "context" in data:
        require_context(req.state, data["context"])


VOICEMAILS = Collection("voicemails", "/voicemails", "Voicemail", fields=VOICEMAIL_FIELDS, shown=VOICEMAIL_SHOWN,
                        columns=_columns("id", "name", "number", "context", "email", "pager", "language"),
                        default_order="number", unique=[("number", "context")], prepare=_voicemail_context,
                        body_first=True, schema_check=by_generation(current=_check_voicemail, legacy=None))


# ------------------------------------------------------------------ IVR

_IVR_DESTINATIONS = ("invalid_destination", "timeout_destination", "abort_destination")
IVR_FIELDS = [Field("name", "str", length(max_len=128), required=True),
              Field("description", "str", allow_none=True, default=None),
              Field("menu_sound", "str", length(max_len=255), required=True),
              Field("greeting_sound", "str", length(max_len=255), allow_none=True, default=None),
              Field("invalid_sound", "str", length(max_len=255), allow_none=True, default=None),
              Field("abort_sound", "str", length(max_len=255), allow_none=True, default=None),
              Field("timeout", "int", value_range(0), default=5),
              Field("max_tries", "int", value_range(1), default=3)] + [
    Field(key, destinations.convert, allow_none=True, default=None) for key in _IVR_DESTINATIONS] + [
    Field("choices", "list", default=list)]


def _destination(key):
    return lambda req, record: destinations.render(req, record[key]) if record.get(key) else None


IVR_SHOWN = (shown("id", "tenant_uuid", "name", "description", "menu_sound", "greeting_sound", "invalid_sound",
                   "abort_sound", "timeout", "max_tries", "choices")
             + tuple(Shown(key, _destination(key)) for key in _IVR_DESTINATIONS)
             + (links("ivr", "/ivr/%d"), Shown("incalls", _incalls("ivr"))))


def _check_ivr_targets(req, _record, data, _creating):
    for key in _IVR_DESTINATIONS:
        if data.get(key):
            destinations.validate_targets(req.state, data[key])


IVRS = Collection("ivr", "/ivr", "IVR", fields=IVR_FIELDS, shown=IVR_SHOWN,
                  columns=_columns("id", "name", "description"), default_order="name", prepare=_check_ivr_targets)


# ------------------------------------------------------------------ conferences

CONFERENCE_FIELDS = [Field("name", "str", length(max_len=128), allow_none=True, default=None),
                     Field("preprocess_subroutine", "str", length(max_len=SUBROUTINE_LENGTH), allow_none=True,
                           default=None),
                     Field("max_users", "int", value_range(0), default=50),
                     Field("record", "strict_bool", default=False),
                     Field("pin", "str", digits(), length(max_len=80), allow_none=True, default=None),
                     Field("admin_pin", "str", digits(), length(max_len=80), allow_none=True, default=None),
                     Field("quiet_join_leave", "strict_bool", default=False),
                     Field("announce_join_leave", "strict_bool", default=False),
                     Field("announce_user_count", "strict_bool", default=False),
                     Field("announce_only_user", "strict_bool", default=True),
                     Field("music_on_hold", "str", length(max_len=128), allow_none=True, default=None)]
CONFERENCE_SHOWN = shown("id", "tenant_uuid") + _shown_fields(CONFERENCE_FIELDS) + (
    links("conferences", "/conferences/%d"), Shown("extensions", []), Shown("incalls", _incalls("conference")))
CONFERENCES = Collection("conferences", "/conferences", "Conference", fields=CONFERENCE_FIELDS, shown=CONFERENCE_SHOWN,
                         columns=_columns("id", "name", "preprocess_subroutine"), default_order="name")


# ------------------------------------------------------------------ switchboards and music on hold (uuid ids)

SWITCHBOARD_FIELDS = [Field("name", "str", length(max_len=128), required=True),
                      Field("timeout", "int", value_range(0), allow_none=True, default=None),
                      Field("queue_music_on_hold", "str", length(max_len=128), allow_none=True, default=None),
                      Field("waiting_room_music_on_hold", "str", length(max_len=128), allow_none=True, default=None)]
SWITCHBOARD_SHOWN = shown("uuid", "tenant_uuid") + _shown_fields(SWITCHBOARD_FIELDS) + (
    links("switchboards", "/switchboards/%s", key="uuid"), Shown("extensions", []),
    Shown("incalls", _incalls("switchboard")), Shown("members", {"users": []}),
    Shown("fallbacks", {"noanswer_destination": None}))


def _key_by_uuid(_req, record, _data, creating):
    if creating:
        record["id"] = _new_uuid(record)  # keyed by uuid: destinations reference switchboards by uuid


SWITCHBOARDS = Collection("switchboards", "/switchboards", "Switchboard", fields=SWITCHBOARD_FIELDS,
                          shown=SWITCHBOARD_SHOWN, columns=_columns("uuid", "name"), default_order="name", by_id=False,
                          by_uuid=True, prepare=_key_by_uuid)

MOH_FIELDS = [Field("label", "str", length(1, 128), required=True),
              Field("mode", "str", one_of("custom", "files", "mp3"), default="files"),
              Field("application", "str", length(max_len=256), allow_none=True, default=None),
              Field("sort", "str", one_of("alphabetical", "random", "random_start"), allow_none=True, default=None)]
MOH_SHOWN = shown("uuid", "tenant_uuid", "name") + _shown_fields(MOH_FIELDS) + (
    Shown("files", []), links("moh", "/moh/%s", key="uuid"))


def _name_moh(req, record, data, creating):
    _key_by_uuid(req, record, data, creating)
    if creating:
        record["name"] = record["uuid"]


MOH = Collection("moh", "/moh", "MOH", fields=MOH_FIELDS, shown=MOH_SHOWN, columns=_columns("uuid", "name", "label"),
                 default_order="name", by_id=False, by_uuid=True, prepare=_name_moh)
