"""A small marshmallow look-alike: confd's body validation, with the server's exact messages.

A schema is a list of ``Field``; ``load()`` returns the cleaned values or raises the ``ApiError``
confd builds from marshmallow's messages (one ``Input Error - <field>: <repr(messages)>`` per field,
in declaration order).  Unknown keys are dropped, as with ``unknown = EXCLUDE``.
"""

import re
import uuid

from .core import ApiError

MISSING = object()
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# marshmallow's Boolean: CURRENT's sets; LEGACY ran marshmallow 3.0.0b14, without y/yes/n/no (or their capitals)
_TRUTHY = {True, "t", "T", "true", "True", "TRUE", "on", "On", "ON", "y", "Y", "yes", "Yes", "YES", "1"}
_FALSY = {False, "f", "F", "false", "False", "FALSE", "off", "Off", "OFF", "n", "N", "no", "No", "NO", "0"}
_YES_NO = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO"}


class Invalid(Exception):
    """A field-level failure carrying marshmallow's message structure."""

    def __init__(self, messages):
        super().__init__(messages)
        self.messages = messages


# ------------------------------------------------------------------ validators
# A validator is ``f(value, generation) -> message or None``; every failing validator of a field
# contributes its message, like marshmallow does.

def length(min_len=None, max_len=None, equal=None):
    def check(value, _generation):
        size = len(value)
        if equal is not None:
            return None if size == equal else "Length must be %d." % equal
        if min_len is not None and max_len is not None:
            return None if min_len <= size <= max_len else "Length must be between %d and %d." % (min_len, max_len)
        if min_len is not None and size < min_len:
            return "Shorter than minimum length %d." % min_len
        if max_len is not None and size > max_len:
            return "Longer than maximum length %d." % max_len
        return None
    return check


def regexp(pattern):
    compiled = re.compile(pattern)
    return lambda value, _generation: None if compiled.match(value) else "String does not match expected pattern."


def one_of(*choices):
    def check(value, generation):
        if value in choices:
            return None
        # LEGACY ran marshmallow 3.0.0b14, whose OneOf message did not list the choices.
        return "Must be one of: %s." % ", ".join(choices) if generation == "current" else "Not a valid choice."
    return check


def none_of(*choices):
    return lambda value, _generation: "Invalid input." if value in choices else None


def digits():
    return lambda value, _generation: None if value.isdigit() else "Invalid input."


def value_range(min_value=None, max_value=None):
    def check(value, generation):
        if (min_value is None or value >= min_value) and (max_value is None or value <= max_value):
            return None
        if generation == "current":
            parts = []
            if min_value is not None:
                parts.append("greater than or equal to %s" % min_value)
            if max_value is not None:
                parts.append("less than or equal to %s" % max_value)
            return "Must be %s." % " and ".join(parts)
        if min_value is not None and max_value is not None:
            return "Must be between %s and %s." % (min_value, max_value)
        return "Must be at least %s." % min_value if min_value is not None else "Must be at most %s." % max_value
    return check


# ------------------------------------------------------------------ type conversion

def _as_str(value):
    if not isinstance(value, str):
        raise Invalid(["Not a valid string."])
    return value


def _as_int(value):
    if isinstance(value, bool):
        raise Invalid(["Not a valid integer."])
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError) as error:
        raise Invalid(["Not a valid integer."]) from error


def _as_float(value):
    if isinstance(value, bool):
        raise Invalid(["Not a valid number."])
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError) as error:
        raise Invalid(["Not a valid number."]) from error


def _as_bool(value, generation="current"):
    try:
        if generation == "legacy" and value in _YES_NO:
            raise Invalid(["Not a valid boolean."])
        if value in _TRUTHY:
            return True
        if value in _FALSY:
            return False
    except TypeError:  # unhashable (list, dict)
        pass
    raise Invalid(["Not a valid boolean."])


def _as_strict_bool(value):
    if isinstance(value, bool):
        return value
    raise Invalid(["Not a valid boolean."])


