"""Generated confd requests: hypothesis strategies and a small HTTP driver, shared by
tests/contract/test_generated_requests.py (the simulator never answers a 500 of its own) and
tests/contract/differential.py (the same requests sent to a real wazo-confd and to the simulator).

A generated example is a short list of requests against one "world": objects the example creates
first (a trunk, a SIP endpoint, a legacy SIP register, an outcall, an incall, an extension in the
incall context and one in the outcall context). Request paths and bodies name those objects with
placeholders (``{trunk}``, ``{endpoint}``, ``{context_in}``...) replaced by each server's own ids, so
the same example runs on two servers whose ids differ.

Bodies mix valid values with garbage of every JSON kind: wrong types, nulls, empty strings, huge
strings and numbers, negative numbers, nested lists and objects, unknown fields, arrays or scalars
instead of objects, and no body at all.
"""

import functools
import json
import re
import urllib.parse

from hypothesis import strategies as st

NO_BODY = "<no body>"  # the request carries no body at all (the JSON body null is None)
UNKNOWN_ID = "999999"
UNKNOWN_UUID = "00000000-0000-4000-8000-00000000dead"
INT32_MAX = 2 ** 31 - 1

# --------------------------------------------------------------------------- values

_SCALARS = st.one_of(
    st.none(), st.booleans(),
    st.integers(-5, 5), st.integers(-2 ** 40, 2 ** 40), st.sampled_from([INT32_MAX + 1, -INT32_MAX - 2, 2 ** 64, -1]),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["", " ", "0", "-1", "true", "null", "abc", "a:b/c~d@e", "é€", "x\ny", "[]", "{}"]),
    st.text(max_size=12),
)
# long strings, built without drawing thousands of characters one by one
_HUGE_STRINGS = st.builds(lambda char, size: char * size, st.sampled_from("a1_-.é:@ "), st.integers(41, 5000))
GARBAGE = st.recursive(st.one_of(_SCALARS, _HUGE_STRINGS),
                       lambda children: st.one_of(st.lists(children, max_size=3),
                                                  st.dictionaries(st.text(max_size=6), children, max_size=3)),
                       max_leaves=6)


# bodies that are not objects: what confd's ``data or {}`` turns into {} and what it does not
NOT_OBJECTS = st.one_of(st.sampled_from([None, [], {}, "", 0, False, True, [1], ["a"], "x", 5, -1, [{}], [[]], 1.5]),
                        GARBAGE)


def value(*valid):
    """A field value: one of ``valid`` (placeholders allowed) or garbage."""
    choices = [GARBAGE]
    if valid:
        choices.insert(0, st.sampled_from(valid))
    return st.one_of(*choices)


def _pairs(names, values=("yes", "60", "sip:a@example.com", "", "x" * 5000)):
    pair = st.one_of(st.tuples(st.sampled_from(names), st.sampled_from(values)).map(list),
                     st.lists(GARBAGE, max_size=3), GARBAGE)
    return st.one_of(st.lists(pair, max_size=4), GARBAGE)


def _relations(*uuids):
    relation = st.one_of(st.fixed_dictionaries({"uuid": st.sampled_from(uuids + (UNKNOWN_UUID,))}),
                         st.dictionaries(st.sampled_from(["uuid", "label", "x"]), GARBAGE, max_size=2), GARBAGE)
    return relation


_DESTINATION_KEYS = ("type", "user_id", "group_id", "ring_time", "moh_uuid", "cause", "timeout", "exten", "context",
                     "command", "application", "voicemail_id", "skip_instructions", "greeting", "outcall_id",
                     "filename", "switchboard_uuid", "pin", "email", "application_uuid", "queue_id",
                     "skill_rule_id", "skill_rule_variables", "conference_id", "ivr_id")
_DESTINATION_VALUES = {
    "type": value("user", "group", "hangup", "none", "extension", "custom", "voicemail", "outcall", "queue",
                  "application", "sound", "switchboard", "conference", "ivr", "meetme", "bogus"),
    "user_id": value("{user}", 1, 999999), "cause": value("busy", "congestion", "normal"),
    "timeout": value(0, 10, 1.5), "ring_time": value(0, 10, 2.5), "exten": value("1000", "123#*"),
    "context": value("{context_internal}", "nope"), "command": value("Playback(x)", "System(rm)"),
    "application": value("callback_disa", "custom", "directory", "disa", "fax_to_mail", "voicemail"),
    "outcall_id": value("{outcall}"), "email": value("a@example.com"), "greeting": value("busy", "unavailable"),
}


def destination():
    fields = {key: _DESTINATION_VALUES.get(key, GARBAGE) for key in _DESTINATION_KEYS[1:]}
    typed = st.fixed_dictionaries({"type": _DESTINATION_VALUES["type"]}, optional=fields)
    return st.one_of(typed, GARBAGE)


