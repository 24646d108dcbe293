# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # The argument spec that matches these options is CONNECTION_ARGUMENT_SPEC in
    # plugins/module_utils/connection.py; keep both in step.
    DOCUMENTATION = r'''
options:
  wazo_url:
    description:
      - Base URL of the Wazo server, for example C(https://pbx.example.com).
      - wazo-confd is then reached at C({wazo_url}/api/confd/1.1) and wazo-auth at C({wazo_url}/api/auth/0.1),
        which is how nginx publishes them on a Wazo server.
      - Falls back to the E(WAZO_URL) environment variable.
      - Either O(wazo_url) or O(wazo_confd_url) is required.
    type: str
  wazo_confd_url:
    description:
      - Full base URL of the wazo-confd API including its version, for example C(http://127.0.0.1:9486/1.1).
      - Takes precedence over O(wazo_url) for confd. Useful on the PBX itself (direct ports) or against a test server.
      - Falls back to the E(WAZO_CONFD_URL) environment variable.
    type: str
  wazo_auth_url:
    description:
      - Full base URL of the wazo-auth API including its version, for example C(http://127.0.0.1:9497/0.1).
      - Takes precedence over O(wazo_url) for authentication. Only used to obtain and revoke a token from
        O(wazo_username) and O(wazo_password).
      - Falls back to the E(WAZO_AUTH_URL) environment variable.
    type: str
  wazo_username:
    description:
      - wazo-auth user name used to obtain a token when O(wazo_token) is not given.
      - The token obtained is revoked when the task ends.
      - Falls back to the E(WAZO_USERNAME) environment variable.
    type: str
  wazo_password:
    description:
      - Password of O(wazo_username).
      - Falls back to the E(WAZO_PASSWORD) environment variable.
    type: str
  wazo_token:
    description:
      - An existing wazo-auth token, sent as C(X-Auth-Token). Takes precedence over O(wazo_username)/O(wazo_password)
        for the first request; if the server rejects it as expired (401) and credentials are also given, a new token
        is obtained once.
      - A token given here is never revoked by the module.
      - Falls back to the E(WAZO_TOKEN) environment variable.
    type: str
  wazo_tenant:
    description:
      - Tenant to work in, sent as the C(Wazo-Tenant) header. Either the tenant UUID or its slug; a slug is resolved
        to its UUID with one request to wazo-auth.
      - When not set, the token's own tenant is used.
      - Falls back to the E(WAZO_TENANT) environment variable.
    type: str
  validate_certs:
    description:
      - Whether to check the server's TLS certificate. Wazo installs a self-signed certificate by default;
        prefer O(ca_path) over disabling this.
      - Falls back to the E(WAZO_VALIDATE_CERTS) environment variable.
    type: bool
    default: true
  ca_path:
    description:
      - Path to a PEM file of CA certificates used to check the server's certificate.
      - Falls back to the E(WAZO_CA_PATH) environment variable.
    type: path
  timeout:
    description:
      - Timeout in seconds of each HTTP request.
      - Falls back to the E(WAZO_TIMEOUT) environment variable.
    type: int
    default: 30
  api_generation:
    description:
      - Which wazo-confd API generation the server speaks.
      - V(legacy) is Wazo 20.12 and older (chan_sip endpoints, C(/registers/sip)); V(current) is Wazo 20.13 and newer
        (PJSIP sections, templates, transports).
      - V(auto) asks the server once per task (C(GET /infos), C(wazo_version) below 20.13 means V(legacy)).
        Setting it saves that request.
      - Falls back to the E(WAZO_API_GENERATION) environment variable.
    type: str
    choices: [auto, legacy, current]
    default: auto
notes:
  - Requests that cannot have changed anything (C(GET), C(PUT), C(DELETE)) are retried a few times with an exponential
    backoff on HTTP 502, 503, 504, timeouts and connection errors, each retry with a warning. A C(POST) is never
    repeated blindly; after a failed C(POST) the next run finds the object if it was created.
  - Secrets (O(wazo_password), O(wazo_token), tokens obtained from wazo-auth and the resources' passwords) never appear
    in results, diffs, warnings or error messages.
  - All the modules of this collection belong to the C(wazo.confd.wazo) action group, so the connection options can
    be set once with C(module_defaults).
requirements:
  - requests >= 2.25
'''
