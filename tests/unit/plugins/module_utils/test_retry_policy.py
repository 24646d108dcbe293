# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The retry policy, against the confd simulator over HTTP.

* GET, PUT and DELETE are retried on 502, 503 and 504 and on a connection error or a timeout, after
  waiting the configured delays in turn (bounded), each retry with a warning naming the request;
* a POST is never sent twice: after a POST without answer (or with a 5xx) the engine looks the object up
  (by its identity, or as an orphan) and adopts it, else fails saying that a re-run finds it;
* a token refused in the middle of a task is replaced once by a new wazo-auth login when credentials are
  available (even for a POST: confd refused it before doing anything), with a warning;
* the warnings reach the module's result.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

import pytest

from ansible.module_utils.common import warnings as ansible_warnings

from ansible_collections.wazo.confd.plugins.module_utils import client as client_module
from ansible_collections.wazo.confd.plugins.module_utils.adapters import CURRENT_SIP_ENDPOINT
from ansible_collections.wazo.confd.plugins.module_utils.resources import TRUNK
from ansible_collections.wazo.confd.plugins.module_utils.client import DEFAULT_RETRY_DELAYS, ConfdError

NAME = 'retry-test'


class Clock(object):
    """Replaces the client's time module: records the waits instead of sleeping."""

    def __init__(self):
        self.waits = []

    def sleep(self, seconds):
        self.waits.append(seconds)


@pytest.fixture(autouse=True)
def _fresh_warnings():
    # Module warnings are process-global in ansible-core: each test sees only the warnings of its own runs.
    getattr(ansible_warnings, '_global_warnings', []).clear()


def settle(simulator, requests):
    """Wait until the simulator logged that many requests: a delayed request lands before the next test."""
    deadline = time.time() + 5
    while len(simulator.requests()) < requests and time.time() < deadline:
        time.sleep(0.05)


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(client_module, 'time', fake)
    return fake


def warned(result, text):
    # ansible-core >= 2.19 returns warnings as summaries; their text is in their repr either way
    return text in str(result.get('warnings'))


def log(simulator):
    return [(entry['method'], entry['path'], entry['status']) for entry in simulator.requests()]


def a_trunk(simulator):
    status, trunk = simulator.api('POST', '/trunks', {}, headers={'Wazo-Tenant': simulator.tenant})
    assert status == 201
    simulator.clear_requests()
    return trunk


FAULTS = [pytest.param(dict(status=502), id='502'), pytest.param(dict(status=503), id='503'),
          pytest.param(dict(drop=True), id='dropped')]


@pytest.mark.parametrize('fault', FAULTS)
@pytest.mark.parametrize('method', ['GET', 'PUT', 'DELETE'])
def test_safe_methods_are_retried_with_backoff_and_a_warning_each(
        current_sim, make_client, warnings, clock, method, fault):
    trunk = a_trunk(current_sim)
    path = '/trunks/%s' % trunk['id']
    client = make_client(current_sim, retry_delays=DEFAULT_RETRY_DELAYS)
    current_sim.fault(method=method, path='^/1.1' + path + '$', times=2, **fault)
    client.request(method, path, body={'twilio_incoming': True} if method == 'PUT' else None)
    failed = fault.get('status', 0)
    succeeded = 200 if method == 'GET' else 204
    assert log(current_sim) == [(method, '/1.1' + path, failed)] * 2 + [(method, '/1.1' + path, succeeded)]
    assert clock.waits == list(DEFAULT_RETRY_DELAYS[:2])
    assert len(warnings) == 2
    assert all(('%s %s' % (method, path)) in warning and 'retry' in warning for warning in warnings)


def test_the_delays_grow_and_the_retries_are_bounded(current_sim, make_client, warnings, clock):
    client = make_client(current_sim, retry_delays=DEFAULT_RETRY_DELAYS)
    current_sim.fault(method='GET', path='^/1.1/trunks', status=503, times=10)
    with pytest.raises(ConfdError) as raised:
        client.list('/trunks')
    assert raised.value.status == 503 and raised.value.path == '/trunks'
    assert clock.waits == list(DEFAULT_RETRY_DELAYS) and sorted(clock.waits) == clock.waits
    assert len(log(current_sim)) == len(DEFAULT_RETRY_DELAYS) + 1 and len(warnings) == len(DEFAULT_RETRY_DELAYS)


def test_a_timeout_is_retried_for_a_get(current_sim, make_client, warnings):
    client = make_client(current_sim, timeout=0.5, retry_delays=(0.01,))
    current_sim.fault(method='GET', path='^/1.1/trunks', delay=1.0)
    assert client.list('/trunks') == []
    assert len(warnings) == 1 and 'GET /trunks timed out' in warnings[0] and 'retry' in warnings[0]
    settle(current_sim, 2)


