# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ConfdClient against the confd simulator: auth, tenant, retries, errors, generation detection."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

import pytest

from ansible_collections.wazo.confd.plugins.module_utils.client import ROUTE_NOT_FOUND, ConfdError
from ansible_collections.wazo.confd.plugins.module_utils.secrets import MASK
from ansible_collections.wazo.confd.plugins.module_utils.connection import ConfdClient
from ansible_collections.wazo.confd.plugins.module_utils.generation import parse_version


def confd_log(simulator):
    return [(entry['method'], entry['path'], entry['status']) for entry in simulator.requests()]


def test_given_token_and_tenant_headers(current_sim, make_client):
    client = make_client(current_sim)
    assert client.list('/trunks') == []
    assert client.request_count == 1
    assert confd_log(current_sim) == [('GET', '/1.1/trunks', 200)]


def test_login_then_revoke_at_close(current_sim, make_client, warnings):
    secrets = []
    client = make_client(current_sim, token=None, username='admin', password='admin-secret', on_secret=secrets.append)
    client.get('/infos')
    token = secrets[0]
    assert client.token_tenant_uuid == current_sim.tenant
    client.close()
    log = current_sim.requests()
    assert [(entry['method'], entry['path']) for entry in log] == [
        ('POST', '/0.1/token'), ('GET', '/1.1/infos'), ('DELETE', '/0.1/token/' + token)]
    assert log[0]['body'] == {'expiration': 3600}
    assert warnings == []


def test_failed_revoke_is_a_warning_without_the_token(current_sim, make_client, warnings):
    secrets = []
    client = make_client(current_sim, token=None, username='admin', password='admin-secret', on_secret=secrets.append)
    client.get('/infos')
    current_sim.fault(method='DELETE', path='^/0.1/token/', status=405, times=5)
    client.close()
    assert len(warnings) == 1 and 'revoke' in warnings[0]
    assert secrets[0] not in warnings[0] and 'admin-secret' not in warnings[0]


def test_bad_credentials_fail_without_secrets(current_sim, make_client):
    client = make_client(current_sim, token=None, username='admin', password='wrong-password')
    with pytest.raises(ConfdError) as raised:
        client.get('/infos')
    assert raised.value.status == 401 and raised.value.path == '/token'
    assert 'wrong-password' not in str(raised.value)


def test_get_is_retried_on_503_with_a_warning_each(current_sim, make_client, warnings):
    client = make_client(current_sim)
    current_sim.fault(method='GET', path='^/1.1/trunks', status=503, times=2)
    assert client.list('/trunks') == []
    assert confd_log(current_sim) == [('GET', '/1.1/trunks', 503)] * 2 + [('GET', '/1.1/trunks', 200)]
    assert len(warnings) == 2 and all('retry' in warning for warning in warnings)


def test_retries_are_bounded(current_sim, make_client, warnings):
    client = make_client(current_sim)
    current_sim.fault(method='PUT', path='^/1.1/trunks', status=504, times=10)
    with pytest.raises(ConfdError) as raised:
        client.put('/trunks/1', {'twilio_incoming': True})
    assert raised.value.status == 504
    assert len(confd_log(current_sim)) == 4 and len(warnings) == 3


def test_dropped_connection_is_retried_for_delete(current_sim, make_client):
    client = make_client(current_sim)
    trunk = client.post('/trunks', {})
    current_sim.clear_requests()
    current_sim.fault(method='DELETE', path='^/1.1/trunks/', drop=True)
    client.delete('/trunks/%s' % trunk['id'])
    assert confd_log(current_sim) == [('DELETE', '/1.1/trunks/%s' % trunk['id'], 0),
                                      ('DELETE', '/1.1/trunks/%s' % trunk['id'], 204)]


@pytest.mark.parametrize('fault', [dict(status=503), dict(status=502), dict(drop=True)])
def test_post_is_never_repeated(current_sim, make_client, warnings, fault):
    client = make_client(current_sim)
    current_sim.fault(method='POST', path='^/1.1/trunks', **fault)
    with pytest.raises(ConfdError) as raised:
        client.post('/trunks', {})
    assert raised.value.method == 'POST'
    assert raised.value.status == fault.get('status')
    assert [entry for entry in confd_log(current_sim) if entry[0] == 'POST'] == [
        ('POST', '/1.1/trunks', fault.get('status', 0))]
    assert warnings == []


def test_timeout_is_a_confd_error_without_status(current_sim, make_client):
    client = make_client(current_sim, timeout=0.3, retry_delays=())
    current_sim.fault(method='GET', path='^/1.1/trunks', delay=0.6)
    with pytest.raises(ConfdError) as raised:
        client.list('/trunks')
    assert raised.value.status is None and 'timed out' in str(raised.value)
    time.sleep(0.5)  # let the delayed request finish, so that it is not logged in the next test


@pytest.mark.parametrize('tenant, refused_with', [(None, 401), ('a0000000-0000-4000-8000-000000000002', 500)])
def test_refused_token_logs_in_again_once_when_credentials_exist(current_sim, make_client, tenant, refused_with):
    # With a Wazo-Tenant header, a current server answers an unknown token with a 500 "Invalid token".
    client = make_client(current_sim, token='11111111-1111-4111-9111-111111111111', username='admin',
                         password='admin-secret', tenant=tenant)
    assert client.list('/trunks') == []
    assert confd_log(current_sim) == [('GET', '/1.1/trunks', refused_with), ('POST', '/0.1/token', 200),
                                      ('GET', '/1.1/trunks', 200)]


