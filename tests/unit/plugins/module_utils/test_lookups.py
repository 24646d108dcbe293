# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How a user names a context, read back from its name (lookups.context_reference)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.wazo.confd.plugins.module_utils.lookups import context_reference

INCALL = {'name': 'ctx-acme-incall-11f1', 'label': 'from-extern', 'type': 'incall'}
OUTCALL = {'name': 'ctx-acme-outcall-c477', 'label': 'to-extern', 'type': 'outcall'}
SECOND = {'name': 'ctx-acme-incall-9b2e', 'label': 'from-backup', 'type': 'incall'}


@pytest.mark.parametrize('contexts, name, by_label, expected', [
    # the only context of its type is what the modules take when none is named
    ([INCALL, OUTCALL], INCALL['name'], True, None),
    ([INCALL, OUTCALL, SECOND], INCALL['name'], True, 'from-extern'),
    ([INCALL, OUTCALL, SECOND], INCALL['name'], False, INCALL['name']),
    # the outcall context named for a DID: not the default of the incall type
    ([INCALL, OUTCALL], OUTCALL['name'], True, 'to-extern'),
    # a label two contexts share, or that another context has as its name, does not find this one
    ([INCALL, OUTCALL, dict(SECOND, label='from-extern')], INCALL['name'], True, INCALL['name']),
    ([INCALL, OUTCALL, dict(SECOND, name='from-extern', label='x')], INCALL['name'], True, INCALL['name']),
    ([INCALL], None, True, None),
])
def test_context_reference_of_a_context_named_where_an_incall_context_is_expected(contexts, name, by_label, expected):
    assert context_reference(contexts, name, 'incall', by_label) == expected
