"""Objects an incall can reach besides users: groups, queues, voicemails, IVRs, conferences,
switchboards and music on hold.  Enough CRUD to create them, find them by name/label and route to them."""

import uuid

from ..core import resource_exists
from ..fields import Field, digits, length, none_of, one_of, regexp, value_range
from . import destinations
from .common import Collection, getter
from .contexts import require_context
from .incalls import incalls_to, summary as incall_summary

_NAME = r"^[-_.a-zA-Z0-9]+$"


def _incalls(req, kind, record):
    return [incall_summary(req, incall) for incall in incalls_to(req, kind).get(record["id"], [])]


def _unique(req, record, data, table, resource, *keys):
    values = {key: data.get(key, record.get(key)) for key in keys}
    if all(key not in data for key in keys):
        return
    for other in req.state.tables[table].values():
        if other is not record and all(other.get(key) == value for key, value in values.items()):
            raise resource_exists(resource, **values)


def _new_uuid(record):
    record["uuid"] = str(uuid.uuid4())
    return record["uuid"]


def _by_name(*extra):
    def columns(_req):
        names = ("name",) + extra
        result = {"id": lambda r: r["id"]}
        result.update({name: getter(name) for name in names})
        return result
    return columns


# ------------------------------------------------------------------ groups

def _group_schema(generation):
    schema = [Field("label", "str", length(max_len=128), required=True)] if generation == "current" else [
        Field("name", "str", regexp(_NAME), none_of("general"), length(max_len=128), required=True)]
    return schema + [
        Field("preprocess_subroutine", "str", length(max_len=79 if generation == "current" else 39), allow_none=True,
              default=None),
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
        Field("enabled", "strict_bool", default=True)] + ([
            Field("dtmf_record_toggle", "strict_bool", default=False), Field("ignore_forward", "strict_bool", default=False),
            Field("max_calls", "int", value_range(0), default=0)] if generation == "current" else [])


_GROUP_KEYS = {
    "current": ("id", "uuid", "tenant_uuid", "name", "label", "preprocess_subroutine", "ring_strategy", "caller_id_mode",
                "caller_id_name", "dtmf_record_toggle", "timeout", "user_timeout", "retry_delay", "music_on_hold",
                "ring_in_use", "mark_answered_elsewhere", "enabled", "ignore_forward", "max_calls"),
    "legacy": ("id", "tenant_uuid", "name", "preprocess_subroutine", "ring_strategy", "caller_id_mode", "caller_id_name",
               "timeout", "user_timeout", "retry_delay", "music_on_hold", "ring_in_use", "mark_answered_elsewhere",
               "enabled"),
}


def _render_group(req, record):
    body = {key: record.get(key) for key in _GROUP_KEYS[req.generation]}
    link_key = record["uuid"] if req.current else record["id"]
    fallbacks = {"noanswer_destination": None, "congestion_destination": None} if req.current else {"noanswer_destination": None}
    body.update(links=[req.link("groups", "/groups/%s" % link_key)], extensions=[], fallbacks=fallbacks,
                incalls=_incalls(req, "group", record), schedules=[], call_permissions=[],
                members={"users": [], "extensions": []})
    return body


def _prepare_group(req, record, data, creating):
    if req.current:
        if creating:
            record["name"] = "grp-%s-%s" % (req.state.tenant_slug, _new_uuid(record))
    else:
        _unique(req, record, data, "groups", "Group", "name")


GROUPS = Collection("groups", "/groups", "Group", schema=_group_schema, render=_render_group,
                    columns=_by_name("label", "preprocess_subroutine"), default_order="name", by_uuid=True,
                    prepare=_prepare_group)


# ------------------------------------------------------------------ queues

def _queue_schema(_generation):
    return [Field("name", "str", regexp(_NAME), none_of("general"), length(max_len=128), required=True),
            Field("label", "str", length(max_len=128), allow_none=True),
            Field("caller_id_mode", "str", one_of("prepend", "overwrite", "append"), allow_none=True, default=None),
            Field("caller_id_name", "str", length(max_len=80), allow_none=True, default=None),
            Field("timeout", "int", value_range(0), allow_none=True, default=0),
            Field("music_on_hold", "str", length(max_len=128), allow_none=True, default=None),
            Field("preprocess_subroutine", "str", length(max_len=79), allow_none=True, default=None),
            Field("enabled", "strict_bool", default=True),
            Field("options", "list", default=list)]


