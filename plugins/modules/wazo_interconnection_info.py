#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: wazo_interconnection_info
short_description: Read the VoIP provider interconnections of a Wazo PBX, as the role describes them
version_added: 0.1.0
description:
  - Reads the provider interconnections of the tenant through the wazo-confd API and returns them in exactly the shape
    of the entries of the C(provider_interconnection_providers) variable of the role
    C(wazo.confd.provider_interconnection), so that they can be written to a vars file and applied again (applying
    them changes nothing).
  - A provider is a trunk with a SIP endpoint, named after that endpoint, with its registration, the outgoing routes
    (outcalls) whose first trunk it is, and the incoming routes (incalls) whose DID is in its trunk's context.
  - Settings equal to the role's defaults, or to what the server gives a new object, are left out. Destinations name
    their target as the role's users do (a user by V(First Last), a group by label...) when that name finds it alone,
    else by id or uuid.
  - Never returns a secret. The entries have no C(password), and an incall destination's DISA pin is left out. A
    provider that exists may be given to the role without C(password); the server keeps the one it has.
  - Reads the server with a fixed number of list requests, whatever the number of providers, and never writes.
  - Works on both API generations (Wazo 20.12 and older, Wazo 20.13 and later).
author:
  - wazo.confd contributors (@wazo-confd)
extends_documentation_fragment:
  - wazo.confd.connection
attributes:
  check_mode:
    description: Reads only; runs the same in check mode.
    support: full
  diff_mode:
    description: Returns no diff; it changes nothing.
    support: none
options:
  names:
    description:
      - Names of the providers (SIP endpoint names of their trunks) to return; the others are left out.
      - When not set, every provider of the tenant.
    type: list
    elements: str
notes:
  - The role sees what it can describe. What a provider entry has no setting for (other chan_sip or PJSIP options, the
    templates, the registration's callback extension, trunks without SIP endpoint in an outcall) is not returned.
  - Wazo does not link a DID to a trunk. An incall is listed under the provider whose trunk receives its context; when
    several trunks share that context (the tenant's one incall context, usually), under the first of them (lowest
    trunk id). Incalls in a context no trunk of the tenant receives are not returned.
  - With a token and the API generation given, it sends six list requests (trunks, SIP endpoints, outcalls, incalls,
    contexts, and the SIP transports on current servers or the SIP registers on legacy ones), and one more per kind of
    object a destination names (users, groups, queues...).
seealso:
  - name: Role wazo.confd.provider_interconnection
    description: Takes the returned providers as its provider_interconnection_providers.
    link: https://github.com/wazo-confd/wazo.confd/blob/main/roles/provider_interconnection/meta/argument_specs.yml
'''

EXAMPLES = r'''
- name: Read every provider interconnection of the tenant
  wazo.confd.wazo_interconnection_info:
    wazo_url: https://pbx.example.com
    wazo_token: "{{ wazo_token }}"
    wazo_tenant: acme
  register: wazo_interconnections

- name: Write them as a vars file of the role
  ansible.builtin.copy:
    content: "{{ {'provider_interconnection_providers': wazo_interconnections.providers} | to_nice_yaml }}"
    dest: providers.yml
    mode: "0600"

- name: Only two providers
  wazo.confd.wazo_interconnection_info:
    names: [voipco, backupsip]
  register: wazo_two_providers
'''

RETURN = r'''
providers:
  description:
    - The providers, each as an entry of the role's C(provider_interconnection_providers), in trunk order. Keys whose
      value is the role's default are left out (V(label) equal to the name, V(port) 5060, V(transport) udp,
      V(qualify_frequency) 60, V(register) true...), and so is V(password).
    - An outgoing route has V(trunks) only when they are not just its provider's trunk; a dial pattern or a DID has
      V(context) only when it is not the tenant's only context of its type.
  returned: always
  type: list
  elements: dict
  sample:
    - name: voipco
      label: VoIPCo SIP trunk
      host: sip.voipco.example
      username: "4185550100"
      outcalls:
        - name: national
          trunks: [voipco, backupsip]
          dial_patterns:
            - {pattern: _NXXNXXXXXX, prefix: "1", caller_id: '"Acme" <4185550100>'}
      incalls:
        - did: "5550100"
          destination: {type: user, user: Alice Smoke}
    - name: backupsip
      host: trunk.backupsip.example
      port: 5080
      register: false
api_generation:
  description: API generation of the server, V(legacy) (Wazo 20.12 and older) or V(current) (Wazo 20.13 and newer).
  returned: always
  type: str
  sample: current
api_requests:
  description: Number of HTTP requests the task sent to wazo-confd and wazo-auth.
  returned: always
  type: int
