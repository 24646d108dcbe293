# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Declarative resource engine of the wazo.confd modules.

A module is an argument spec, a declaration and a few calls; the engine does the rest: find the
current object, resolve references before any write, send the smallest payload, honour check mode,
record the diff with secrets masked, and exit with a uniform result.

Module shape::

    def ensure_thing(module):
        adapter = get_adapter(module)                    # generation-specific lookups (adapters.py)
        current = adapter.find_thing(module.params['name'])
        if module.params['state'] == 'absent':
            module.delete(THING, current, label=module.params['name'])
            return module.exit_resource('thing', THING, None)
        desired = {'name': module.params['name'], 'context': module.params['context'], ...}
        plan = module.plan(THING, current, desired, label=module.params['name'],
                           lookup=lambda: adapter.find_thing(module.params['name']))
        # ...plan every other object the task touches here: all reads and resolutions happen
        # before the first write, so bad input fails with zero writes...
        thing = module.apply(plan)
        module.link('/things/%s/others/%s' % (plan.id, other_id), linked=..., diff_key='other', ...)
        module.exit_resource('thing', THING, thing, refresh=True)

    def main():
        WazoModule(argument_spec=dict(name=dict(type='str', required=True), ...)).run(ensure_thing)

Declaring a resource (``Resource``):
    kind            human name used in messages ("trunk", "SIP endpoint")
    path            collection path; items are ``{path}/{id}``
    id_field        'id' (int ids) or 'uuid'
    fields          writable fields the module manages; only these are compared, sent and diffed
    secret_fields   top-level fields masked as '********' in results and diffs; in every list of
                    ``[key, value]`` pairs, keys in SECRET_OPTION_KEYS are masked too (chan_sip
                    ``secret``, PJSIP ``password``)
    compare         {field: function(current_value, desired_value) -> bool} for fields whose
                    equality is not plain equality: ``same_multiset`` (option lists), ``same_uuids``
                    (ordered ``[{"uuid"}]``), ``same_uuid`` (``{"uuid"}`` or null)
    references      {field: Reference}: the desired value of that field is what the user wrote
                    (a name, a label) and becomes the stored value through the reference
    orphan          for objects found only through an association (a trunk through its SIP
                    endpoint, an incall through its DID, a legacy register through its trunk):
                    ``orphan(item)`` is true when nothing is bound to item. See "Orphans" below.

References (``Reference(kind, resolve, matches=None)``): ``resolve(module, value)`` returns the
value confd stores, or raises ``LookupError(reason)``; the engine turns that into a failure naming
the option. Each (kind, value) is resolved once per task. ``matches(current_value, value)`` lets the
engine skip the request when the current object already holds that reference (a context name equal
to the one asked, a template list with the same labels). ``known(reference, value, resolved)`` records
a resolution a helper made another way (the default context found by its type is not looked up again
by its name).

Finding objects: ``module.find_one(path, params, match, kind, label)`` sends ONE list request with
the server's exact filters, keeps the items for which ``match(item)`` holds (the server ignores
unknown filters, so never trust a filter blindly) and fails when more than one object matches.

Writing: ``plan()`` resolves references and computes the changed fields (no request except the
lookups of references); ``apply(plan)`` POSTs (create), PUTs only the changed fields (update) or
does nothing. A POST that failed without an answer or with a 5xx may have landed: ``apply`` then
calls ``plan.lookup()`` and adopts what it finds instead of creating a duplicate; it never sends the
POST again (when nothing is found, the task fails and says that a re-run finds the object).
``delete(resource, current)`` deletes when the object exists.

Orphans: an object found only through an association is created unbound, then bound. A run that
stops in between (a failed bind, a POST whose answer was lost, a killed process) leaves an unbound
object that no lookup finds. For a resource declared with ``orphan``, ``apply`` therefore looks,
before creating one, for an orphan whose managed fields all equal the desired ones and adopts it
(with a warning) instead of creating another. An object a concurrent run is creating is unbound too,
for the moment between its POST and its bind (runs side by side are the norm with one host per
provider): a candidate is therefore adopted only if it is still unbound ``ORPHAN_SETTLE_SECONDS``
later (one more list request, only when there is a candidate). ``bind(plan, function)`` then binds
it; when the bind is refused because a concurrent run bound that object in the meantime, a new
object is created and bound, once.

