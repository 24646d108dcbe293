#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: wazo_trunk
short_description: Manage the SIP trunk of a VoIP provider on a Wazo PBX
version_added: 0.1.0
description:
  - Creates, updates or deletes a trunk through the wazo-confd API and binds it to its SIP endpoint.
  - A trunk has no name of its own in Wazo; it is identified by the O(name) of its SIP endpoint, which must exist
    (create it first with M(wazo.confd.wazo_sip_endpoint); check mode assumes an earlier task of the run does).
  - Works on both API generations (Wazo 20.12 and older, Wazo 20.13 and later).
author:
  - wazo.confd contributors (@wazo-confd)
extends_documentation_fragment:
  - wazo.confd.connection
  - wazo.confd.attributes
options:
  name:
    description:
      - Name of the trunk's SIP endpoint; identifies the trunk.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the trunk and binds the endpoint to it.
      - V(absent) deletes the trunk. The server then deletes its SIP endpoint too (and, on legacy servers, its SIP
        register), and removes the trunk from the outcalls that use it.
    type: str
    choices: [present, absent]
    default: present
  context:
    description:
      - Context of incoming calls, by name or, on current servers, by label.
      - When not set, a new trunk (or one without context) gets the tenant's incall context if the tenant has
        exactly one; with none or several the task fails and asks for this option. An existing context is kept.
    type: str
  outgoing_caller_id_format:
    description:
      - Format of the caller id sent on outgoing calls.
      - Wazo 24.15 and later only. Legacy servers (Wazo 20.12 and older) silently drop this field, so setting it
        there fails the task instead of pretending to succeed.
    type: str
    choices: ['+E164', E164, national]
  twilio_incoming:
    description:
      - Whether incoming calls come from Twilio.
    type: bool
'''

EXAMPLES = r'''
- name: Trunk of provider-x in the tenant's incall context
  wazo.confd.wazo_trunk:
    wazo_url: https://pbx.example.com
    wazo_token: "{{ wazo_token }}"
    wazo_tenant: acme
    name: provider-x
    outgoing_caller_id_format: national

- name: Trunk in a context chosen by label
  wazo.confd.wazo_trunk:
    name: provider-y
    context: from-extern

- name: Delete the trunk (and, through the server, its SIP endpoint)
  wazo.confd.wazo_trunk:
    name: provider-x
    state: absent
'''

RETURN = r'''
trunk:
  description:
    - The trunk as the server has it, including C(endpoint_sip) (and C(register_sip) on legacy servers).
    - V(null) after O(state=absent).
  returned: always
  type: dict
  sample: {"id": 12, "context": "from-extern", "twilio_incoming": false, "outgoing_caller_id_format": "+E164",
           "endpoint_sip": {"uuid": "1d3c2a1e-5b7d-4f2e-9a55-2f0e1c7d8b90", "name": "provider-x"}}
id:
  description: Id of the trunk (V(null) when it does not exist, or was just created in check mode).
  returned: always
  type: int
api_requests:
  description: Number of HTTP requests the task sent to wazo-confd and wazo-auth.
  returned: always
  type: int
'''

from ansible_collections.wazo.confd.plugins.module_utils.module import WazoModule
from ansible_collections.wazo.confd.plugins.module_utils.resources import TRUNK


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


def main():
    WazoModule(TRUNK).run(ensure_trunk)


if __name__ == '__main__':
    main()
