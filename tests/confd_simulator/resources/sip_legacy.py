"""LEGACY (Wazo <= 20.12) chan_sip endpoints, SIP registers and their trunk associations.

Tables: ``endpoints_sip`` (id -> record), ``sip_names`` (name -> endpoint id: the unique ``usersip.name``),
``sip_trunk_endpoint`` (trunk id -> endpoint id), ``registers_sip`` (id -> {id, var_val, enabled, trunk_id}).
An endpoint record: {id, tenant_uuid, name, username, secret, type, host, natives: {column: value},
extras: [[name, value], ...], trunk_id}.  ``natives`` holds the ``usersip`` columns that ``options``
writes (xivo-dao's AsteriskOptionsMixin); ``extras`` the free-form options array.
A register keeps only its chan_sip ``register =>`` string, like the ``staticsip`` row, and is parsed
back on every read.
"""

import re
import string

from ..core import LEGACY, not_found, resource_associated, resource_exists, route, unexpected
from ..fields import Field, length, load, one_of, regexp, value_range
from . import sip_transports
from .common import Collection, Column, Shown, links, shown
from .sip_common import ListOf, check_trunk_endpoint, random_hash

USERNAME_REGEX = r"^[a-zA-Z0-9_+-]{1,40}$"
SECRET_REGEX = r"^[%s]{1,80}$" % re.escape(string.printable)
TRUTH_VALUES = ("yes", "true", "y", "t", "1", "on")  # Asterisk's ast_true()

# The usersip columns ``options`` writes, in table order: (name, type, argument).
# Types: "str" (VARCHAR(argument)), "text", "int", "ast" (INTEGER read back as yes/no),
# "enum" (argument = (PostgreSQL type, values)), "check" (VARCHAR(20) with a CHECK constraint).
NATIVE_COLUMNS = (
    ("md5secret", "str", 32), ("language", "str", 20), ("accountcode", "str", 20),
    ("amaflags", "enum", ("useriax_amaflags", ("default", "omit", "billing", "documentation"))),
    ("allowtransfer", "ast", None), ("fromuser", "str", 80), ("fromdomain", "str", 255),
    ("subscribemwi", "ast", None), ("buggymwi", "ast", None), ("call-limit", "int", None),
    ("callerid", "str", 160), ("fullname", "str", 80), ("cid_number", "str", 80), ("maxcallbitrate", "int", None),
    ("insecure", "enum", ("usersip_insecure", ("port", "invite", "port,invite"))),
    ("nat", "enum", ("usersip_nat", ("no", "force_rport", "comedia", "force_rport,comedia", "auto_force_rport",
                                     "auto_comedia", "auto_force_rport,auto_comedia"))),
    ("promiscredir", "ast", None), ("usereqphone", "ast", None),
    ("videosupport", "enum", ("usersip_videosupport", ("no", "yes", "always"))),
    ("trustrpid", "ast", None), ("sendrpid", "str", 16), ("allowsubscribe", "ast", None),
    ("allowoverlap", "ast", None), ("dtmfmode", "enum", ("usersip_dtmfmode", ("rfc2833", "inband", "info", "auto"))),
    ("rfc2833compensate", "ast", None), ("qualify", "str", 4), ("g726nonstandard", "ast", None),
    ("disallow", "str", 100), ("allow", "text", None), ("autoframing", "ast", None), ("mohinterpret", "str", 80),
    ("useclientcode", "ast", None), ("progressinband", "enum", ("usersip_progressinband", ("no", "yes", "never"))),
    ("t38pt_udptl", "ast", None), ("t38pt_usertpsource", "ast", None), ("rtptimeout", "int", None),
    ("rtpholdtimeout", "int", None), ("rtpkeepalive", "int", None), ("deny", "str", 31), ("permit", "str", 31),
    ("defaultip", "str", 255), ("port", "int", None), ("regexten", "str", 80), ("subscribecontext", "str", 80),
    ("vmexten", "str", 40), ("callingpres", "int", None), ("parkinglot", "int", None), ("outboundproxy", "str", 1024),
    ("transport", "str", 255), ("remotesecret", "str", 255),
    ("directmedia", "check", ("no", "yes", "nonat", "update", "update,nonat", "outgoing")),
    ("callcounter", "ast", None), ("busylevel", "int", None), ("ignoresdpversion", "ast", None),
    ("session-timers", "enum", ("usersip_session_timers", ("originate", "accept", "refuse"))),
    ("session-expires", "int", None), ("session-minse", "int", None),
    ("session-refresher", "enum", ("usersip_session_refresher", ("uac", "uas"))),
    ("callbackextension", "str", 255), ("timert1", "int", None), ("timerb", "int", None),
    ("qualifyfreq", "int", None), ("contactpermit", "str", 1024), ("contactdeny", "str", 1024),
    ("unsolicited_mailbox", "str", 1024), ("use_q850_reason", "ast", None), ("encryption", "ast", None),
    ("snom_aoc_enabled", "ast", None), ("maxforwards", "int", None), ("disallowed_methods", "str", 1024),
    ("textsupport", "ast", None),
)
NATIVES = {name: (kind, argument) for name, kind, argument in NATIVE_COLUMNS}
NATIVE_DEFAULTS = {"md5secret": "", "amaflags": "default", "subscribemwi": 0, "call-limit": 10}  # server defaults

