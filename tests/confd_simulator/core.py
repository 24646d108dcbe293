"""Shared framework of the confd simulator: errors, routing, requests, state and list helpers.

This module is the internal interface between the resource modules (see the simulator plan):
handlers are registered with ``route()``, receive a ``Request`` and return ``(status, body)``
(optionally ``(status, body, headers)``), or raise ``ApiError`` / ``HtmlNotFound``.
Converter values in ``Request.params``: ``<int:x>`` gives an int, ``<uuid:x>`` the canonical
lower-case UUID string, ``<x>`` the raw segment.
"""

import collections
import json
import re
import threading
import unicodedata
import uuid

NO_BODY = object()  # the request had no body at all

BOTH, CURRENT, LEGACY = ("current", "legacy"), ("current",), ("legacy",)  # the API generations

SEED_TENANT_UUID = "a0000000-0000-4000-8000-000000000002"
SEED_TENANT_SLUG = "acme"


class PerGeneration(dict):
    """A value that differs between the API generations: ``{"current": x, "legacy": y}``."""


def by_generation(current, legacy):
    return PerGeneration(current=current, legacy=legacy)


def for_generation(value, generation):
    """``value`` itself, or its ``generation`` entry when it is a PerGeneration."""
    return value[generation] if isinstance(value, PerGeneration) else value


# marshmallow's wording: CURRENT runs a recent marshmallow, LEGACY ran 3.0.0b14 (body fields and list parameters)
RANGE_MESSAGES = by_generation(
    current={"min": "Must be greater than or equal to {min}.", "max": "Must be less than or equal to {max}.",
             "both": "Must be greater than or equal to {min} and less than or equal to {max}."},
    legacy={"min": "Must be at least {min}.", "max": "Must be at most {max}.",
            "both": "Must be between {min} and {max}."})
_TRUE_STRINGS = {"t", "T", "true", "True", "TRUE", "on", "On", "ON", "1"}
_FALSE_STRINGS = {"f", "F", "false", "False", "FALSE", "off", "Off", "OFF", "0"}
# marshmallow's Boolean strings (True, False): 3.0.0b14 (LEGACY) did not know y/yes/n/no or their capitals
BOOLEAN_STRINGS = by_generation(
    current=(_TRUE_STRINGS | {"y", "Y", "yes", "Yes", "YES"}, _FALSE_STRINGS | {"n", "N", "no", "No", "NO"}),
    legacy=(_TRUE_STRINGS, _FALSE_STRINGS))


def range_message(generation, min_value=None, max_value=None):
    """marshmallow's Range message for the bounds given."""
    kind = "both" if min_value is not None and max_value is not None else "min" if min_value is not None else "max"
    return RANGE_MESSAGES[generation][kind].format(min=min_value, max=max_value)


class ApiError(Exception):
    """An error answered as a JSON list of strings (or as ``body``, when given)."""

    def __init__(self, status, messages, body=None):
        super().__init__(status, messages)
        self.status = status
        self.messages = list(messages)
        self.body = body


class HtmlNotFound(Exception):
    """No route matches: Flask answers its HTML 404 page."""


def meta(**kw):
    """Error metadata exactly like xivo-dao: ``(str(dict).strip('{}'))``; values shown with repr()."""
    return "(" + str(kw).strip("{}") + ")"


def _with_meta(text, kw):
    return text + " " + meta(**kw) if kw else text


def not_found(resource, **kw):
    return ApiError(404, [_with_meta("Resource Not Found - %s was not found" % resource, kw)])


def input_error(text):
    return ApiError(400, ["Input Error - " + text])


def resource_error(text):
    return ApiError(400, ["Resource Error - " + text])


def param_not_found(field, resource, **kw):
    return input_error(_with_meta("field '%s': %s was not found" % (field, resource), kw))


def resource_exists(resource, **kw):
    return resource_error(_with_meta("%s already exists" % resource, kw))


def resource_associated(resource, other, **kw):
    return resource_error(_with_meta("%s is associated with a %s" % (resource, other), kw))


def not_permitted(why):
    return resource_error("Operation not permitted. " + why)


def bad_request():
    """What Flask answers when a body is required and absent or not JSON."""
    return ApiError(400, ["The browser (or proxy) sent a request that this server could not understand."])


def unexpected(text):
    return ApiError(500, ["Unexpected error: " + text])


