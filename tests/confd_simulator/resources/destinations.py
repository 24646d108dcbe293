"""Incall destinations (confd helpers/destination.py): polymorphic validation, target checks, rendering.

A destination is stored as its public, validated form (``{"type": "user", "user_id": 1, ...}``).
"""

from ..core import CURRENT, by_generation, param_not_found
from ..fields import Field, Invalid, MISSING, digits, length, load_dict, one_of, regexp, value_range

_TYPES = ("application", "conference", "custom", "extension", "group", "hangup", "ivr", "none", "outcall", "queue",
          "sound", "switchboard", "user", "voicemail")
TYPES = by_generation(current=_TYPES, legacy=_TYPES[:7] + ("meetme",) + _TYPES[7:])
APPLICATIONS = ("callback_disa", "custom", "directory", "disa", "fax_to_mail", "voicemail")
CAUSES = ("busy", "congestion", "normal")
_COMMAND = r"^(?!(try)?system\()[a-zA-Z]{3,}\((.*)\)$"
_CONTEXT = by_generation(current=r"^[a-zA-Z0-9_-]{1,79}$", legacy=r"^[a-zA-Z0-9_-]{1,39}$")
_EXTEN = by_generation(current=r"^[0-9*#]{1,255}$", legacy=r"^[a-zA-Z0-9_-]{1,39}$")
GROUP_LABEL_SHOWN = by_generation(current=True, legacy=False)  # LEGACY groups have no label


def _ring_time():
    return Field("ring_time", "float", value_range(0), allow_none=True, default=None)


def _check_skill_rule(data):
    if data.get("skill_rule_variables") and not data.get("skill_rule_id"):
        raise Invalid({"skill_rule_id": ["Missing data for required field. When `skill_rule_variables` is defined"]})


_CONTEXT_FIELD = Field("context", "str", regexp(_CONTEXT), required=True)
_PIN = Field("pin", "str", digits(), length(max_len=40), allow_none=True, default=None)
# the fields of each type (of each application / hangup cause)
SCHEMAS = {
    "user": [Field("user_id", "int", required=True), _ring_time(),
             Field("moh_uuid", "uuid", allow_none=True, default=None, generations=CURRENT)],
    "group": [Field("group_id", "int", required=True), _ring_time()],
    "queue": [Field("queue_id", "int", required=True), _ring_time(),
              Field("skill_rule_id", "int", allow_none=True, default=None),
              Field("skill_rule_variables", "dict", allow_none=True, default=None)],
    "voicemail": [Field("voicemail_id", "int", required=True),
                  Field("skip_instructions", "strict_bool", default=False),
                  Field("greeting", "str", one_of("busy", "unavailable"), allow_none=True, default=None)],
    "ivr": [Field("ivr_id", "int", required=True)],
    "conference": [Field("conference_id", "int", required=True)],
    "meetme": [Field("conference_id", "int", required=True)],
    "outcall": [Field("outcall_id", "int", required=True),
                Field("exten", "str", digits(), length(max_len=255), required=True)],
    "extension": [Field("exten", "str", regexp(_EXTEN), required=True), _CONTEXT_FIELD],
    "custom": [Field("command", "str", regexp(_COMMAND), length(max_len=255), required=True)],
    "sound": [Field("filename", "str", length(max_len=255), required=True),
              Field("skip", "strict_bool", default=False), Field("no_answer", "strict_bool", default=False)],
    "switchboard": [Field("switchboard_uuid", "uuid", required=True), _ring_time()],
    "none": [],
    "hangup:busy": [Field("timeout", "float", value_range(0), allow_none=True, default=None)],
    "hangup:congestion": [Field("timeout", "float", value_range(0), allow_none=True, default=None)],
    "hangup:normal": [],
    "application:callback_disa": [_PIN, _CONTEXT_FIELD],
    "application:custom": [Field("application_uuid", "uuid", required=True)],
    "application:directory": [_CONTEXT_FIELD],
    "application:disa": [_PIN, _CONTEXT_FIELD],
    "application:fax_to_mail": [Field("email", "email", length(max_len=80), required=True)],
    "application:voicemail": [_CONTEXT_FIELD],
}