_OPTIONS = ListOf("options", ListOf("", Field("", "str"), length(equal=2)))


def _endpoint_schema(nullable):
    """SipSchema; POST uses SipSchemaNullable (username, secret and host accept null)."""
    return [
        Field("username", "str", regexp(USERNAME_REGEX), allow_none=nullable),
        Field("name", "str", regexp(USERNAME_REGEX)),
        Field("secret", "str", regexp(SECRET_REGEX), allow_none=nullable),
        Field("type", "str", one_of("friend", "peer", "user")),
        Field("host", "str", length(max_len=255), allow_none=nullable),
        _OPTIONS,
    ]


CREATE_SCHEMA = _endpoint_schema(True)
EDIT_SCHEMA = _endpoint_schema(False)

REGISTER_REGEX = re.compile(r"""^
    (?:(?P<transport>.*)://)?
    (?P<sip_username>[^:/]*)
    (?::(?P<auth_password>[^:/]*))?
    (?::(?P<auth_username>[^:/]*))?
    @
    (?P<remote_host>[^:~/]*)
    (?::(?P<remote_port>\d*))?
    (?:/(?P<callback_extension>[^~]*))?
    (?:~(?P<expiration>\d*))?
    $""", re.VERBOSE)
_NO_SEPARATOR = r"^[^:/ ]*$"
REGISTER_SCHEMA = [
    Field("transport", "str", allow_none=True),
    Field("sip_username", "str", regexp(_NO_SEPARATOR), required=True),
    Field("auth_username", "str", regexp(_NO_SEPARATOR), allow_none=True),
    Field("auth_password", "str", regexp(_NO_SEPARATOR), allow_none=True),
    Field("remote_host", "str", regexp(r"^[^:/~ ]*$"), required=True),
    Field("remote_port", "int", value_range(0, 65535), allow_none=True),
    Field("callback_extension", "str", regexp(r"^[^~ ]*$"), allow_none=True),
    Field("expiration", "int", value_range(0), allow_none=True),
    Field("enabled", "strict_bool", default=True),
]
# (field, separator before it) in the order of the register string; sip_username and remote_host always written.
REGISTER_PARTS = (("sip_username", ""), ("auth_password", ":"), ("auth_username", ":"), ("remote_host", "@"),
                  ("remote_port", ":"), ("callback_extension", "/"), ("expiration", "~"))


# ----------------------------------------------------------------------------- seed

def seed_sip(state):
    sip_transports.seed(state)
    state.sequences["staticsip"] = 137  # the first register of a fresh database is id 138


# --------------------------------------------------------------- endpoint options

def _db_error(kind, detail, statement="INSERT INTO"):
    return unexpected("(psycopg2.errors.%s) %s\n\n[SQL: %s usersip ...]" % (kind, detail, statement))