# --------------------------------------------------------------------------- resources

class Resource:
    """A collection the simulator serves: where it lives, its fields, its list columns."""

    def __init__(self, name, path, item, fields, columns=(), create=True):
        self.name = name          # world key of the object of this kind (None: not in the world)
        self.path = path          # collection path
        self.item = item          # item path with the world placeholder
        self.fields = fields      # field -> strategy of its value
        self.columns = columns    # list columns (exact filters / order)
        self.create = create
        self.body = body(fields)
        self.query = list_query(columns)


def _context_refs():
    return value("{context_in}", "{context_out}", "{context_internal}", "nope", "")


@functools.lru_cache(maxsize=None)  # strategies are built once: building them costs more than drawing
def resources(generation):
    current = generation == "current"
    trunk_fields = {"context": _context_refs(), "twilio_incoming": value(True, False),
                    "outgoing_caller_id_format": value("+E164", "E164", "national"), "description": value("d")}
    outcall_fields = {"name": value("gen-outcall", "gen-outcall-2", "{outcall_name}"), "internal_caller_id": value(True),
                      "preprocess_subroutine": value("sub"), "ring_time": value(0, 30, INT32_MAX, INT32_MAX + 1),
                      "description": value("d"), "enabled": value(True, False)}
    incall_fields = {"preprocess_subroutine": value("sub"), "greeting_sound": value("hello"),
                     "caller_id_mode": value("prepend", "overwrite", "append"), "caller_id_name": value("n"),
                     "description": value("d"), "destination": destination()}
    extension_fields = {"exten": value("1234", "5550199", "_0.", "+33", "*12"), "context": _context_refs(),
                        "commented": value(True, False, 1, "no"), "enabled": value(True, False, 0, "yes")}
    found = [
        Resource("trunk", "/trunks", "/trunks/{trunk}", trunk_fields, ("id", "context", "description", "name", "label")),
        Resource("outcall", "/outcalls", "/outcalls/{outcall}", outcall_fields, ("id", "name", "description")),
        Resource("incall", "/incalls", "/incalls/{incall}", incall_fields,
                 ("exten", "user_id", "description") if current else ("id", "user_id", "description")),
        Resource("ext_in", "/extensions", "/extensions/{ext_in}", extension_fields, ("exten", "context", "type")),
    ]
    if current:
        sections = {
            "aor": ("contact", "qualify_frequency", "max_contacts", "bogus"),
            "auth": ("username", "password", "auth_type", "type"),
            "endpoint": ("allow", "from_user", "context", "@custom", "bogus"),
            "identify": ("match", "bogus"), "registration": ("client_uri", "server_uri", "expiration", "bogus"),
            "registration_outbound_auth": ("username", "password"), "outbound_auth": ("username", "password"),
        }
        endpoint_fields = {section + "_section_options": _pairs(names) for section, names in sections.items()}
        endpoint_fields.update(
            name=value("gen-endpoint", "global", "transport-udp", "bad name", "{endpoint_name}"),
            label=value("gen-label"), asterisk_id=value("a1"),
            templates=st.one_of(st.lists(_relations("{template}"), max_size=3), GARBAGE),
            transport=st.one_of(_relations("{transport}"), GARBAGE))
        found.append(Resource("endpoint", "/endpoints/sip", "/endpoints/sip/{endpoint}", endpoint_fields,
                              ("name", "label", "uuid", "template")))
    else:
        options = ("qualify", "qualifyfreq", "nat", "host", "call-limit", "amaflags", "setvar", "directmedia",
                   "allow", "dtmfmode", "transport")
        endpoint_fields = {"username": value("genuser", "bad user", "{endpoint_name}", "", "u\n", "u" * 40 + "\n"),
                           "name": value("genname", "bad name", "{endpoint_name}", "", "n\n", "n" * 40 + "\n"),
                           "secret": value("s3cret", "", "s" * 80 + "\n"), "type": value("friend", "peer", "user"),
                           "host": value("dynamic", "sip.example.com", ""),
                           "options": _pairs(options, ("yes", "no", "60", "force_rport", "ulaw", "x", "", "-1",
                                                       "99999999999", "x" * 300))}
        found.append(Resource("endpoint", "/endpoints/sip", "/endpoints/sip/{endpoint}", endpoint_fields,
                              ("username", "type", "host")))
        register_fields = {"transport": value("transport-udp", "udp", ""), "sip_username": value("user", "a@b", ""),
                           "auth_username": value("auth", ""), "auth_password": value("pass", ""),
                           "remote_host": value("sip.example.com", "", "h:1"), "remote_port": value(5060, "5060", 0),
                           "callback_extension": value("1000", ""), "expiration": value(120, 0),
                           "enabled": value(True, False)}
        found.append(Resource("register", "/registers/sip", "/registers/sip/{register}", register_fields, ("id",)))
    return tuple(found)


