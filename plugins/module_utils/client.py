# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""HTTP client for wazo-confd and wazo-auth.

One ``ConfdClient`` serves one task: one ``requests.Session``, one token (given, or obtained from
wazo-auth and revoked by ``close()``), the ``Wazo-Tenant`` header, TLS options, bounded retries of
requests that cannot have changed anything, generation detection and a request counter.
Every failure is a ``ConfdError``; no secret (password, token) ever appears in its text.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import time
import traceback

from ansible.module_utils.basic import env_fallback

from urllib.parse import urlsplit

from ansible_collections.wazo.confd.plugins.module_utils.secrets import MASK

try:
    import requests
    import urllib3
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()


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

LEGACY = 'legacy'
CURRENT = 'current'
# Wazo 20.13 replaced chan_sip endpoints and /registers/sip by PJSIP sections (confd CHANGELOG 20.13).
FIRST_CURRENT_VERSION = (20, 13)

UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')
ROUTE_NOT_FOUND = 'route not found on this server (wrong API generation?)'
RETRYABLE_METHODS = ('GET', 'PUT', 'DELETE')
RETRYABLE_STATUSES = (502, 503, 504)
# Seconds to wait before each retry: bounded, at most 3.5 s in all.
DEFAULT_RETRY_DELAYS = (0.5, 1.0, 2.0)
# Lifetime asked for a token obtained from credentials; it is revoked at the end of the task anyway.
TOKEN_EXPIRATION = 3600


class ConfdError(Exception):
    """A failed request: method, path (no query string), HTTP status (None when no answer) and messages."""

    def __init__(self, method, path, status, messages):
        self.method = method
        self.path = path
        self.status = status
        self.messages = list(messages)
        super(ConfdError, self).__init__(self.describe())

    def describe(self):
        outcome = 'got no answer' if self.status is None else 'returned %s' % self.status
        return '%s %s %s: %s' % (self.method, self.path, outcome, '; '.join(self.messages) or 'no message')


def parse_version(text):
    """'20.11' -> (20, 11); None when the text is not a YY.NN version."""
    match = re.match(r'^\s*(\d+)\.(\d+)', str(text or ''))
    return (int(match.group(1)), int(match.group(2))) if match else None


def error_messages(response):
    """The server's messages: confd errors are JSON arrays of strings, wazo-auth's {"reason": [...]},
    Flask's {"message": ...}; an HTML page is an unknown route."""
    try:
        body = response.json()
    except ValueError:
        if response.status_code == 404:
            return [ROUTE_NOT_FOUND]
        text = response.text.strip()
        return [text[:200]] if text else []
    if isinstance(body, list):
        return [str(item) for item in body]
    if isinstance(body, dict):
        for key in ('reason', 'message'):
            value = body.get(key)
            if value:
                return [str(item) for item in value] if isinstance(value, list) else [str(value)]
    return [str(body)]


def check_url(option, value):
    """ValueError naming option unless value (when set) is an absolute http(s) URL."""
    if not value:
        return
    parts = urlsplit(value)
    if parts.scheme.lower() not in ('http', 'https') or not parts.hostname:
        shown = repr(value) if '@' not in value else 'the URL given'  # never echo credentials in a URL
        raise ValueError('%s: %s is not an http:// or https:// URL with a host, for example https://pbx.example.com'
                         % (option, shown))


def _origin(url):
    parts = urlsplit(url)
    return '%s://%s' % (parts.scheme, parts.netloc.rsplit('@', 1)[-1])


def _quiet_insecure_request_warnings():
    # The module warns once itself; urllib3 would print its own warning on every request.
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)


def tls_failure(error):
    """The message of a failed TLS handshake: what failed and the options that fix it."""
    text = str(error)
    match = re.search(r"(?:hostname|IP address) mismatch(?:, certificate is not valid for '[^']*')?", text,
                      re.IGNORECASE)
    if match:
        return ('TLS certificate verification failed (%s): the server\'s certificate is not made for the host of the '
                'URL; use the name it was made for, or set validate_certs to false (insecure)'
                % match.group(0))
    match = re.search(r"certificate verify failed: ([^'\")(]+)", text)
    if match or 'CERTIFICATE_VERIFY_FAILED' in text:
        reason = match.group(1).strip(' ,.') if match else 'untrusted certificate'
        return ('TLS certificate verification failed (%s): give the CA certificate that signed the server\'s '
                'certificate with ca_path (or WAZO_CA_PATH), or set validate_certs to false (insecure)' % reason)
    return 'TLS handshake failed (%s)' % type(error).__name__


