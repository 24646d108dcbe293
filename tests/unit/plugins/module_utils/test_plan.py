# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The plan's snapshot against the confd simulator, and what the role reads of a plan (schedule, table, counts).
How the plan's actions compare with the modules' is tests/functional/test_plan.py."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.wazo.confd.plugins.module_utils.connection import ConfdClient
from ansible_collections.wazo.confd.plugins.module_utils.interconnection import (
    complete_providers, module_arguments, scheduled_arguments,
)
from ansible_collections.wazo.confd.plugins.module_utils.plan import (
    SnapshotClient, Unsure, counts, plan_tasks, scheduled, secret_values, table,
)

PROVIDER = {'name': 'voipco', 'host': 'sip.voipco.example', 'username': '4185550100', 'password': 'Voip-S3cret',
            'outcalls': [{'name': 'voipco-out', 'dial_patterns': [{'pattern': '_9NXXXXXX'}]}],
            'incalls': [{'did': '5550100', 'destination': {'type': 'none'}}]}


def client(simulator):
    return ConfdClient(simulator.confd_url, simulator.auth_url, token=simulator.token, tenant=simulator.tenant,
                       api_generation=simulator.generation)


def tasks(generation, *providers):
    return module_arguments(complete_providers(list(providers or [PROVIDER])), generation)


def test_snapshot_lists_each_collection_once_and_answers_item_reads_from_it(confd_sim):
    status, context = confd_sim.api('GET', '/contexts/1')
    assert status == 200
    real = client(confd_sim)
    snapshot = SnapshotClient(real)
    real.generation  # pylint: disable=pointless-statement
    before = real.request_count
    assert snapshot.list('/contexts', {'name': 'anything'}) == snapshot.list('/contexts')
    assert snapshot.get('/contexts/1') == context
    assert real.request_count == before + 1
    with pytest.raises(Unsure):
        snapshot.get('/contexts/999')
    with pytest.raises(Unsure):
        snapshot.get('/sip/transports/1')
    for write in (lambda: snapshot.post('/trunks', {}), lambda: snapshot.put('/trunks/1'),
                  lambda: snapshot.delete('/trunks/1')):
        with pytest.raises(Unsure):
            write()
    assert confd_sim.writes() == []


def test_a_new_provider_is_planned_created_with_a_fixed_number_of_requests(confd_sim):
    one = client(confd_sim)
    entries = plan_tasks(one, tasks(confd_sim.generation))
    assert [(entry['task'], entry['action']) for entry in entries] == [
        ('sip_endpoints', 'create'), ('trunks', 'create'), ('registrations', 'create'), ('outcalls', 'create'),
        ('incalls', 'create')]
    many = client(confd_sim)
    providers = [dict(PROVIDER, name='voipco%d' % index, outcalls=[], incalls=[]) for index in range(6)]
    assert counts(plan_tasks(many, tasks(confd_sim.generation, *providers)))['create'] == 18
    assert many.request_count <= one.request_count
    assert confd_sim.writes() == []


def test_what_the_role_reads_of_a_plan():
    entries = [
        dict(task='outcalls', state='present', index=1, provider='voipco', name='voipco-out', action='update',
             reason=None),
        dict(task='outcalls', state='present', index=0, provider='voipco', name='other', action='unchanged',
             reason=None),
        dict(task='incalls', state='absent', index=0, provider='gone', name='5550100', action='unsure',
             reason='no context named x'),
    ]
    assert counts(entries) == {'create': 0, 'update': 1, 'delete': 0, 'unchanged': 1, 'unsure': 1}
    assert scheduled(entries, check_mode=False)['present']['outcalls'] == [1]
    assert scheduled(entries, check_mode=False)['absent']['incalls'] == [0]
    # in check mode the plan's prediction stands for the module's check run: only the unsure one runs
    assert scheduled(entries, check_mode=True)['present']['outcalls'] == []
    assert table(entries) == ['voipco | wazo_outcall voipco-out | update',
                              'gone | wazo_incall 5550100 | unsure (no context named x)',
                              'voipco | 1 resource | unchanged']
    arguments = {'present': {'sip_endpoints': [], 'trunks': [], 'registrations': [], 'incalls': [],
                             'outcalls': [{'name': 'other'}, {'name': 'voipco-out'}]},
                 'absent': {'sip_endpoints': [], 'trunks': [], 'registrations': [], 'outcalls': [],
                            'incalls': [{'exten': '5550100'}]}}
    kept = scheduled_arguments(arguments, scheduled(entries, check_mode=False))
    assert kept['present']['outcalls'] == [{'name': 'voipco-out'}]
    assert kept['absent']['incalls'] == [{'exten': '5550100'}]
    assert kept['present']['sip_endpoints'] == []


def test_secret_values_of_the_module_arguments():
    found = secret_values(tasks('legacy'))
    assert 'Voip-S3cret' in found
    assert 'voipco' not in found