def test_refused_token_logs_in_again_only_once(current_sim, make_client):
    client = make_client(current_sim, token='11111111-1111-4111-9111-111111111111', username='admin',
                         password='admin-secret', tenant=None)
    current_sim.fault(method='GET', path='^/1.1/trunks', status=401, times=5)
    with pytest.raises(ConfdError) as raised:
        client.list('/trunks')
    assert raised.value.status == 401
    assert [entry[0] for entry in confd_log(current_sim)] == ['GET', 'POST', 'GET']


def test_401_without_credentials_masks_the_token(current_sim, make_client):
    bad_token = '11111111-1111-4111-9111-111111111111'
    client = make_client(current_sim, token=bad_token, tenant=None)
    with pytest.raises(ConfdError) as raised:
        client.list('/trunks')
    assert raised.value.status == 401
    assert bad_token not in str(raised.value) and MASK in str(raised.value)


def test_confd_error_carries_the_server_messages(confd_sim, make_client):
    client = make_client(confd_sim)
    with pytest.raises(ConfdError) as raised:
        client.get('/trunks/999999')
    error = raised.value
    assert (error.method, error.path, error.status) == ('GET', '/trunks/999999', 404)
    assert error.messages == ["Resource Not Found - Trunk was not found ('id': 999999)"]


def test_unknown_route_is_named_as_such(legacy_sim, make_client):
    client = make_client(legacy_sim)
    with pytest.raises(ConfdError) as raised:
        client.list('/endpoints/sip/templates')
    assert raised.value.status == 404 and raised.value.messages == [ROUTE_NOT_FOUND]


@pytest.mark.parametrize('version, generation', [('20.11', 'legacy'), ('20.12', 'legacy'), ('20.13', 'current'),
                                                 ('26.08', 'current'), ('9.5', 'legacy'), ('20.9', 'legacy')])
def test_versions_compare_as_numbers(version, generation):
    assert (parse_version(version) < (20, 13)) == (generation == 'legacy')


def test_generation_detected_once_from_infos(confd_sim, make_client):
    client = make_client(confd_sim, api_generation='auto')
    assert client.generation == confd_sim.generation
    assert client.generation == confd_sim.generation
    assert confd_log(confd_sim) == [('GET', '/1.1/infos', 200)]


def test_generation_option_saves_the_request(current_sim, make_client):
    client = make_client(current_sim, api_generation='legacy')
    assert client.generation == 'legacy'
    assert current_sim.requests() == []


def test_from_params_builds_urls_from_wazo_url():
    client = ConfdClient.from_params(dict(wazo_url='https://pbx.example.com/', wazo_token='t'))
    assert client.confd_url == 'https://pbx.example.com/api/confd/1.1'
    assert client.auth_url == 'https://pbx.example.com/api/auth/0.1'


@pytest.mark.parametrize('params, missing', [
    (dict(wazo_token='t'), 'wazo_url'),
    (dict(wazo_url='https://pbx'), 'wazo_token'),
    (dict(wazo_confd_url='http://127.0.0.1:9486/1.1', wazo_username='u', wazo_password='p'), 'wazo_auth_url'),
])
def test_from_params_says_what_is_missing(params, missing):
    with pytest.raises(ValueError) as raised:
        ConfdClient.from_params(params)
    assert missing in str(raised.value)


def test_ca_path_and_validate_certs():
    assert ConfdClient('https://x/1.1', token='t', ca_path='/etc/ca.pem').session.verify == '/etc/ca.pem'
    assert ConfdClient('https://x/1.1', token='t', validate_certs=False, ca_path='/etc/ca.pem').session.verify is False


def canned_tenants(simulator, items):
    # The simulator's wazo-auth has no tenant list: its fault injection serves wazo-auth's answer.
    simulator.fault(method='GET', path='^/0.1/tenants\\?slug=', status=200, body={'total': len(items), 'items': items})


def test_tenant_slug_is_resolved_once_and_only_when_needed(current_sim, make_client):
    canned_tenants(current_sim, [{'uuid': current_sim.tenant, 'slug': 'acme', 'name': 'ACME'}])
    client = make_client(current_sim, tenant='acme')
    assert current_sim.requests() == []
    assert client.list('/trunks') == [] and client.list('/trunks') == []
    assert [(entry['method'], entry['path'], entry['query']) for entry in current_sim.requests()] == [
        ('GET', '/0.1/tenants', 'slug=acme'), ('GET', '/1.1/trunks', ''), ('GET', '/1.1/trunks', '')]
    assert client.tenant_uuid() == current_sim.tenant


def test_unknown_tenant_slug_is_an_error_naming_the_option(current_sim, make_client):
    canned_tenants(current_sim, [{'uuid': current_sim.tenant, 'slug': 'acme-2'}])
    client = make_client(current_sim, tenant='acme')
    with pytest.raises(ConfdError) as raised:
        client.list('/trunks')
    assert "wazo_tenant: no tenant has the slug 'acme'" in str(raised.value)
    assert [entry['path'] for entry in current_sim.requests()] == ['/0.1/tenants']