def _as_uuid(value):
    try:
        return str(uuid.UUID(str(value)))
    except (TypeError, ValueError, AttributeError) as error:
        raise Invalid(["Not a valid UUID."]) from error


def _as_email(value):
    value = _as_str(value)
    if not _EMAIL.match(value):
        raise Invalid(["Not a valid email address."])
    return value


def _as_dict(value):
    if not isinstance(value, dict):
        raise Invalid(["Not a valid mapping type."])
    return value


def _as_list(value):
    if not isinstance(value, list):
        raise Invalid(["Not a valid list."])
    return value


def _as_raw(value):
    return value


_KINDS = {
    "str": _as_str, "int": _as_int, "float": _as_float, "bool": _as_bool, "strict_bool": _as_strict_bool,
    "uuid": _as_uuid, "email": _as_email, "dict": _as_dict, "list": _as_list, "raw": _as_raw,
}


class Field:
    """One schema field.  ``kind`` is a key of _KINDS, "nested" (with ``schema``, ``many``) or a
    function ``(value, generation) -> value`` raising Invalid (polymorphic fields such as destinations)."""

    def __init__(self, name, kind, *validators, required=False, allow_none=False, default=MISSING,
                 schema=None, many=False, schema_check=None):
        self.name = name
        self.kind = kind
        self.validators = validators
        self.required = required
        self.allow_none = allow_none
        self.default = default
        self.schema = schema
        self.many = many
        self.schema_check = schema_check

    def convert(self, value, generation):
        if value is None:
            if self.allow_none:
                return None
            raise Invalid(["Field may not be null."])
        if self.kind == "nested":
            return self._nested(value, generation)
        if callable(self.kind):
            value = self.kind(value, generation)
        elif self.kind == "bool":
            value = _as_bool(value, generation)
        else:
            value = _KINDS[self.kind](value)
        messages = [message for message in (check(value, generation) for check in self.validators) if message]
        if messages:
            raise Invalid(messages)
        return value

    def _nested(self, value, generation):
        if not self.many:
            return load_dict(self.schema, value, generation, schema_check=self.schema_check)
        if not isinstance(value, list):  # marshmallow's Nested(many=True) wants a collection
            raise Invalid(["Invalid type."])
        loaded, errors = [], {}
        for index, item in enumerate(value):
            try:
                loaded.append(load_dict(self.schema, item, generation, schema_check=self.schema_check))
            except Invalid as error:
                errors[index] = error.messages
        if errors:
            raise Invalid(errors)
        return loaded


def load_dict(schema, data, generation, partial=False, schema_check=None, ensure_dict=True):
    """Load ``data`` against ``schema``; raise Invalid(errors dict) on failure.

    confd's schemas derive from BaseSchema, whose ``ensure_dict`` pre-load makes ``data or {}`` of what
    they load, nested objects included: null, [], "", 0 and false load as {} (``ensure_dict=False`` for
    the few schemas that are not BaseSchemas, such as the destination's type dispatch).
    """
    if ensure_dict:
        data = data or {}
    if not isinstance(data, dict):
        raise Invalid({"_schema": ["Invalid input type."]})
    result, errors = {}, {}
    for field in schema:
        if field.name not in data:
            if partial:
                continue
            if field.required:
                errors[field.name] = ["Missing data for required field."]
            elif field.default is not MISSING:
                result[field.name] = field.default() if callable(field.default) else field.default
            continue
        try:
            result[field.name] = field.convert(data[field.name], generation)
        except Invalid as error:
            errors[field.name] = error.messages
    if not errors and schema_check:
        message = schema_check(result)
        if message:
            errors["_schema"] = [message]
    if errors:
        raise Invalid(errors)
    return result


def validation_error(errors):
    return ApiError(400, ["Input Error - %s: %r" % (name, messages) for name, messages in errors.items()])


def load(schema, data, generation, partial=False, schema_check=None):
    """Load a request body; raise the ApiError confd answers for marshmallow errors."""
    try:
        return load_dict(schema, data, generation, partial=partial, schema_check=schema_check)
    except Invalid as error:
        raise validation_error(error.messages) from None