Associations:
    link(path, linked, ...)            single link: ``PUT a/{id}/b/{id}`` when not linked yet
    bind(plan, function)               function(object id) binds the object of plan to what identifies
                                       it (see Orphans); returns what function returns
    unlink(path, linked, ...)          ``DELETE a/{id}/b/{id}`` when linked
    set_ordered(path, key, desired_ids, current_ids, ...)
                                       ordered list replaced whole by one PUT
                                       (``PUT /outcalls/{id}/trunks {"trunks": [{"id": 1}]}``)
    sync_links(path_template, desired, current, ...)
                                       unordered set with per-link attributes: desired/current are
                                       {target_id: {attribute: value}}; PUT ``path_template % target``
                                       with the attributes for new or changed links, DELETE for gone ones
    record_change(diff_key, before, after)
                                       for helpers that write themselves (module_utils/extensions.py):
                                       marks the task changed and records that part of the diff

Everything honours check mode (no write, same ``changed``) and records ``diff`` (``diff_key`` nests
a part under a name). ``exit_resource(key, resource, obj, refresh)`` returns ``changed``, ``diff``,
``key`` (the object as the server has it, secrets masked; re-read once when something changed),
its ``id`` or ``uuid`` and ``api_requests`` (requests sent by the task).
Errors: ``WazoError(message, option)`` for bad input or ambiguous data, ``ConfdError`` from the
client for API failures; ``run()`` turns both into ``fail_json`` with what was being done.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time
from collections import Counter

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.wazo.confd.plugins.module_utils.client import (
    HAS_REQUESTS, MASK, REQUESTS_IMPORT_ERROR, ConfdError,
)
from ansible_collections.wazo.confd.plugins.module_utils.connection import CONNECTION_ARGUMENT_SPEC, ConfdClient

# Keys whose value is a secret inside [key, value] option lists (chan_sip options, PJSIP sections).
SECRET_OPTION_KEYS = frozenset(['secret', 'password', 'md5secret', 'remotesecret'])
# How long an unbound object must stay unbound before it is taken for an interrupted run's leftover: a concurrent
# run binds what it creates within a few requests (see "Orphans" above).
ORPHAN_SETTLE_SECONDS = 1.5
# Fields whose value is a secret wherever they appear in what confd returns (a legacy register's auth_password, an
# incall destination's DISA pin...), masked in results and diffs even when the resource does not declare them.
SECRET_FIELDS = frozenset(['secret', 'password', 'auth_password', 'pin', 'md5secret', 'remotesecret'])


class WazoError(Exception):
    """Bad input or data the module cannot act on; ``option`` names the module option at fault."""

    def __init__(self, message, option=None):
        self.option = option
        super(WazoError, self).__init__('%s: %s' % (option, message) if option else message)


class Reference(object):
    """A field whose desired value is a user's name for another object; see the module docstring."""

    def __init__(self, kind, resolve, matches=None):
        self.kind = kind
        self.resolve = resolve
        self.matches = matches


class Resource(object):
    """Declaration of a confd resource; see the module docstring."""

    def __init__(self, kind, path, id_field='id', fields=(), secret_fields=(), compare=None, references=None,
                 orphan=None):
        self.kind = kind
        self.path = path
        self.id_field = id_field
        self.fields = tuple(fields)
        self.secret_fields = frozenset(secret_fields)
        self.compare = dict(compare or {})
        self.references = dict(references or {})
        self.orphan = orphan

    def item_path(self, obj_id):
        return '%s/%s' % (self.path, obj_id)

    def same(self, field, current, desired):
        return self.compare.get(field, same_value)(current, desired)

    def mask(self, obj):
        """A copy of obj with its secrets masked."""
        return mask_secrets(obj, self.secret_fields)

    def managed(self, obj, fields=None):
        """The managed fields of obj (for the diff)."""
        return dict((field, obj.get(field)) for field in (fields or self.fields) if field in obj)


# ---- comparison helpers ------------------------------------------------------------------------
def same_value(current, desired):
    """Plain equality, tolerant of confd's str/int mixes (``remote_port: "5060"`` reads back 5060)."""
    if current == desired:
        return True
    if isinstance(current, bool) or isinstance(desired, bool) or current is None or desired is None:
        return False
    if isinstance(current, (dict, list)) or isinstance(desired, (dict, list)):
        return False
    return str(current) == str(desired)


def _pairs_counter(pairs):
    return Counter((str(key), str(value)) for key, value in (pairs or []))


