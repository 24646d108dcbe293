# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The role's provider entries and the module arguments they make, both ways (module_utils/interconnection.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy

import pytest

from ansible_collections.wazo.confd.plugins.module_utils.interconnection import (
    complete_providers, module_arguments, passwordless_providers, provider_problems, providers_from_server,
)

VOIPCO = {
    'name': 'voipco', 'label': 'VoIPCo SIP trunk', 'host': 'sip.voipco.example', 'username': '4185550100',
    'password': 'Secret-Pw-1', 'from_domain': 'voipco.example', 'registration_expiration': 300,
    'outcalls': [{'name': 'national', 'description': 'North America', 'trunks': ['voipco', 'backupsip'],
                  'dial_patterns': [{'pattern': '_NXXNXXXXXX', 'prefix': '1', 'caller_id': '"Acme" <4185550100>'},
                                    {'pattern': 911, 'strip_digits': 1, 'external_prefix': '9'}]}],
    'incalls': [{'did': 5550100, 'description': 'Main number', 'caller_id_mode': 'prepend', 'caller_id_name': 'VoIPCo',
                 'destination': {'type': 'user', 'user': 'Alice Smoke'}}],
}
BACKUP = {'name': 'backupsip', 'host': 'trunk.backupsip.example', 'port': 5080, 'register': False,
          'qualify_frequency': 0, 'transport': 'tcp', 'context': 'from-backup',
          'outcalls': [{'name': 'backup-only', 'internal_caller_id': True, 'enabled': False, 'ring_time': 30,
                        'preprocess_subroutine': 'provider-prefix', 'dial_patterns': [{'pattern': '_X.'}]}]}


def arguments(entries, generation, defaults=None, existing=()):
    return module_arguments(complete_providers(copy.deepcopy(entries), defaults), generation, existing)


def test_a_present_provider_on_a_legacy_server():
    present = arguments([VOIPCO], 'legacy')['present']
    # no port or transport given: none is sent, the server's defaults apply
    assert present['sip_endpoints'] == [{
        'name': 'voipco', 'username': '4185550100', 'secret': 'Secret-Pw-1', 'host': 'sip.voipco.example',
        'type': 'peer', 'state': 'present',
        'options': [['qualify', 'yes'], ['qualifyfreq', '60'], ['fromdomain', 'voipco.example']]}]
    assert present['trunks'] == [{'name': 'voipco', 'state': 'present'}]
    assert present['registrations'] == [{
        'trunk': 'voipco', 'auth_username': '4185550100', 'auth_password': 'Secret-Pw-1',
        'remote_host': 'sip.voipco.example', 'expiration': 300, 'state': 'present'}]
    assert present['outcalls'] == [{
        'name': 'national', 'description': 'North America', 'trunks': ['voipco', 'backupsip'], 'state': 'present',
        'provider': 'voipco',
        'extensions': [{'exten': '_NXXNXXXXXX', 'prefix': '1', 'caller_id': '"Acme" <4185550100>'},
                       {'exten': '911', 'strip_digits': 1, 'external_prefix': '9'}]}]
    assert present['incalls'] == [{
        'exten': '5550100', 'description': 'Main number', 'caller_id_mode': 'prepend', 'caller_id_name': 'VoIPCo',
        'destination': {'type': 'user', 'user': 'Alice Smoke'}, 'state': 'present', 'provider': 'voipco'}]


def test_a_present_provider_on_a_current_server():
    present = arguments([VOIPCO, BACKUP], 'current')['present']
    # no chan_sip type, qualify or transport option: the label and the endpoint's own transport instead
    assert present['sip_endpoints'] == [
        {'name': 'voipco', 'label': 'VoIPCo SIP trunk', 'username': '4185550100', 'secret': 'Secret-Pw-1',
         'host': 'sip.voipco.example', 'state': 'present',
         'options': [['qualifyfreq', '60'], ['fromdomain', 'voipco.example']]},
        {'name': 'backupsip', 'label': 'backupsip', 'host': 'trunk.backupsip.example', 'port': 5080,
         'transport': 'tcp', 'state': 'present', 'options': [['qualifyfreq', '0']]}]
    assert present['trunks'][1] == {'name': 'backupsip', 'context': 'from-backup', 'state': 'present'}
    # register false removes a registration made earlier
    assert present['registrations'][1] == {'trunk': 'backupsip', 'state': 'absent'}
    assert present['outcalls'][1] == {
        'name': 'backup-only', 'trunks': ['backupsip'], 'extensions': [{'exten': '_X.'}], 'internal_caller_id': True,
        'enabled': False, 'ring_time': 30, 'preprocess_subroutine': 'provider-prefix', 'state': 'present',
        'provider': 'backupsip'}


