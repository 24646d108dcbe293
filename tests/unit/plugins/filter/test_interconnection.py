# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The wazo.confd.interconnection_* filters as the role calls them."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.wazo.confd.plugins.filter.interconnection import FilterModule

FILTERS = FilterModule().filters()
ENTRY = {'name': 'voipco', 'host': 'sip.voipco.example', 'username': '4185550100'}


def test_the_role_chain_from_entries_to_task_arguments():
    providers = FILTERS['interconnection_providers']([ENTRY], {'port': 5080, 'transport': 'tcp'})
    assert FILTERS['interconnection_problems'](providers) == []
    assert FILTERS['interconnection_passwordless'](providers) == ['voipco']
    tasks = FILTERS['interconnection_tasks'](providers, 'current', ['voipco'])
    assert tasks['present']['registrations'] == [{'trunk': 'voipco', 'sip_username': '4185550100',
                                                  'remote_host': 'sip.voipco.example', 'remote_port': 5080,
                                                  'transport': 'tcp', 'state': 'present'}]


def test_a_new_provider_without_password_is_a_filter_error_naming_it():
    providers = FILTERS['interconnection_providers']([ENTRY])
    with pytest.raises(AnsibleFilterError, match='Provider voipco: password: required'):
        FILTERS['interconnection_tasks'](providers, 'legacy')


def test_the_tasks_a_plan_schedules():
    providers = FILTERS['interconnection_providers']([dict(ENTRY, password='pw', outcalls=[{'name': 'a'}, {'name': 'b'}])])
    tasks = FILTERS['interconnection_tasks'](providers, 'current')
    plan = {'scheduled': {'present': {'outcalls': [1]}, 'absent': {}}}
    kept = FILTERS['interconnection_scheduled'](tasks, plan)
    assert [outcall['name'] for outcall in kept['present']['outcalls']] == ['b']
    assert kept['present']['sip_endpoints'] == [] and kept['absent']['incalls'] == []
