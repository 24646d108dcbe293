# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Call destinations (incalls today; user and group fallbacks, schedules share the same model).

A user writes a destination with friendly references (``{type: user, user: alice@example.com}``);
confd stores ids (``{"type": "user", "user_id": 12}``) and reads it back decorated
(``user_firstname``...), with floats for times and defaults filled in. This file holds:

``DESTINATION_OPTIONS``        the suboptions of a ``destination`` option (spec.Option)
``check_destination(spec, option)``
                               the fields each type needs and accepts, checked without any request
``DESTINATION``                a ``spec.Reference``: resolves the references (one request each,
                               once per task) and skips them when the current destination already
                               holds the same target (same id, or the names confd decorates it with)
``same_destination(current, desired)``
                               confd's destination compared with the desired one, normalized
``friendly_destination(destination, items, context_name)``
                               the inverse: confd's destination as the option writes it, its target
                               named so that the reference finds it again (``target_path`` says which
                               collection ``items`` lists)
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.wazo.confd.plugins.module_utils.client import ConfdError
from ansible_collections.wazo.confd.plugins.module_utils.generation import CURRENT
from ansible_collections.wazo.confd.plugins.module_utils.secrets import SECRET_FIELDS
from ansible_collections.wazo.confd.plugins.module_utils.spec import Option, Reference, WazoError

UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')

# type -> target (option naming the object, confd id field, collection path), other fields, required fields
TYPES = {
    'application': dict(fields=('application', 'context', 'pin', 'application_uuid', 'email'),
                        required=('application',)),
    'conference': dict(target=('conference', 'conference_id', '/conferences')),
    'custom': dict(fields=('command',), required=('command',)),
    'extension': dict(fields=('exten', 'context'), required=('exten', 'context')),
    'group': dict(target=('group', 'group_id', '/groups'), fields=('ring_time',)),
    'hangup': dict(fields=('cause', 'timeout'), required=('cause',)),
    'ivr': dict(target=('ivr', 'ivr_id', '/ivr')),
    'meetme': dict(target=('conference', 'conference_id', None)),
    'none': dict(),
    'outcall': dict(target=('outcall', 'outcall_id', '/outcalls'), fields=('exten',), required=('exten',)),
    'queue': dict(target=('queue', 'queue_id', '/queues'),
                  fields=('ring_time', 'skill_rule_id', 'skill_rule_variables')),
    'sound': dict(fields=('filename', 'skip', 'no_answer'), required=('filename',)),
    'switchboard': dict(target=('switchboard', 'switchboard_uuid', '/switchboards'), fields=('ring_time',)),
    'user': dict(target=('user', 'user_id', '/users'), fields=('ring_time', 'moh_uuid')),
    'voicemail': dict(target=('voicemail', 'voicemail_id', '/voicemails'), fields=('skip_instructions', 'greeting')),
}
APPLICATION_FIELDS = {
    'callback_disa': dict(fields=('context', 'pin'), required=('context',)),
    'custom': dict(fields=('application_uuid',), required=('application_uuid',)),
    'directory': dict(fields=('context',), required=('context',)),
    'disa': dict(fields=('context', 'pin'), required=('context',)),
    'fax_to_mail': dict(fields=('email',), required=('email',)),
    'voicemail': dict(fields=('context',), required=('context',)),
}
HANGUP_WITH_TIMEOUT = ('busy', 'congestion')
# Values confd reads back when they were not sent.
DEFAULTS = {'skip_instructions': False, 'skip': False, 'no_answer': False}
FLOAT_FIELDS = ('ring_time', 'timeout')

DESTINATION_OPTIONS = dict(
    type=Option(required=True, choices=sorted(TYPES)),
    user=Option(),
    group=Option(),
    queue=Option(),
    voicemail=Option(),
    ivr=Option(),
    conference=Option(),
    switchboard=Option(),
    outcall=Option(),
    ring_time=Option(type='float'),
    moh_uuid=Option(generations=(CURRENT,)),
    skill_rule_id=Option(type='int'),
    skill_rule_variables=Option(type='dict'),
    skip_instructions=Option(type='bool'),
    greeting=Option(choices=['busy', 'unavailable']),
    exten=Option(),
    context=Option(),
    command=Option(),
    filename=Option(),
    skip=Option(type='bool'),
    no_answer=Option(type='bool'),
    cause=Option(choices=['busy', 'congestion', 'normal']),
    timeout=Option(type='float'),
    application=Option(choices=sorted(APPLICATION_FIELDS)),
    pin=Option(no_log=True),
    application_uuid=Option(),
    email=Option(),
)