def test_legacy_transport_option_is_the_protocol_and_qualify_follows_the_frequency():
    endpoint = arguments([dict(BACKUP, transport='transport-udp')], 'legacy')['present']['sip_endpoints'][0]
    assert endpoint['options'] == [['qualify', 'no'], ['qualifyfreq', '0'], ['transport', 'udp']]


def test_flat_variables_are_the_defaults_of_the_entries():
    defaults = dict(port=5070, transport='tcp', qualify_frequency=45, register=False, state='present')
    providers = complete_providers([{'name': 'a', 'host': 'h', 'port': None, 'label': ''},
                                    {'name': 'b', 'host': 'h', 'port': 5090, 'register': 'yes'}], defaults)
    assert [(p['port'], p['transport'], p['qualify_frequency'], p['register'], p['label']) for p in providers] == [
        (5070, 'tcp', 45, False, 'a'), (5090, 'tcp', 45, True, 'b')]
    assert (providers[0]['password'], providers[0]['outcalls'], providers[0]['incalls']) == (None, [], [])


def test_an_absent_provider_gets_only_what_finds_its_objects():
    gone = dict(VOIPCO, state='absent')
    lists = arguments([gone], 'legacy')
    assert not any(lists['present'].values())
    assert lists['absent'] == {
        'sip_endpoints': [{'name': 'voipco', 'state': 'absent'}],
        'trunks': [{'name': 'voipco', 'state': 'absent'}],
        'registrations': [{'trunk': 'voipco', 'state': 'absent'}],
        'outcalls': [{'name': 'national', 'state': 'absent', 'provider': 'voipco'}],
        'incalls': [{'exten': '5550100', 'state': 'absent', 'provider': 'voipco'}],
    }


def test_a_route_removed_from_a_present_provider_keeps_its_place_without_trunks_or_patterns():
    provider = dict(VOIPCO, outcalls=[dict(VOIPCO['outcalls'][0], state='absent')],
                    incalls=[dict(VOIPCO['incalls'][0], state='absent', context='from-extern')])
    present = arguments([provider], 'current')['present']
    assert present['outcalls'] == [{'name': 'national', 'description': 'North America', 'state': 'absent',
                                    'provider': 'voipco'}]
    assert present['incalls'] == [{'exten': '5550100', 'context': 'from-extern', 'description': 'Main number',
                                   'caller_id_mode': 'prepend', 'caller_id_name': 'VoIPCo', 'state': 'absent',
                                   'provider': 'voipco'}]


def test_a_route_without_trunks_uses_its_provider_and_no_patterns_removes_them():
    present = arguments([dict(BACKUP, outcalls=[{'name': 'r', 'trunks': []}])], 'current')['present']
    assert present['outcalls'] == [{'name': 'r', 'trunks': ['backupsip'], 'extensions': [], 'state': 'present',
                                    'provider': 'backupsip'}]


@pytest.mark.parametrize('change, message', [
    (dict(name='bad name!'), "Provider bad name!: name: must be 1 to 40 letters, digits, '-' or '_'"),
    (dict(state='gone'), 'Provider voipco: state: must be present or absent'),
    (dict(host=None), 'Provider voipco: host: required for a present provider'),
    (dict(username=''), 'Provider voipco: username: required for a provider that registers (register: true)'),
    (dict(caller_id_format='+33'), 'Provider voipco: caller_id_format: must be +E164, E164 or national'),
    (dict(outcalls='national'), 'Provider voipco: outcalls: must be a list'),
    (dict(host=None, incalls={}), 'Provider voipco: host: required for a present provider; incalls: must be a list'),
])
def test_each_problem_names_the_provider_and_the_setting(change, message):
    assert provider_problems(complete_providers([dict(VOIPCO, **change)])) == [message]


def test_an_absent_provider_needs_no_host_nor_credentials():
    assert provider_problems(complete_providers([{'name': 'gone', 'state': 'absent'}]), existing=[]) == []


