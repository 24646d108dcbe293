#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: wazo_token
short_description: Open or close a wazo-auth session (token) for the tasks of a play
version_added: 0.1.0
description:
  - With O(state=present), logs in to wazo-auth once with O(wazo_username) and O(wazo_password) and returns the new
    token, so that the following tasks of the play use it (for example through C(module_defaults)) instead of each
    logging in and out by itself.
  - With O(state=present) and a token already given (O(wazo_token) or E(WAZO_TOKEN)), no token is created; the module
    only detects the API generation with it.
  - In both cases the module returns the API generation of the server (RV(api_generation)), detected once, that the
    following tasks can be given as O(api_generation) to save one request each.
  - With O(state=absent), revokes the token given as O(wazo_token).
author:
  - wazo.confd contributors (@wazo-confd)
extends_documentation_fragment:
  - wazo.confd.connection
attributes:
  check_mode:
    description: Can run in check mode.
    support: full
    details:
      - Logging in and revoking a token are done in check mode too. A token is a session, not PBX configuration,
        and the tasks that follow need a real token to compute what they would change.
  diff_mode:
    description: Does not return a diff; a token is a session, not PBX configuration.
    support: none
options:
  state:
    description:
      - V(present) opens a session (creates a token from O(wazo_username)/O(wazo_password)) unless a token is
        already given.
      - V(absent) revokes the token given as O(wazo_token). A token that is already unknown to wazo-auth is not an
        error. A revocation that fails is reported as a warning, never as a failed task, so that it can run in an
        C(always) section.
    type: str
    choices: [present, absent]
    default: present
notes:
  - B(The token returned is a secret.) Register the result of this module only in tasks that have C(no_log=true),
    and pass the token to later tasks only through the O(wazo_token) option of the collection's modules (which is
    C(no_log)), so that it never appears in the output.
  - The token obtained lives one hour (its wazo-auth expiration); revoke it at the end of the play with
    O(state=absent), typically in the C(always) section of a C(block).
  - When a task fails half way, its own login is revoked by the module that made it; a token returned by this module
    is not revoked by anything else than O(state=absent).
seealso:
  - name: Role wazo.confd.provider_interconnection
    description: Uses this module to open one session for the whole interconnection and to close it at the end.
    link: https://github.com/wazo-confd/wazo.confd/blob/main/roles/provider_interconnection/meta/argument_specs.yml
'''

EXAMPLES = r'''
- name: Configure Wazo with one login for the whole play
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Work with one token, always revoked at the end
      block:
        - name: Log in to wazo-auth
          wazo.confd.wazo_token:
            wazo_url: https://pbx.example.com
            wazo_username: "{{ vault_wazo_username }}"
            wazo_password: "{{ vault_wazo_password }}"
          register: wazo_session
          no_log: true

        - name: Create the trunk
          wazo.confd.wazo_trunk:
            wazo_url: https://pbx.example.com
            wazo_token: "{{ wazo_session.token }}"
            api_generation: "{{ wazo_session.api_generation }}"
            name: provider-x
      always:
        - name: Revoke the token
          wazo.confd.wazo_token:
            wazo_url: https://pbx.example.com
            wazo_token: "{{ wazo_session.token }}"
            state: absent
          when: wazo_session.token_created | default(false)
          no_log: true
'''

RETURN = r'''
token:
  description:
    - The token created by this task. B(A secret), see the notes.
    - When the token was given to the module (O(wazo_token) or E(WAZO_TOKEN)) it is not returned in clear; use the
      value you gave.
  returned: state is present and a token was created
  type: str
  sample: 9f2c1b7e-0000-4000-8000-000000000000
token_created:
  description: Whether this task created a token (that should be revoked with O(state=absent) later).
  returned: state is present
  type: bool
  sample: true
token_revoked:
  description: Whether the token was revoked (V(false) when wazo-auth did not know it, or the revocation failed).
  returned: state is absent
  type: bool
  sample: true
api_generation:
  description: API generation of the server, V(legacy) (Wazo 20.12 and older) or V(current) (Wazo 20.13 and newer).
  returned: state is present
  type: str
  sample: current
wazo_version:
  description: The C(wazo_version) the server announced; null when O(api_generation) was set (nothing was asked).
  returned: state is present
  type: str
  sample: '26.08'
tenant_uuid:
  description: Tenant of the token created, when wazo-auth told it.
  returned: state is present and a token was created
  type: str
  sample: a0000000-0000-4000-8000-000000000002
'''

from ansible_collections.wazo.confd.plugins.module_utils.module import WazoModule
from ansible_collections.wazo.confd.plugins.module_utils.resources import TOKEN
from ansible_collections.wazo.confd.plugins.module_utils.spec import WazoError


def session(module):
    client = module.client
    if module.params['state'] == 'absent':
        if not client.auth_url:
            raise WazoError('wazo_auth_url or wazo_url is required to revoke a token')
        revoked = client.revoke(module.params['wazo_token'])
        return module.exit_json(changed=revoked, token_revoked=revoked)
    created = not module.params['wazo_token']
    if created:
        client.login()
    result = dict(changed=created, token_created=created, api_generation=client.generation,
                  wazo_version=client.wazo_version)
    if created:
        # The session outlives the task: the caller revokes the token (state=absent), so it is returned as it is.
        token = client.hand_over()
        module.no_log_values.discard(token)
        result.update(token=token, tenant_uuid=client.token_tenant_uuid)
    module.exit_json(**result)


def main():
    WazoModule(TOKEN).run(session)


if __name__ == '__main__':
    main()
