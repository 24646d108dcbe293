# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An answer that is not JSON is never quoted in a warning or an error.

A wazo-auth that does not implement token revocation (Wazo's own test double) answers ``DELETE /0.1/token/<token>``
with 405 and Flask's HTML page. The failed revocation is one short line of warning: method, masked path, status and
the status in words; no markup, no page text, no token. Here a tiny wazo-auth on 127.0.0.1 answers so.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import threading

from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from ansible_collections.wazo.confd.plugins.module_utils.client import ConfdError
from ansible_collections.wazo.confd.plugins.module_utils.connection import ConfdClient
from ansible_collections.wazo.confd.plugins.modules import wazo_token

TOKEN = 'feedc0de-0000-4000-9000-00000000beef'
PASSWORD = 'admin-secret'
# What Flask (werkzeug) answers for a route without the method, as the test double of wazo-auth does.
HTML_405 = ('<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n'
            '<p>The method is not allowed for the requested URL.</p>\n')
SHORT_REASON = 'DELETE /token/******** returned 405: Method Not Allowed (an HTML page, not JSON)'


class TinyWazoAuth(BaseHTTPRequestHandler):
    """POST /0.1/token logs in; DELETE /0.1/token/<token> is a 405 HTML page; the rest is a JSON 404."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get('Content-Length') or 0))
        if self.path == '/0.1/token':
            self.reply(200, 'application/json', json.dumps({'data': {'token': TOKEN, 'metadata': {}}}))
        else:
            self.reply(404, 'application/json', json.dumps({'reason': ['not found']}))

    def do_DELETE(self):
        if self.path.startswith('/0.1/token/'):
            self.reply(405, 'text/html; charset=utf-8', HTML_405)
        else:
            self.reply(404, 'application/json', json.dumps({'reason': ['not found']}))

    def reply(self, status, content_type, text):
        body = text.encode('utf-8')
        self.server.log.append((self.command, self.path, status))
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass


@pytest.fixture
def wazo_auth():
    """The tiny wazo-auth, started for one test; ``.url`` is its base URL, ``.log`` its (method, path, status)."""
    server = HTTPServer(('127.0.0.1', 0), TinyWazoAuth)
    server.log = []
    server.url = 'http://127.0.0.1:%d' % server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def assert_one_short_line(text):
    assert '\n' not in text and len(text) <= 160, text
    assert '<' not in text and '>' not in text and 'requested URL' not in text, text
    assert TOKEN not in text and PASSWORD not in text, text


def test_failed_revocation_at_close_warns_in_one_short_line(wazo_auth):
    warnings = []
    client = ConfdClient(wazo_auth.url + '/1.1', wazo_auth.url + '/0.1', username='admin', password=PASSWORD,
                         timeout=5, warn=warnings.append)
    client.login()
    client.close()
    assert wazo_auth.log == [('POST', '/0.1/token', 200), ('DELETE', '/0.1/token/' + TOKEN, 405)]
    assert warnings == ['Could not revoke the wazo-auth token (it expires by itself in 3600 seconds): ' + SHORT_REASON]
    assert_one_short_line(warnings[0])


def test_html_error_answer_is_a_short_error(wazo_auth):
    client = ConfdClient(wazo_auth.url + '/1.1', wazo_auth.url + '/0.1', token=TOKEN, timeout=5)
    with pytest.raises(ConfdError) as raised:
        client.request('DELETE', '/token/%s' % TOKEN, service='auth')
    assert (raised.value.status, raised.value.messages) == (405, ['Method Not Allowed (an HTML page, not JSON)'])
    assert str(raised.value) == raised.value.describe() == SHORT_REASON
    assert_one_short_line(str(raised.value))


def warning_texts(result):
    """Strings before ansible-core 2.19, warning summaries (the text in event.msg) since."""
    return [item if isinstance(item, str) else item['event']['msg'] for item in result.get('warnings', [])]


def test_wazo_token_absent_warns_in_one_short_line(wazo_auth, capsys, with_module_args):
    args = dict(state='absent', wazo_token=TOKEN, wazo_confd_url=wazo_auth.url + '/1.1',
                wazo_auth_url=wazo_auth.url + '/0.1', timeout=5)
    capsys.readouterr()
    with with_module_args(args):
        with pytest.raises(SystemExit):
            wazo_token.main()
    result = json.loads(capsys.readouterr().out)
    assert wazo_auth.log == [('DELETE', '/0.1/token/' + TOKEN, 405)]
    assert not result.get('failed') and result['token_revoked'] is False
    assert warning_texts(result) == ['Could not revoke the wazo-auth token: ' + SHORT_REASON]
    assert_one_short_line(warning_texts(result)[0])
