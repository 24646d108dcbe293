# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a task reads: one cache of every lookup, filtered lists, references, contexts and extensions.

Every lookup of a task goes through ``cached(key, compute)``: the tenant's contexts, an endpoint by
name, an extension, a resolved reference... each is read once per task, whoever asks.

``find_one(path, params, match, kind, label)`` sends ONE list request with the server's exact filters,
keeps the items for which ``match(item)`` holds (the server ignores unknown filters, so never trust a
filter blindly) and fails when more than one object matches.

``resolve(option, reference, value)`` turns a user's value into what confd stores (spec.Reference);
a ``LookupError`` becomes a failure naming the option.

Contexts are resolved here and only here: ``find_context(value, context_type, option)`` takes a name
or a label (``ctx-<slug>-<type>-<uuid>`` names on current servers, names chosen by the admin on legacy
ones), or the tenant's only context of a type when value is None, from one list of the tenant's contexts;
``context_reference(contexts, name, context_type)`` is the inverse: how a user names a context.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.wazo.confd.plugins.module_utils.compare import same_value
from ansible_collections.wazo.confd.plugins.module_utils.spec import Reference, WazoError


def _hashable(value):
    if isinstance(value, list):
        return tuple(_hashable(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((key, _hashable(item)) for key, item in value.items()))
    return value


def context_reference(contexts, name, context_type, by_label=True):
    """The inverse of LookupsMixin.context_named: how a user names the context called name. None when it is the only
    context of context_type (what is taken when none is named), else its label when by_label and the label finds it
    (no context is named so and no other has that label), else its name."""
    if name is None:
        return None
    of_type = [context for context in contexts if context.get('type') == context_type]
    if len(of_type) == 1 and of_type[0].get('name') == name:
        return None
    label = ([context.get('label') for context in contexts if context.get('name') == name] or [None])[0]
    if by_label and label and not [context for context in contexts if context.get('name') == label] \
            and [context.get('label') for context in contexts].count(label) == 1:
        return label
    return name


def describe_context(context):
    label = context.get('label')
    return '%r (%s)' % (label, context['name']) if label and label != context['name'] else repr(context['name'])


class LookupsMixin(object):
    """The reads of a WazoModule (see the module docstring)."""

    def cached(self, key, compute, refresh=False):
        """compute(), once per task for key (again when refresh)."""
        cache = self.__dict__.setdefault('_lookups', {})
        if refresh or key not in cache:
            cache[key] = compute()
        return cache[key]

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
        def compute():
            self.doing('resolving %s %r (option %s)' % (reference.kind, value, option))
            try:
                return reference.resolve(self, value)
            except LookupError as error:
                raise WazoError(str(error.args[0]) if error.args else 'not found', option=option)
        return self.cached(('reference', reference.kind, _hashable(value)), compute)

    # ---- contexts --------------------------------------------------------------------------------
    def tenant_contexts(self):
        """All the contexts of the task's tenant."""
        def compute():
            self.doing('listing the contexts of the tenant')
            return self.client.list('/contexts')
        return self.cached(('contexts',), compute)

    def context_named(self, value, context_type=None):
        """The context named value (exact name first, then label) or, when value is None, the only context of
        context_type; it must be of context_type when one is given. LookupError saying why not."""
        contexts = self.tenant_contexts()
        if value is None:
            found = [context for context in contexts if context.get('type') == context_type]
            if len(found) != 1:
                raise LookupError('not set, and the tenant has %s %s contexts%s: name the one to use' % (
                    len(found) or 'no', context_type,
                    ' (%s)' % ', '.join(describe_context(context) for context in found) if found else ''))
            return found[0]
        found = ([context for context in contexts if context.get('name') == value]
                 or [context for context in contexts if context.get('label') == value])
        if not found:
            raise LookupError('no context named or labelled %r in the tenant' % value)
        if len(found) > 1:
            raise LookupError('%d contexts are labelled %r (%s): use the name of one' % (
                len(found), value, ', '.join(context['name'] for context in found)))
        if context_type and found[0].get('type') != context_type:
            raise LookupError('context %s is of type %s, not %s' % (
                describe_context(found[0]), found[0].get('type'), context_type))
        return found[0]

    def find_context(self, value, context_type, option):
        """context_named(), failing with the option named."""
        try:
            return self.context_named(value, context_type)
        except LookupError as error:
            raise WazoError(str(error), option)

    # ---- extensions ------------------------------------------------------------------------------
    def find_extension(self, exten, context):
        """The extension exten@context (context by name), or None."""
        return self.cached(('extension', exten, context), lambda: self.find_one(
            '/extensions', {'exten': exten, 'context': context}, kind='extension', label='%s@%s' % (exten, context)))


# A context given by name or label; the name is what confd stores.
CONTEXT = Reference('context', lambda module, value: module.context_named(value)['name'],
                    matches=lambda module, current, value: current == value)