'''

from ansible_collections.wazo.confd.plugins.module_utils.adapters import get_adapter
from ansible_collections.wazo.confd.plugins.module_utils.destinations import friendly_destination, target_path
from ansible_collections.wazo.confd.plugins.module_utils.engine import WazoModule
from ansible_collections.wazo.confd.plugins.module_utils.extensions import tenant_contexts
from ansible_collections.wazo.confd.plugins.module_utils.interconnection import TASKS, providers_from_server

OUTCALL_FIELDS = ('name', 'description', 'internal_caller_id', 'ring_time', 'enabled', 'preprocess_subroutine')
PATTERN_FIELDS = ('exten', 'caller_id', 'strip_digits', 'prefix', 'external_prefix')
INCALL_FIELDS = ('caller_id_mode', 'caller_id_name', 'description', 'preprocess_subroutine', 'greeting_sound')


class Server(object):
    """What one read of the tenant holds, and its trunks with a SIP endpoint: (trunk, endpoint) in trunk order."""

    def __init__(self, module):
        self.module = module
        self.adapter = get_adapter(module)
        client = module.client
        module.doing('listing the trunks, SIP endpoints, outcalls and incalls of the tenant')
        self.trunks = client.list('/trunks')
        endpoints = dict((endpoint[self.adapter.sip_endpoint.id_field], endpoint)
                         for endpoint in client.list('/endpoints/sip'))
        self.outcalls = client.list('/outcalls')
        self.incalls = client.list('/incalls')
        self.contexts = tenant_contexts(module)
        self.extra = self.adapter.read_for_export()
        self.providers = [(trunk, endpoints[trunk['endpoint_sip'][self.adapter.sip_endpoint.id_field]])
                          for trunk in self.trunks if trunk.get('endpoint_sip')
                          and trunk['endpoint_sip'].get(self.adapter.sip_endpoint.id_field) in endpoints]
        self.trunk_names = dict((trunk['id'], endpoint['name']) for trunk, endpoint in self.providers)
        self._targets = {'/outcalls': self.outcalls}

    def context(self, name, context_type=None):
        return self.adapter.context_reference(self.contexts, name, context_type)

    def targets(self, path):
        """The objects of a destination's target collection, listed once."""
        if path not in self._targets:
            self.module.doing('listing %s' % path)
            self._targets[path] = self.module.client.list(path)
        return self._targets[path]


def outcall_arguments(server, outcall):
    names = []
    for trunk in outcall.get('trunks') or []:
        if trunk['id'] in server.trunk_names:
            names.append(server.trunk_names[trunk['id']])
        else:
            server.module.warn('outcall %r: trunk %s has no SIP endpoint and is left out of its trunks (wazo_outcall '
                               'names trunks by their SIP endpoint)' % (outcall['name'], trunk['id']))
    extensions = []
    for extension in outcall.get('extensions') or []:
        pattern = dict((field, extension.get(field)) for field in PATTERN_FIELDS)
        pattern['context'] = server.context(extension['context'], 'outcall')
        extensions.append(pattern)
    arguments = dict((field, outcall.get(field)) for field in OUTCALL_FIELDS)
    arguments.update(provider=names[0], trunks=names, extensions=extensions)
    return arguments


def incall_arguments(server, incall, provider):
    extension = incall['extensions'][0]
    arguments = dict((field, incall.get(field)) for field in INCALL_FIELDS)
    destination = incall.get('destination')
    if destination:
        path = target_path(destination)
        destination = friendly_destination(destination, server.targets(path) if path else [], server.context)
    arguments.update(provider=provider, exten=extension['exten'], context=server.context(extension['context'], 'incall'),
                     destination=destination)
    return arguments


def interconnections(module):
    server = Server(module)
    adapter = server.adapter
    wanted = module.params['names']
    arguments = dict((task, []) for task in TASKS)
    for trunk, endpoint in server.providers:
        if wanted is not None and endpoint['name'] not in wanted:
            continue
        arguments['sip_endpoints'].append(adapter.sip_endpoint_arguments(endpoint, server.extra))
        arguments['trunks'].append(dict(name=endpoint['name'], context=server.context(trunk.get('context'), 'incall'),
                                        outgoing_caller_id_format=trunk.get('outgoing_caller_id_format')))
        arguments['registrations'].append(adapter.registration_arguments(trunk, endpoint, server.extra))
    listed = set(item['name'] for item in arguments['sip_endpoints'])
    for outcall in server.outcalls:
        first = ((outcall.get('trunks') or [{}])[0]).get('id')
        if server.trunk_names.get(first) in listed:
            arguments['outcalls'].append(outcall_arguments(server, outcall))
    # the DIDs of a context go to the first provider whose trunk receives it (Wazo links no DID to a trunk)
    receiver = {}
    for trunk, endpoint in server.providers:
        receiver.setdefault(trunk.get('context'), endpoint['name'])
    for incall in server.incalls:
        provider = receiver.get(incall['extensions'][0]['context']) if incall.get('extensions') else None
        if provider in listed:
            arguments['incalls'].append(incall_arguments(server, incall, provider))
    module.exit_json(changed=False, providers=providers_from_server(arguments, adapter.generation),
                     api_generation=adapter.generation, api_requests=module.client.request_count)


def main():
    WazoModule(argument_spec=dict(names=dict(type='list', elements='str'))).run(interconnections)


if __name__ == '__main__':
    main()