def test_500_is_not_retried(current_sim, make_client, warnings, clock):
    client = make_client(current_sim)
    current_sim.fault(method='GET', path='^/1.1/trunks', status=500)
    with pytest.raises(ConfdError) as raised:
        client.list('/trunks')
    assert raised.value.status == 500 and clock.waits == [] and warnings == []


def test_a_retried_delete_that_finds_nothing_was_done_by_the_first_attempt(current_sim, make_client, warnings):
    # The first DELETE gets no answer in time but is carried out; the retry then finds nothing: a success.
    trunk = a_trunk(current_sim)
    client = make_client(current_sim, timeout=0.4, retry_delays=(0.8,))
    current_sim.fault(method='DELETE', path='^/1.1/trunks/', delay=0.6)
    assert client.delete('/trunks/%s' % trunk['id']) is None
    assert [entry[2] for entry in log(current_sim)] == [204, 404]
    assert 'already gone' in warnings[-1]


@pytest.mark.parametrize('fault', [dict(status=503), dict(status=502), dict(drop=True)])
def test_a_post_is_sent_once_then_looked_up(current_sim, run_module, fault):
    current_sim.fault(method='POST', path='^/1.1/endpoints/sip$', **fault)

    def create(module):
        def lookup():
            return module.find_one('/endpoints/sip', {'name': NAME}, kind='SIP endpoint', label=NAME)
        endpoint = module.ensure(CURRENT_SIP_ENDPOINT, lookup(), {'name': NAME, 'label': NAME}, label=NAME,
                                 lookup=lookup)
        module.exit_resource('sip_endpoint', CURRENT_SIP_ENDPOINT, endpoint)

    result = run_module(current_sim, create)
    assert result['failed'] is True
    assert result['msg'].startswith("Failed creating SIP endpoint '%s': POST /endpoints/sip " % NAME)
    methods = [(method, path) for method, path, _status in log(current_sim)]
    assert methods == [('GET', '/1.1/endpoints/sip'), ('POST', '/1.1/endpoints/sip'), ('GET', '/1.1/endpoints/sip')]
    if fault.get('drop'):
        assert 'run the task again' in result['msg']

    current_sim.clear_requests()
    assert run_module(current_sim, create)['changed'] is True
    assert [entry[0] for entry in log(current_sim)].count('POST') == 1


def test_a_post_that_landed_without_answer_is_adopted_not_repeated(current_sim, run_module):
    # The POST times out but is carried out; the lookup (delayed until then) finds it: adopted, with a warning.
    current_sim.fault(method='POST', path='^/1.1/endpoints/sip$', delay=1.3)
    current_sim.fault(method='GET', path='^/1.1/endpoints/sip\\?', nth=2, delay=0.6)

    def create(module):
        def lookup():
            return module.find_one('/endpoints/sip', {'name': NAME}, kind='SIP endpoint', label=NAME)
        endpoint = module.ensure(CURRENT_SIP_ENDPOINT, lookup(), {'name': NAME, 'label': 'x'}, label=NAME,
                                 lookup=lookup)
        module.exit_resource('sip_endpoint', CURRENT_SIP_ENDPOINT, endpoint)

    result = run_module(current_sim, create, timeout=1)
    assert result['changed'] is True and result['sip_endpoint']['label'] == 'x'
    assert [entry[0] for entry in log(current_sim)].count('POST') == 1
    assert warned(result, "POST /endpoints/sip got no answer: timed out after 1 s; SIP endpoint '%s' exists "
                          "nevertheless and is used" % NAME)


def bound_trunk(module):
    """A trunk bound to the endpoint NAME the way wazo_trunk does it: create (or adopt an orphan), then bind."""
    endpoint = module.find_one('/endpoints/sip', {'name': NAME}, kind='SIP endpoint', label=NAME)
    plan = module.plan(TRUNK, None, {'twilio_incoming': False}, label=NAME)
    module.apply(plan)
    module.bind(plan, lambda trunk_id: module.link('/trunks/%s/endpoints/sip/%s' % (trunk_id, endpoint['uuid']),
                                                   linked=False, diff_key='endpoint_sip', after=NAME))
    module.exit_resource('trunk', TRUNK, plan.result, refresh=True)


def an_endpoint(simulator):
    status, endpoint = simulator.api('POST', '/endpoints/sip', {'name': NAME}, headers={'Wazo-Tenant': simulator.tenant})
    assert status == 201
    return endpoint


def test_an_orphan_left_by_an_interrupted_run_is_adopted(current_sim, run_module):
    # A previous run created the trunk, then its bind failed: the trunk is bound to nothing.
    an_endpoint(current_sim)
    orphan = a_trunk(current_sim)
    result = run_module(current_sim, bound_trunk)
    assert result['id'] == orphan['id'] and result['trunk']['endpoint_sip']['name'] == NAME
    assert [entry[0] for entry in log(current_sim)].count('POST') == 0
    assert warned(result, 'adopted trunk %s, which nothing is bound to' % orphan['id'])
    status, trunks = current_sim.api('GET', '/trunks')
    assert trunks['total'] == 1