INT32 = (-2 ** 31, 2 ** 31 - 1)  # PostgreSQL INTEGER
INT64 = (-2 ** 63, 2 ** 63 - 1)  # PostgreSQL BIGINT


def _integers(value):
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _integers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _integers(item)


def commit_failure():
    """A database error raised when the request's transaction commits, after confd's handler has returned
    (outside its error wrapper): Flask's own 500 body."""
    return ApiError(500, [], body={"message": "Internal Server Error"})


def check_db_integers(data, prefix="", at_commit=False):
    """What PostgreSQL answers when a validated body writes an integer beyond INTEGER into its column:
    marshmallow's Integer has no bound, so confd sends it and the INSERT/UPDATE fails (500, nothing
    written). Call it right before storing, once every 400 check has passed. ``prefix``: how confd's
    message starts (e.g. SQLAlchemy's autoflush note); ``at_commit``: the UPDATE is only flushed when the
    transaction commits (commit_failure)."""
    for number in _integers(data):
        if not INT32[0] <= number <= INT32[1]:
            if at_commit:
                raise commit_failure()
            raise unexpected(prefix + "(psycopg2.errors.NumericValueOutOfRange) integer out of range")


# Flask's 404 page: Werkzeug >= 2.1 (CURRENT) and the older one (LEGACY).
HTML_404 = {
    "current": ('<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n'
                "<p>The requested URL was not found on the server. If you entered the URL manually please check "
                "your spelling and try again.</p>\n"),
    "legacy": ('<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>404 Not Found</title>\n'
               "<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL "
               "manually please check your spelling and try again.</p>\n"),
}


class Reply:
    """A response before serialization: JSON for dict/list bodies, text for str, empty for None."""

    def __init__(self, status, body=None, headers=None):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})

    def encode(self, head_only=False):
        headers = dict(self.headers)
        if self.body is None:
            payload = b""
        elif isinstance(self.body, str):
            payload = self.body.encode("utf-8")
            headers.setdefault("Content-Type", "text/html; charset=utf-8")
        else:
            payload = json.dumps(self.body).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        headers["Content-Length"] = str(len(payload))
        return headers, b"" if head_only else payload


# --------------------------------------------------------------------------- routing

UUID_PATTERN = r"[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}"
_CONVERTERS = {
    "int": (r"[0-9]+", int),
    "uuid": (UUID_PATTERN, lambda value: str(uuid.UUID(value))),
    "": (r"[^/]+", str),
}
_PLACEHOLDER = re.compile(r"<(?:(int|uuid):)?([A-Za-z_][A-Za-z0-9_]*)>")


class Route:
    def __init__(self, method, pattern, generations, handler):
        self.method = method
        self.pattern = pattern
        self.generations = generations
        self.handler = handler
        self.converters = {}
        regex, pos = "", 0
        for match in _PLACEHOLDER.finditer(pattern):
            kind, name = match.group(1) or "", match.group(2)
            regex += re.escape(pattern[pos:match.start()]) + "(?P<%s>%s)" % (name, _CONVERTERS[kind][0])
            self.converters[name] = _CONVERTERS[kind][1]
            pos = match.end()
        self.regex = re.compile("^" + regex + re.escape(pattern[pos:]) + "$")
        # Werkzeug prefers static segments over converters when several rules match.
        self.weight = len(self.converters)

    def match(self, path):
        found = self.regex.match(path)
        if not found:
            return None
        return {name: self.converters[name](value) for name, value in found.groupdict().items()}


ROUTES = []


def route(method, pattern, generations=BOTH):
    """Register a handler for METHOD /1.1<pattern> on the given generations."""

    def decorator(handler):
        ROUTES.append(Route(method.upper(), pattern, tuple(generations), handler))
        return handler

    return decorator


def find_route(generation, method, path):
    """Return (route, params, allowed_methods); route is None when only other methods match."""
    allowed, best_route, best_params = set(), None, {}
    for candidate in ROUTES:
        if generation not in candidate.generations:
            continue
        params = candidate.match(path)
        if params is None:
            continue
        allowed.add(candidate.method)
        if candidate.method == method and (best_route is None or candidate.weight < best_route.weight):
            best_route, best_params = candidate, params
    if best_route is None and not allowed:
        raise HtmlNotFound(path)
    return best_route, best_params, allowed


# --------------------------------------------------------------------------- request

