# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What each resource module does with its options: one ``ensure_*(task)`` function per module.

They live here, not in the modules, because two callers run them: the module itself (``WazoModule``), and
the plan (plan.py), which runs them in check mode against one read of the tenant to learn, without a
module run per resource, which resources a run would change. ``TASKS`` maps each task list of the role
(interconnection.TASKS) to its declaration, its function and the option that names its object.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.wazo.confd.plugins.module_utils.destinations import check_destination
from ansible_collections.wazo.confd.plugins.module_utils.extensions import (
    OwnedExtensions, check_incall_range, owner_of, stated_extension,
)
from ansible_collections.wazo.confd.plugins.module_utils.resources import (
    INCALL, OUTCALL, REGISTER, SIP_ENDPOINT, TRUNK, TRUNK_ID,
)

PATTERN_ATTRIBUTES = ('caller_id', 'strip_digits', 'prefix', 'external_prefix')


def ensure_sip_endpoint(module):
    adapter, name = module.adapter, module.params['name']
    current = adapter.find_sip_endpoint(name)
    if module.params['state'] == 'absent':
        module.delete(adapter.sip_endpoint, current, label=name)
        return module.exit_resource('sip_endpoint', adapter.sip_endpoint, None)
    endpoint = module.ensure(adapter.sip_endpoint, current, adapter.sip_endpoint_desired(module.params, current),
                             label=name, lookup=lambda: adapter.find_sip_endpoint(name, refresh=True))
    return module.exit_resource('sip_endpoint', adapter.sip_endpoint, endpoint)


def ensure_trunk(module):
    adapter, name = module.adapter, module.params['name']
    trunk = adapter.find_trunk(name)
    if module.params['state'] == 'absent':
        module.delete(TRUNK, trunk, label=name)
        return module.exit_resource('trunk', TRUNK, None)
    endpoint = None if trunk else adapter.endpoint_for_new_trunk(name)
    plan = module.plan(TRUNK, trunk, adapter.trunk_desired(module.params, trunk), label=name)
    module.apply(plan)
    linked = endpoint is not None and module.bind(plan, lambda trunk_id: module.link(
        adapter.trunk_endpoint_path(trunk_id, endpoint), linked=False, diff_key='endpoint_sip', after=name))
    return module.exit_resource('trunk', TRUNK, plan.result, refresh=linked)


def ensure_register(module):
    resource, registration = module.adapter.ensure_registration(module.params)
    return module.exit_resource('register', resource, registration)


def ensure_outcall(module):
    params, name = module.params, module.params['name']

    def lookup():
        return module.find_one('/outcalls', {'name': name}, match=lambda item: item.get('name') == name,
                               kind='outcall', label=name)

    outcall = lookup()
    patterns = OwnedExtensions(module, 'outcall', PATTERN_ATTRIBUTES, clear_values={'strip_digits': 0})
    if params['state'] == 'absent':
        if outcall is not None:
            patterns.remove_all(OUTCALL.item_path(outcall['id']), outcall.get('extensions'))
        module.delete(OUTCALL, outcall, label=name)
        return module.exit_resource('outcall', OUTCALL, None)
    if params['extensions'] is not None:
        patterns.plan_stated(params['extensions'], 'outcall', (outcall or {}).get('extensions'), 'extensions')
    current_trunks = (outcall or {}).get('trunks') or []
    current_names = [(trunk.get('endpoint_sip') or {}).get('name') for trunk in current_trunks]
    trunk_ids = None
    if params['trunks'] is not None and params['trunks'] != current_names:
        trunk_ids = [module.resolve('trunks', TRUNK_ID, trunk) for trunk in params['trunks']]
    plan = module.plan(OUTCALL, outcall, OUTCALL.desired(params), label=name, lookup=lookup)
    patterns.create_missing()
    outcall = module.apply(plan)
    linked = trunk_ids is not None and module.set_ordered(
        OUTCALL.item_path(plan.id) + '/trunks', 'trunks', trunk_ids, [trunk['id'] for trunk in current_trunks],
        diff_key='trunks', before=current_names, after=params['trunks'])
    linked = patterns.apply(OUTCALL.item_path(plan.id)) or linked
    # apply() re-reads an updated outcall itself: read it again only when its links changed after that
    return module.exit_resource('outcall', OUTCALL, outcall, refresh=linked)


def ensure_incall(module):
    params = module.params
    did = stated_extension(module, params['exten'], params['context'], 'incall')
    incall = module.adapter.find_incall(did['exten'], did['context'])
    owned = [item for item in (incall or {}).get('extensions') or []
             if (item['exten'], item['context']) == (did['exten'], did['context'])]
    extension = OwnedExtensions(module, 'incall', diff_key='extension')
    label = '%(exten)s@%(context)s' % did
    if params['state'] == 'absent':
        if incall is None:
            leftover = module.find_extension(did['exten'], did['context'])
            owned = [leftover] if leftover and owner_of(leftover) is None else []
        # Deleting the incall releases its extension; dissociating first would, on legacy servers, leave the DID
        # stuck to the incall row (no other incall could take it).
        module.delete(INCALL, incall, label=label)
        extension.remove_all(None, owned, dissociate=False)
        return module.exit_resource('incall', INCALL, None)
    check_incall_range(module.find_context(params['context'], 'incall', 'context'), did['exten'], 'exten')
    check_destination(params['destination'], 'destination')
    module.adapter.check_destination(params['destination'], 'destination')
    plan = module.plan(INCALL, incall, INCALL.desired(params), label=label)
    extension.plan([did], owned, lambda index: 'exten')
    extension.create_missing()
    module.apply(plan)
    linked = module.bind(plan, lambda incall_id: extension.apply(INCALL.item_path(incall_id)))
    # apply() re-reads an updated incall itself: read it again only when its extension changed after that
    return module.exit_resource('incall', INCALL, plan.result, refresh=linked)


class Task(object):
    """A module of the role's tasks: its declaration, its function, the option naming its object."""

    def __init__(self, module, resource, ensure, name_option):
        self.module = module
        self.resource = resource
        self.ensure = ensure
        self.name_option = name_option


TASKS = {
    'sip_endpoints': Task('wazo_sip_endpoint', SIP_ENDPOINT, ensure_sip_endpoint, 'name'),
    'trunks': Task('wazo_trunk', TRUNK, ensure_trunk, 'name'),
    'registrations': Task('wazo_register', REGISTER, ensure_register, 'trunk'),
    'outcalls': Task('wazo_outcall', OUTCALL, ensure_outcall, 'name'),
    'incalls': Task('wazo_incall', INCALL, ensure_incall, 'exten'),
}
