"""Helpers shared by the resource modules."""

import importlib
import importlib.util

from ..core import check_db_integers, not_found, paginate, route
from ..fields import load

_PACKAGE = __name__.rsplit(".", 1)[0]


def optional_module(name):
    """A sibling resource module, or None while it does not exist (the SIP half lands separately)."""
    full_name = "%s.%s" % (_PACKAGE, name)
    if importlib.util.find_spec(full_name) is None:
        return None
    return importlib.import_module(full_name)


def getter(key):
    """A list column reading ``key`` of a record (None when absent)."""
    return lambda record: record.get(key)


def get_record(req, table, key, resource, **shown):
    """The record ``key`` of ``table`` visible to the request, or confd's 404 (metadata ``shown`` or id)."""
    record = req.state.tables[table].get(key)
    if record is None:
        raise not_found(resource, **(shown or {"id": key}))
    return record


def tenant_records(req, table):
    """The records of ``table`` in the request's tenant, in creation order."""
    return [record for record in req.state.tables[table].values() if record.get("tenant_uuid") == req.tenant]


class Collection:
    """Declarative CRUD resource: list/create at ``path``, get/update/delete by int id and/or uuid.

    schema(generation) -> [Field]; schema_check(generation) -> a schema-level check or None;
    render(req, record) -> dict; prepare(req, record, data, creating) applies
    generated fields, uniqueness and reference checks before ``data`` is stored (it may raise).
    """

    def __init__(self, table, path, resource, *, schema, render, columns, default_order, by_id=True, by_uuid=False,
                 generations=("current", "legacy"), prepare=None, int_columns=("id",), list_options=None,
                 on_delete=None, uuid_meta="uuid", uuid_shown=str, schema_check=None, body_first=False):
        self.table, self.path, self.resource = table, path, resource
        # uuid_shown: how a not-found message prints a uuid (str: quoted, uuid.UUID: UUID('...'));
        # body_first: confd reads the PUT body before the lookup (resources with a "middleware")
        self.uuid_shown, self.body_first = uuid_shown, body_first
        self.schema, self.render, self.columns, self.default_order = schema, render, columns, default_order
        self.prepare, self.on_delete, self.list_options = prepare, on_delete, list_options
        self.int_columns, self.uuid_meta = int_columns, uuid_meta
        self.schema_check = schema_check or (lambda generation: None)  # generation -> @validates_schema or None
        item_routes = (["/<int:item_id>"] if by_id else []) + (["/<uuid:item_uuid>"] if by_uuid else [])
        route("GET", path, generations)(self.list)
        route("POST", path, generations)(self.create)
        for suffix in item_routes:
            route("GET", path + suffix, generations)(self.get)
            route("PUT", path + suffix, generations)(self.update)
            route("DELETE", path + suffix, generations)(self.delete)

    def find(self, req):
        if "item_id" in req.params:
            return get_record(req, self.table, req.params["item_id"], self.resource)
        wanted = req.params["item_uuid"]
        for record in req.state.tables[self.table].values():
            if record.get("uuid") == wanted:
                return record
        raise not_found(self.resource, **{self.uuid_meta: self.uuid_shown(wanted)})

    def list(self, req):
        columns = self.columns(req)
        options = dict(self.list_options(req)) if self.list_options else {}
        options.setdefault("search_columns", tuple(columns))
        return 200, paginate(req, tenant_records(req, self.table), columns, self.default_order, int_columns=self.int_columns,
                             render=lambda record: self.render(req, record), **options)

    def create(self, req):
        data = load(self.schema(req.generation), req.json_object(), req.generation,
                    schema_check=self.schema_check(req.generation))
        record = {"tenant_uuid": req.tenant}
        if self.prepare:
            self.prepare(req, record, data, True)
        key = record.setdefault("id", req.state.next_id(self.table))  # the INSERT takes the id, then may fail
        check_db_integers(data)
        record.update(data)
        req.state.tables[self.table][key] = record
        return 201, self.render(req, record)

    def get(self, req):
        return 200, self.render(req, self.find(req))

    def update(self, req):
        if self.body_first:
            req.read_body()
        record = self.find(req)
        data = load(self.schema(req.generation), req.json_object(), req.generation, partial=True,
                    schema_check=self.schema_check(req.generation))
        if self.prepare:
            self.prepare(req, record, data, False)
        check_db_integers(data)
        record.update(data)
        return 204, None

    def delete(self, req):
        record = self.find(req)
        if self.on_delete:
            self.on_delete(req, record)
        del req.state.tables[self.table][record["id"]]
        return 204, None
