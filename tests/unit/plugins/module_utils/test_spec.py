# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Declarations: what one Resource declaration gives a module (argument spec, checks, desired body, view)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.wazo.confd.plugins.module_utils.resources import INCALL, OUTCALL, REGISTER, TRUNK
from ansible_collections.wazo.confd.plugins.module_utils.spec import Option, Resource, WazoError


def current():
    return 'current'


def legacy():
    return 'legacy'


def never():
    raise AssertionError('the generation was asked for although no rule needed it')


def failure(resource, params, generation=never):
    with pytest.raises(WazoError) as raised:
        resource.check(params, generation)
    return str(raised.value)


def test_argument_spec_comes_from_the_options():
    spec = OUTCALL.argument_spec()
    assert spec['name'] == dict(type='str', required=True)
    assert spec['state'] == dict(type='str', choices=['present', 'absent'], default='present')
    assert spec['trunks'] == dict(type='list', elements='str')
    assert spec['extensions']['options']['strip_digits'] == dict(type='int')
    assert REGISTER.argument_spec()['auth_password'] == dict(type='str', no_log=True)
    assert REGISTER.module_kwargs == dict(required_if=[('state', 'present', ('remote_host',))])


def test_fields_references_and_secrets_come_from_the_options():
    assert set(TRUNK.fields) == {'context', 'outgoing_caller_id_format', 'twilio_incoming'}
    assert list(TRUNK.references) == ['context']
    assert set(INCALL.compare) == {'destination'}
    resource = Resource('thing', '/things', dict(name=Option(field=True), code=Option(no_log=True, field='pin')))
    assert resource.secret_fields == frozenset(['pin'])
    assert resource.desired(dict(name='a', code='1234')) == dict(name='a', pin='1234')
    assert resource.view(dict(name='a', pin='1234', other=1)) == dict(name='a')


def test_checks_name_the_option_and_the_reason():
    assert failure(OUTCALL, dict(name='')) == 'name: must not be empty'
    assert failure(OUTCALL, dict(name='x' * 129)) == 'name: longer than 128 characters'
    assert failure(OUTCALL, dict(name='x', ring_time=-1)) == 'ring_time: -1 is out of range: must be 0 or more'
    assert failure(OUTCALL, dict(name='x', trunks=['a', 'b', 'a'])).startswith('trunks: an item is listed twice')
    assert failure(REGISTER, dict(trunk='t', remote_port=70000)) == \
        'remote_port: 70000 is out of range: must be between 1 and 65535'


def test_suboptions_are_checked_with_their_path():
    patterns = [dict(exten='_0X.'), dict(exten='_1X.', prefix='00abc')]
    assert failure(OUTCALL, dict(name='x', extensions=patterns)) == \
        "extensions[1].prefix: '00abc' is not + and digits, * or #"
    assert failure(OUTCALL, dict(name='x', extensions=[dict(exten='_0X.', strip_digits=-2)])).startswith(
        'extensions[0].strip_digits: -2 is out of range')
    OUTCALL.check(dict(name='x', extensions=[dict(exten='_0X.', prefix='')]), never)


def test_generation_rules_ask_the_generation_only_when_needed():
    TRUNK.check(dict(name='t'), never)
    TRUNK.check(dict(name='t', outgoing_caller_id_format='E164'), current)
    assert failure(TRUNK, dict(name='t', outgoing_caller_id_format='E164'), legacy).startswith(
        'outgoing_caller_id_format: is only available on Wazo 20.13 and later; this server, Wazo 20.12 and older')
    OUTCALL.check(dict(name='x', preprocess_subroutine='s' * 39), never)
    OUTCALL.check(dict(name='x', preprocess_subroutine='s' * 79), current)
    assert failure(OUTCALL, dict(name='x', preprocess_subroutine='s' * 40), legacy).startswith(
        'preprocess_subroutine: longer than 39 characters on Wazo 20.12 and older')
    assert failure(OUTCALL, dict(name='x', preprocess_subroutine='s' * 80), current).startswith(
        'preprocess_subroutine: longer than 79 characters')
    destination = dict(type='user', user='alice', moh_uuid='00000000-0000-4000-8000-000000000001')
    assert failure(INCALL, dict(exten='1', state='present', destination=destination), legacy).startswith(
        'destination.moh_uuid: is only available on Wazo 20.13 and later')


def test_required_if_refuses_an_explicit_null():
    assert failure(INCALL, dict(exten='5550100', state='present', destination=None)) == \
        'destination: missing: required when state is present'
    INCALL.check(dict(exten='5550100', state='absent', destination=None), never)


def test_a_put_sends_the_companions_a_server_validates_together():
    resource = Resource('register', '/registers/sip', fields=('auth_username', 'auth_password', 'remote_host'),
                        companions={'auth_username': ('auth_password',)})
    current_object = dict(auth_username=None, auth_password='kept', remote_host='h')
    assert resource.update_body({'auth_username': 'u'}, {'auth_username': 'u'}, current_object) == \
        {'auth_username': 'u', 'auth_password': 'kept'}
    assert resource.update_body({'auth_username': 'u'}, {'auth_username': 'u', 'auth_password': 'new'},
                                current_object) == {'auth_username': 'u', 'auth_password': 'new'}
    assert resource.update_body({'remote_host': 'x'}, {}, current_object) == {'remote_host': 'x'}
