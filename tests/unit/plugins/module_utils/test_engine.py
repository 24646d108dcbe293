# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The resource engine against the confd simulator: find, plan/apply, check mode, diff, references,
associations and the failed-POST lookup."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

from ansible_collections.wazo.confd.plugins.module_utils.adapters import CURRENT_SIP_ENDPOINT
from ansible_collections.wazo.confd.plugins.module_utils.compare import same_multiset, same_uuids, same_value
from ansible_collections.wazo.confd.plugins.module_utils.lookups import CONTEXT
from ansible_collections.wazo.confd.plugins.module_utils.resources import TRUNK
from ansible_collections.wazo.confd.plugins.module_utils.secrets import MASK, mask_secrets
from ansible_collections.wazo.confd.plugins.module_utils.spec import Reference, Resource

NAME = 'engine-test'


def writes(simulator):
    return [(entry['method'], entry['path'], entry['body']) for entry in simulator.writes()]


def incall_context(simulator):
    status, body = simulator.api('GET', '/contexts?type=incall')
    assert status == 200
    return body['items'][0]


def find_endpoint(module):
    return module.find_one('/endpoints/sip', {'name': NAME}, kind='SIP endpoint', label=NAME)


def ensure_endpoint(desired):
    def run(module):
        current = find_endpoint(module)
        endpoint = module.ensure(CURRENT_SIP_ENDPOINT, current, dict(desired, name=NAME), label=NAME,
                                 lookup=lambda: find_endpoint(module))
        module.exit_resource('sip_endpoint', CURRENT_SIP_ENDPOINT, endpoint)
    return run


AUTH = [['username', 'alice'], ['password', 'pw-1']]


def test_create_then_noop_then_minimal_update(current_sim, run_module):
    result = run_module(current_sim, ensure_endpoint({'label': 'x', 'auth_section_options': AUTH}))
    assert result['changed'] is True
    assert writes(current_sim) == [('POST', '/1.1/endpoints/sip',
                                    {'name': NAME, 'label': 'x', 'auth_section_options': AUTH})]
    assert result['sip_endpoint']['auth_section_options'] == [['username', 'alice'], ['password', MASK]]
    assert result['diff']['before'] == {}
    assert result['diff']['after']['auth_section_options'] == [['username', 'alice'], ['password', MASK]]
    assert result['uuid'] == result['sip_endpoint']['uuid']

    current_sim.clear_requests()
    result = run_module(current_sim, ensure_endpoint({'label': 'x', 'auth_section_options': list(reversed(AUTH))}))
    assert result['changed'] is False and writes(current_sim) == []
    assert result['api_requests'] == 1 and len(current_sim.requests()) == 1

    current_sim.clear_requests()
    result = run_module(current_sim, ensure_endpoint({'label': 'y', 'auth_section_options': AUTH}))
    assert result['changed'] is True
    assert writes(current_sim) == [('PUT', '/1.1/endpoints/sip/' + result['uuid'], {'label': 'y'})]
    assert result['diff'] == {'before': {'label': 'x'}, 'after': {'label': 'y'}}


def test_secrets_from_the_server_are_masked_in_the_diff(current_sim, run_module):
    run_module(current_sim, ensure_endpoint({'auth_section_options': AUTH}))
    result = run_module(current_sim, ensure_endpoint({'auth_section_options': [['username', 'alice'],
                                                                               ['password', 'pw-2']]}))
    assert result['changed'] is True
    assert 'pw-1' not in str(result) and 'pw-2' not in str(result)
    assert result['diff']['before']['auth_section_options'] == [['username', 'alice'], ['password', MASK]]


def test_check_mode_predicts_changed_with_zero_writes(current_sim, run_module):
    current_sim.readonly(True)
    result = run_module(current_sim, ensure_endpoint({'label': 'x'}), check_mode=True)
    assert result['changed'] is True and result['uuid'] is None
    assert result['diff']['after'] == {'name': NAME, 'label': 'x'}
    current_sim.readonly(False)
    run_module(current_sim, ensure_endpoint({'label': 'x'}))
    current_sim.readonly(True)
    assert run_module(current_sim, ensure_endpoint({'label': 'x'}), check_mode=True)['changed'] is False
    assert run_module(current_sim, ensure_endpoint({'label': 'z'}), check_mode=True)['changed'] is True
    assert current_sim.readonly_status()['refused'] == 0


def ensure_trunk_with_context(context):
    def run(module):
        plan = module.plan(TRUNK, None, {'context': context}, label='t')
        module.apply(plan)
        module.exit_resource('trunk', TRUNK, plan.result)
    return run


def test_bad_reference_fails_naming_the_option_with_zero_writes(confd_sim, run_module):
    result = run_module(confd_sim, ensure_trunk_with_context('no-such-context'))
    assert result['failed'] is True
    assert result['msg'].startswith("context: no context") and 'no-such-context' in result['msg']
    assert writes(confd_sim) == []


def test_reference_is_resolved_once_per_task(confd_sim, run_module):
    calls = []

    def resolve(module, value):
        calls.append(value)
        return module.resolve('context', CONTEXT, value)

    cached = Reference('cached context', resolve)
    resource = Resource('trunk', '/trunks', fields=('context',), references={'context': cached})
    context = incall_context(confd_sim)['name']

    def run(module):
        first = module.plan(resource, None, {'context': context})
        second = module.plan(resource, None, {'context': context})
        module.exit_json(changed=False, contexts=[first.desired['context'], second.desired['context']])

    confd_sim.clear_requests()
    result = run_module(confd_sim, run)
    assert result['contexts'] == [context, context] and calls == [context]
    assert [entry['path'] for entry in confd_sim.requests()] == ['/1.1/contexts']