# How confd reads a JSON body: CURRENT's ``request.get_json(force=True)`` parses it whatever its content type
# and refuses a missing one (400); LEGACY's ``get_json()`` ignores a body sent without a JSON content type.
JSON_FORCED = by_generation(current=True, legacy=False)


class Headers(dict):
    """Header map with case-insensitive lookups."""

    def __init__(self, items=()):
        super().__init__((key.lower(), value) for key, value in items)

    def get(self, key, default=None):
        return super().get(key.lower(), default)


class Request:
    def __init__(self, state, method, path, query_list, body, headers, base_url, tenant=None):
        self.state = state
        self.generation = state.generation
        self.method = method
        self.path = path
        self.params = {}
        self.query_list = list(query_list)
        self.query = dict(self.query_list)
        self.body = body
        self.headers = headers if isinstance(headers, Headers) else Headers(headers)
        self.base_url = base_url
        self.tenant = tenant or state.tenant_uuid
        self._memo = {}

    def link(self, rel, path):
        return {"rel": rel, "href": self.base_url + "/1.1" + path}

    def memo(self, key, build):
        """Per-request cache (reverse indexes built once per request keep lists linear)."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    def read_body(self):
        """Flask's ``request.get_json(force=True)`` (CURRENT, see JSON_FORCED): no body at all is a 400.

        Resources whose item PUT goes through a confd "middleware" (incalls, extensions, contexts,
        SIP endpoints, users, voicemails) read the body before they look the item up, so a PUT without a
        body on an unknown id answers this 400 rather than the 404; call it first there.
        """
        if self.body is NO_BODY and JSON_FORCED[self.generation]:
            raise bad_request()

    def json_object(self):
        """The body of a POST/PUT that reads one, as confd's schemas see it after ``BaseSchema.ensure_dict``
        (``data or {}``): no body (LEGACY), null, [], "", 0 and false are ``{}``; any other non-object is
        marshmallow's ``Invalid input type.``"""
        self.read_body()
        body = {} if self.body is NO_BODY else self.body
        if not body:
            return {}
        if not isinstance(body, dict):
            raise input_error("_schema: ['Invalid input type.']")
        return body


# --------------------------------------------------------------------------- state

class State:
    """The whole simulated server; one per process, guarded by ``lock`` (held by server.py)."""

    def __init__(self, generation, seeder=None):
        self.generation = generation
        self.seeder = seeder  # function(state) filling a fresh state (seed.seed); None: stay empty
        self.tenant_uuid = SEED_TENANT_UUID
        self.tenant_slug = SEED_TENANT_SLUG
        self.lock = threading.RLock()
        self.tables = collections.defaultdict(dict)
        # Set ``sequences[name] = n`` to make the next id of that sequence n + 1.
        self.sequences = {}
        self.tokens = {}
        self.infos = {}
        self.reset()

    def next_id(self, seq):
        self.sequences[seq] = self.sequences.get(seq, 0) + 1
        return self.sequences[seq]

    def reset(self):
        self.tables = collections.defaultdict(dict)
        self.sequences = {}
        if self.seeder:
            self.seeder(self)


# --------------------------------------------------------------------------- lists

_LIST_KEYS = {"search", "order", "direction", "limit", "offset", "recurse"}
_TRUE = {"true", "t", "1", "yes", "y", "on"}
_FALSE = {"false", "f", "0", "no", "n", "off"}


def _fold(text):
    """What PostgreSQL's unaccent() + ILIKE compare: accents removed, case folded."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(char for char in text if not unicodedata.combining(char)).lower()


def _like_regex(term):
    """ILIKE '%term%' where the term's own % and _ stay wildcards (the dao does not escape them)."""
    parts = []
    for char in _fold(term):
        parts.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
    return re.compile("".join(parts), re.S)


def _as_search_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return _fold(str(value))


def _exact(value, wanted):
    if value is None:
        return False
    if isinstance(value, bool):
        return wanted.lower() in (_TRUE if value else _FALSE)
    return str(value) == wanted


def _int_param(req, name, default):
    raw = req.query.get(name)
    if raw is None:
        return default, None
    if not re.fullmatch(r"\s*[-+]?[0-9]+\s*", raw):
        return None, {"message": "Not a valid integer.", "constraint_id": "type", "constraint": "integer"}
    value = int(raw)
    if value < 0:  # xivo's mallow Range wraps marshmallow's message
        return None, [{"constraint_id": "range", "constraint": {"min": 0}, "message": range_message(req.generation, 0)}]
    return value, None


