# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Generation adapters: chan_sip -> PJSIP translation, option merging and comparison, lookups."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.wazo.confd.plugins.module_utils.adapters import LegacyAdapter, _swap_template
from ansible_collections.wazo.confd.plugins.module_utils.compare import same_multiset
from ansible_collections.wazo.confd.plugins.module_utils.pjsip import (
    chan_sip_to_pjsip, merge_options, option_pairs, pjsip_to_chan_sip, same_legacy_options, transport_name,
    transport_protocol,
)
from ansible_collections.wazo.confd.plugins.module_utils.resources import SIP_ENDPOINT
from ansible_collections.wazo.confd.plugins.module_utils.spec import WazoError


def sections_of(**kwargs):
    sections, transport, ignored = chan_sip_to_pjsip(**kwargs)
    return dict((name, pairs) for name, pairs in sections.items() if pairs), transport, ignored


def test_provider_peer_translation():
    sections, transport, ignored = sections_of(
        username='123456', secret='pw', host='sip.provider.example', port=5080,
        options=[['qualify', 'yes'], ['qualifyfreq', '60'], ['fromdomain', 'sip.provider.example'],
                 ['fromuser', '123456'], ['dtmfmode', 'rfc2833'], ['disallow', 'all'], ['allow', 'alaw,ulaw'],
                 ['transport', 'udp'], ['language', 'fr_FR']])
    assert sections == {
        'auth_section_options': [['username', '123456'], ['password', 'pw']],
        'outbound_auth_section_options': [['username', '123456'], ['password', 'pw']],
        'aor_section_options': [['contact', 'sip:123456@sip.provider.example:5080'], ['qualify_frequency', '60']],
        'endpoint_section_options': [['allow', '!all,alaw,ulaw'], ['from_domain', 'sip.provider.example'],
                                     ['from_user', '123456'], ['dtmf_mode', 'rfc4733'], ['language', 'fr_FR']],
    }
    assert transport == 'transport-udp'
    assert ignored == ['qualify']


@pytest.mark.parametrize('nat, expected', [
    ('yes', [['rewrite_contact', 'yes'], ['rtp_symmetric', 'yes']]),
    ('comedia', [['rtp_symmetric', 'yes']]),
    ('force_rport', [['force_rport', 'yes'], ['rewrite_contact', 'yes']]),
    ('force_rport,comedia', [['force_rport', 'yes'], ['rewrite_contact', 'yes'], ['rtp_symmetric', 'yes']]),
    ('no', []),
])
def test_nat_parts(nat, expected):
    sections, transport, ignored = chan_sip_to_pjsip(options=[['nat', nat]])
    assert sections['endpoint_section_options'] == expected and ignored == [] and transport is None


def test_unmappable_values_are_reported():
    ignored = chan_sip_to_pjsip(options=[['nat', 'auto_force_rport'], ['dtmfmode', 'auto'], ['type', 'peer'],
                                         ['context', 'from-extern'], ['call-limit', '10']])[2]
    assert ignored == ['nat=auto_force_rport', 'dtmfmode=auto', 'type', 'context', 'call-limit']


def test_dynamic_host_insecure_and_custom_sections():
    sections = sections_of(username='u', secret='p', host='dynamic',
                           options=[['insecure', 'invite'], ['match_header', 'X-Provider: x'],
                                    ['forbidden_retry_interval', '60'], ['directmedia', 'nonat'],
                                    ['sendrpid', 'pai'], ['encryption', 'yes'], ['session-timers', 'accept']])[0]
    assert 'auth_section_options' not in sections
    assert sections['outbound_auth_section_options'] == [['username', 'u'], ['password', 'p']]
    assert sections['aor_section_options'] == [['max_contacts', '1'], ['remove_existing', 'yes']]
    assert sections['identify_section_options'] == [['match_header', 'X-Provider: x']]
    assert sections['registration_section_options'] == [['forbidden_retry_interval', '60']]
    assert sections['endpoint_section_options'] == [['disable_directed_media_on_nat', 'yes'], ['send_pai', 'yes'],
                                                    ['media_encryption', 'sdes'], ['timers', 'accept']]


def test_contact_without_username_and_default_port():
    sections = sections_of(host='203.0.113.5')[0]
    assert sections['aor_section_options'] == [['contact', 'sip:203.0.113.5:5060']]


def test_option_pairs_accepts_lists_and_mappings():
    assert option_pairs([['qualify', 'yes'], ('qualifyfreq', 60)], 'options') == [
        ['qualify', 'yes'], ['qualifyfreq', '60']]
    assert option_pairs({'qualify': True, 'setvar': ['A=1', 'B=2'], 'nat': False}, 'options') == [
        ['qualify', 'yes'], ['setvar', 'A=1'], ['setvar', 'B=2'], ['nat', 'no']]
    assert option_pairs([{'match': '203.0.113.1'}], 'identify_section_options') == [['match', '203.0.113.1']]
    assert option_pairs(None, 'options') == []