def test_duplicate_names():
    assert provider_problems(complete_providers([VOIPCO, BACKUP, VOIPCO])) == [
        'Several providers have the same name: backupsip, voipco, voipco']


def test_a_password_is_needed_by_a_new_provider_that_registers_only():
    providers = complete_providers([dict(VOIPCO, password=None), dict(BACKUP, name='ip-auth'),
                                    dict(VOIPCO, name='kept', password='')])
    assert passwordless_providers(providers) == ['voipco', 'kept']
    # not known yet: not checked
    assert provider_problems(providers) == []
    assert provider_problems(providers, existing=['kept']) == [
        'Provider voipco: password: required for a new provider that registers (register: true); a provider that '
        'exists already keeps the password the server has']
    with pytest.raises(ValueError, match='Provider voipco: password: required'):
        module_arguments(providers, 'current', existing=['kept'])


@pytest.mark.parametrize('generation', ['legacy', 'current'])
def test_an_existing_provider_without_password_keeps_the_server_credentials(generation):
    present = arguments([dict(VOIPCO, password=None)], generation, existing=['voipco'])['present']
    assert 'secret' not in present['sip_endpoints'][0]
    registration = present['registrations'][0]
    # wazo_register wants auth_password with auth_username: the registered address only, the server keeps the rest
    assert 'auth_password' not in registration and 'auth_username' not in registration
    assert registration['sip_username'] == '4185550100'


def without_password_and_defaults(entry):
    expected = dict((key, value) for key, value in entry.items() if key != 'password')
    if expected.get('label') == expected['name']:
        del expected['label']
    return expected


@pytest.mark.parametrize('generation', ['legacy', 'current'])
def test_round_trip_gives_back_the_entries_without_password(generation):
    given = [VOIPCO, BACKUP]
    lists = arguments(given, generation)
    expected = [without_password_and_defaults(entry) for entry in given]
    expected[0]['incalls'][0]['did'] = '5550100'
    expected[0]['outcalls'][0]['dial_patterns'][1]['pattern'] = '911'
    if generation == 'legacy':
        # legacy SIP endpoints have no label
        del expected[0]['label']
    assert providers_from_server(lists['present'], generation) == expected


def test_round_trip_of_values_equal_to_the_defaults_or_to_what_the_server_gives_a_new_object():
    entry = dict(name='p', label='p', host='h', username='u', password='pw', port=5060, transport='udp',
                 qualify_frequency=60, register=True, registration_expiration=120, caller_id_format='+E164',
                 state='present',
                 outcalls=[{'name': 'o', 'trunks': ['p'], 'internal_caller_id': False, 'enabled': True, 'state': 'present',
                            'dial_patterns': [{'pattern': '_X.', 'strip_digits': 0}]}])
    lists = arguments([entry], 'current')
    # port and transport have no default: given, they are read back
    assert providers_from_server(lists['present'], 'current') == [
        {'name': 'p', 'host': 'h', 'port': 5060, 'username': 'u', 'transport': 'udp',
         'outcalls': [{'name': 'o', 'dial_patterns': [{'pattern': '_X.'}]}]}]


def test_the_inverse_never_reads_a_password_back():
    lists = arguments([VOIPCO], 'legacy')['present']
    provider = providers_from_server(lists, 'legacy')[0]
    assert 'password' not in provider
    assert 'Secret-Pw-1' not in repr(provider)


def test_the_inverse_reads_the_registration_when_the_endpoint_does_not_tell():
    server = {'sip_endpoints': [{'name': 'p', 'host': 'h', 'options': []}], 'trunks': [{'name': 'p'}],
              'registrations': [{'trunk': 'p', 'state': 'present', 'sip_username': 'reg-user', 'remote_port': 5061,
                                 'transport': 'tcp', 'expiration': 600}]}
    # port and transport, held differently by the endpoint (none) and the registration, are left out: applied back,
    # each keeps its own
    assert providers_from_server(server, 'current') == [
        {'name': 'p', 'host': 'h', 'username': 'reg-user', 'registration_expiration': 600}]
    server['sip_endpoints'][0].update(port=5061, transport='tcp')
    assert providers_from_server(server, 'current') == [
        {'name': 'p', 'host': 'h', 'port': 5061, 'username': 'reg-user', 'transport': 'tcp',
         'registration_expiration': 600}]
