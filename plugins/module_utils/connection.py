# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The connection to a Wazo server: its options and the client they make.

``CONNECTION_ARGUMENT_SPEC`` is the one source of the connection options and their ``WAZO_*`` environment
fallbacks (plugins/doc_fragments/connection.py documents them). ``ConfdClient.from_params`` checks them (URLs,
timeout, ca_path, credentials) and builds the client of one task: the HTTP exchange (client.py) with the token
and tenant (auth.py) and the API generation (generation.py).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.wazo.confd.plugins.module_utils.auth import AuthClient
from ansible_collections.wazo.confd.plugins.module_utils.client import DEFAULT_RETRY_DELAYS
from ansible_collections.wazo.confd.plugins.module_utils.generation import GenerationMixin

# The single source of the connection options; plugins/doc_fragments/connection.py documents them.
CONNECTION_ARGUMENT_SPEC = dict(
    wazo_url=dict(type='str', fallback=(env_fallback, ['WAZO_URL'])),
    wazo_confd_url=dict(type='str', fallback=(env_fallback, ['WAZO_CONFD_URL'])),
    wazo_auth_url=dict(type='str', fallback=(env_fallback, ['WAZO_AUTH_URL'])),
    wazo_username=dict(type='str', fallback=(env_fallback, ['WAZO_USERNAME'])),
    wazo_password=dict(type='str', no_log=True, fallback=(env_fallback, ['WAZO_PASSWORD'])),
    wazo_token=dict(type='str', no_log=True, fallback=(env_fallback, ['WAZO_TOKEN'])),
    wazo_tenant=dict(type='str', fallback=(env_fallback, ['WAZO_TENANT'])),
    validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['WAZO_VALIDATE_CERTS'])),
    ca_path=dict(type='path', fallback=(env_fallback, ['WAZO_CA_PATH'])),
    timeout=dict(type='int', default=30, fallback=(env_fallback, ['WAZO_TIMEOUT'])),
    api_generation=dict(type='str', default='auto', choices=['auto', 'legacy', 'current'],
                        fallback=(env_fallback, ['WAZO_API_GENERATION'])),
)


def check_url(option, value):
    """ValueError naming option unless value (when set) is an absolute http(s) URL."""
    if not value:
        return
    parts = urlsplit(value)
    if parts.scheme.lower() not in ('http', 'https') or not parts.hostname:
        shown = repr(value) if '@' not in value else 'the URL given'  # never echo credentials in a URL
        raise ValueError('%s: %s is not an http:// or https:// URL with a host, for example https://pbx.example.com'
                         % (option, shown))


class ConfdClient(GenerationMixin, AuthClient):
    """Talks to one Wazo server for one task: requests (HttpClient) with the token and tenant (AuthClient) and
    the API generation (GenerationMixin).

    ``warn`` is called with each warning (retries, failed revocation); ``on_secret`` with every secret
    the client learns (a token from wazo-auth) so that the caller can censor it too.
    """

    def __init__(self, confd_url, auth_url=None, token=None, username=None, password=None, tenant=None,
                 validate_certs=True, ca_path=None, timeout=30, api_generation='auto', warn=None,
                 on_secret=None, retry_delays=DEFAULT_RETRY_DELAYS):
        super(ConfdClient, self).__init__(confd_url, auth_url, token=token, username=username, password=password,
                                          tenant=tenant, validate_certs=validate_certs, ca_path=ca_path,
                                          timeout=timeout, warn=warn, on_secret=on_secret, retry_delays=retry_delays)
        self.api_generation = api_generation or 'auto'

    @classmethod
    def from_params(cls, params, warn=None, on_secret=None):
        """Build a client from the module parameters of CONNECTION_ARGUMENT_SPEC (ValueError if incomplete)."""
        wazo_url = (params.get('wazo_url') or '').rstrip('/')
        confd_url = params.get('wazo_confd_url') or (wazo_url + '/api/confd/1.1' if wazo_url else None)
        auth_url = params.get('wazo_auth_url') or (wazo_url + '/api/auth/0.1' if wazo_url else None)
        if not confd_url:
            raise ValueError('wazo_url or wazo_confd_url is required (or the WAZO_URL environment variable)')
        for option in ('wazo_url', 'wazo_confd_url', 'wazo_auth_url'):
            check_url(option, params.get(option))
        if params.get('timeout') is not None and params['timeout'] <= 0:
            raise ValueError('timeout: must be a number of seconds greater than 0, got %s' % params['timeout'])
        ca_path = params.get('ca_path')
        if ca_path and params.get('validate_certs', True) and not os.path.exists(ca_path):
            raise ValueError('ca_path: %s does not exist (a PEM file of CA certificates, or a directory of them)'
                             % ca_path)
        if not params.get('wazo_token'):
            if not (params.get('wazo_username') and params.get('wazo_password')):
                raise ValueError('wazo_token, or wazo_username and wazo_password, are required '
                                 '(or the WAZO_TOKEN, WAZO_USERNAME and WAZO_PASSWORD environment variables)')
            if not auth_url:
                raise ValueError('wazo_auth_url or wazo_url is required to log in with wazo_username')
        return cls(confd_url, auth_url, token=params.get('wazo_token'), username=params.get('wazo_username'),
                   password=params.get('wazo_password'), tenant=params.get('wazo_tenant'),
                   validate_certs=params.get('validate_certs', True), ca_path=params.get('ca_path'),
                   timeout=params.get('timeout') or 30, api_generation=params.get('api_generation'),
                   warn=warn, on_secret=on_secret)
