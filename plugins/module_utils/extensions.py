# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The extensions objects own (outcall dial patterns, incall DIDs).

``stated_extension(module, exten, context, context_type)`` / ``check_incall_range(context, exten, option)``
    confd's rules, checked before any write: the exten pattern allowed by the context type (confd
    ``helpers/validator.py``) and the incall ranges, which confd itself checks only on later edits.
``OwnedExtensions``
    the extensions of one owner, as a desired list of ``{exten, context, <link attributes>}``:
    ``plan()`` reads what it needs (free extensions to adopt) before the first write,
    ``create_missing()`` creates the missing extensions before their owner exists, ``apply()``
    associates them (``PUT owner/extensions/{id}`` with the attributes), updates changed attributes in
    place, and dissociates then deletes the extensions that left the list.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.wazo.confd.plugins.module_utils.lookups import describe_context
from ansible_collections.wazo.confd.plugins.module_utils.spec import WazoError

# confd helpers/validator.py: outcall contexts take dial patterns with "+", the other types digits or
# a "_" pattern. Both are used with re.match, so only the start is anchored by the regex engine.
OUTCALL_EXTEN = re.compile(r'^_?\+?[*#0-9_XxZzNn\[\].!-]*$')
OTHER_EXTEN = re.compile(r'^_[*#0-9_XxZzNn\[\].!-]{1,39}$|[*#0-9]{1,40}$')
EXTEN_MAX_LENGTH = 40
# Relations of an extension that mean it is used by something (confd ExtensionAssociationValidator).
OWNER_RELATIONS = ('incall', 'outcall', 'group', 'queue', 'conference', 'parking_lot')


def stated_extension(module, exten, context, context_type, prefix=''):
    """{exten, context} of an extension a user states (context by name, label or default of its type), checked
    against the context's rules; options are named prefix + 'exten' and prefix + 'context'."""
    found = module.find_context(context, context_type, prefix + 'context')
    check_exten(found, exten, prefix + 'exten')
    return dict(exten=exten, context=found['name'])


def check_exten(context, exten, option):
    """confd's exten rules for the type of context, so that a bad pattern fails before any write."""
    if not exten:
        raise WazoError('must not be empty', option)
    pattern = OUTCALL_EXTEN if context.get('type') == 'outcall' else OTHER_EXTEN
    if len(exten) > EXTEN_MAX_LENGTH or not pattern.match(exten):
        if context.get('type') == 'outcall':
            rule = 'a dial pattern of digits, *, #, X, Z, N, [ranges], . and !, with an optional leading _ and +'
        else:
            rule = 'digits, * and # (or a pattern starting with _); no +'
        raise WazoError('%r is not a valid extension in the %s context %s: expected %s, at most %d characters' % (
            exten, context.get('type'), describe_context(context), rule, EXTEN_MAX_LENGTH), option)


def _in_range(extension_range, exten):
    # xivo-dao ContextNumbers.in_range: the limits keep only their last did_length digits.
    did_length = int(extension_range.get('did_length') or 0)
    start = extension_range['start']
    end = extension_range.get('end') or start
    start, end = int(start[-did_length:]), int(end[-did_length:])
    return start <= int(exten) <= end


def check_incall_range(context, exten, option):
    """A DID must be inside one of the context's incall ranges (patterns are not range-checked by confd)."""
    if exten.startswith('_'):
        return
    ranges = context.get('incall_ranges') or []
    if not any(_in_range(extension_range, exten) for extension_range in ranges):
        shown = ', '.join('%s-%s' % (item['start'], item.get('end') or item['start']) for item in ranges)
        raise WazoError('%s is outside the incall ranges of context %s (%s)' % (
            exten, describe_context(context), shown or 'it has none'), option)


def owner_of(extension):
    """What an extension is used by, as text, or None when it is free."""
    for relation in OWNER_RELATIONS:
        owner = extension.get(relation)
        if owner:
            name = owner.get('name') or owner.get('label')
            return '%s %s' % (relation.replace('_', ' '), repr(name) if name else owner.get('id'))
    if extension.get('lines'):
        return 'line %s' % extension['lines'][0].get('id')
    return None


def _key(item):
    return (item['exten'], item['context'])


