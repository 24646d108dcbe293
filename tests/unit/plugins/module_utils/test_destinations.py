# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Call destinations read back as the destination option writes them (destinations.friendly_destination)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.wazo.confd.plugins.module_utils.destinations import friendly_destination, target_path

ALICE = {'id': 1, 'uuid': 'a1c3e5f7-0000-4000-8000-00000000a11c', 'firstname': 'Alice', 'lastname': 'Smoke'}
BOB = {'id': 2, 'uuid': 'b0b00000-0000-4000-8000-000000000b0b', 'firstname': 'Bob', 'lastname': None}


def unnamed(context):
    raise AssertionError('no context to name here, got %r' % context)


@pytest.mark.parametrize('users, expected', [
    ([ALICE, BOB], 'Alice Smoke'),
    # another Alice Smoke: the full name would find two users
    ([ALICE, dict(ALICE, id=3, uuid='c0000000-0000-4000-8000-00000000000c')], ALICE['uuid']),
    # no last name: not read as a full name
    ([BOB], BOB['uuid']),
])
def test_a_user_by_full_name_when_it_finds_that_user_alone(users, expected):
    user = users[0]
    destination = {'type': 'user', 'user_id': user['id'], 'ring_time': 25, 'moh_uuid': None,
                   'user_firstname': user['firstname'], 'user_lastname': user['lastname']}
    assert target_path(destination) == '/users'
    assert friendly_destination(destination, users, unnamed) == {'type': 'user', 'user': expected, 'ring_time': 25.0}


@pytest.mark.parametrize('groups, expected', [
    ([{'id': 7, 'name': 'grp-acme-1', 'label': 'support'}], 'support'),
    # the module looks names up before labels: a label that is another group's name does not find this group
    ([{'id': 7, 'name': 'grp-acme-1', 'label': 'sales'}, {'id': 8, 'name': 'sales', 'label': 'x'}], 'grp-acme-1'),
    ([{'id': 7, 'name': '8', 'label': None}, {'id': 8, 'name': 'other', 'label': None}], '7'),
])
def test_another_target_by_label_or_name_that_finds_it_else_by_id(groups, expected):
    destination = {'type': 'group', 'group_id': 7, 'ring_time': None, 'group_name': groups[0]['name']}
    assert friendly_destination(destination, groups, unnamed) == {'type': 'group', 'group': expected}


def test_server_defaults_are_left_out_and_contexts_are_named_by_the_caller():
    voicemail = {'type': 'voicemail', 'voicemail_id': 3, 'skip_instructions': False, 'greeting': None,
                 'voicemail_name': 'Sales'}
    assert friendly_destination(voicemail, [{'id': 3, 'name': 'Sales'}], unnamed) == {
        'type': 'voicemail', 'voicemail': 'Sales'}
    extension = {'type': 'extension', 'exten': '1000', 'context': 'ctx-acme-internal-62e459e7'}
    assert friendly_destination(extension, [], {'ctx-acme-internal-62e459e7': 'default'}.get) == {
        'type': 'extension', 'exten': '1000', 'context': 'default'}
    assert target_path(extension) is None


def test_a_disa_pin_is_never_read_back():
    disa = {'type': 'application', 'application': 'disa', 'context': 'default', 'pin': '123456'}
    assert friendly_destination(disa, [], lambda context: context) == {
        'type': 'application', 'application': 'disa', 'context': 'default'}
