"""The generic resource engine: a resource is a declaration that ``Collection`` serves.

A declaration states, per API generation where they differ:

* ``fields``: the body schema (``fields.Field``; ``generations=`` for a field one generation lacks,
  ``by_generation(...)`` for a default or a validator parameter that differs);
* ``columns``: the list columns (``Column``: exact filter, sort key, search text, custom match);
* ``shown``: the rendered body, key by key in the server's order (``Shown``);
* ``unique``: the key sets no two records may share (confd's ``... already exists``);
* ``on_delete``: what deleting a record refuses, releases or cascades to (``refuse_if_used``,
  ``release_extensions``...).

What no declaration says (generated names, reference checks, database failures) stays in the
``prepare(req, record, data, creating)`` hook of the resource.
"""

from ..core import (BOTH, by_generation, check_db_integers, for_generation, not_found, paginate,
                    resource_associated, resource_exists, route)
from ..fields import load

# confd's preprocess_subroutine columns: VARCHAR(79) on CURRENT, VARCHAR(39) on LEGACY
SUBROUTINE_LENGTH = by_generation(current=79, legacy=39)


def get_record(req, table, key, resource, **shown):
    """The record ``key`` of ``table`` visible to the request, or confd's 404 (metadata ``shown`` or id)."""
    record = req.state.tables[table].get(key)
    if record is None:
        raise not_found(resource, **(shown or {"id": key}))
    return record


def tenant_records(req, table):
    """The records of ``table`` in the request's tenant, in creation order."""
    return [record for record in req.state.tables[table].values() if record.get("tenant_uuid") == req.tenant]


def _from_record(name):
    return lambda _req, record: record.get(name)


_RECORD_KEY = object()  # Shown's default: the record's key of the same name


class Column:
    """A list column of the generations that have it: an exact ``?name=`` filter, an ``order`` key and
    (in the ``searched`` generations) a ``search`` text. ``value(req, record)`` reads it (default: the
    record's key); ``integer``: xivo-dao's Integer filter; ``folded``: generations that sort it
    case-insensitively; ``match(record, raw)``: a filter that is not plain equality; ``sortable=False``:
    a filter only."""

    def __init__(self, name, value=None, *, generations=BOTH, searched=BOTH, integer=False, folded=(), match=None,
                 sortable=True):
        self.name, self.generations, self.searched, self.folded = name, generations, searched, folded
        self.value = value or _from_record(name)
        self.integer, self.match, self.sortable = integer, match, sortable


class Shown:
    """One key of a rendered body, in the generations that show it: ``value(req, record)``, a constant
    (copied per answer; PerGeneration allowed), or by default the record's key of that name."""

    def __init__(self, name, value=_RECORD_KEY, generations=BOTH):
        self.name, self.generations = name, generations
        if value is _RECORD_KEY:
            self.value = _from_record(name)
        elif callable(value):
            self.value = value
        else:
            self.value = lambda req, _record: _copy(for_generation(value, req.generation))


def _copy(value):
    if isinstance(value, list):
        return [_copy(item) for item in value]
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    return value


def shown(*names, generations=BOTH):
    """``Shown`` for record keys rendered as they are stored."""
    return tuple(Shown(name, generations=generations) for name in names)


def links(rel, pattern, key="id"):
    """The ``links`` of a rendered record: ``pattern % record[key]`` under /1.1 (``key`` may be PerGeneration)."""
    return Shown("links", lambda req, record: [req.link(rel, pattern % record[for_generation(key, req.generation)])])


def render(req, spec, record):
    return {item.name: item.value(req, record) for item in spec if req.generation in item.generations}


# ------------------------------------------------------------------ delete rules

def refuse_if_used(resource, *uses):
    """confd's ``... is associated with a ...``: ``uses`` are (table, resource, metadata key, record key
    that refers to this record, this record's key it holds)."""
    def rule(req, record):
        for table, other_resource, meta_key, refers, held in uses:
            for other in req.state.tables[table].values():
                if other.get(refers) == record[held]:
                    raise resource_associated(resource, other_resource, **{"%s_id" % resource.lower(): record["id"],
                                                                           meta_key: other["id"]})
    return rule


def release_extensions(owner_type):
    """The extensions a deleted incall/outcall owned are released, not deleted."""
    def rule(req, record):
        for extension in req.state.tables["extensions"].values():
            owner = extension["owner"]
            if owner and owner["type"] == owner_type and owner["id"] == record["id"]:
                extension["owner"] = None
    return rule


def drop_from_lists(table, key):
    """Remove the deleted record's id from the ``key`` list of every record of ``table``."""
    def rule(req, record):
        for other in req.state.tables[table].values():
            if record["id"] in other[key]:
                other[key].remove(record["id"])
    return rule


# ------------------------------------------------------------------ the engine

