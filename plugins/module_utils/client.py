# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The HTTP exchange with wazo-confd and wazo-auth.

``HttpClient`` is one ``requests.Session`` for one task: the base URLs, TLS options (and what to say when a
handshake fails), the timeout, bounded retries with backoff of the requests that cannot have changed anything,
a request counter and the scrub of secrets from every text it makes. Every failure is a ``ConfdError``.
The token and the tenant that requests carry are auth.py's; connection.py puts the whole client together.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import time
import traceback

from http.client import responses as HTTP_REASONS
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


ROUTE_NOT_FOUND = 'route not found on this server (wrong API generation?)'
RETRYABLE_METHODS = ('GET', 'PUT', 'DELETE')
RETRYABLE_STATUSES = (502, 503, 504)
# Seconds to wait before each retry: bounded, at most 3.5 s in all.
DEFAULT_RETRY_DELAYS = (0.5, 1.0, 2.0)


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


def error_messages(response):
    """The server's messages: confd errors are JSON arrays of strings, wazo-auth's {"reason": [...]},
    Flask's {"message": ...}. A body that is not JSON is never quoted: a 404 is an unknown route, anything
    else is said in a few words (_not_json)."""
    try:
        body = response.json()
    except ValueError:
        if response.status_code == 404:
            return [ROUTE_NOT_FOUND]
        return [_not_json(response)] if response.text.strip() else []
    if isinstance(body, list):
        return [str(item) for item in body]
    if isinstance(body, dict):
        for key in ('reason', 'message'):
            value = body.get(key)
            if value:
                return [str(item) for item in value] if isinstance(value, list) else [str(value)]
    return [str(body)]


def _not_json(response):
    """A few words for an answer that is not JSON: the name of its status, and whether it is an HTML page (of
    Flask, nginx, a proxy...). Its body would put a page of markup, or anything, into a one-line message."""
    html = 'html' in response.headers.get('Content-Type', '').lower() or response.text.lstrip().startswith('<')
    kind = 'an HTML page, not JSON' if html else 'not JSON'
    reason = HTTP_REASONS.get(response.status_code)
    return '%s (%s)' % (reason, kind) if reason else kind


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


def _origin(url):
    parts = urlsplit(url)
    return '%s://%s' % (parts.scheme, parts.netloc.rsplit('@', 1)[-1])


def _quiet_insecure_request_warnings():
    # The module warns once itself; urllib3 would print its own warning on every request.
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)


class HttpClient(object):
    """Sends the requests of one task to wazo-confd (``service='confd'``) and wazo-auth (``service='auth'``).

    ``warn`` is called with each warning (retries, validate_certs=false).
    """

    def __init__(self, confd_url, auth_url=None, validate_certs=True, ca_path=None, timeout=30, warn=None,
                 retry_delays=DEFAULT_RETRY_DELAYS):
        self.confd_url = confd_url.rstrip('/')
        self.auth_url = auth_url.rstrip('/') if auth_url else None
        self.timeout = timeout
        self._warn = warn or (lambda message: None)
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

    # ---- secrets -------------------------------------------------------------------------------
    def _secrets(self):
        """The secrets scrub() masks: none here; auth.py adds the token and the password."""
        return ()

    def scrub(self, text):
        """Replace every secret this client knows by the mask (servers echo tokens in 401 bodies)."""
        text = str(text)
        for secret in self._secrets():
            if secret:
                text = text.replace(secret, MASK)
        return text

    def close(self):
        """End the HTTP session of the task."""
        self.session.close()

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

        A DELETE that was retried because its first attempt got no answer (or a 5xx) and that now finds
        nothing (404) was carried out by that first attempt: it is a success.
        """
        response = self._exchange(method, path, params=params, body=body, service=service)
        if method == 'DELETE' and response.status_code == 404 and getattr(response, 'wazo_retried', False):
            self._warn('DELETE %s: already gone when retried (an earlier attempt that got no answer had deleted it)'
                       % path)
            return None
        if response.status_code >= 400:
            raise ConfdError(method, self.scrub(path), response.status_code, self._messages(response))
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ConfdError(method, self.scrub(path), response.status_code, ['the server did not answer JSON'])

    def _exchange(self, method, path, params=None, body=None, service='confd', headers=None):
        """Send one API request as _send allows; the response, whatever its status."""
        base = self.confd_url if service == 'confd' else self.auth_url
        kwargs = dict(params=params, headers=dict(headers or {}))
        if method in ('POST', 'PUT'):
            kwargs['json'] = body
        return self._send(method, base + path, path, retryable=method in RETRYABLE_METHODS, **kwargs)

    def _messages(self, response):
        """The messages of an error answer, scrubbed."""
        return [self.scrub(message) for message in error_messages(response)]

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