@pytest.mark.parametrize('value', ['qualify=yes', [['qualify']], [['a', 'b', 'c']], [[['a'], 'b']]])
def test_option_pairs_rejects_other_shapes_naming_the_option(value):
    with pytest.raises(WazoError) as raised:
        option_pairs(value, 'aor_section_options')
    assert str(raised.value).startswith('aor_section_options: ')


def test_merge_replaces_stated_keys_and_keeps_the_others():
    current = [['nat', 'no'], ['setvar', 'A=1'], ['setvar', 'B=2'], ['qualify', 'yes']]
    assert merge_options(current, [['setvar', 'C=3'], ['nat', 'yes']]) == [
        ['qualify', 'yes'], ['setvar', 'C=3'], ['nat', 'yes']]
    assert merge_options(current, [['nat', 'yes']], exact=True) == [['nat', 'yes']]
    assert merge_options(None, [['nat', 'yes']]) == [['nat', 'yes']]


def test_legacy_options_compare_as_maps_with_yes_no():
    server = [['nat', 'force_rport,comedia'], ['amaflags', 'default'], ['allowtransfer', 'yes'], ['qualifyfreq', '60']]
    assert same_legacy_options(server, [['qualifyfreq', 60], ['allowtransfer', '1'], ['amaflags', 'default'],
                                        ['nat', 'force_rport,comedia']])
    assert not same_legacy_options(server, [['qualifyfreq', '30'], ['allowtransfer', 'yes'], ['amaflags', 'default'],
                                            ['nat', 'force_rport,comedia']])


def test_transport_names():
    assert transport_name('udp') == 'transport-udp'
    assert transport_name('wss') == 'transport-wss'
    assert transport_name('my-transport') == 'my-transport'


PJSIP_ONLY = ['templates', 'transport', 'endpoint_section_options', 'identify_section_options']


@pytest.mark.parametrize('option', PJSIP_ONLY)
def test_legacy_refuses_pjsip_options_naming_them(option):
    params = dict(name='x', options_mode='merge')
    params[option] = ['x'] if option == 'templates' else 'x'
    SIP_ENDPOINT.check(params, lambda: 'current')
    with pytest.raises(WazoError) as raised:
        SIP_ENDPOINT.check(params, lambda: 'legacy')
    assert str(raised.value).startswith(option + ': is only available on Wazo 20.13')


def test_legacy_exact_options_count_server_defaults(legacy_sim, run_module):
    def run(module):
        adapter = module.adapter
        merged = adapter.sip_endpoint_desired(dict(name='x', options={'nat': 'yes'}, port=5062, options_mode='merge'),
                                              {'options': [['nat', 'no'], ['qualify', 'yes']]})
        exact = adapter.sip_endpoint_desired(dict(name='x', options={'nat': 'yes'}, options_mode='exact'), None)
        module.exit_json(changed=False, merged=merged['options'], exact=exact['options'])

    result = run_module(legacy_sim, run)
    assert result['merged'] == [['qualify', 'yes'], ['nat', 'yes'], ['port', '5062']]
    assert result['exact'] == [['nat', 'yes'], ['amaflags', 'default'], ['call-limit', '10'], ['subscribemwi', 'no']]


def test_current_desired_merges_native_sections_over_the_translation(current_sim, run_module):
    def run(module):
        current = {'uuid': 'u', 'aor_section_options': [['qualify_frequency', '60'], ['max_contacts', '1']],
                   'templates': [{'uuid': 't', 'label': 'global'}]}
        desired = module.adapter.sip_endpoint_desired(dict(
            name='x', options={'qualifyfreq': 30}, aor_section_options=[['max_contacts', '5']],
            endpoint_section_options={'language': 'fr_FR'}, options_mode='merge'), current)
        module.exit_json(changed=False, desired=desired)

    desired = run_module(current_sim, run)['desired']
    assert desired['aor_section_options'] == [['qualify_frequency', '30'], ['max_contacts', '5']]
    assert desired['endpoint_section_options'] == [['language', 'fr_FR']]
    assert 'auth_section_options' not in desired
    assert desired['templates'] is None and desired['label'] is None


def test_current_incall_lookup_by_did(current_sim, run_module):
    status, context = current_sim.api('GET', '/contexts?type=incall')
    context = context['items'][0]['name']
    status, user = current_sim.api('GET', '/users?order=id&limit=1')
    status, incall = current_sim.api('POST', '/incalls', {'destination': {'type': 'user',
                                                                          'user_id': user['items'][0]['id']}})
    status, extension = current_sim.api('POST', '/extensions', {'exten': '5551234', 'context': context})
    assert status == 201
    current_sim.api('PUT', '/incalls/%s/extensions/%s' % (incall['id'], extension['id']))

    def run(module):
        adapter = module.adapter
        module.exit_json(changed=False, found=adapter.find_incall('5551234', context),
                         other=adapter.find_incall('5559999', context))

    result = run_module(current_sim, run)
    assert result['found']['id'] == incall['id'] and result['other'] is None