def _shape(spec):
    """(target, accepted fields, required fields) of a destination given as options or as confd's dict."""
    # A type this collection does not know (a newer server's) is compared on its type alone.
    rules = TYPES.get(spec['type'], {})
    fields, required = rules.get('fields', ()), rules.get('required', ())
    if spec['type'] == 'application' and spec.get('application') in APPLICATION_FIELDS:
        application = APPLICATION_FIELDS[spec['application']]
        fields, required = ('application',) + application['fields'], required + application['required']
    if spec['type'] == 'hangup' and spec.get('cause') not in HANGUP_WITH_TIMEOUT:
        fields = ('cause',)
    return rules.get('target'), fields, required


def check_destination(spec, option):
    """The options a destination type needs and accepts; WazoError naming the option at fault."""
    target, fields, required = _shape(spec)
    accepted = set(fields) | set([target[0]] if target else [])
    for name in sorted(DESTINATION_OPTIONS):
        if name != 'type' and spec.get(name) is not None and name not in accepted:
            raise WazoError('is not used by a destination of type %s%s (it takes: %s)' % (
                spec['type'], ' with cause %s' % spec['cause'] if spec['type'] == 'hangup' else '',
                ', '.join(sorted(accepted)) or 'nothing else'), '%s.%s' % (option, name))
    for name in ((target[0],) if target else ()) + tuple(required):
        if spec.get(name) in (None, ''):
            raise WazoError('is required for a destination of type %s' % spec['type'], '%s.%s' % (option, name))
    if spec['type'] == 'meetme' and not str(spec['conference']).isdigit():
        raise WazoError('a meetme conference is given by its id', '%s.conference' % option)
    if spec['type'] == 'outcall' and not str(spec['exten']).isdigit():
        raise WazoError('the number dialed through the outcall must be digits', '%s.exten' % option)


def normalize(destination):
    """confd's destination reduced to what it stores: no decorations, defaults filled, floats for times."""
    if not destination:
        return None
    target, fields, _required = _shape(destination)
    normalized = dict(type=destination['type'])
    for name in ((target[1],) if target else ()) + tuple(fields):
        value = destination.get(name)
        if value is None:
            value = DEFAULTS.get(name)
        elif name in FLOAT_FIELDS:
            value = float(value)
        elif name.endswith('_uuid'):
            value = str(value).lower()
        elif name.endswith('_id'):
            value = int(value)
        normalized[name] = value
    return normalized


def same_destination(current, desired):
    return normalize(current) == normalize(desired)


# ---- references ----------------------------------------------------------------------------------
def _decorated_as(current, spec, target):
    """Whether the current destination already points at the object the user names (no request)."""
    name, id_field, _path = target
    value = str(spec[name])
    if str(current.get(id_field, '')).lower() == value.lower():
        return True
    names = [current.get('%s_name' % name), current.get('%s_label' % name)]
    if name == 'user':
        names = ['%s %s' % (current.get('user_firstname') or '', current.get('user_lastname') or '')]
    return value in [item for item in names if item]


def _find_user(module, value):
    if UUID_RE.match(value) or value.isdigit():
        module.doing('looking up user %r' % value)
        try:
            return module.client.get('/users/%s' % value)
        except ConfdError as error:
            if error.status == 404:
                return None
            raise
    # The likeliest reading of the value first: one request in the usual cases.
    searches = [('fullname', value)] if ' ' in value.strip() else []
    searches += [('email', value)] if '@' in value else []
    searches.append(('username', value))
    for field, wanted in searches:
        found = module.find_one('/users', {field: wanted}, match=lambda user, f=field: _user_field(user, f) == wanted,
                                kind='user', label=value)
        if found is not None:
            return found
    return None


def _user_field(user, field):
    if field == 'fullname':
        return '%s %s' % (user.get('firstname') or '', user.get('lastname') or '')
    return user.get(field)