def _render_queue(req, record):
    body = {key: record.get(key) for key in ("id", "tenant_uuid", "name", "label", "caller_id_mode", "caller_id_name",
                                             "timeout", "music_on_hold", "preprocess_subroutine", "enabled", "options")}
    body.update(links=[req.link("queues", "/queues/%d" % record["id"])], extensions=[],
                incalls=_incalls(req, "queue", record), schedules=[], members={"agents": [], "users": []})
    return body


def _prepare_queue(req, record, data, creating):
    _unique(req, record, data, "queues", "Queue", "name")
    if creating and data.get("label") is None:
        data["label"] = data["name"]


QUEUES = Collection("queues", "/queues", "Queue", schema=_queue_schema, render=_render_queue,
                    columns=_by_name("label", "preprocess_subroutine"), default_order="name", prepare=_prepare_queue)


# ------------------------------------------------------------------ voicemails

def _voicemail_schema(generation):
    return [Field("name", "str", length(max_len=80), required=True),
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
            Field("options", "list", default=list)] + (
                [Field("accesstype", "str", one_of("personal", "global"), default="personal")] if generation == "current" else [])


def _check_voicemail(data):
    """CURRENT: deleting messages after sending them needs an email and the audio attached."""
    if data.get("delete_messages") and not data.get("email"):
        return "email must be provided if delete_messages is set"
    if data.get("delete_messages") and not data.get("attach_audio"):
        return "attach_audio must be set if delete_messages is set"
    return None


def _render_voicemail(req, record):
    body = {key: record.get(key) for key in ("id", "tenant_uuid", "name", "number", "context", "password", "email",
                                             "language", "timezone", "pager", "max_messages", "attach_audio",
                                             "delete_messages", "ask_password", "enabled", "options")}
    body["links"] = [req.link("voicemails", "/voicemails/%d" % record["id"])]
    if req.current:
        body["accesstype"] = record.get("accesstype", "personal")
    body["users"] = []
    return body


def _prepare_voicemail(req, record, data, _creating):
    if "context" in data:
        require_context(req.state, data["context"])
    _unique(req, record, data, "voicemails", "Voicemail", "number", "context")


VOICEMAILS = Collection("voicemails", "/voicemails", "Voicemail", schema=_voicemail_schema, render=_render_voicemail,
                        columns=_by_name("number", "context", "email", "pager", "language"), default_order="number",
                        prepare=_prepare_voicemail, body_first=True,
                        schema_check=lambda generation: _check_voicemail if generation == "current" else None)


# ------------------------------------------------------------------ IVR

def _ivr_schema(_generation):
    return [Field("name", "str", length(max_len=128), required=True),
            Field("description", "str", allow_none=True, default=None),
            Field("menu_sound", "str", length(max_len=255), required=True),
            Field("greeting_sound", "str", length(max_len=255), allow_none=True, default=None),
            Field("invalid_sound", "str", length(max_len=255), allow_none=True, default=None),
            Field("abort_sound", "str", length(max_len=255), allow_none=True, default=None),
            Field("timeout", "int", value_range(0), default=5),
            Field("max_tries", "int", value_range(1), default=3),
            Field("invalid_destination", destinations.convert, allow_none=True, default=None),
            Field("timeout_destination", destinations.convert, allow_none=True, default=None),
            Field("abort_destination", destinations.convert, allow_none=True, default=None),
            Field("choices", "list", default=list)]


def _render_ivr(req, record):
    body = {key: record.get(key) for key in ("id", "tenant_uuid", "name", "description", "menu_sound", "greeting_sound",
                                             "invalid_sound", "abort_sound", "timeout", "max_tries", "choices")}
    for key in ("invalid_destination", "timeout_destination", "abort_destination"):
        body[key] = destinations.render(req, record[key]) if record.get(key) else None
    body.update(links=[req.link("ivr", "/ivr/%d" % record["id"])], incalls=_incalls(req, "ivr", record))
    return body


def _prepare_ivr(req, _record, data, _creating):
    for key in ("invalid_destination", "timeout_destination", "abort_destination"):
        if data.get(key):
            destinations.validate_targets(req.state, data[key])