def test_registration_template_swaps():
    global_template = {'uuid': 'g', 'label': 'global'}
    other = {'uuid': 'o', 'label': 'other'}
    registration = {'uuid': 'r', 'label': 'registration_trunk'}
    assert _swap_template([other, global_template], 'global', 'registration_trunk') == [other, 'registration_trunk']
    assert _swap_template([registration], 'registration_trunk', 'global') == ['global']
    assert _swap_template([global_template, registration], 'registration_trunk', 'global') == [global_template]


# ---- read back (wazo_interconnection_info) -------------------------------------------------------
def test_pjsip_to_chan_sip_reads_back_what_is_mapped_one_to_one():
    options = [['qualifyfreq', '30'], ['fromdomain', 'voipco.example'], ['fromuser', '4185550100'],
               ['maxexpiry', '3600'], ['nat', 'yes'], ['dtmfmode', 'rfc2833']]
    sections = chan_sip_to_pjsip(username='4185550100', secret='Secret-Pw-9', host='sip.voipco.example', port=5080,
                                 options=options)[0]
    vocabulary = pjsip_to_chan_sip(sections)
    assert (vocabulary['username'], vocabulary['host'], vocabulary['port']) == (
        '4185550100', 'sip.voipco.example', 5080)
    # nat and dtmfmode have their values mapped: not read back
    assert same_multiset(vocabulary['options'], options[:4])
    assert 'Secret-Pw-9' not in repr(vocabulary)


def test_pjsip_to_chan_sip_of_an_ipv6_host_without_username():
    vocabulary = pjsip_to_chan_sip(chan_sip_to_pjsip(host='[2001:db8::5]')[0])
    assert vocabulary == dict(username=None, host='[2001:db8::5]', port=None, options=[])


def test_transport_protocol_is_the_inverse_of_transport_name():
    for name in ('udp', 'tcp', 'tls', 'ws', 'wss', 'my-transport', 'transport-custom'):
        assert transport_protocol(transport_name(name)) == name
    assert transport_protocol(None) is None


@pytest.mark.parametrize('params', [
    dict(sip_username='s', auth_username='a', remote_port=5061, expiration=300, callback_extension='100',
         transport='udp'),
    dict(auth_username='a', remote_port=None, expiration=120, callback_extension=None, transport=None),
])
def test_current_registration_reads_back_as_written(current_sim, run_module, params):
    params = dict(params, trunk='p', auth_password='Secret-Reg-3', remote_host='sip.voipco.example', state='present')

    def run(module):
        adapter = module.adapter
        endpoint = dict(adapter._registration_sections(params, {}), name='p')
        module.exit_json(changed=False, read=adapter.registration_arguments({}, endpoint, {}),
                         none=adapter.registration_arguments({}, {'name': 'p'}, {}))

    result = run_module(current_sim, run)
    expected = dict((key, params[key]) for key in ('trunk', 'state', 'auth_username', 'remote_host', 'remote_port',
                                                   'expiration', 'callback_extension', 'transport'))
    assert result['read'] == dict(expected, sip_username=params.get('sip_username') or params['auth_username'])
    assert result['none'] == dict(trunk='p', state='absent')


def test_legacy_endpoint_and_register_read_back_without_secrets():
    endpoint = {'id': 4, 'name': 'p', 'username': 'u', 'secret': 'Secret-Ep-5', 'type': 'peer', 'host': 'h',
                'options': [['port', '5080'], ['qualifyfreq', '60'], ['transport', 'udp']]}
    assert LegacyAdapter.sip_endpoint_arguments(endpoint, {}) == dict(
        name='p', username='u', host='h', port=5080, type='peer', options=[['qualifyfreq', '60'], ['transport', 'udp']])
    register = {'id': 138, 'sip_username': 'u', 'auth_username': 'u', 'auth_password': 'Secret-Reg-5',
                'remote_host': 'h', 'remote_port': 5080, 'transport': 'transport-udp', 'callback_extension': None,
                'expiration': 300, 'enabled': True}
    extra = {'registers': {138: register}}
    assert LegacyAdapter.registration_arguments({'register_sip': {'id': 138}}, endpoint, extra) == dict(
        trunk='p', state='present', sip_username='u', auth_username='u', remote_host='h', remote_port=5080,
        transport='udp', callback_extension=None, expiration=300, enabled=True)
    assert LegacyAdapter.registration_arguments({'register_sip': None}, endpoint, extra) == dict(
        trunk='p', state='absent')