def same_multiset(current, desired):
    """[key, value] lists compared regardless of order (confd gives no order guarantee)."""
    return _pairs_counter(current) == _pairs_counter(desired)


def same_uuid(current, desired):
    """``{"uuid": ...}`` references (or null)."""
    return (current or {}).get('uuid') == (desired or {}).get('uuid')


def same_uuids(current, desired):
    """Ordered ``[{"uuid": ...}]`` lists (template order is inheritance order)."""
    return [item.get('uuid') for item in current or []] == [item.get('uuid') for item in desired or []]


def mask_secrets(obj, secret_fields=()):
    """Deep copy of obj with the secret fields (SECRET_FIELDS and secret_fields, at any depth) and the secret
    [key, value] options masked."""
    return _masked(obj, SECRET_FIELDS | frozenset(secret_fields))


def _masked(value, secret_fields):
    if isinstance(value, dict):
        return dict((key, MASK if key in secret_fields and item not in (None, '') and not isinstance(item, (dict, list))
                     else _masked(item, secret_fields)) for key, item in value.items())
    if isinstance(value, list):
        return [_masked(_mask_pair(item), secret_fields) for item in value]
    return value


def secret_option_values(value):
    """The values of secret keys (SECRET_OPTION_KEYS) in option pairs and mappings anywhere in value."""
    found = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if str(key) in SECRET_OPTION_KEYS:
                found.update(str(one) for one in (item if isinstance(item, list) else [item])
                             if one not in (None, '') and not isinstance(one, (bool, dict, list)))
            else:
                found.update(secret_option_values(item))
    elif isinstance(value, (list, tuple)):
        if len(value) == 2 and not isinstance(value[0], (dict, list)) and str(value[0]) in SECRET_OPTION_KEYS:
            if value[1] not in (None, '') and not isinstance(value[1], (bool, dict, list)):
                found.add(str(value[1]))
        else:
            for item in value:
                found.update(secret_option_values(item))
    return found


def _mask_pair(item):
    if isinstance(item, (list, tuple)) and len(item) == 2 and str(item[0]) in SECRET_OPTION_KEYS:
        return [item[0], MASK]
    return item


class Plan(object):
    """What apply() will do for one object: action 'create', 'update' or None, with the payload."""

    def __init__(self, resource, current, desired, changes, label, lookup, diff_key):
        self.resource = resource
        self.current = current
        self.desired = desired
        self.changes = changes
        self.label = label
        self.lookup = lookup
        self.diff_key = diff_key
        self.result = current
        # 'created' or 'adopted' once apply() made the object this task's own; None for an existing object
        self.fresh = None

    @property
    def action(self):
        if self.current is None:
            return 'create'
        return 'update' if self.changes else None

    @property
    def id(self):
        """Id of the object once applied (None for an object created in check mode)."""
        return (self.result or {}).get(self.resource.id_field)


