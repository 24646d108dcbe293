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

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.wazo.confd.plugins.module_utils.client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, ConfdError
from ansible_collections.wazo.confd.plugins.module_utils.secrets import MASK
from ansible_collections.wazo.confd.plugins.module_utils.connection import CONNECTION_ARGUMENT_SPEC, ConfdClient


def open_session(client, token_given, secrets):
    """state=present: create a token unless one was given, then detect the API generation with it."""
    result = dict(changed=False, token_created=False)
    if not token_given:
        client.login()
        # The client hands every token it obtains to on_secret: that is where the new one is read.
        result.update(changed=True, token_created=True, token=secrets[-1], tenant_uuid=client.token_tenant_uuid)
    try:
        result['api_generation'] = client.generation
    except ConfdError:
        if result['token_created']:
            # The caller gets no token to revoke when the task fails: this one goes now.
            client.close()
        raise
    result['wazo_version'] = client.wazo_version
    if token_given:
        # Revokes nothing but a token the client had to obtain itself (given token rejected, credentials known).
        client.close()
    return result


def close_session(module, client, token):
    """state=absent: revoke the given token; an unknown token is fine, a failure is a warning."""
    result = dict(changed=False, token_revoked=False)
    try:
        client.request('DELETE', '/token/%s' % token, service='auth')
    except ConfdError as error:
        if error.status != 404:
            module.warn('Could not revoke the wazo-auth token: %s' % client.scrub(error.describe()))
        return result
    finally:
        # A token the client had to obtain itself (the given one refused, credentials known) goes too.
        client.close()
    result.update(changed=True, token_revoked=True)
    return result


def main():
    argument_spec = dict(CONNECTION_ARGUMENT_SPEC)
    argument_spec.update(state=dict(type='str', default='present', choices=['present', 'absent']))
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_if=[('state', 'absent', ['wazo_token'])])
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)

    params = dict(module.params)
    token_given = params.get('wazo_token')
    if module.params['state'] == 'absent' and not token_given:
        module.fail_json(msg='wazo_token: required to revoke a token (state=absent), and empty')
    if module.params['state'] == 'absent' and not params.get('wazo_auth_url') and not params.get('wazo_url'):
        module.fail_json(msg='wazo_auth_url or wazo_url is required to revoke a token')
    secrets = []

    def warn(message):
        # The token to revoke is part of a request path, which the client's warnings (retries) may quote.
        for secret in [token_given] + secrets:
            if secret:
                message = message.replace(secret, MASK)
        module.warn(message)

    try:
        client = ConfdClient.from_params(params, warn=warn, on_secret=secrets.append)
    except ValueError as error:
        module.fail_json(msg=str(error))

    try:
        if module.params['state'] == 'present':
            result = open_session(client, token_given, secrets)
        else:
            result = close_session(module, client, token_given)
    except ConfdError as error:
        module.fail_json(msg=client.scrub(error.describe()), method=error.method, path=error.path,
                         status=error.status, messages=[client.scrub(m) for m in error.messages])
    module.exit_json(**result)


if __name__ == '__main__':
    main()
