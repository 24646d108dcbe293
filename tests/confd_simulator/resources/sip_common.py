"""Pieces shared by the SIP resources of both generations.

Body validation added to the shared ``fields`` module: ``ListOf`` is marshmallow's
``fields.List(inner)`` (per-index error dicts, then list validators), used for option pairs and
template relations; ``pjsip_section`` is confd's ``PJSIPSection`` name validator.  Also the trunk <-> endpoint
association rules.
"""

import random
import re
import string

from ..core import input_error, meta, resource_associated, resource_error
from ..fields import Field, Invalid, load_dict


class ListOf(Field):
    """``fields.List(inner, validate=...)``: ``inner`` is a Field (its name is unused)."""

    def __init__(self, name, inner, *validators, **kwargs):
        super().__init__(name, "list", *validators, **kwargs)
        self.inner = inner

    def convert(self, value, generation):
        if value is None:
            if self.allow_none:
                return None
            raise Invalid(["Field may not be null."])
        if not isinstance(value, (list, tuple)):
            raise Invalid(["Not a valid list."])
        result, errors = [], {}
        for index, item in enumerate(value):
            try:
                result.append(self.inner.convert(item, generation))
            except Invalid as error:
                errors[index] = error.messages
        if errors:
            raise Invalid(errors)
        messages = [message for message in (check(result, generation) for check in self.validators) if message]
        if messages:
            raise Invalid(messages)
        return result


class NestedOne(Field):
    """``Nested(schema)`` inside a list: one object, its own error dict."""

    def __init__(self, schema):
        super().__init__("", "nested")
        self.nested_schema = schema

    def convert(self, value, generation):
        if value is None:
            raise Invalid(["Field may not be null."])
        return load_dict(self.nested_schema, value, generation)


_SECTION_NAME = re.compile(r"^[-_.a-zA-Z0-9]+$")


def pjsip_section(value, _generation):
    """confd's ``PJSIPSection`` validator (reserved names ``global`` and ``system``)."""
    if not value:
        return "Shorter than minimum length 1"
    if len(value) > 79:
        return "Longer than maximum length 79"
    if value in ("global", "system"):
        return "Reserved Asterisk section name"
    if _SECTION_NAME.match(value) is None:
        return "Not a valid Asterisk section name"
    return None


def invalid_option(field, key, choices):
    """xivo-dao's ``invalid_choice`` raised by confd's PJSIPDocValidator."""
    return input_error("'%s: invalid variable (%s)' must be one of (%s)" % (field, key, ", ".join(choices)))


def random_name(rng=random):
    """xivo-dao's ``generate_hash``: 8 random lower-case letters and digits."""
    return "".join(rng.choices(string.ascii_lowercase + string.digits, k=8))


def random_hash(taken):
    """xivo-dao's ``find_unused_hash``: a random name not yet ``taken``."""
    while True:
        value = random_name()
        if not taken(value):
            return value


class OrderedDictRepr(dict):
    """A dict shown like Python < 3.12 shows an OrderedDict (marshmallow's ordered load output)."""

    def __repr__(self):
        return "OrderedDict([%s])" % ", ".join("(%r, %r)" % item for item in self.items())


def check_trunk_endpoint(state, trunk, endpoint, endpoint_id):
    """confd's trunk_endpoint validator, run once the pair is known not to be associated already.

    ``endpoint`` is a SIP endpoint record (``key``: its id or uuid, ``trunk_id``: its trunk or None);
    ``endpoint_id`` renders a key in the messages (an int, or ``UUID('...')`` on CURRENT).
    Table ``sip_trunk_endpoint`` maps a trunk id to the key of its SIP endpoint.
    """
    if trunk["tenant_uuid"] != endpoint["tenant_uuid"]:
        raise resource_error("different tenants " + meta(trunk_tenant_uuid=trunk["tenant_uuid"],
                                                         endpoint_tenant_uuid=endpoint["tenant_uuid"]))
    linked = state.tables["sip_trunk_endpoint"].get(trunk["id"])
    if linked is not None:
        raise resource_associated("Trunk", "Endpoint", trunk_id=trunk["id"], endpoint="sip", endpoint_id=endpoint_id(linked))
    if endpoint["trunk_id"] is not None:
        raise resource_associated("Trunk", "Endpoint", trunk_id=endpoint["trunk_id"], endpoint="sip",
                                  endpoint_id=endpoint_id(endpoint["key"]))