def test_an_orphan_is_adopted_only_when_its_fields_are_the_desired_ones(current_sim, run_module):
    an_endpoint(current_sim)
    status, other = current_sim.api('POST', '/trunks', {'twilio_incoming': True},
                                    headers={'Wazo-Tenant': current_sim.tenant})
    assert status == 201
    result = run_module(current_sim, bound_trunk)
    assert result['id'] != other['id'] and not warned(result, 'adopted')
    assert [entry[:2] for entry in log(current_sim)].count(('POST', '/1.1/trunks')) == 2


def test_a_failed_post_of_an_orphan_kind_is_looked_up_as_an_orphan(current_sim, run_module):
    # The POST lands but its answer is lost (timeout); the orphan lookup, delayed until then, finds it.
    an_endpoint(current_sim)
    current_sim.clear_requests()
    current_sim.fault(method='POST', path='^/1.1/trunks$', delay=1.3)
    current_sim.fault(method='GET', path='^/1.1/trunks$', nth=2, delay=0.6)
    result = run_module(current_sim, bound_trunk, timeout=1)
    assert result['trunk']['endpoint_sip']['name'] == NAME
    assert [entry[0] for entry in log(current_sim)].count('POST') == 1
    status, trunks = current_sim.api('GET', '/trunks')
    assert trunks['total'] == 1


def test_an_adopted_orphan_bound_by_a_concurrent_run_is_replaced(current_sim, run_module):
    # Another run binds the orphan between this run's adoption and its bind: this run creates its own trunk.
    an_endpoint(current_sim)
    orphan = a_trunk(current_sim)
    status, other = current_sim.api('POST', '/endpoints/sip', {'name': 'concurrent'},
                                    headers={'Wazo-Tenant': current_sim.tenant})

    def steal_then_bind(module):
        endpoint = module.find_one('/endpoints/sip', {'name': NAME}, kind='SIP endpoint', label=NAME)
        plan = module.plan(TRUNK, None, {'twilio_incoming': False}, label=NAME)
        module.apply(plan)
        assert plan.fresh == 'adopted'
        current_sim.api('PUT', '/trunks/%s/endpoints/sip/%s' % (orphan['id'], other['uuid']))
        module.bind(plan, lambda trunk_id: module.link('/trunks/%s/endpoints/sip/%s' % (trunk_id, endpoint['uuid']),
                                                       linked=False, diff_key='endpoint_sip', after=NAME))
        module.exit_resource('trunk', TRUNK, plan.result, refresh=True)

    result = run_module(current_sim, steal_then_bind)
    assert result['id'] != orphan['id'] and result['trunk']['endpoint_sip']['name'] == NAME
    assert warned(result, 'trunk %s was bound by a concurrent run in the meantime; creating another' % orphan['id'])


@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_a_token_refused_mid_run_is_replaced_once(current_sim, make_client, warnings, method):
    secrets = []
    client = make_client(current_sim, token=None, username='admin', password='admin-secret', on_secret=secrets.append)
    client.get('/infos')  # logged in, token in use
    current_sim.clear_requests()
    current_sim.fault(method=method, path='^/1.1/trunks', status=401)
    if method == 'GET':
        client.list('/trunks')
    else:
        client.post('/trunks', {})
    assert log(current_sim) == [(method, '/1.1/trunks', 401), ('POST', '/0.1/token', 200),
                                (method, '/1.1/trunks', 200 if method == 'GET' else 201)]
    assert len(warnings) == 1 and 'refused' in warnings[0] and '%s /trunks' % method in warnings[0]
    assert all(secret not in warnings[0] for secret in secrets + ['admin-secret'])
    client.close()  # both tokens were ours: the second one is revoked
    assert log(current_sim)[-1][:2] == ('DELETE', '/0.1/token/' + secrets[-1])


def test_a_token_refused_without_credentials_fails(current_sim, make_client, warnings):
    client = make_client(current_sim)
    current_sim.fault(method='GET', path='^/1.1/trunks', status=401)
    with pytest.raises(ConfdError) as raised:
        client.list('/trunks')
    assert raised.value.status == 401 and warnings == []


def test_retry_warnings_reach_the_module_result(current_sim, run_module):
    current_sim.fault(method='GET', path='^/1.1/trunks', status=503)

    def read(module):
        module.exit_json(changed=False, trunks=module.client.list('/trunks'))

    started = time.time()
    result = run_module(current_sim, read)
    assert result['trunks'] == [] and time.time() - started >= DEFAULT_RETRY_DELAYS[0]
    assert warned(result, 'GET /trunks returned 503; retrying in %s s (retry 1 of 3)' % DEFAULT_RETRY_DELAYS[0])