IVRS = Collection("ivr", "/ivr", "IVR", schema=_ivr_schema, render=_render_ivr, columns=_by_name("description"),
                  default_order="name", prepare=_prepare_ivr)


# ------------------------------------------------------------------ conferences

def _conference_schema(_generation):
    return [Field("name", "str", length(max_len=128), allow_none=True, default=None),
            Field("preprocess_subroutine", "str", length(max_len=79), allow_none=True, default=None),
            Field("max_users", "int", value_range(0), default=50),
            Field("record", "strict_bool", default=False),
            Field("pin", "str", digits(), length(max_len=80), allow_none=True, default=None),
            Field("admin_pin", "str", digits(), length(max_len=80), allow_none=True, default=None),
            Field("quiet_join", "strict_bool", default=False),
            Field("announce_join_leave", "strict_bool", default=False),
            Field("announce_user_count", "strict_bool", default=False),
            Field("announce_only_user", "strict_bool", default=True),
            Field("music_on_hold", "str", length(max_len=128), allow_none=True, default=None)]


def _render_conference(req, record):
    body = {field.name: record.get(field.name) for field in _conference_schema(req.generation)}
    body = dict({"id": record["id"], "tenant_uuid": record["tenant_uuid"]}, **body)
    body.update(links=[req.link("conferences", "/conferences/%d" % record["id"])], extensions=[],
                incalls=_incalls(req, "conference", record))
    return body


CONFERENCES = Collection("conferences", "/conferences", "Conference", schema=_conference_schema,
                         render=_render_conference, columns=_by_name("preprocess_subroutine"), default_order="name")


# ------------------------------------------------------------------ switchboards and music on hold (uuid ids)

def _switchboard_schema(_generation):
    return [Field("name", "str", length(max_len=128), required=True),
            Field("timeout", "int", value_range(0), allow_none=True, default=None),
            Field("queue_music_on_hold", "str", length(max_len=128), allow_none=True, default=None),
            Field("waiting_room_music_on_hold", "str", length(max_len=128), allow_none=True, default=None)]


def _render_switchboard(req, record):
    body = {key: record.get(key) for key in ("uuid", "tenant_uuid", "name", "timeout", "queue_music_on_hold",
                                             "waiting_room_music_on_hold")}
    body.update(links=[req.link("switchboards", "/switchboards/%s" % record["uuid"])], extensions=[],
                incalls=_incalls(req, "switchboard", record), members={"users": []},
                fallbacks={"noanswer_destination": None})
    return body


def _prepare_by_uuid(_req, record, _data, creating):
    if creating:
        record["id"] = _new_uuid(record)  # keyed by uuid: destinations reference switchboards by uuid


def _uuid_columns(*names):
    def columns(_req):
        result = {"uuid": lambda r: r["uuid"]}
        result.update({name: getter(name) for name in names})
        return result
    return columns


SWITCHBOARDS = Collection("switchboards", "/switchboards", "Switchboard", schema=_switchboard_schema,
                          render=_render_switchboard, columns=_uuid_columns("name"), default_order="name", by_id=False,
                          by_uuid=True, prepare=_prepare_by_uuid, int_columns=())


def _moh_schema(_generation):
    return [Field("label", "str", length(1, 128), required=True),
            Field("mode", "str", one_of("custom", "files", "mp3"), default="files"),
            Field("application", "str", length(max_len=256), allow_none=True, default=None),
            Field("sort", "str", one_of("alphabetical", "random", "random_start"), allow_none=True, default=None)]


def _render_moh(req, record):
    body = {key: record.get(key) for key in ("uuid", "tenant_uuid", "name", "label", "mode", "application", "sort")}
    body.update(files=[], links=[req.link("moh", "/moh/%s" % record["uuid"])])
    return body


def _prepare_moh(req, record, data, creating):
    _prepare_by_uuid(req, record, data, creating)
    if creating:
        record["name"] = record["uuid"]


MOH = Collection("moh", "/moh", "MOH", schema=_moh_schema, render=_render_moh, columns=_uuid_columns("name", "label"),
                 default_order="name", by_id=False, by_uuid=True, prepare=_prepare_moh, int_columns=())