def _native_value(column, value, statement):
    """The value PostgreSQL stores for ``column = value`` (or the error confd answers as a 500)."""
    kind, argument = NATIVES[column]
    if kind == "ast":
        return int(value in TRUTH_VALUES)
    if kind == "int":
        if not re.fullmatch(r"\s*[-+]?[0-9]+\s*", value):
            raise _db_error("InvalidTextRepresentation", 'invalid input syntax for type integer: "%s"' % value, statement)
        number = int(value)
        if not -2 ** 31 <= number < 2 ** 31:
            raise _db_error("NumericValueOutOfRange", 'value "%s" is out of range for type integer' % value, statement)
        return number
    if kind == "enum":
        if value not in argument[1]:
            raise _db_error("InvalidTextRepresentation", 'invalid input value for enum %s: "%s"' % (argument[0], value), statement)
        return value
    if kind == "check":
        if value not in argument:
            raise _db_error("CheckViolation", 'new row for relation "usersip" violates check constraint "usersip_directmedia_check"', statement)
        return value
    if kind == "str" and len(value) > argument:
        raise _db_error("StringDataRightTruncation", "value too long for type character varying(%d)" % argument, statement)
    return value


def _set_options(rec, options, statement):
    """``options`` setter: every column option back to its default, extras replaced, then the list applied."""
    natives, extras = dict(NATIVE_DEFAULTS), []
    for key, value in options:
        if key in NATIVES:
            natives[key] = _native_value(key, value, statement)
        else:
            extras.append([key, value])
    rec["natives"], rec["extras"] = natives, extras


def _render_options(rec):
    options = []
    for definition in NATIVE_COLUMNS:
        column, kind = definition[0], definition[1]
        value = rec["natives"].get(column)
        if value is None or value == "":
            continue
        options.append([column, ("yes" if value else "no") if kind == "ast" else str(value)])
    return options + [list(option) for option in rec["extras"]]


# ------------------------------------------------------------------------ endpoints

def _trunk_relation(req, trunk_id):
    if trunk_id is None:
        return None
    return {"id": trunk_id, "links": [req.link("trunks", "/trunks/%d" % trunk_id)]}


ENDPOINT_SHOWN = shown("id", "tenant_uuid", "username", "name", "secret", "type", "host") + (
    Shown("options", lambda _req, rec: _render_options(rec)), links("endpoint_sip", "/endpoints/sip/%d"),
    Shown("trunk", lambda req, rec: _trunk_relation(req, rec["trunk_id"])), Shown("line", None))
ENDPOINT_COLUMNS = (Column("username", lambda _req, rec: rec["name"]), Column("type"), Column("host"))


def _check_name(state, name, own_id=None):
    holder = state.tables["sip_names"].get(name)
    if holder is not None and holder != own_id:
        raise resource_exists("SIPEndpoint", name=name)


def _fill_defaults(state, rec):
    """xivo-dao's ``fill_default_values``: only what is None (absent or null) gets a default, so an empty
    ``host`` stays empty; a missing username is the name, itself random when missing."""
    if rec["name"] is None:
        rec["name"] = random_hash(lambda value: value in state.tables["sip_names"])
    if rec["username"] is None:
        rec["username"] = rec["name"]
    if rec["secret"] is None:
        rec["secret"] = random_hash(lambda value: False)
    if rec["type"] is None:
        rec["type"] = "friend"
    if rec["host"] is None:
        rec["host"] = "dynamic"


def _check_lengths(rec, statement):
    """The usersip columns are VARCHAR(40) (name) and (80) (username, secret): the patterns' ``$`` also takes a
    final newline, so a 40-character name plus "\n" passes marshmallow and fails in PostgreSQL."""
    for column, size in (("name", 40), ("username", 80), ("secret", 80)):
        if len(rec[column]) > size:
            raise _db_error("StringDataRightTruncation", "value too long for type character varying(%d)" % size, statement)


def _prepare_endpoint(req, rec, data, creating):
    """SipSchema's post-load, then confd's name check, the usersip columns and xivo-dao's defaults."""
    state = req.state
    if not data.get("name") and "username" in data:  # SipSchema.set_name_to_username_if_missing
        data["name"] = data["username"]
    statement = "INSERT INTO" if creating else "UPDATE"
    if not creating or data.get("name") is not None:
        _check_name(state, data.get("name", rec["name"]), rec.get("id"))
    if "options" in data:
        _set_options(data, data.pop("options"), statement)
    candidate = dict(rec, **data)
    if creating:
        _fill_defaults(state, candidate)
    _check_lengths(candidate, statement)
    data.update(candidate)
    if creating:
        rec["id"] = state.next_id("usersip")  # the INSERT, once every check has passed
    state.tables["sip_names"].pop(rec["name"], None)
    state.tables["sip_names"][candidate["name"]] = rec["id"]


