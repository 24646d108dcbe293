"""A small marshmallow look-alike: confd's body validation, with the server's exact messages.

A schema is a list of ``Field``; ``load()`` returns the cleaned values or raises the ``ApiError``
confd builds from marshmallow's messages (one ``Input Error - <field>: <repr(messages)>`` per field,
in declaration order).  Unknown keys are dropped, as with ``unknown = EXCLUDE``.
"""

import re
import uuid

from .core import BOOLEAN_STRINGS, BOTH, ApiError, by_generation, for_generation, range_message

MISSING = object()
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# marshmallow's OneOf message: 3.0.0b14 (LEGACY) did not list the choices
_ONE_OF_MESSAGES = by_generation(current="Must be one of: {choices}.", legacy="Not a valid choice.")
# marshmallow's Boolean also takes the booleans themselves (and 1 / 0, equal to them in a set)
_BOOLEANS = {generation: (truthy | {True}, falsy | {False}) for generation, (truthy, falsy) in BOOLEAN_STRINGS.items()}


class Invalid(Exception):
    """A field-level failure carrying marshmallow's message structure."""

    def __init__(self, messages):
        super().__init__(messages)
        self.messages = messages


# ------------------------------------------------------------------ validators
# A validator is ``f(value, generation) -> message or None``; every failing validator of a field
# contributes its message, like marshmallow does. Parameters may be PerGeneration (by_generation(...)):
# the validator picks the request's generation, as it does for the messages.

def length(min_len=None, max_len=None, equal=None):
    def check(value, generation):
        size, low, high = len(value), min_len, for_generation(max_len, generation)
        if equal is not None:
            return None if size == equal else "Length must be %d." % equal
        if low is not None and high is not None:
            return None if low <= size <= high else "Length must be between %d and %d." % (low, high)
        if low is not None and size < low:
            return "Shorter than minimum length %d." % low
        if high is not None and size > high:
            return "Longer than maximum length %d." % high
        return None
    return check


def regexp(pattern):
    compiled = {generation: re.compile(for_generation(pattern, generation)) for generation in BOTH}
    return lambda value, generation: (None if compiled[generation].match(value)
                                      else "String does not match expected pattern.")


def one_of(*choices):
    def check(value, generation):
        return None if value in choices else _ONE_OF_MESSAGES[generation].format(choices=", ".join(choices))
    return check


def none_of(*choices):
    return lambda value, _generation: "Invalid input." if value in choices else None


def digits():
    return lambda value, _generation: None if value.isdigit() else "Invalid input."


def value_range(min_value=None, max_value=None):
    def check(value, generation):
        if (min_value is None or value >= min_value) and (max_value is None or value <= max_value):
            return None
        return range_message(generation, min_value, max_value)
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


def _as_bool(value, generation):
    truthy, falsy = _BOOLEANS[generation]
    try:
        if value in truthy:
            return True
        if value in falsy:
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
                 schema=None, many=False, schema_check=None, generations=BOTH, dump_only=False):
        self.name = name
        self.generations = generations  # the API generations whose schema has this field
        self.dump_only = dump_only  # shown, never loaded (marshmallow's dump_only)
        self.kind = kind
        self.validators = validators
        self.required = required
        self.allow_none = allow_none
        self.default = default
        self.schema = schema
        self.many = many
        self.schema_check = schema_check

    def initial(self, generation):
        """The default of a field the body leaves out (``default`` may be PerGeneration, or a factory)."""
        default = for_generation(self.default, generation)
        return default() if callable(default) else default

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
        if generation not in field.generations or field.dump_only:
            continue
        if field.name not in data:
            if partial:
                continue
            if field.required:
                errors[field.name] = ["Missing data for required field."]
            elif field.default is not MISSING:
                result[field.name] = field.initial(generation)
            continue
        try:
            result[field.name] = field.convert(data[field.name], generation)
        except Invalid as error:
            errors[field.name] = error.messages
    if not errors and schema_check:  # a message for "_schema", or errors by field
        found = schema_check(result)
        if found:
            errors.update(found if isinstance(found, dict) else {"_schema": [found]})
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
