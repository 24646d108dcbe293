# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What each resource module manages, declared once (spec.py).

Each declaration gives a module its options (argument spec and checks), and gives the engine the
fields it compares, sends, diffs and masks, with their references; ``Resource.view`` reads a server
object back as the same options. The SIP endpoint and the registration are stored differently by each
API generation: their options are declared here, their server fields by the adapter (adapters.py).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.wazo.confd.plugins.module_utils.generation import CURRENT, LEGACY
from ansible_collections.wazo.confd.plugins.module_utils.destinations import (
    DESTINATION, DESTINATION_OPTIONS, same_destination,
)
from ansible_collections.wazo.confd.plugins.module_utils.lookups import CONTEXT
from ansible_collections.wazo.confd.plugins.module_utils.pjsip import ENDPOINT_SECTIONS
from ansible_collections.wazo.confd.plugins.module_utils.spec import STATE, Option, Reference, Resource

PORT = dict(type='int', minimum=1, maximum=65535)

# A wazo-auth session: opened (state present) or closed; its options are the connection options.
TOKEN = Resource('wazo-auth token', None, dict(state=STATE), required_if=[('state', 'absent', ['wazo_token'])])
# confd's limit of preprocess_subroutine depends on the generation (outcalls, incalls...)
PREPROCESS_SUBROUTINE = Option(max_length={LEGACY: 39, CURRENT: 79}, field=True)

SIP_ENDPOINT = Resource('SIP endpoint', '/endpoints/sip', dict(
    name=Option(required=True),
    state=STATE,
    label=Option(),
    username=Option(),
    secret=Option(no_log=True),
    host=Option(),
    port=Option(**PORT),
    type=Option(choices=['peer', 'friend', 'user']),
    options=Option(type='raw'),
    options_mode=Option(choices=['merge', 'exact'], default='merge'),
    templates=Option(type='list', elements='str', generations=(CURRENT,)),
    transport=Option(generations=(CURRENT,)),
    **dict((section, Option(type='raw', generations=(CURRENT,))) for section in ENDPOINT_SECTIONS)
), required_by=dict(port='host'))

# What a trunk can be bound to; a trunk bound to nothing was left by an interrupted run (engine.py, Orphans).
TRUNK_BINDINGS = ('endpoint_sip', 'endpoint_iax', 'endpoint_custom', 'register_sip', 'register_iax', 'outcalls')
TRUNK = Resource('trunk', '/trunks', dict(
    name=Option(required=True),
    state=STATE,
    context=Option(field=True, reference=CONTEXT),
    outgoing_caller_id_format=Option(choices=['+E164', 'E164', 'national'], field=True, generations=(CURRENT,)),
    twilio_incoming=Option(type='bool', field=True),
), orphan=lambda trunk: not any(trunk.get(key) for key in TRUNK_BINDINGS))

REGISTER = Resource('registration', None, dict(
    trunk=Option(required=True),
    state=STATE,
    auth_username=Option(),
    auth_password=Option(no_log=True),
    sip_username=Option(),
    remote_host=Option(),
    remote_port=Option(**PORT),
    transport=Option(),
    callback_extension=Option(),
    expiration=Option(type='int', minimum=1),
    enabled=Option(type='bool'),
), required_if=[('state', 'present', ('remote_host',))])


def _trunk_id(module, name):
    trunk = module.adapter.find_trunk(name)
    if trunk is None:
        module.missing_parent('trunk named %r (the name of its SIP endpoint) in the tenant' % name, 'trunks',
                              'create it with wazo.confd.wazo_trunk first')
        return None
    return trunk['id']


# A trunk named by its SIP endpoint's name (a trunk has no name of its own); check mode may assume it.
TRUNK_ID = Reference('trunk', _trunk_id)

# confd outcall_extension schema: prefixes are matched from the start (marshmallow Regexp), empty refused.
PREFIX = (re.compile(r'^\+|\+?[0-9#*]+$'), '+ and digits, * or #')
# A dial pattern is an extension of an outcall context linked with these attributes.
DIAL_PATTERN_OPTIONS = dict(
    exten=Option(required=True, field=True),
    context=Option(field=True),
    caller_id=Option(max_length=80, field=True),
    strip_digits=Option(type='int', minimum=0, field=True),
    prefix=Option(max_length=32, pattern=PREFIX, field=True),
    external_prefix=Option(max_length=64, pattern=PREFIX, field=True),
)
DIAL_PATTERN = Resource('dial pattern', None, DIAL_PATTERN_OPTIONS)
OUTCALL = Resource('outcall', '/outcalls', dict(
    name=Option(required=True, max_length=128, field=True),
    state=STATE,
    description=Option(field=True),
    internal_caller_id=Option(type='bool', field=True),
    preprocess_subroutine=PREPROCESS_SUBROUTINE,
    ring_time=Option(type='int', minimum=0, field=True),
    enabled=Option(type='bool', field=True),
    trunks=Option(type='list', elements='str', unique=True),
    extensions=Option(type='list', elements='dict', options=DIAL_PATTERN_OPTIONS),
))

INCALL = Resource('incall', '/incalls', dict(
    exten=Option(required=True),
    context=Option(),
    state=STATE,
    destination=Option(type='dict', options=DESTINATION_OPTIONS, field=True, reference=DESTINATION,
                       compare=same_destination),
    caller_id_mode=Option(choices=['prepend', 'overwrite', 'append'], field=True),
    caller_id_name=Option(max_length=80, field=True),
    description=Option(field=True),
    preprocess_subroutine=PREPROCESS_SUBROUTINE,
    greeting_sound=Option(field=True),
), orphan=lambda incall: not incall.get('extensions'), required_if=[('state', 'present', ['destination'])])