def _bool_param(req, name):
    """xivo's mallow Boolean (marshmallow's truthy/falsy strings), with its dict-shaped message."""
    raw = req.query.get(name)
    truthy, falsy = BOOLEAN_STRINGS[req.generation]
    if raw is None or raw in truthy or raw in falsy:
        return None
    return {"message": "Not a valid boolean.", "constraint_id": "type", "constraint": "boolean"}


def list_parameters(req, columns, default_order):
    """Validate limit/offset/recurse, then direction/order, like confd's ListSchema (fields limit, offset,
    search, recurse, in that order) then xivo-dao's SearchSystem."""
    limit, limit_error = _int_param(req, "limit", None)
    offset, offset_error = _int_param(req, "offset", 0)
    errors = [("limit", limit_error), ("offset", offset_error), ("recurse", _bool_param(req, "recurse"))]
    messages = ["Input Error - %s: %r" % (name, error) for name, error in errors if error is not None]
    if messages:
        raise ApiError(400, messages)
    if limit is not None and limit <= 0:
        raise input_error("field 'limit': wrong type. Should be a positive number")
    direction = req.query.get("direction", "asc")
    if direction not in ("asc", "desc"):
        raise input_error("direction: must be 'asc' or 'desc'")
    order = req.query.get("order") or default_order  # xivo-dao: an empty order means the default one
    if order not in columns:
        raise input_error("order: column '%s' was not found" % order)
    for number in (limit, offset):  # LIMIT/OFFSET are BIGINT for PostgreSQL: the query fails
        if number is not None and number > INT64[1]:
            raise unexpected("(psycopg2.errors.NumericValueOutOfRange) bigint out of range")
    return limit, offset, direction, order


def _integer_filter(wanted):
    """xivo-dao's exact filter on an Integer column: a value int() rejects matches nothing; any other is
    sent as text that PostgreSQL casts to INTEGER, which fails (500) out of range or with an underscore."""
    try:
        number = int(wanted)
    except ValueError:
        return None
    if "_" in wanted:
        raise unexpected('(psycopg2.errors.InvalidTextRepresentation) invalid input syntax for type integer: "%s"'
                         % wanted)
    if not INT32[0] <= number <= INT32[1]:
        raise unexpected('(psycopg2.errors.NumericValueOutOfRange) value "%s" is out of range for type integer'
                         % wanted.strip())
    return number


def paginate(req, items, columns, default_order, search_columns=(), int_columns=(), ci_order=(),
             custom_filters=None, render=None):
    """Filter, search, sort and slice like xivo-dao; returns {"total", "items"}.

    columns: name -> function(item) -> value (the exact filters and sortable columns);
    int_columns: a non-integer filter value gives an empty list; ci_order: sorted case-insensitively;
    custom_filters: name -> function(item, raw_value) -> bool for filters that are not plain equality;
    render: function(item) -> dict applied to the returned page only.
    """
    limit, offset, direction, order = list_parameters(req, columns, default_order)
    custom_filters = custom_filters or {}
    selected = list(items)
    for name, wanted in req.query.items():
        if name in _LIST_KEYS:
            continue
        if name in custom_filters:
            check = custom_filters[name]
            selected = [item for item in selected if check(item, wanted)]
        elif name in columns:
            getter = columns[name]
            if name in int_columns:
                number = _integer_filter(wanted)
                if number is None:  # xivo-dao: a non-integer value for an Integer column matches nothing
                    selected = []
                    continue
                selected = [item for item in selected if getter(item) == number]
            else:
                selected = [item for item in selected if _exact(getter(item), wanted)]
    term = req.query.get("search")
    if term:
        pattern = _like_regex(term)
        getters = [columns[name] for name in search_columns]
        selected = [item for item in selected
                    if any(value is not None and pattern.search(_as_search_text(value))
                           for value in (getter(item) for getter in getters))]
    getter = columns[order]

    def sort_key(item):
        value = getter(item)
        if value is None:
            return (1, "")
        if order in ci_order and isinstance(value, str):
            value = value.lower()
        return (0, value)

    selected.sort(key=sort_key, reverse=direction == "desc")
    total = len(selected)
    page = selected[offset:offset + limit] if limit is not None else selected[offset:]
    if render:
        page = [render(item) for item in page]
    return {"total": total, "items": page}