def _find_target(module, target, value, option):
    name, _id_field, path = target
    if name == 'user':
        return _find_user(module, value)
    module.doing('looking up %s %r' % (name, value))
    # Outcall names are unique and filterable; the other collections are small and listed whole.
    items = module.client.list(path, {'name': value} if name == 'outcall' and not value.isdigit() else None)
    key, found = _matching(items, value)
    if len(found) > 1:
        raise WazoError('%d %ss have the %s %r: use the id of one' % (len(found), name, key, value), option)
    return found[0] if found else None


def _matching(items, value):
    """(key, items) of the first key in id, uuid, name, label that some items have equal to value."""
    for key in ('id', 'uuid', 'name', 'label'):
        found = [item for item in items if item.get(key) is not None and str(item.get(key)) == value]
        if found:
            return key, found
    return None, []


def target_path(destination):
    """The collection listing the target of a destination as confd stores it (None without one to name)."""
    target = _shape(destination)[0]
    return target[2] if target else None


def _target_name(target, target_id, items):
    """How the destination option names a target so that _find_target finds it again: a user's "First Last" when no
    other user has that full name, else its uuid; another target's label or name when it finds that target alone,
    else its id."""
    name, id_field, _path = target
    key = id_field[len(name) + 1:]
    own = [item for item in items if str(item.get(key)).lower() == str(target_id).lower()]
    if own and name == 'user':
        fullname = _user_field(own[0], 'fullname')
        # _find_user reads a value with an inner space as a full name
        if ' ' in fullname.strip() and [_user_field(user, 'fullname') for user in items].count(fullname) == 1:
            return fullname
        return str(own[0].get('uuid') or target_id)
    if own:
        for candidate in (own[0].get('label'), own[0].get('name')):
            if candidate and _matching(items, str(candidate))[1] == own:
                return str(candidate)
    return str(target_id)


def friendly_destination(destination, items, context_name):
    """The inverse of the destination reference: confd's destination as the destination option writes it, without
    what confd fills in by itself (decorations, defaults) and without a secret (a DISA pin).

    items: the objects of target_path(destination); context_name(name): how a user names that context.
    """
    target, fields, _required = _shape(destination)
    normalized = normalize(destination)
    friendly = dict(type=destination['type'])
    if target:
        friendly[target[0]] = _target_name(target, normalized[target[1]], items)
    for field in fields:
        value = normalized.get(field)
        if value is None or field in SECRET_FIELDS or (field in DEFAULTS and value is DEFAULTS[field]):
            continue
        friendly[field] = context_name(value) if field == 'context' else value
    return friendly


def _resolve(module, spec, option='destination'):
    destination = dict(type=spec['type'])
    target, fields, _required = _shape(spec)
    if target and target[2] is None:
        destination[target[1]] = int(spec[target[0]])
    elif target:
        target_option = '%s.%s' % (option, target[0])
        found = _find_target(module, target, str(spec[target[0]]), target_option)
        if found is None:
            raise WazoError('no %s %r in the tenant (give its id%s)' % (
                target[0], spec[target[0]], ', username, email, uuid or "First Last"' if target[0] == 'user'
                else ', uuid or name' if target[0] == 'switchboard' else ' or name'), target_option)
        destination[target[1]] = found[target[1].replace(target[0] + '_', '')]
    for name in fields:
        if spec.get(name) is not None:
            destination[name] = spec[name]
    if destination.get('context') is not None:
        destination['context'] = module.find_context(destination['context'], None, '%s.context' % option)['name']
    return destination


def _matches(module, current, spec, option='destination'):
    target = _shape(spec)[0]
    if not current or current.get('type') != spec['type'] or target and not _decorated_as(current, spec, target):
        return False
    if spec.get('context') is not None:
        spec = dict(spec, context=module.find_context(spec['context'], None, '%s.context' % option)['name'])
    desired = dict((name, spec[name]) for name in _shape(spec)[1] if spec.get(name) is not None)
    desired.update(type=spec['type'])
    if target:
        desired[target[1]] = current.get(target[1])
    return same_destination(current, desired)


# The destination option of an incall: objects named by friendly names become confd's ids.
DESTINATION = Reference('destination', _resolve, _matches)