class WazoModule(AnsibleModule):
    """AnsibleModule with the connection options, check mode, a lazy client and the resource engine."""

    # Class-level so that fail_json and warn work while AnsibleModule.__init__ validates the arguments.
    _client = None
    _closed = False

    def __init__(self, argument_spec, ranges=None, **kwargs):
        """ranges: {option: (minimum, maximum or None)} for integer options, checked like the argument spec."""
        spec = dict(CONNECTION_ARGUMENT_SPEC)
        spec.update(argument_spec)
        kwargs.setdefault('supports_check_mode', True)
        super(WazoModule, self).__init__(argument_spec=spec, **kwargs)
        # Secret chan_sip/PJSIP options (secret, password...) inside option lists are as secret as no_log options.
        self.no_log_values.update(secret_option_values(self.params))
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        self._check_values(spec, ranges or {})
        self._references = {}
        self._before = {}
        self._after = {}
        self._doing = None
        # (item path, request count, object) of the last object read back after its update: exit_resource does
        # not read it again when no request was sent since.
        self._read_back = None
        self.changed = False

    # ---- client and lifecycle --------------------------------------------------------------------
    @property
    def client(self):
        if self._client is None:
            try:
                self._client = ConfdClient.from_params(self.params, warn=self.warn, on_secret=self.no_log_values.add)
            except ValueError as error:
                self.fail_json(msg=str(error))
        return self._client

    def warn(self, warning):
        # ansible-core >= 2.19 keeps warnings out of its no_log filter (remove_values skips their objects): mask here.
        warning = self._client.scrub(warning) if self._client else str(warning)
        for secret in sorted(getattr(self, 'no_log_values', ()), key=len, reverse=True):
            if isinstance(secret, str) and secret:
                warning = warning.replace(secret, MASK)
        super(WazoModule, self).warn(warning)

    def _check_values(self, spec, ranges):
        """What the argument spec cannot say: a required name is not empty, integers are in their range."""
        for name, option in spec.items():
            if option.get('required') and option.get('type', 'str') == 'str' and self.params.get(name) == '':
                self.fail_json(msg='%s: must not be empty' % name)
        for name, (minimum, maximum) in sorted(ranges.items()):
            value = self.params.get(name)
            if value is not None and (value < minimum or (maximum is not None and value > maximum)):
                self.fail_json(msg='%s: %s is out of range: %s' % (
                    name, value, 'must be %s or more' % minimum if maximum is None
                    else 'must be between %s and %s' % (minimum, maximum)))

    def _close_client(self):
        # The client stays attached after close() so that late warnings are still scrubbed.
        if self._client is not None and not self._closed:
            self._closed = True
            self._client.close()

    def exit_json(self, **kwargs):
        self._close_client()
        super(WazoModule, self).exit_json(**kwargs)

    def fail_json(self, msg, **kwargs):
        self._close_client()
        super(WazoModule, self).fail_json(msg=msg, **kwargs)

    def run(self, function):
        """Call function(self) and turn API and input errors into a clear fail_json."""
        try:
            function(self)
        except WazoError as error:
            self.fail_json(msg=str(error), changed=self.changed)
        except ConfdError as error:
            doing = ('Failed %s: ' % self._doing) if self._doing else 'Failed: '
            if error.method == 'POST' and error.status is None and not error.path.startswith('/token'):
                # The request may have been carried out all the same; lookups by identity (and orphan
                # adoption) make the next run find it instead of creating another.
                error.messages.append('the server may have carried it out all the same: run the task again, '
                                      'it finds what was created instead of creating it twice')
            self.fail_json(msg=doing + error.describe(), changed=self.changed, method=error.method,
                           path=error.path, status=error.status, messages=error.messages)

    def doing(self, description):
        """Say what the task is doing, for the message of a failure that happens next."""
        self._doing = description

    # ---- lookups ---------------------------------------------------------------------------------
    def find_one(self, path, params, match=None, kind='object', label=None):
        """The one object a filtered list request returns (None if none); WazoError if several match."""
        self.doing('looking up %s %r' % (kind, label if label is not None else params))
        items = self.client.list(path, params)
        if match is None:
            def match(item):
                return all(same_value(item.get(key), value) for key, value in params.items())
        found = [item for item in items if match(item)]
        if len(found) > 1:
            raise WazoError('%d %ss match %r; cannot choose one (ids: %s)' % (
                len(found), kind, label if label is not None else params,
                ', '.join(str(item.get('uuid', item.get('id'))) for item in found)))
        return found[0] if found else None

    def resolve(self, option, reference, value):
        """Resolve a user's value through a reference, once per task; WazoError naming the option."""
        key = (reference.kind, _hashable(value))
        if key not in self._references:
            self.doing('resolving %s %r (option %s)' % (reference.kind, value, option))
            try:
                self._references[key] = reference.resolve(self, value)
            except LookupError as error:
                raise WazoError(str(error.args[0]) if error.args else 'not found', option=option)
        return self._references[key]

    def known(self, reference, value, resolved=None):
        """Record what reference resolves value to (value itself by default), found by a helper another way:
        a later resolve() of it sends no request."""
        self._references[(reference.kind, _hashable(value))] = value if resolved is None else resolved

    # ---- create / update / delete ----------------------------------------------------------------
    def plan(self, resource, current, desired, label=None, lookup=None, diff_key=None):
        """Resolve references and compute the changed fields; no write. None values are not managed."""
        wanted = {}
        for field, value in desired.items():
            if value is None:
                continue
            reference = resource.references.get(field)
            if reference is not None:
                if current is not None and reference.matches and reference.matches(current.get(field), value):
                    value = current.get(field)
                else:
                    value = self.resolve(field, reference, value)
            wanted[field] = value
        if current is None:
            changes = dict(wanted)
        else:
            changes = dict((field, value) for field, value in wanted.items()
                           if not resource.same(field, current.get(field), value))
        return Plan(resource, current, wanted, changes, label, lookup, diff_key)

    def apply(self, plan):
        """Carry out a plan (nothing in check mode); return the object as the server has it, or as predicted."""
        resource = plan.resource
        if plan.action is None:
            return plan.result
        self.changed = True
        if plan.action == 'create':
            self._record(plan.diff_key, {}, resource.mask(plan.changes))
            orphan = self.find_orphan(plan)
            if orphan is not None:
                self.warn('%s %r: adopted %s %s, which nothing is bound to (left by an interrupted run), instead of '
                          'creating another' % (resource.kind, plan.label, resource.kind, orphan[resource.id_field]))
                plan.result, plan.fresh = orphan, 'adopted'
            elif self.check_mode:
                plan.result = dict(plan.changes)
            else:
                plan.result, plan.fresh = self._create(plan), 'created'
        else:
            fields = list(plan.changes)
            self._record(plan.diff_key, resource.mask(resource.managed(plan.current, fields)),
                         resource.mask(plan.changes))
            if self.check_mode:
                plan.result = dict(plan.current, **plan.changes)
            else:
                self.doing('updating %s %r' % (resource.kind, plan.label))
                obj_path = resource.item_path(plan.current[resource.id_field])
                self.client.put(obj_path, plan.changes)
                plan.result = self.client.get(obj_path)
                self._read_back = (obj_path, self.client.request_count, plan.result)
        return plan.result

    def find_orphan(self, plan):
        """An unbound object of plan's resource whose managed fields are the desired ones (lowest id), or None."""
        resource = plan.resource
        if resource.orphan is None:
            return None
        self.doing('looking for an unbound %s like %r' % (resource.kind, plan.label))
        found = [item for item in self.client.list(resource.path)
                 if resource.orphan(item) and all(resource.same(field, item.get(field), value)
                                                  for field, value in plan.desired.items())]
        if found and not self.check_mode:
            # Perhaps a concurrent run's object between its POST and its bind: adopt only what stays unbound.
            time.sleep(ORPHAN_SETTLE_SECONDS)
            still = set(item[resource.id_field] for item in self.client.list(resource.path) if resource.orphan(item))
            found = [item for item in found if item[resource.id_field] in still]
        return min(found, key=lambda item: str(item[resource.id_field]).zfill(40)) if found else None

    def _create(self, plan):
        resource = plan.resource
        doing = 'creating %s %r' % (resource.kind, plan.label)
        self.doing(doing)
        try:
            return self.client.post(resource.path, plan.changes)
        except ConfdError as error:
            # No answer or a 5xx: the POST may have landed. Look before anyone creates it again; never re-send it.
            if not (error.status is None or error.status >= 500):
                raise
            if plan.lookup is not None:
                found = plan.lookup()
            else:
                found = self.find_orphan(plan)
            self.doing(doing)
            if found is None:
                raise
            self.warn('%s; %s %r exists nevertheless and is used' % (error.describe(), resource.kind, plan.label))
            # plan.desired holds resolved values already: compare them, do not resolve them again.
            changes = dict((field, value) for field, value in plan.desired.items()
                           if not resource.same(field, found.get(field), value))
            if changes:
                self.doing('updating %s %r' % (resource.kind, plan.label))
                self.client.put(resource.item_path(found[resource.id_field]), changes)
                return self.client.get(resource.item_path(found[resource.id_field]))
            return found

    def ensure(self, resource, current, desired, label=None, lookup=None, diff_key=None):
        """plan() then apply(), for a task that touches one object."""
        return self.apply(self.plan(resource, current, desired, label, lookup, diff_key))

    def delete(self, resource, current, label=None, diff_key=None):
        """Delete current when it exists. Returns True when something was (or would be) deleted."""
        if current is None:
            return False
        self.changed = True
        self._record(diff_key, resource.mask(resource.managed(current)), {})
        if not self.check_mode:
            self.doing('deleting %s %r' % (resource.kind, label))
            self.client.delete(resource.item_path(current[resource.id_field]))
        return True

    # ---- associations ----------------------------------------------------------------------------
    def bind(self, plan, function):
        """Bind the object of plan to what identifies it: function(object id) sends the association requests.

        When the object was created or adopted by this task and the bind is refused (400) because the object
        is bound by now (a concurrent run adopted or bound it in between), a new object is created and bound.
        """
        try:
            return function(plan.id)
        except ConfdError as error:
            resource = plan.resource
            if not (plan.fresh and error.status == 400 and resource.orphan is not None) or self.check_mode:
                raise
            self.doing('reading %s %s again' % (resource.kind, plan.id))
            if resource.orphan(self.client.get(resource.item_path(plan.id))):
                raise error
            self.warn('%s %r: %s %s was bound by a concurrent run in the meantime; creating another'
                      % (resource.kind, plan.label, resource.kind, plan.id))
            plan.lookup = None
            plan.result, plan.fresh = self._create(plan), 'created'
            return function(plan.id)

    def link(self, path, linked, diff_key, before=None, after=None):
        """Single association: PUT path unless already linked. before/after are shown in the diff."""
        if linked:
            return False
        self._association_change(diff_key, before, after)
        if not self.check_mode:
            self.doing('associating %s' % path)
            self.client.put(path)
        return True

    def unlink(self, path, linked, diff_key, before=None, after=None):
        """Single association: DELETE path when linked."""
        if not linked:
            return False
        self._association_change(diff_key, before, after)
        if not self.check_mode:
            self.doing('dissociating %s' % path)
            self.client.delete(path)
        return True

    def set_ordered(self, path, key, desired_ids, current_ids, diff_key, before=None, after=None):
        """Ordered association replaced whole by one PUT {key: [{"id": ...}, ...]} when it differs.

        before/after are shown in the diff instead of the ids (e.g. the names the user wrote).
        """
        desired_ids, current_ids = list(desired_ids), list(current_ids)
        if desired_ids == current_ids:
            return False
        self._association_change(diff_key, current_ids if before is None else before,
                                 desired_ids if after is None else after)
        if not self.check_mode:
            self.doing('setting %s' % path)
            self.client.put(path, {key: [{'id': item} for item in desired_ids]})
        return True

    def sync_links(self, path_template, desired, current, diff_key):
        """Unordered links with attributes: PUT new or changed links (with their attributes), DELETE gone ones.

        A changed link is compared on the attributes desired for it only.
        """
        to_put = [target for target, attributes in desired.items()
                  if target not in current or any(not same_value(current[target].get(name), value)
                                                  for name, value in attributes.items())]
        to_delete = [target for target in current if target not in desired]
        if not (to_put or to_delete):
            return False
        self._association_change(diff_key, current, dict((target, dict(current.get(target, {}), **desired[target]))
                                                         for target in desired))
        if not self.check_mode:
            for target in to_put:
                self.doing('associating %s' % (path_template % target))
                self.client.put(path_template % target, desired[target])
            for target in to_delete:
                self.doing('dissociating %s' % (path_template % target))
                self.client.delete(path_template % target)
        return True

    def record_change(self, diff_key, before, after):
        """Record a change that a module_utils helper makes itself (the diff shows before/after under diff_key)."""
        self._association_change(diff_key, before, after)

    def _association_change(self, diff_key, before, after):
        self.changed = True
        self._before[diff_key] = before
        self._after[diff_key] = after

    def _record(self, diff_key, before, after):
        if diff_key is None:
            self._before.update(before)
            self._after.update(after)
        else:
            self._before.setdefault(diff_key, {}).update(before)
            self._after.setdefault(diff_key, {}).update(after)

    # ---- result ----------------------------------------------------------------------------------
    def exit_resource(self, key, resource, obj, refresh=False, **extra):
        """Exit with the uniform result. refresh re-reads obj when something was written, unless it was read
        back after the last request already (an update with nothing sent after it)."""
        if refresh and obj is not None and self.changed and not self.check_mode and obj.get(resource.id_field):
            path = resource.item_path(obj[resource.id_field])
            if self._read_back is not None and self._read_back[:2] == (path, self._client.request_count):
                obj = self._read_back[2]
            else:
                self.doing('reading %s back' % resource.kind)
                try:
                    obj = self.client.get(path)
                except ConfdError as error:
                    self.fail_json(msg='Failed reading %s back: %s' % (resource.kind, error.describe()),
                                   changed=True)
        result = dict(changed=self.changed, diff=dict(before=self._before, after=self._after))
        result[key] = resource.mask(obj)
        result[resource.id_field] = (obj or {}).get(resource.id_field)
        result['api_requests'] = self._client.request_count if self._client else 0
        result.update(extra)
        self.exit_json(**result)


def _hashable(value):
    if isinstance(value, list):
        return tuple(_hashable(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((key, _hashable(item)) for key, item in value.items()))
    return value
