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

from ansible_collections.wazo.confd.plugins.module_utils.interconnection import providers_from_server
from ansible_collections.wazo.confd.plugins.module_utils.module import WazoModule
from ansible_collections.wazo.confd.plugins.module_utils.readback import read_arguments
from ansible_collections.wazo.confd.plugins.module_utils.spec import Option, Resource

INTERCONNECTIONS = Resource('interconnections', None, dict(names=Option(type='list', elements='str')))


def interconnections(module):
    arguments = read_arguments(module, module.params['names'])
    generation = module.client.generation
    module.exit_json(changed=False, providers=providers_from_server(arguments, generation), api_generation=generation,
                     api_requests=module.client.request_count)


def main():
    WazoModule(INTERCONNECTIONS).run(interconnections)


if __name__ == '__main__':
    main()