class Collection:
    """CRUD of one declared resource: list/create at ``path``, get/update/delete by int id and/or uuid.

    ``initial``: record keys a new record starts with (values or factories); ``item_meta``: extra
    not-found metadata (PerGeneration allowed); ``uuid_shown``: how a not-found message prints a uuid
    (str: quoted, uuid.UUID: UUID('...')); ``body_first``: confd reads the PUT body before the lookup
    (resources behind a "middleware"); ``schema_check``: a @validates_schema (PerGeneration allowed);
    ``check_integers``: a body integer beyond INTEGER fails in PostgreSQL (500) before the write;
    ``id_param`` / ``uuid_param``: the item routes' placeholders (the names api.yml shows);
    ``pre_load(body) -> body``: a @pre_load (PerGeneration allowed); ``key``: the record key the table is
    keyed by (an "id" not set by ``prepare`` is taken from the table's sequence, any other is set by ``prepare``);
    ``tenant_scoped=False``: server-wide records, all listed; ``update_fields``: the PUT schema, when it is
    not the POST one.
    """

    def __init__(self, table, path, resource, *, fields, shown, columns, default_order, by_id=True, by_uuid=False,
                 generations=BOTH, unique=(), prepare=None, on_delete=(), initial=None, item_meta=None,
                 uuid_meta="uuid", uuid_shown=str, schema_check=None, body_first=False, check_integers=True,
                 id_param="item_id", uuid_param="item_uuid", pre_load=None, key="id", tenant_scoped=True,
                 update_fields=None):
        self.table, self.path, self.resource = table, path, resource
        self.fields, self.shown, self.columns, self.default_order = fields, shown, columns, default_order
        self.unique, self.prepare, self.on_delete, self.initial = unique, prepare, on_delete, initial or {}
        self.item_meta, self.uuid_meta, self.uuid_shown = item_meta or {}, uuid_meta, uuid_shown
        self.schema_check, self.body_first, self.check_integers = schema_check, body_first, check_integers
        self.id_param, self.uuid_param = id_param, uuid_param
        self.pre_load, self.key, self.tenant_scoped = pre_load, key, tenant_scoped
        self.update_fields = update_fields or fields
        item_routes = (["/<int:%s>" % id_param] if by_id else []) + (["/<uuid:%s>" % uuid_param] if by_uuid else [])
        route("GET", path, generations)(self.list)
        route("POST", path, generations)(self.create)
        for suffix in item_routes:
            route("GET", path + suffix, generations)(self.get)
            route("PUT", path + suffix, generations)(self.update)
            route("DELETE", path + suffix, generations)(self.delete)

    def render(self, req, record):
        return render(req, self.shown, record)

    def find(self, req):
        """The record of an item route."""
        if self.id_param in req.params:
            return self.lookup(req, "id", req.params[self.id_param])
        return self.lookup(req, "uuid", req.params[self.uuid_param])

    def lookup(self, req, field, value):
        """The record whose ``field`` (id or uuid) is ``value`` in the request's tenant, or confd's 404."""
        table = req.state.tables[self.table]
        if field == self.key:
            record = table.get(value)
        else:
            record = next((candidate for candidate in table.values() if candidate.get(field) == value), None)
        if record is None or (self.tenant_scoped and record["tenant_uuid"] != req.tenant):
            if field == "id":
                raise not_found(self.resource, id=value, **for_generation(self.item_meta, req.generation))
            raise not_found(self.resource, **{self.uuid_meta: self.uuid_shown(value)})
        return record

    def list(self, req):
        generation = req.generation
        columns = [column for column in self.columns if generation in column.generations]
        return 200, paginate(
            req, tenant_records(req, self.table) if self.tenant_scoped else list(req.state.tables[self.table].values()),
            {column.name: (lambda record, value=column.value: value(req, record)) for column in columns
             if column.sortable},
            for_generation(self.default_order, generation),
            search_columns=tuple(column.name for column in columns if generation in column.searched),
            int_columns=tuple(column.name for column in columns if column.integer),
            ci_order=tuple(column.name for column in columns if generation in column.folded),
            custom_filters={column.name: column.match for column in columns if column.match},
            render=lambda record: self.render(req, record))

    def _load(self, req, partial):
        body = req.json_object()
        pre_load = for_generation(self.pre_load, req.generation)
        return load(self.update_fields if partial else self.fields, pre_load(body) if pre_load else body,
                    req.generation, partial=partial,
                    schema_check=for_generation(self.schema_check, req.generation))

    def _check_unique(self, req, record, data):
        for keys in self.unique:
            if all(key not in data for key in keys):
                continue
            values = {key: data.get(key, record.get(key)) for key in keys}
            if any(value is None for value in values.values()):
                continue
            for other in req.state.tables[self.table].values():
                if other is not record and all(other.get(key) == value for key, value in values.items()):
                    raise resource_exists(self.resource, **values)

    def _write(self, req, record, data, creating):
        self._check_unique(req, record, data)
        if self.prepare:
            self.prepare(req, record, data, creating)
        if creating and self.key == "id" and "id" not in record:  # the INSERT takes the id, then may fail
            record["id"] = req.state.next_id(self.table)
        if self.check_integers:
            check_db_integers(data)
        record.update(data)

    def create(self, req):
        data = self._load(req, partial=False)
        record = {"tenant_uuid": req.tenant} if self.tenant_scoped else {}
        record.update({key: value() if callable(value) else value for key, value in self.initial.items()})
        self._write(req, record, data, True)
        req.state.tables[self.table][record[self.key]] = record
        return 201, self.render(req, record)

    def get(self, req):
        return 200, self.render(req, self.find(req))

    def update(self, req):
        if self.body_first:
            req.read_body()
        record = self.find(req)
        self._write(req, record, self._load(req, partial=True), False)
        return 204, None

    def delete(self, req):
        record = self.find(req)
        for rule in self.on_delete:
            rule(req, record)
        del req.state.tables[self.table][record[self.key]]
        return 204, None
