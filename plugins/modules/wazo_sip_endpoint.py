#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: wazo_sip_endpoint
short_description: Manage the SIP endpoint of a VoIP provider trunk on a Wazo PBX
version_added: 0.1.0
description:
  - Creates, updates or deletes a SIP endpoint through the wazo-confd API, found by its O(name).
  - Speaks the provider's vocabulary (O(username), O(secret), O(host), O(port), O(type), chan_sip O(options)) on both
    API generations. A legacy server (Wazo 20.12 and older) gets it as is; on a current server (Wazo 20.13 and later)
    it is translated to PJSIP sections with the mapping Wazo itself used in its 2020 chan_sip to PJSIP migration
    (C(username)/C(secret) to the auth and outbound_auth sections, C(host)/C(port) to the aor C(contact),
    C(qualifyfreq) to aor C(qualify_frequency), C(fromdomain) to endpoint C(from_domain), C(nat) to
    C(rtp_symmetric)/C(force_rport)/C(rewrite_contact), C(dtmfmode), C(allow)/C(disallow), ...).
    Options without a PJSIP equivalent (C(type), C(qualify), C(context), ...) are ignored with a warning.
  - Native PJSIP sections, O(templates) and O(transport) are available on current servers only; asking for them
    on a legacy server fails without changing anything.
  - Options are merged key by key (see O(options_mode)), and compared regardless of order.
  - Bind the endpoint to a trunk with M(wazo.confd.wazo_trunk); its registration is managed by
    M(wazo.confd.wazo_register).
author:
  - wazo.confd contributors (@wazo-confd)
extends_documentation_fragment:
  - wazo.confd.connection
  - wazo.confd.attributes
options:
  name:
    description:
      - Name of the endpoint, unique on the server. Identifies the endpoint; the trunk is found by it too.
    type: str
    required: true
  state:
    description:
      - V(absent) deletes the endpoint (a trunk it was bound to stays, without endpoint).
    type: str
    choices: [present, absent]
    default: present
  label:
    description:
      - Display label (current servers). Defaults to O(name) when the endpoint is created.
      - Legacy endpoints have no label; it is ignored there with a warning.
    type: str
  username:
    description:
      - Account user name given by the provider (authentication, and the user part of the contact).
    type: str
  secret:
    description:
      - Account password given by the provider.
    type: str
  host:
    description:
      - Provider host name or address, or V(dynamic) for a peer that registers to Wazo.
    type: str
  port:
    description:
      - Provider SIP port (5060 when not set). Requires O(host).
    type: int
  type:
    description:
      - chan_sip peer type. Legacy servers only; a current server has no equivalent (ignored with a warning).
    type: str
    choices: [peer, friend, user]
  options:
    description:
      - chan_sip options such as C(qualify), C(qualifyfreq), C(nat), C(fromdomain), C(fromuser), C(dtmfmode),
        C(allow), C(disallow), C(transport).
      - Either a list of C([key, value]) pairs or a mapping (a list value repeats the key).
      - Translated to PJSIP sections on current servers; explicit O(endpoint_section_options) and the other native
        sections win over the translation for the same key.
    type: raw
  options_mode:
    description:
      - V(merge) sets the keys stated in O(options) and in each section, and leaves the other keys as they are.
      - V(exact) makes O(options) (legacy servers), or each of the aor, auth, endpoint, identify and outbound_auth
        sections (current servers), exactly what is stated, removing other keys. Legacy servers always add C(amaflags),
        C(call-limit) and C(subscribemwi); they are not counted as differences. The registration sections are
        always merged (they belong to M(wazo.confd.wazo_register)).
    type: str
    choices: [merge, exact]
    default: merge
  endpoint_section_options:
    description: PJSIP endpoint section options, C([key, value]) pairs or a mapping. Current servers only.
    type: raw
  aor_section_options:
    description: PJSIP aor section options, C([key, value]) pairs or a mapping. Current servers only.
    type: raw
  auth_section_options:
    description: PJSIP inbound auth section options, C([key, value]) pairs or a mapping. Current servers only.
    type: raw
  outbound_auth_section_options:
    description: PJSIP outbound auth section options, C([key, value]) pairs or a mapping. Current servers only.
    type: raw
  identify_section_options:
    description:
      - PJSIP identify section options, C([key, value]) pairs or a mapping, for example C(match) with the provider's
        addresses so that its calls are recognised without authentication. Current servers only.
    type: raw
  templates:
    description:
      - Labels of the SIP templates the endpoint inherits from, in order. Current servers only.
      - When not set, a new endpoint gets the tenant's V(global) template (transport, codecs, timers) and an existing
        endpoint keeps its templates. M(wazo.confd.wazo_register) swaps V(global) for V(registration_trunk); leave
        this unset, or include V(registration_trunk), on a registered trunk.
    type: list
    elements: str
  transport:
    description:
      - Name of the SIP transport, or V(udp), V(tcp), V(tls), V(ws), V(wss) for Wazo's C(transport-<protocol>).
        Current servers only; when not set the template's transport applies.
    type: str