@functools.lru_cache(maxsize=None)
def associations(generation):
    """(method, path template, body strategy) of the association routes."""
    dial_pattern = {"caller_id": value("Me <123>"), "external_prefix": value("9", "+"), "prefix": value("0"),
                    "strip_digits": value(0, 2)}
    body_trunks = st.one_of(
        st.fixed_dictionaries({}, optional={"trunks": st.one_of(
            st.lists(st.one_of(st.fixed_dictionaries({"id": value("{trunk}", 999999)}), GARBAGE), max_size=3),
            GARBAGE)}),
        NOT_OBJECTS, st.just(NO_BODY))
    routes = []
    for method in ("PUT", "DELETE"):
        routes += [
            (method, "/trunks/{trunk}/endpoints/sip/{endpoint}", st.none()),
            (method, "/incalls/{incall}/extensions/{ext_in}", st.none()),
            (method, "/outcalls/{outcall}/extensions/{ext_out}", body(dial_pattern)),
        ]
        if generation == "legacy":
            routes.append((method, "/trunks/{trunk}/registers/sip/{register}", st.none()))
    routes.append(("PUT", "/outcalls/{outcall}/trunks", body_trunks))
    return tuple(routes)


def body(fields, unknown=True):
    """A request body: mostly an object of (some of) ``fields``, else garbage or no body."""
    optional = dict(fields)
    if unknown:
        optional.update({"unknown_field": GARBAGE, "id": GARBAGE, "tenant_uuid": GARBAGE})
    return st.one_of(st.fixed_dictionaries({}, optional=optional), st.fixed_dictionaries({}, optional=optional),
                     st.fixed_dictionaries({}, optional=optional), NOT_OBJECTS, st.just(NO_BODY))


_LIST_KEYS = ("limit", "offset", "order", "direction", "search", "recurse", "unknown")
_LIST_VALUES = st.one_of(st.sampled_from(["", "0", "1", "-1", "abc", "asc", "desc", "id", "name", "true", "%", "_",
                                          "99999999999999999999", "2147483648", "1.5", "é", "x" * 300]),
                         st.text(max_size=8))


def list_query(columns):
    keys = st.sampled_from(_LIST_KEYS + tuple(columns))
    return st.dictionaries(keys, _LIST_VALUES, max_size=4).map(urllib.parse.urlencode)


def _unknown(generation, name):
    """An id no object has, in the form the route takes (CURRENT SIP endpoints: a UUID)."""
    return UNKNOWN_UUID if generation == "current" and name == "endpoint" else UNKNOWN_ID


@st.composite
def request(draw, generation):
    """One request: (method, path template, body or NO_BODY)."""
    kinds = resources(generation)
    kind = draw(st.sampled_from(["post", "put", "put", "get_list", "item_unknown", "association", "association_unknown"]))
    if kind in ("association", "association_unknown"):
        method, path, body_strategy = draw(st.sampled_from(associations(generation)))
        sent = draw(body_strategy)
        if sent is None:
            sent = draw(st.one_of(st.just(NO_BODY), st.just(NO_BODY), NOT_OBJECTS))
        if kind == "association_unknown":
            name = draw(st.sampled_from(re.findall(r"\{(\w+)\}", path)))
            path = path.replace("{%s}" % name, _unknown(generation, name))
        return method, path, sent
    resource = draw(st.sampled_from(kinds))
    if kind == "get_list":
        query = draw(resource.query)
        return "GET", resource.path + ("?" + query if query else ""), NO_BODY
    if kind == "post":
        return "POST", resource.path, draw(resource.body)
    if kind == "item_unknown":
        method = draw(st.sampled_from(["GET", "PUT", "DELETE"]))
        path = resource.item.replace("{%s}" % resource.name, _unknown(generation, resource.name))
        return method, path, draw(resource.body) if method == "PUT" else NO_BODY
    return "PUT", resource.item, draw(resource.body)


def requests_sequence(generation, max_size=3):
    return st.lists(request(generation), min_size=1, max_size=max_size)


# --------------------------------------------------------------------------- driver

def route_of(path):
    """``/trunks/{trunk}/endpoints/sip/{endpoint}?x=1`` -> ``/trunks/{}/endpoints/sip/{}``: a grouping key."""
    return re.sub(r"\{[^}]*\}", "{}", path.split("?", 1)[0])


