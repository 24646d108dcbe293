"""Helpers shared by the resource modules."""

import importlib
import importlib.util

from ..core import not_found

_PACKAGE = __name__.rsplit(".", 1)[0]


def optional_module(name):
    """A sibling resource module, or None while it does not exist (the SIP half lands separately)."""
    full_name = "%s.%s" % (_PACKAGE, name)
    if importlib.util.find_spec(full_name) is None:
        return None
    return importlib.import_module(full_name)


def get_record(req, table, key, resource, **shown):
    """The record ``key`` of ``table`` visible to the request, or confd's 404 (metadata ``shown`` or id)."""
    record = req.state.tables[table].get(key)
    if record is None:
        raise not_found(resource, **(shown or {"id": key}))
    return record


def tenant_records(req, table):
    """The records of ``table`` in the request's tenant, in creation order."""
    return [record for record in req.state.tables[table].values() if record.get("tenant_uuid") == req.tenant]


def apply_changes(record, changes):
    record.update(changes)
    return record
