# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The resource engine: plan, write only what differs, honour check mode, record the diff.

Module shape (declarations in resources.py, lookups in lookups.py)::

    def ensure_thing(module):
        current = module.adapter.find_thing(module.params['name'])
        if module.params['state'] == 'absent':
            module.delete(THING, current, label=module.params['name'])
            return module.exit_resource('thing', THING, None)
        plan = module.plan(THING, current, THING.desired(module.params), label=module.params['name'],
                           lookup=lambda: module.adapter.find_thing(module.params['name']))
        # ...plan every other object the task touches here: all reads and resolutions happen
        # before the first write, so bad input fails with zero writes...
        thing = module.apply(plan)
        module.link('/things/%s/others/%s' % (plan.id, other_id), linked=..., diff_key='other', ...)
        module.exit_resource('thing', THING, thing, refresh=True)

    def main():
        WazoModule(THING).run(ensure_thing)

Writing: ``plan()`` resolves references and computes the changed fields (no request except the
lookups of references); ``apply(plan)`` POSTs (create), PUTs only the changed fields and their
companions (update) or does nothing. A POST that failed without an answer or with a 5xx may have
landed: ``apply`` then calls ``plan.lookup()`` and adopts what it finds instead of creating a
duplicate; it never sends the POST again (when nothing is found, the task fails and says that a
re-run finds the object). ``delete(resource, current)`` deletes when the object exists.

Parents: ``missing_parent()`` is how a task meets a parent that is not on the server (a trunk's SIP
endpoint, a registration's trunk): a real run fails; check mode assumes an earlier task of the run
creates it, warns, and predicts the change the real run would make.

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
    set_ordered(path, key, desired_ids, current_ids, ...)
                                       ordered list replaced whole by one PUT
                                       (``PUT /outcalls/{id}/trunks {"trunks": [{"id": 1}]}``)
    record_change(diff_key, before, after)
                                       for helpers that write themselves (module_utils/extensions.py):
                                       marks the task changed and records that part of the diff

Everything honours check mode (no write, same ``changed``) and records ``diff`` (``diff_key`` nests
a part under a name), secrets masked.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

from ansible_collections.wazo.confd.plugins.module_utils.client import ConfdError
from ansible_collections.wazo.confd.plugins.module_utils.spec import WazoError

# How long an unbound object must stay unbound before it is taken for an interrupted run's leftover: a concurrent
# run binds what it creates within a few requests (see "Orphans" above).
ORPHAN_SETTLE_SECONDS = 1.5


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


class EngineMixin(object):
    """The writes of a WazoModule (see the module docstring)."""

    def missing_parent(self, description, option, hint):
        """A parent the task needs is not on the server (a trunk's SIP endpoint, a registration's trunk...).

        A real run fails, naming the option. Check mode assumes that an earlier task of the same run creates it (the
        order the role and a playbook of the modules follow) and says so in a warning: the task then predicts the
        change the real run would make, with its diff, instead of failing on what check mode did not create.
        """
        if not self.check_mode:
            raise WazoError('no %s; %s' % (description, hint), option)
        self.warn('check mode: no %s yet; assumed created by an earlier task of this run (a real run fails if it is '
                  'still missing)' % description)

    # ---- create / update / delete ----------------------------------------------------------------
    def plan(self, resource, current, desired, label=None, lookup=None, diff_key=None):
        """Resolve references and compute the changed fields; no write. None values are not managed."""
        wanted = {}
        for field, value in desired.items():
            if value is None:
                continue
            reference = resource.references.get(field)
            if reference is not None:
                if current is not None and reference.matches and reference.matches(self, current.get(field), value):
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
                self.client.put(obj_path, resource.update_body(plan.changes, plan.desired, plan.current))
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
                self.client.put(resource.item_path(found[resource.id_field]),
                                resource.update_body(changes, plan.desired, found))
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
