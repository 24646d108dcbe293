# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Who the requests are from: the wazo-auth token and the tenant.

``AuthClient`` is the HTTP client (client.py) with a token: the one given, or one obtained from wazo-auth with
the credentials and revoked by ``close()``; a token refused in the middle of a task is replaced once by a new
login. The ``Wazo-Tenant`` header names the tenant of the task (a slug is looked up in wazo-auth once).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.wazo.confd.plugins.module_utils.client import (
    DEFAULT_RETRY_DELAYS, MASK, ConfdError, HttpClient, error_messages,
)

UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')
# Lifetime asked for a token obtained from credentials; it is revoked at the end of the task anyway.
TOKEN_EXPIRATION = 3600


def is_token_refused(response):
    """401; or, on current servers, the 500 an unknown token gets when a Wazo-Tenant header is sent."""
    if response.status_code == 401:
        return True
    return response.status_code == 500 and any('Invalid token' in m for m in error_messages(response))


class AuthClient(HttpClient):
    """An HttpClient whose requests carry the task's token and tenant.

    ``on_secret`` is called with every secret the client learns (a token from wazo-auth) so that the caller
    can censor it too.
    """

    def __init__(self, confd_url, auth_url=None, token=None, username=None, password=None, tenant=None,
                 validate_certs=True, ca_path=None, timeout=30, warn=None, on_secret=None,
                 retry_delays=DEFAULT_RETRY_DELAYS):
        super(AuthClient, self).__init__(confd_url, auth_url, validate_certs=validate_certs, ca_path=ca_path,
                                         timeout=timeout, warn=warn, retry_delays=retry_delays)
        self.username = username
        self._password = password
        self._token = token
        self._token_is_ours = False
        self._tenant = tenant
        self._tenant_uuid = tenant if tenant and UUID_RE.match(tenant) else None
        self.token_tenant_uuid = None
        self._on_secret = on_secret or (lambda secret: None)

    def _secrets(self):
        return (self._token, self._password)

    # ---- token ---------------------------------------------------------------------------------
    def _can_login(self):
        return bool(self.auth_url and self.username and self._password)

    def login(self):
        """Obtain a token from wazo-auth (HTTP basic auth). Never retried: each POST makes a new token."""
        response = self._send('POST', self.auth_url + '/token', '/token', retryable=False,
                              json={'expiration': TOKEN_EXPIRATION}, auth=(self.username, self._password))
        if response.status_code != 200:
            messages = [self.scrub(m) for m in error_messages(response)]
            if response.status_code == 401:
                messages.insert(0, 'wazo-auth refused the credentials: check wazo_username and wazo_password')
            raise ConfdError('POST', '/token', response.status_code, messages)
        data = response.json().get('data', {})
        self._token = data.get('token')
        if not self._token:
            raise ConfdError('POST', '/token', response.status_code, ['wazo-auth answered without a token'])
        self._token_is_ours = True
        self._on_secret(self._token)
        self.token_tenant_uuid = (data.get('metadata') or {}).get('tenant_uuid')

    def hand_over(self):
        """The token this client obtained, from now on the caller's to revoke: close() leaves it alone."""
        self._token_is_ours = False
        return self._token

    def revoke(self, token):
        """Revoke a token this client was given: True when revoked; False when wazo-auth does not know it, or, with
        a warning, when it could not be revoked (it expires by itself)."""
        try:
            self.request('DELETE', '/token/%s' % token, service='auth')
        except ConfdError as error:
            if error.status != 404:
                self._warn('Could not revoke the wazo-auth token: %s' % self.scrub(error.describe()))
            return False
        return True

    def close(self):
        """Revoke the token this client obtained (a given token is left alone), end the session. Never raises."""
        try:
            if self._token_is_ours and self._token:
                self._revoke()
        finally:
            super(AuthClient, self).close()

    def _revoke(self):
        """A failure is one line of warning: method, masked path, status and the server's messages (an answer
        that is not JSON, such as the HTML page of a wazo-auth without revocation, in a few words)."""
        token, self._token_is_ours = self._token, False
        shown_path = '/token/' + MASK
        try:
            response = self._send('DELETE', '%s/token/%s' % (self.auth_url, token), shown_path)
            if response.status_code >= 300:
                raise ConfdError('DELETE', shown_path, response.status_code,
                                 [self.scrub(m) for m in error_messages(response)])
        except ConfdError as error:
            self._warn('Could not revoke the wazo-auth token (it expires by itself in %s seconds): %s'
                       % (TOKEN_EXPIRATION, error.describe()))

    # ---- tenant --------------------------------------------------------------------------------
    def tenant_uuid(self):
        """The tenant of the task: wazo_tenant (a slug is resolved once), else the token's tenant if known."""
        if self._tenant and not self._tenant_uuid:
            self._tenant_uuid = self._resolve_tenant_slug(self._tenant)
        return self._tenant_uuid or self.token_tenant_uuid

    def _resolve_tenant_slug(self, slug):
        # Tenants and their slugs belong to wazo-auth; its list filters on the slug exactly.
        try:
            tenants = self.request('GET', '/tenants', params={'slug': slug}, service='auth')
        except ConfdError as error:
            raise ConfdError(error.method, error.path, error.status,
                             ['wazo_tenant: cannot look up the tenant slug %r' % slug] + error.messages)
        found = [t for t in (tenants or {}).get('items', []) if t.get('slug') == slug]
        if len(found) != 1:
            raise ConfdError('GET', '/tenants', 200, ['wazo_tenant: no tenant has the slug %r' % slug if not found
                                                      else 'wazo_tenant: several tenants have the slug %r' % slug])
        return found[0]['uuid']

    # ---- requests ------------------------------------------------------------------------------
    def _exchange(self, method, path, params=None, body=None, service='confd', headers=None):
        """The request with the token (obtained first if there is none) and, to confd, the Wazo-Tenant header.

        A refused token is answered by logging in again once, when credentials are available: confd
        refused the request before doing anything, so even a POST may then be sent again.
        """
        if not self._token:
            self.login()
        headers = dict(headers or {})
        if service == 'confd':
            tenant = self.tenant_uuid() if self._tenant else None
            if tenant:
                headers['Wazo-Tenant'] = tenant
        headers['X-Auth-Token'] = self._token
        response = super(AuthClient, self)._exchange(method, path, params, body, service, headers)
        if self._can_login() and is_token_refused(response):
            self._warn('%s %s: the token was refused (%s); logging in to wazo-auth again and retrying once'
                       % (method, path, response.status_code))
            self.login()
            headers['X-Auth-Token'] = self._token
            response = super(AuthClient, self)._exchange(method, path, params, body, service, headers)
        return response

    def _messages(self, response):
        messages = super(AuthClient, self)._messages(response)
        if is_token_refused(response):
            # confd's 401 body is an opaque echo of the token, the ACL and the tenant: explain it instead.
            messages.insert(0, self._refusal())
        return messages

    def _refusal(self):
        tenant = ('tenant %r' % self._tenant) if self._tenant else "the token's tenant"
        return ('the token was refused: it is unknown or expired (wazo_token, or the login of wazo_username), lacks '
                'the ACL of this request, or may not act in %s (wazo_tenant)' % tenant)