'''

EXAMPLES = r'''
- name: Provider endpoint, written once for both Wazo generations
  wazo.confd.wazo_sip_endpoint:
    wazo_url: https://pbx.example.com
    wazo_username: admin
    wazo_password: "{{ vault_wazo_password }}"
    name: provider-x
    username: "123456"
    secret: "{{ vault_provider_secret }}"
    host: sip.provider.example
    type: peer
    options:
      qualifyfreq: 60
      fromdomain: sip.provider.example
      nat: force_rport,comedia

- name: Native PJSIP options on a current server
  wazo.confd.wazo_sip_endpoint:
    name: provider-x
    transport: udp
    identify_section_options:
      - [match, 203.0.113.10]
      - [match, 203.0.113.11]
    options_mode: exact

- name: Remove the endpoint
  wazo.confd.wazo_sip_endpoint:
    name: provider-x
    state: absent
'''

RETURN = r'''
sip_endpoint:
  description:
    - The endpoint as the server has it, secrets masked (C(secret) and C(password) options read C(********)).
    - Legacy servers return C(id), C(name), C(username), C(secret), C(type), C(host), C(options); current servers
      C(uuid), C(name), C(label), the C(*_section_options) lists, C(templates) and C(transport).
    - V(null) after O(state=absent).
  returned: always
  type: dict
  sample: {"uuid": "1d3c2a1e-5b7d-4f2e-9a55-2f0e1c7d8b90", "name": "provider-x", "label": "provider-x",
           "auth_section_options": [["username", "123456"], ["password", "********"]]}
id:
  description: Integer id of the endpoint (legacy servers).
  returned: on legacy servers
  type: int
uuid:
  description: UUID of the endpoint (current servers).
  returned: on current servers
  type: str
api_requests:
  description: Number of HTTP requests the task sent to wazo-confd and wazo-auth.
  returned: always
  type: int
'''

from ansible_collections.wazo.confd.plugins.module_utils.module import WazoModule
from ansible_collections.wazo.confd.plugins.module_utils.resources import SIP_ENDPOINT


def ensure_sip_endpoint(module):
    adapter, name = module.adapter, module.params['name']
    current = adapter.find_sip_endpoint(name)
    if module.params['state'] == 'absent':
        module.delete(adapter.sip_endpoint, current, label=name)
        return module.exit_resource('sip_endpoint', adapter.sip_endpoint, None)
    endpoint = module.ensure(adapter.sip_endpoint, current, adapter.sip_endpoint_desired(module.params, current),
                             label=name, lookup=lambda: adapter.find_sip_endpoint(name, refresh=True))
    return module.exit_resource('sip_endpoint', adapter.sip_endpoint, endpoint)


def main():
    WazoModule(SIP_ENDPOINT).run(ensure_sip_endpoint)


if __name__ == '__main__':
    main()