def test_reference_already_held_needs_no_request(confd_sim, run_module):
    context = incall_context(confd_sim)['name']

    def run(module):
        plan = module.plan(TRUNK, {'id': 1, 'context': context}, {'context': context})
        module.exit_json(changed=False, changes=plan.changes)

    confd_sim.clear_requests()
    assert run_module(confd_sim, run)['changes'] == {}
    assert confd_sim.requests() == []


def test_find_one_refuses_ambiguity_and_checks_matches_itself(legacy_sim, run_module):
    for name in ('dup-a', 'dup-b'):
        legacy_sim.api('POST', '/endpoints/sip', {'name': name, 'username': 'same-user'})

    def ambiguous(module):
        module.find_one('/endpoints/sip', {'type': 'friend'}, kind='SIP endpoint')

    result = run_module(legacy_sim, ambiguous)
    assert result['failed'] is True and '2 SIP endpoints match' in result['msg']

    def ignored_filter(module):
        # legacy servers ignore ?name=: the engine must not take an unrelated endpoint for it
        found = module.find_one('/endpoints/sip', {'name': 'dup-c'}, kind='SIP endpoint')
        module.exit_json(changed=False, found=found)

    assert run_module(legacy_sim, ignored_filter)['found'] is None


def test_post_without_answer_is_found_by_the_next_run(current_sim, run_module):
    current_sim.fault(method='POST', path='^/1.1/endpoints/sip$', delay=1.5)
    result = run_module(current_sim, ensure_endpoint({'label': 'x'}), timeout=1)
    assert result['failed'] is True and 'POST /endpoints/sip got no answer' in result['msg']
    time.sleep(1.0)  # the delayed POST lands
    current_sim.clear_requests()
    result = run_module(current_sim, ensure_endpoint({'label': 'x'}))
    assert result['changed'] is False and writes(current_sim) == []


def test_post_without_answer_is_looked_up_before_failing(current_sim, run_module):
    current_sim.fault(method='POST', path='^/1.1/endpoints/sip$', delay=1.3)
    current_sim.fault(method='GET', path='^/1.1/endpoints/sip\\?', nth=2, delay=0.6)
    result = run_module(current_sim, ensure_endpoint({'label': 'x'}), timeout=1)
    assert result['changed'] is True and result['sip_endpoint']['label'] == 'x'
    assert [write[0] for write in writes(current_sim)] == ['POST']
    assert 'exists nevertheless' in str(result['warnings'])


def test_link_and_delete(current_sim, run_module):
    run_module(current_sim, ensure_endpoint({}))

    def link(module):
        endpoint = find_endpoint(module)
        plan = module.plan(TRUNK, None, {'twilio_incoming': False}, label=NAME)
        module.apply(plan)
        module.link('/trunks/%s/endpoints/sip/%s' % (plan.id, endpoint['uuid']), linked=False,
                    diff_key='endpoint_sip', after=NAME)
        module.exit_resource('trunk', TRUNK, plan.result, refresh=True)

    result = run_module(current_sim, link)
    assert result['trunk']['endpoint_sip']['name'] == NAME
    assert result['diff']['after']['endpoint_sip'] == NAME

    def delete(module):
        trunk = module.client.get('/trunks/%s' % result['id'])
        module.delete(TRUNK, trunk, label=NAME)
        module.delete(TRUNK, None, label=NAME)
        module.exit_resource('trunk', TRUNK, None)

    deleted = run_module(current_sim, delete)
    assert deleted['changed'] is True and deleted['diff']['after'] == {}
    assert writes(current_sim)[-1] == ('DELETE', '/1.1/trunks/%s' % result['id'], None)


def test_ordered_association_in_check_mode(current_sim, run_module):
    def run(module):
        same = module.set_ordered('/outcalls/1/trunks', 'trunks', [1, 2], [1, 2], 'trunks')
        reordered = module.set_ordered('/outcalls/1/trunks', 'trunks', [2, 1], [1, 2], 'trunks')
        module.exit_json(changed=module.changed, results=[same, reordered],
                         diff=dict(before=module._before, after=module._after))

    result = run_module(current_sim, run, check_mode=True)
    assert result['results'] == [False, True]
    assert result['diff']['after']['trunks'] == [2, 1]
    assert current_sim.requests() == []


def test_comparisons():
    assert same_value(5060, '5060') and not same_value(True, 'True') and not same_value(None, '')
    assert same_multiset([['a', '1'], ['b', '2']], [('b', '2'), ('a', '1')])
    assert not same_multiset([['a', '1'], ['a', '1']], [['a', '1']])
    assert same_uuids([{'uuid': 'u1', 'label': 'global'}], [{'uuid': 'u1'}])
    assert not same_uuids([{'uuid': 'u1'}, {'uuid': 'u2'}], [{'uuid': 'u2'}, {'uuid': 'u1'}])


def test_mask_secrets_covers_fields_and_options():
    obj = {'secret': 's', 'auth_password': None, 'options': [['secret', 's'], ['nat', 'yes']],
           'auth_section_options': [['password', 'p']], 'name': 'x'}
    masked = mask_secrets(obj, ('secret', 'auth_password'))
    assert masked == {'secret': MASK, 'auth_password': None, 'options': [['secret', MASK], ['nat', 'yes']],
                      'auth_section_options': [['password', MASK]], 'name': 'x'}
    assert obj['secret'] == 's'