class OwnedExtensions(object):
    """The extensions of one owner; see the module docstring.

    attributes      link attributes compared and sent with the association (e.g. caller_id)
    clear_values    value sent to clear an attribute that confd does not accept as null
    """

    def __init__(self, module, owner_kind, attributes=(), clear_values=None, diff_key='extensions'):
        self.module = module
        self.owner_kind = owner_kind
        self.attributes = tuple(attributes)
        self.clear_values = dict(clear_values or {})
        self.diff_key = diff_key
        self.current = []
        self.desired = []
        self.to_add = []
        self.to_update = []
        self.to_remove = []

    def _normalized(self, item):
        attributes = {}
        for name in self.attributes:
            value = item.get(name)
            if value == '' or (name in self.clear_values and value == self.clear_values[name]):
                value = None
            attributes[name] = value
        return attributes

    def view(self, item):
        """An extension as shown in diffs: exten, context and the link attributes."""
        return dict(exten=item['exten'], context=item['context'], **self._normalized(item))

    def plan(self, desired, current, option_of):
        """Compare; look up the extensions to adopt. Reads only.

        desired: [{exten, context, <attributes>}]; current: the owner's extensions as confd shows them;
        option_of(index): the module option that states desired[index], for error messages.
        """
        self.current = list(current or [])
        self.desired = list(desired)
        desired_keys = set()
        for index, item in enumerate(self.desired):
            if _key(item) in desired_keys:
                raise WazoError('%s@%s is listed twice' % _key(item), option_of(index))
            desired_keys.add(_key(item))
        current_by_key = dict((_key(item), item) for item in self.current)
        self.to_remove = [item for item in self.current if _key(item) not in desired_keys]
        self.to_update, self.to_add = [], []
        for index, item in enumerate(self.desired):
            existing = current_by_key.get(_key(item))
            if existing is None:
                self.to_add.append((item, self._free_extension(item, option_of(index))))
                continue
            wanted, have = self._normalized(item), self._normalized(existing)
            changed = dict((name, value) for name, value in wanted.items() if have[name] != value)
            if changed:
                self.to_update.append((existing, changed))
        return self.changed

    def plan_stated(self, items, context_type, current, option):
        """plan() for the extensions a user lists in option: exten, context (checked, or the default of
        context_type) and the link attributes."""
        desired = []
        for index, item in enumerate(items):
            stated = stated_extension(self.module, item['exten'], item['context'], context_type,
                                      '%s[%d].' % (option, index))
            stated.update((name, item.get(name) or None) for name in self.attributes)
            desired.append(stated)
        return self.plan(desired, current, lambda index: '%s[%d]' % (option, index))

    def _free_extension(self, item, option):
        extension = self.module.find_extension(item['exten'], item['context'])
        if extension is not None:
            owner = owner_of(extension)
            if owner:
                raise WazoError('extension %s@%s already belongs to %s' % (item['exten'], item['context'], owner),
                                option)
        return extension

    @property
    def changed(self):
        return bool(self.to_add or self.to_update or self.to_remove)

    def _record(self, after):
        self.module.record_change(self.diff_key, [self.view(item) for item in self.current],
                                  [self.view(item) for item in after])

    def create_missing(self):
        """Create the extensions to add that do not exist yet. Called before the owner is created: a run that
        stops in between leaves free extensions, which the next run adopts, rather than an owner nobody finds."""
        if self.module.check_mode:
            return
        for index, (item, extension) in enumerate(self.to_add):
            if extension is None:
                self.module.doing('creating extension %s@%s' % _key(item))
                self.to_add[index] = (item, self.module.client.post('/extensions', {'exten': item['exten'],
                                                                                    'context': item['context']}))

    def apply(self, owner_path):
        """Carry out the plan for the owner at owner_path (nothing but the diff in check mode)."""
        if not self.changed:
            return False
        self._record(self.desired)
        if self.module.check_mode:
            return True
        client = self.module.client
        self.create_missing()
        self._remove(owner_path, self.to_remove, dissociate=True)
        for extension, changed in self.to_update:
            self.module.doing('updating extension %s@%s of the %s' % (extension['exten'], extension['context'],
                                                                      self.owner_kind))
            body = dict((name, self.clear_values.get(name) if value is None else value)
                        for name, value in changed.items())
            client.put('%s/extensions/%s' % (owner_path, extension['id']), body)
        for item, extension in self.to_add:
            self.module.doing('associating extension %s@%s to the %s' % (item['exten'], item['context'],
                                                                         self.owner_kind))
            body = dict((name, value) for name, value in self._normalized(item).items() if value is not None)
            client.put('%s/extensions/%s' % (owner_path, extension['id']), body)
        return True

    def remove_all(self, owner_path, current, dissociate=True):
        """Delete every extension of the owner; dissociate=False when deleting the owner released them."""
        self.current = [item for item in current or [] if item]
        if not self.current:
            return False
        self.desired = []
        self._record([])
        if not self.module.check_mode:
            self._remove(owner_path, self.current, dissociate)
        return True

    def _remove(self, owner_path, extensions, dissociate):
        client = self.module.client
        for extension in extensions:
            if dissociate:
                self.module.doing('dissociating extension %s@%s from the %s' % (
                    extension['exten'], extension['context'], self.owner_kind))
                client.delete('%s/extensions/%s' % (owner_path, extension['id']))
            self.module.doing('deleting extension %s@%s' % (extension['exten'], extension['context']))
            client.delete('/extensions/%s' % extension['id'])
