#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: wazo_register
short_description: Manage the SIP registration of a VoIP provider trunk on a Wazo PBX
version_added: 0.1.0
description:
  - Makes Wazo register to the provider on behalf of a trunk, found by the name of its SIP endpoint (O(trunk)).
  - On a legacy server (Wazo 20.12 and older) this is a C(/registers/sip) object associated with the trunk, updated
    in place.
  - On a current server (Wazo 20.13 and later) this is the C(registration_section_options) and
    C(registration_outbound_auth_section_options) of the trunk's SIP endpoint, with the mapping Wazo used in its 2020
    migration (C(client_uri), C(server_uri), C(expiration), C(contact_user), C(transport); outbound auth
    C(username)/C(password)), and the endpoint inherits the tenant's V(registration_trunk) template (retry timers)
    instead of V(global). Keys of those sections that this module does not set are left as they are.
author:
  - wazo.confd contributors (@wazo-confd)
extends_documentation_fragment:
  - wazo.confd.connection
  - wazo.confd.attributes
options:
  trunk:
    description:
      - Name of the SIP endpoint of the trunk (see M(wazo.confd.wazo_trunk)). The trunk must exist for
        O(state=present).
    type: str
    required: true
  state:
    description:
      - V(absent) removes the registration only; the trunk and its endpoint stay.
      - On legacy servers the register itself is deleted (dissociating it from the trunk is a no-op on those servers).
      - On current servers both registration sections are emptied and the endpoint's V(registration_trunk) template
        is replaced by V(global).
    type: str
    choices: [present, absent]
    default: present
  auth_username:
    description:
      - User name to authenticate with. Requires O(auth_password), unless the registration has a password already
        (it is then kept).
    type: str
  auth_password:
    description:
      - Password to authenticate with. Not set keeps the registration's password.
    type: str
  sip_username:
    description:
      - User part of the registered address (C(client_uri)). Defaults to O(auth_username); one of them is required for
        O(state=present).
    type: str
  remote_host:
    description:
      - Registrar host name or address. Required for O(state=present).
    type: str
  remote_port:
    description:
      - Registrar port, when not the default.
    type: int
  transport:
    description:
      - V(udp), V(tcp), V(tls), V(ws), V(wss) (Wazo's C(transport-<protocol>)) or the name of an existing SIP
        transport. The transport must exist on the server.
    type: str
  callback_extension:
    description:
      - Extension the provider calls back (contact user).
    type: str
  expiration:
    description:
      - Registration expiration, in seconds.
      - Not set, current servers get 120 (what Wazo's own migration writes), and a legacy register keeps what it has
        (a new one has none, and Asterisk's default of 120 applies).
    type: int
  enabled:
    description:
      - Whether the registration is active. Legacy servers only; on current servers V(false) fails (remove the
        registration with O(state=absent) instead).
    type: bool
'''

EXAMPLES = r'''
- name: Register provider-x's trunk
  wazo.confd.wazo_register:
    wazo_url: https://pbx.example.com
    wazo_token: "{{ wazo_token }}"
    trunk: provider-x
    auth_username: "123456"
    auth_password: "{{ vault_provider_secret }}"
    remote_host: sip.provider.example
    transport: udp

- name: Stop registering
  wazo.confd.wazo_register:
    trunk: provider-x
    state: absent
'''

RETURN = r'''
register:
  description:
    - The registration as the server has it, secrets masked.
    - Legacy servers, the C(/registers/sip) object (C(id), C(sip_username), C(auth_username), C(auth_password),
      C(remote_host), C(remote_port), C(transport), C(callback_extension), C(expiration), C(enabled), C(trunk)).
    - Current servers, the trunk's SIP endpoint (C(uuid), C(registration_section_options),
      C(registration_outbound_auth_section_options), C(templates), ...).
    - V(null) when there is no registration (after O(state=absent) on a legacy server, or without trunk).
  returned: always
  type: dict
  sample: {"id": 138, "sip_username": "123456", "auth_username": "123456", "auth_password": "********",
           "remote_host": "sip.provider.example", "remote_port": null, "transport": "transport-udp",
           "callback_extension": null, "expiration": 120, "enabled": true, "trunk": {"id": 12}}
id:
  description: Id of the SIP register (legacy servers).
  returned: on legacy servers
  type: int
uuid:
  description: UUID of the trunk's SIP endpoint that holds the registration (current servers).
  returned: on current servers
  type: str
api_requests:
  description: Number of HTTP requests the task sent to wazo-confd and wazo-auth.
  returned: always
  type: int
'''

from ansible_collections.wazo.confd.plugins.module_utils.module import WazoModule
from ansible_collections.wazo.confd.plugins.module_utils.resources import REGISTER


def ensure_register(module):
    resource, registration = module.adapter.ensure_registration(module.params)
    return module.exit_resource('register', resource, registration)


def main():
    WazoModule(REGISTER).run(ensure_register)


if __name__ == '__main__':
    main()