def is_token_refused(response):
    """401; or, on current servers, the 500 an unknown token gets when a Wazo-Tenant header is sent."""
    if response.status_code == 401:
        return True
    return response.status_code == 500 and any('Invalid token' in m for m in error_messages(response))


class ConfdClient(object):
    """Talks to one Wazo server for one task.

    ``warn`` is called with each warning (retries, failed revocation); ``on_secret`` with every secret
    the client learns (a token from wazo-auth) so that the caller can censor it too.
    """

    def __init__(self, confd_url, auth_url=None, token=None, username=None, password=None, tenant=None,
                 validate_certs=True, ca_path=None, timeout=30, api_generation='auto', warn=None,
                 on_secret=None, retry_delays=DEFAULT_RETRY_DELAYS):
        self.confd_url = confd_url.rstrip('/')
        self.auth_url = auth_url.rstrip('/') if auth_url else None
        self.username = username
        self._password = password
        self._token = token
        self._token_is_ours = False
        self._tenant = tenant
        self._tenant_uuid = tenant if tenant and UUID_RE.match(tenant) else None
        self.token_tenant_uuid = None
        self.timeout = timeout
        self.api_generation = api_generation or 'auto'
        self._generation = None
        self.wazo_version = None
        self._warn = warn or (lambda message: None)
        self._on_secret = on_secret or (lambda secret: None)
        self.retry_delays = tuple(retry_delays)
        self.request_count = 0
        self.session = requests.Session()
        self.session.headers.update({'Accept': 'application/json'})
        self.session.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        if not validate_certs:
            _quiet_insecure_request_warnings()
            tls_urls = [url for url in (self.confd_url, self.auth_url) if url and url.lower().startswith('https:')]
            if tls_urls:
                self._warn('validate_certs is false: the TLS certificate of %s is not checked, so nothing protects the '
                           'token and passwords sent there from a man in the middle; give the CA of the server with '
                           'ca_path instead' % ' and '.join(sorted(set(_origin(url) for url in tls_urls))))

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

    # ---- secrets -------------------------------------------------------------------------------
    def scrub(self, text):
        """Replace every secret this client knows by the mask (servers echo tokens in 401 bodies)."""
        text = str(text)
        for secret in (self._token, self._password):
            if secret:
                text = text.replace(secret, MASK)
        return text

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

    def _ensure_token(self):
        if not self._token:
            self.login()

    def close(self):
        """Revoke the token this client obtained (a given token is left alone). Never raises."""
        if not (self._token_is_ours and self._token):
            return
        token, self._token_is_ours = self._token, False
        try:
            response = self._send('DELETE', '%s/token/%s' % (self.auth_url, token), '/token/' + MASK)
            if response.status_code >= 300:
                self._warn('Could not revoke the wazo-auth token (DELETE /token/%s returned %s); it expires by itself '
                           'in %s seconds.' % (MASK, response.status_code, TOKEN_EXPIRATION))
        except ConfdError as error:
            self._warn('Could not revoke the wazo-auth token (%s); it expires by itself.' % error.describe())
        finally:
            self.session.close()

    # ---- tenant --------------------------------------------------------------------------------
    def tenant_uuid(self):
        """The tenant of the task: wazo_tenant (a slug is resolved once), else the token's tenant if known."""
        if self._tenant and not self._tenant_uuid:
            self._tenant_uuid = self._resolve_tenant_slug(self._tenant)
        return self._tenant_uuid or self.token_tenant_uuid

    def _refusal(self):
        tenant = ('tenant %r' % self._tenant) if self._tenant else "the token's tenant"
        return ('the token was refused: it is unknown or expired (wazo_token, or the login of wazo_username), lacks '
                'the ACL of this request, or may not act in %s (wazo_tenant)' % tenant)

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

    # ---- generation ----------------------------------------------------------------------------
    @property
    def generation(self):
        """'legacy' or 'current': the api_generation option, else GET /infos once."""
        if self._generation is None:
            if self.api_generation in (LEGACY, CURRENT):
                self._generation = self.api_generation
            else:
                infos = self.get('/infos')
                self.wazo_version = infos.get('wazo_version')
                version = parse_version(self.wazo_version)
                if version is None:
                    raise ConfdError('GET', '/infos', 200, ['cannot read wazo_version %r; set api_generation'
                                                            % self.wazo_version])
                self._generation = LEGACY if version < FIRST_CURRENT_VERSION else CURRENT
        return self._generation

    # ---- requests ------------------------------------------------------------------------------
    def get(self, path, params=None):
        return self.request('GET', path, params=params)

    def list(self, path, params=None):
        """Items of a confd list; the server filters (exact-match filters), nothing is paged through."""
        return (self.request('GET', path, params=params) or {}).get('items', [])

    def post(self, path, body=None):
        return self.request('POST', path, body={} if body is None else body)

    def put(self, path, body=None):
        return self.request('PUT', path, body={} if body is None else body)

    def delete(self, path):
        return self.request('DELETE', path)

    def request(self, method, path, params=None, body=None, service='confd'):
        """Send one API request; return the decoded JSON body (None when empty) or raise ConfdError.

        A refused token is answered by logging in again once, when credentials are available: confd
        refused the request before doing anything, so even a POST may then be sent again.
        A DELETE that was retried because its first attempt got no answer (or a 5xx) and that now finds
        nothing (404) was carried out by that first attempt: it is a success.
        """
        base = self.confd_url if service == 'confd' else self.auth_url
        self._ensure_token()
        headers = {}
        if service == 'confd':
            tenant = self.tenant_uuid() if self._tenant else None
            if tenant:
                headers['Wazo-Tenant'] = tenant
        for attempt in ('first', 'after new login'):
            headers['X-Auth-Token'] = self._token
            kwargs = dict(params=params, headers=headers)
            if method in ('POST', 'PUT'):
                kwargs['json'] = body
            response = self._send(method, base + path, path, retryable=method in RETRYABLE_METHODS, **kwargs)
            if attempt == 'first' and self._can_login() and is_token_refused(response):
                self._warn('%s %s: the token was refused (%s); logging in to wazo-auth again and retrying once'
                           % (method, path, response.status_code))
                self.login()
                continue
            break
        if method == 'DELETE' and response.status_code == 404 and getattr(response, 'wazo_retried', False):
            self._warn('DELETE %s: already gone when retried (an earlier attempt that got no answer had deleted it)'
                       % path)
            return None
        if response.status_code >= 400:
            messages = [self.scrub(m) for m in error_messages(response)]
            if is_token_refused(response):
                # confd's 401 body is an opaque echo of the token, the ACL and the tenant: explain it instead.
                messages.insert(0, self._refusal())
            raise ConfdError(method, self.scrub(path), response.status_code, messages)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ConfdError(method, path, response.status_code, ['the server did not answer JSON'])

    def _send(self, method, url, shown_path, retryable=True, **kwargs):
        """One HTTP exchange, retried with backoff when it provably changed nothing or is idempotent."""
        delays = self.retry_delays if retryable else ()
        attempt = 0
        while True:
            failure = None
            self.request_count += 1
            try:
                # verify is passed on each request: requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE override a
                # session's verify, which would silently drop ca_path and validate_certs=false.
                response = self.session.request(method, url, timeout=self.timeout, verify=self.session.verify,
                                                **kwargs)
            except requests.exceptions.SSLError as error:
                # Never retried: a certificate does not become valid by asking again.
                raise ConfdError(method, shown_path, None, [self.scrub(tls_failure(error))])
            except requests.exceptions.Timeout:
                failure = 'timed out after %s s' % self.timeout
            except requests.exceptions.RequestException as error:
                failure = 'connection failed (%s)' % self.scrub(type(error).__name__)
            else:
                response.wazo_retried = attempt > 0
                if response.status_code not in RETRYABLE_STATUSES:
                    return response
                if attempt >= len(delays):
                    return response
                failure = 'returned %s' % response.status_code
            if attempt >= len(delays):
                raise ConfdError(method, shown_path, None, [failure])
            self._warn('%s %s %s; retrying in %s s (retry %d of %d)'
                       % (method, shown_path, failure, delays[attempt], attempt + 1, len(delays)))
            time.sleep(delays[attempt])
            attempt += 1