class World:
    """The objects one example creates first on one server, and the means to fill placeholders."""

    def __init__(self, client, generation, tag):
        self.client = client
        self.generation = generation
        self.values = {}
        self.created = []  # item paths of the world's objects
        self.paths = {}  # world name -> item path
        self._build(tag)

    def _ok(self, method, path, body=NO_BODY, expected=(200, 201, 204)):
        status, answer = self.client.call(method, path, body)
        if status not in expected:
            raise AssertionError("world setup: %s %s answered %s %r" % (method, path, status, answer))
        return answer

    def _build(self, tag):
        current = self.generation == "current"
        for kind in ("incall", "outcall", "internal"):
            name = self._ok("GET", "/contexts?type=%s&order=id&limit=1" % kind)["items"][0]["name"]
            self.values["context_" + {"incall": "in", "outcall": "out", "internal": "internal"}[kind]] = name
        self.values["user"] = self._ok("GET", "/users?order=id&limit=1")["items"][0]["id"]
        trunk = self._ok("POST", "/trunks", {})
        self._keep("trunk", "/trunks/%d", trunk["id"])
        endpoint = self._ok("POST", "/endpoints/sip", {"name": "gen-ep-%s" % tag} if current else {"name": "genep%s" % tag})
        key = endpoint["uuid"] if current else endpoint["id"]
        self._keep("endpoint", "/endpoints/sip/%s", key)
        self.values["endpoint_name"] = endpoint["name"]
        if current:
            tenant = self._ok("GET", "/tenants/%s" % self.client.tenant)
            self.values["template"] = tenant["registration_trunk_sip_template_uuid"]
            self.values["transport"] = self._ok("GET", "/sip/transports?name=transport-udp")["items"][0]["uuid"]
        else:
            register = self._ok("POST", "/registers/sip", {"sip_username": "gen%s" % tag, "remote_host": "example.com"})
            self._keep("register", "/registers/sip/%d", register["id"])
        outcall = self._ok("POST", "/outcalls", {"name": "gen-oc-%s" % tag})
        self._keep("outcall", "/outcalls/%d", outcall["id"])
        self.values["outcall_name"] = outcall["name"]
        incall = self._ok("POST", "/incalls", {"destination": {"type": "none"}})
        self._keep("incall", "/incalls/%d", incall["id"])
        ext_in = self._ok("POST", "/extensions", {"exten": "555%04d" % (int(tag) % 10000), "context": self.values["context_in"]})
        self._keep("ext_in", "/extensions/%d", ext_in["id"])
        ext_out = self._ok("POST", "/extensions", {"exten": "_%d." % (int(tag) % 10000), "context": self.values["context_out"]})
        self._keep("ext_out", "/extensions/%d", ext_out["id"])

    def _keep(self, name, path, key):
        self.values[name] = key
        self.paths[name] = path % key
        self.created.append(path % key)

    def fill(self, template):
        """Placeholders of a path or body replaced by this world's values (whole strings keep their type)."""
        if isinstance(template, str):
            whole = re.fullmatch(r"\{(\w+)\}", template)
            if whole and whole.group(1) in self.values:
                return self.values[whole.group(1)]
            return re.sub(r"\{(\w+)\}", lambda match: str(self.values.get(match.group(1), match.group(0))), template)
        if isinstance(template, list):
            return [self.fill(item) for item in template]
        if isinstance(template, dict):
            return {key: self.fill(item) for key, item in template.items()}
        return template

    def names(self):
        """Value -> placeholder, to make two servers' messages comparable."""
        found = {}
        for name, item in self.values.items():
            found[str(item)] = "{%s}" % name
        return found

    def teardown(self):
        """Delete the world's objects (best effort: some may be gone already)."""
        order = ("incall", "outcall", "ext_in", "ext_out", "trunk", "endpoint", "register")  # owners before what they hold
        for name in order:
            if name in self.values:
                self.client.call("DELETE", self.paths[name])


class Client:
    """confd over HTTP with one keep-alive session."""

    def __init__(self, confd_url, token, tenant, session):
        self.url = confd_url.rstrip("/")
        self.token = token
        self.tenant = tenant
        self.session = session

    def call(self, method, path, body=NO_BODY):
        headers = {"X-Auth-Token": self.token}
        data = None
        if body is not NO_BODY and body != NO_BODY:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        response = self.session.request(method, self.url + path, data=data, headers=headers, timeout=60)
        try:
            answer = response.json()
        except ValueError:
            answer = response.text
        return response.status_code, answer


def created_paths(method, path, status, answer):
    """The item path of what a request created (to delete it afterwards)."""
    if method != "POST" or status != 201 or not isinstance(answer, dict):
        return []
    key = answer.get("uuid") if path.startswith("/endpoints/sip") and "uuid" in answer else answer.get("id")
    return ["%s/%s" % (path.split("?")[0], key)] if key is not None else []


def list_paths(generation):
    return [resource.path for resource in resources(generation)]
