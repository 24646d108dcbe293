# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A tenant's interconnections read back as the module arguments that would make them.

``read_arguments(module, names)`` lists the tenant's trunks, SIP endpoints, outcalls, incalls and
contexts, what the generation adds (SIP transports or registers) and the targets destinations name,
with a fixed number of list requests whatever the number of providers, and returns, per task of the
role (interconnection.TASKS), the arguments of each module: the declarations' views (resources.py,
``Resource.view``) with references turned back into the names the modules resolve (a context by
label, a trunk by its SIP endpoint's name, a destination's target by a friendly name).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.wazo.confd.plugins.module_utils.destinations import friendly_destination, target_path
from ansible_collections.wazo.confd.plugins.module_utils.interconnection import TASKS
from ansible_collections.wazo.confd.plugins.module_utils.lookups import context_reference
from ansible_collections.wazo.confd.plugins.module_utils.resources import DIAL_PATTERN, INCALL, OUTCALL, TRUNK


class Tenant(object):
    """One read of the tenant, and its providers: (trunk, SIP endpoint) in trunk order."""

    def __init__(self, module):
        self.module = module
        self.adapter = module.adapter
        client = module.client
        module.doing('listing the trunks, SIP endpoints, outcalls and incalls of the tenant')
        id_field = self.adapter.sip_endpoint.id_field
        self.trunks = client.list('/trunks')
        endpoints = dict((endpoint[id_field], endpoint) for endpoint in client.list('/endpoints/sip'))
        self.outcalls = client.list('/outcalls')
        self.incalls = client.list('/incalls')
        self.contexts = module.tenant_contexts()
        self.extra = self.adapter.read_for_export()
        self.providers = [(trunk, endpoints[trunk['endpoint_sip'][id_field]]) for trunk in self.trunks
                          if (trunk.get('endpoint_sip') or {}).get(id_field) in endpoints]
        self.trunk_names = dict((trunk['id'], endpoint['name']) for trunk, endpoint in self.providers)
        self._targets = {'/outcalls': self.outcalls}

    def context(self, name, context_type=None):
        return context_reference(self.contexts, name, context_type, self.adapter.contexts_by_label)

    def targets(self, path):
        """The objects of a destination's target collection, listed once."""
        if path not in self._targets:
            self.module.doing('listing %s' % path)
            self._targets[path] = self.module.client.list(path)
        return self._targets[path]

    def outcall(self, outcall):
        names = []
        for trunk in outcall.get('trunks') or []:
            if trunk['id'] in self.trunk_names:
                names.append(self.trunk_names[trunk['id']])
            else:
                self.module.warn('outcall %r: trunk %s has no SIP endpoint and is left out of its trunks (wazo_outcall '
                                 'names trunks by their SIP endpoint)' % (outcall['name'], trunk['id']))
        extensions = [dict(DIAL_PATTERN.view(extension), context=self.context(extension['context'], 'outcall'))
                      for extension in outcall.get('extensions') or []]
        return dict(OUTCALL.view(outcall), provider=names[0], trunks=names, extensions=extensions)

    def incall(self, incall, provider):
        extension = incall['extensions'][0]
        arguments = INCALL.view(incall)
        destination = arguments['destination']
        if destination:
            path = target_path(destination)
            arguments['destination'] = friendly_destination(destination, self.targets(path) if path else [],
                                                            self.context)
        arguments.update(provider=provider, exten=extension['exten'],
                         context=self.context(extension['context'], 'incall'))
        return arguments


def read_arguments(module, names=None):
    """{task: [module arguments]} of the tenant's providers (all, or those named)."""
    tenant = Tenant(module)
    adapter = tenant.adapter
    arguments = dict((task, []) for task in TASKS)
    for trunk, endpoint in tenant.providers:
        if names is not None and endpoint['name'] not in names:
            continue
        arguments['sip_endpoints'].append(adapter.sip_endpoint_arguments(endpoint, tenant.extra))
        arguments['trunks'].append(dict(TRUNK.view(trunk), name=endpoint['name'],
                                        context=tenant.context(trunk.get('context'), 'incall')))
        arguments['registrations'].append(adapter.registration_arguments(trunk, endpoint, tenant.extra))
    listed = set(item['name'] for item in arguments['sip_endpoints'])
    for outcall in tenant.outcalls:
        first = ((outcall.get('trunks') or [{}])[0]).get('id')
        if tenant.trunk_names.get(first) in listed:
            arguments['outcalls'].append(tenant.outcall(outcall))
    # the DIDs of a context go to the first provider whose trunk receives it (Wazo links no DID to a trunk)
    receiver = {}
    for trunk, endpoint in tenant.providers:
        receiver.setdefault(trunk.get('context'), endpoint['name'])
    for incall in tenant.incalls:
        provider = receiver.get(incall['extensions'][0]['context']) if incall.get('extensions') else None
        if provider in listed:
            arguments['incalls'].append(tenant.incall(incall, provider))
    return arguments