def _forget_endpoint(state, rec):
    """A deleted endpoint frees its name and its trunk."""
    state.tables["sip_names"].pop(rec["name"], None)
    if rec["trunk_id"] is not None:
        state.tables["sip_trunk_endpoint"].pop(rec["trunk_id"], None)


ENDPOINTS = Collection(
    "endpoints_sip", "/endpoints/sip", "SIPEndpoint", fields=CREATE_SCHEMA, update_fields=EDIT_SCHEMA,
    shown=ENDPOINT_SHOWN, columns=ENDPOINT_COLUMNS, default_order="username", generations=LEGACY,
    id_param="endpoint_id", prepare=_prepare_endpoint, on_delete=(lambda req, rec: _forget_endpoint(req.state, rec),), check_integers=False,
    initial={"name": None, "username": None, "secret": None, "type": None, "host": None,
             "natives": lambda: dict(NATIVE_DEFAULTS), "extras": list, "trunk_id": None})


# ------------------------------------------------------------------------ registers

def register_string(data):
    """RegisterSIPSchema.convert_to_chansip: each optional part only when truthy."""
    text = "%s://" % data["transport"] if data.get("transport") else ""
    for field, separator in REGISTER_PARTS:
        value = data.get(field)
        if field in ("sip_username", "remote_host"):
            text += separator + str(value)
        elif value:
            text += separator + str(value)
    return text


def register_fields(register):
    """RegisterSIPSchema's pre_dump: the fields parsed back from the stored string."""
    parsed = REGISTER_REGEX.match(register["var_val"])
    if parsed is None:
        raise unexpected("'NoneType' object has no attribute 'groupdict'")
    fields = parsed.groupdict()
    for key in ("remote_port", "expiration"):
        if fields[key] is not None:
            fields[key] = int(fields[key])
    return fields


def _check_register(data):
    """RegisterSIPSchema's validators (marshmallow runs them once every field is valid)."""
    errors = {}
    if data.get("auth_username") and not data.get("auth_password"):
        errors["auth_username"] = ['Cannot set field "auth_username" if the field "auth_password" is not set']
    if len(register_string(data)) > 255:
        errors["_schema"] = ["The sum of all fields is longer than maximum length 255"]
    return errors


def _prepare_register(req, register, data, creating):
    """A PUT is checked again as a whole, merged into the stored fields; only the register string is kept,
    and a transport in it must name an existing transport (GetTransportValidator)."""
    whole = data
    if not creating:
        merged = dict(register_fields(register), enabled=register["enabled"])
        merged.update(data)
        whole = load(REGISTER_SCHEMA, merged, req.generation, schema_check=_check_register)
    var_val = register_string(whole)
    name = register_fields({"var_val": var_val})["transport"]
    if name and sip_transports.find_by_name(req.state, name) is None:
        raise sip_transports.transport_name_not_found(name)
    enabled = whole["enabled"]
    data.clear()
    data.update(var_val=var_val, enabled=enabled)
    if creating:
        register["id"] = req.state.next_id("staticsip")  # the sequence LEGACY shares with other static SIP rows


def _parsed(name):
    return lambda _req, register: register_fields(register)[name]


REGISTER_SHOWN = shown("id") + tuple(Shown(field.name, _parsed(field.name)) for field in REGISTER_SCHEMA
                                     if field.name != "enabled") + (
    Shown("enabled"), links("register_sip", "/registers/sip/%d"),
    Shown("trunk", lambda req, register: _trunk_relation(req, register["trunk_id"])))


def _forget_register(state, register):
    """A deleted register frees its trunk."""
    if register["trunk_id"] is not None:
        state.tables["sip_trunk_register"].pop(register["trunk_id"], None)