def _required_choice(value, name, choices, generation):
    """One discriminating key (type, application, cause): marshmallow validates it before the rest."""
    loaded = load_dict([Field(name, "str", one_of(*choices), required=True)], value, generation, ensure_dict=False)
    return loaded[name]


def convert(value, generation):
    """Field converter for ``destination`` (raises Invalid with the nested messages)."""
    kind = _required_choice(value, "type", TYPES[generation], generation)
    result = {"type": kind}
    schema_key = kind
    if kind == "application":
        result["application"] = _required_choice(value, "application", APPLICATIONS, generation)
        schema_key = "application:" + result["application"]
    elif kind == "hangup":
        result["cause"] = _required_choice(value, "cause", CAUSES, generation)
        schema_key = "hangup:" + result["cause"]
    schema_check = _check_skill_rule if kind == "queue" else None
    result.update(load_dict(SCHEMAS[schema_key], value, generation, schema_check=schema_check))
    return result


def field(required=True):
    return Field("destination", convert, required=required, default=MISSING)


# type -> (id key, table, resource name, lookup by uuid)
_TARGETS = {
    "user": ("user_id", "users", "User"), "group": ("group_id", "groups", "Group"),
    "queue": ("queue_id", "queues", "Queue"), "voicemail": ("voicemail_id", "voicemails", "Voicemail"),
    "ivr": ("ivr_id", "ivr", "IVR"), "conference": ("conference_id", "conferences", "Conference"),
    # legacy meetme rooms are made by the web interface only: confd 20.11 has no API for them
    "meetme": ("conference_id", "meetmes", "Conference"), "outcall": ("outcall_id", "outcalls", "Outcall"),
    "switchboard": ("switchboard_uuid", "switchboards", "Switchboard"),
}


class ShownUUID(str):
    """A UUID value that prints like Python's UUID object in error metadata."""

    def __repr__(self):
        return "UUID('%s')" % self


def validate_targets(state, destination):
    """confd's DestinationValidator: the referenced object must exist (400 naming 'actionarg1')."""
    kind = destination["type"]
    if kind in _TARGETS:
        key, table, resource = _TARGETS[kind]
        value = destination[key]
        if value not in state.tables[table]:
            shown = ShownUUID(value) if key.endswith("_uuid") else value
            raise param_not_found("actionarg1", resource, actionarg1=shown)
    if kind == "queue" and destination["skill_rule_id"] and destination["skill_rule_id"] not in state.tables["skill_rules"]:
        raise param_not_found("skill_rule_id", "SkillRule", skill_rule_id=destination["skill_rule_id"])
    if kind == "user" and destination.get("moh_uuid") and destination["moh_uuid"] not in state.tables["moh"]:
        raise param_not_found("moh_uuid", "MOH", moh_uuid=ShownUUID(destination["moh_uuid"]))
    if kind == "application" and destination["application"] == "custom":
        if destination["application_uuid"] not in state.tables["applications"]:
            raise param_not_found("actionarg1", "Application", actionarg1=ShownUUID(destination["application_uuid"]))


def target_of(destination, kind):
    """The id of the object of type ``kind`` a destination points to, or None."""
    if destination and destination["type"] == kind:
        return destination[_TARGETS[kind][0]]
    return None


def render(req, destination):
    body = dict(destination)
    tables, kind = req.state.tables, destination["type"]
    if kind == "user":
        user = tables["users"].get(destination["user_id"])
        if user:
            body.update(user_firstname=user["firstname"], user_lastname=user["lastname"])
    elif kind == "group":
        group = tables["groups"].get(destination["group_id"])
        if group:
            body["group_name"] = group["name"]
            if GROUP_LABEL_SHOWN[req.generation]:
                body["group_label"] = group["label"]
    elif kind in ("voicemail", "ivr", "conference", "switchboard"):
        key = _TARGETS[kind][0]
        target = tables[_TARGETS[kind][1]].get(destination[key])
        if target:
            body[kind + "_name"] = target["name"]
    elif kind == "queue":
        queue = tables["queues"].get(destination["queue_id"])
        if queue:
            body["queue_label"] = queue["label"]
    elif kind == "application" and destination["application"] == "custom":
        application = tables["applications"].get(destination["application_uuid"])
        if application:
            body["application_name"] = application["name"]
    return body