REGISTERS = Collection(
    "registers_sip", "/registers/sip", "SIPRegister", fields=REGISTER_SCHEMA, shown=REGISTER_SHOWN,
    columns=(Column("id", integer=True),), default_order="id", generations=LEGACY, id_param="register_id",
    tenant_scoped=False,  # /registers/sip ignores Wazo-Tenant
    schema_check=_check_register, prepare=_prepare_register, initial={"trunk_id": None},
    on_delete=(lambda req, register: _forget_register(req.state, register),))


# ------------------------------------------------------------- trunk associations

def _trunk(req):
    trunk = req.state.tables["trunks"].get(req.params["trunk_id"])
    if trunk is None:
        raise not_found("Trunk", id=req.params["trunk_id"])
    return trunk


@route("PUT", "/trunks/<int:trunk_id>/endpoints/sip/<int:endpoint_id>", LEGACY)
def associate_trunk_endpoint(req):
    trunk = _trunk(req)
    endpoint = ENDPOINTS.lookup(req, "id", req.params["endpoint_id"])
    if req.state.tables["sip_trunk_endpoint"].get(trunk["id"]) != endpoint["id"]:
        check_trunk_endpoint(req.state, trunk, dict(endpoint, key=endpoint["id"]), int)
        req.state.tables["sip_trunk_endpoint"][trunk["id"]] = endpoint["id"]
        endpoint["trunk_id"] = trunk["id"]
    return 204, None


@route("DELETE", "/trunks/<int:trunk_id>/endpoints/sip/<int:endpoint_id>", LEGACY)
def dissociate_trunk_endpoint(req):
    trunk = _trunk(req)
    endpoint = ENDPOINTS.lookup(req, "id", req.params["endpoint_id"])
    if req.state.tables["sip_trunk_endpoint"].get(trunk["id"]) == endpoint["id"]:
        del req.state.tables["sip_trunk_endpoint"][trunk["id"]]
        endpoint["trunk_id"] = None
    return 204, None


@route("PUT", "/trunks/<int:trunk_id>/registers/sip/<int:register_id>", LEGACY)
def associate_trunk_register(req):
    links = req.state.tables["sip_trunk_register"]
    trunk = _trunk(req)
    register = REGISTERS.lookup(req, "id", req.params["register_id"])
    if links.get(trunk["id"]) == register["id"]:
        return 204, None
    if trunk["id"] in links:
        raise resource_associated("Trunk", "SIPRegister", trunk_id=trunk["id"], register_sip_id=links[trunk["id"]])
    if register["trunk_id"] is not None:
        raise resource_associated("Trunk", "SIPRegister", trunk_id=register["trunk_id"], register_sip_id=register["id"])
    links[trunk["id"]] = register["id"]
    register["trunk_id"] = trunk["id"]
    return 204, None


@route("DELETE", "/trunks/<int:trunk_id>/registers/sip/<int:register_id>", LEGACY)
def dissociate_trunk_register(req):
    """At this confd commit the SIP-register service calls the IAX dissociation: 204, nothing changes."""
    _trunk(req)
    REGISTERS.lookup(req, "id", req.params["register_id"])
    return 204, None


# --------------------------------------------------------- for the trunk resource

def trunk_sip_fields(req, trunk_id):
    state = req.state
    endpoint = state.tables["endpoints_sip"].get(state.tables["sip_trunk_endpoint"].get(trunk_id))
    register_id = state.tables["sip_trunk_register"].get(trunk_id)
    return {
        "endpoint_sip": None if endpoint is None else {
            "id": endpoint["id"], "username": endpoint["username"], "name": endpoint["name"],
            "links": [req.link("endpoint_sip", "/endpoints/sip/%d" % endpoint["id"])]},
        "register_sip": None if register_id is None else {
            "id": register_id, "links": [req.link("register_sip", "/registers/sip/%d" % register_id)]},
    }


def delete_trunk_cascade(state, trunk_id):
    endpoint = state.tables["endpoints_sip"].get(state.tables["sip_trunk_endpoint"].get(trunk_id))
    if endpoint is not None:
        del state.tables["endpoints_sip"][endpoint["id"]]
        _forget_endpoint(state, endpoint)
    register = state.tables["registers_sip"].get(state.tables["sip_trunk_register"].get(trunk_id))
    if register is not None:
        del state.tables["registers_sip"][register["id"]]
        _forget_register(state, register)
