# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A provider interconnection of the role, declared once and read both ways.

An entry of ``provider_interconnection_providers`` (roles/provider_interconnection/meta/argument_specs.yml)
becomes the arguments of the module tasks of the role: wazo_sip_endpoint, wazo_trunk, wazo_register,
wazo_outcall (one task per route) and wazo_incall (one task per DID). The tables below declare, for every key
of an entry and of its routes, its default, the values that mean the same as its default, and the module
options it sets with a conversion each way. Derived from them:

``complete_providers(entries, defaults=None)``
    the entries with every setting (the role's flat variables override the defaults of the table)
``provider_problems(providers, existing=None)``
    what is wrong with them: one message per provider naming each setting at fault, and duplicate names
``passwordless_providers(providers)``
    the present providers that register without a password, which only a provider the server has may do
``module_arguments(providers, generation, existing=())``
    the arguments of every module task: ``{'present': {task: [arguments]}, 'absent': {task: [arguments]}}``
    with the tasks sip_endpoints, trunks, registrations, outcalls and incalls
``scheduled_arguments(arguments, scheduled)``
    those of the tasks a plan (wazo_interconnection_plan) schedules
``providers_from_server(arguments, generation)``
    the inverse, for the export: entries (no password, defaults and implied values left out) from the
    ``present`` arguments that would make what a server has (wazo_interconnection_info reads them)
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.wazo.confd.plugins.module_utils.generation import CURRENT, LEGACY

TASKS = ('sip_endpoints', 'trunks', 'registrations', 'outcalls', 'incalls')
BOTH = (LEGACY, CURRENT)
# A target option written 'options:<key>' is a chan_sip [key, value] pair of wazo_sip_endpoint's options.
SIP_OPTION = 'options:'
# What an entry may leave blank: the key then takes its default.
BLANK = (None, '', [])
NAME = re.compile(r'^[a-zA-Z0-9_-]{1,40}$')
CALLER_ID_FORMATS = (None, '+E164', 'E164', 'national')


def _same(value, other):
    # 1 == True in Python; a boolean setting is never equal to a number here
    return value == other and isinstance(value, bool) == isinstance(other, bool)


def _given(value):
    return not any(_same(value, blank) for blank in BLANK)


class Target(object):
    """A module option that a setting gives its value to.

    task         the task list holding it (TASKS, or 'extensions' for the dial patterns of an outcall)
    option       the module option, or 'options:<key>' for a chan_sip pair of wazo_sip_endpoint's options
    generations  the API generations on which the role sets it
    when         function(entry) -> whether the option is given at all (registration options only to register)
    to_module    function(value) -> what the module gets
    from_module  function(module value) -> the setting read back; None when the option does not tell it
    unset        setting values that are not sent (the module's own default applies)
    identity     whether the option finds the object, the only kind a removal needs
    """

    def __init__(self, task, option, generations=BOTH, when=None, to_module=None, from_module=lambda value: value,
                 unset=(None, ''), identity=False):
        self.task = task
        self.option = option
        self.generations = generations
        self.when = when
        self.to_module = to_module or (lambda value: value)
        self.from_module = from_module
        self.unset = unset
        self.identity = identity


class Setting(object):
    """A key of an entry.

    default   its value when the entry leaves it blank; a function(entry, parent entry) for a derived default
    implied   other values that mean the same as not giving it (the value confd gives a new object), which the
              export leaves out like the default
    secret    never read back from the server
    unanimous read back only when every object it is given to holds the same value (None included): otherwise each
              keeps its own, which the role leaves alone when the setting is not given (the port and transport of a
              hand-made registration may differ from its endpoint's)
    """

    def __init__(self, key, targets=(), default=None, implied=(), secret=False, unanimous=False):
        self.key = key
        self.targets = targets
        self.default = default
        self.implied = implied
        self.secret = secret
        self.unanimous = unanimous

    def default_of(self, entry, parent=None):
        return self.default(entry, parent) if callable(self.default) else self.default


def _registers(provider):
    return provider['register']


def _present(route):
    return route['state'] == 'present'


def _protocol_option(value):
    # a chan_sip endpoint's transport option is the protocol, not the name of a Wazo transport
    return re.sub(r'^transport-', '', str(value))


PROVIDER_SETTINGS = (
    Setting('name', (Target('sip_endpoints', 'name', identity=True), Target('trunks', 'name', identity=True),
                     Target('registrations', 'trunk', identity=True))),
    Setting('state', default='present'),
    Setting('label', (Target('sip_endpoints', 'label', generations=(CURRENT,)),),
            default=lambda provider, parent: provider['name']),
    Setting('host', (Target('sip_endpoints', 'host', unset=(None,)),
                     Target('registrations', 'remote_host', when=_registers))),
    # Not given, the servers' own defaults apply (SIP's port, found by DNS when the provider publishes it; the
    # transport of Wazo's templates, udp).
    Setting('port', (Target('sip_endpoints', 'port', unset=(None,), from_module=int),
                     Target('registrations', 'remote_port', when=_registers, unset=(None,), from_module=int)),
            unanimous=True),
    # wazo_register wants auth_password with auth_username: without a password (a provider the server has), the
    # server keeps its credentials and the username is the registered address only (equal on a role-made register).
    Setting('username', (Target('sip_endpoints', 'username'),
                         Target('registrations', 'auth_username',
                                when=lambda provider: provider['register'] and _given(provider['password'])),
                         Target('registrations', 'sip_username',
                                when=lambda provider: provider['register'] and not _given(provider['password'])))),
    Setting('password', (Target('sip_endpoints', 'secret'), Target('registrations', 'auth_password', when=_registers)),
            secret=True),
    # chan_sip's qualify switches the keepalive on and off; PJSIP has no such option (qualify_frequency 0 is off)
    Setting('qualify_frequency', (Target('sip_endpoints', 'options:qualify', generations=(LEGACY,), unset=(),
                                         to_module=lambda value: 'yes' if int(value or 0) > 0 else 'no',
                                         from_module=None),
                                  Target('sip_endpoints', 'options:qualifyfreq', unset=(None,), to_module=str,
                                         from_module=int)),
            default=60),
    Setting('transport', (Target('sip_endpoints', 'transport', generations=(CURRENT,)),
                          Target('sip_endpoints', 'options:transport', generations=(LEGACY,),
                                 to_module=_protocol_option),
                          Target('registrations', 'transport', when=_registers)),
            unanimous=True),
    Setting('from_domain', (Target('sip_endpoints', 'options:fromdomain'),)),
    Setting('register', (Target('registrations', 'state', unset=(),
                                to_module=lambda value: 'present' if value else 'absent',
                                from_module=lambda state: state == 'present'),),
            default=True),
    Setting('registration_expiration', (Target('registrations', 'expiration', when=_registers, unset=(None, '', 0),
                                               from_module=int),),
            implied=(120,)),
    Setting('context', (Target('trunks', 'context'),)),
    Setting('caller_id_format', (Target('trunks', 'outgoing_caller_id_format'),), implied=('+E164',)),
    Setting('outcalls', default=[]),
    Setting('incalls', default=[]),
)

PATTERN_SETTINGS = (
    Setting('pattern', (Target('extensions', 'exten', to_module=str),)),
    Setting('caller_id', (Target('extensions', 'caller_id'),)),
    Setting('strip_digits', (Target('extensions', 'strip_digits', unset=(None,)),), implied=(0,)),
    Setting('prefix', (Target('extensions', 'prefix'),)),
    Setting('external_prefix', (Target('extensions', 'external_prefix'),)),
    Setting('context', (Target('extensions', 'context'),)),
)


def _patterns_to_module(patterns):
    return [_arguments(PATTERN_SETTINGS, 'extensions', pattern, None) for pattern in patterns]


def _patterns_from_module(extensions):
    return [_read_back(PATTERN_SETTINGS, {'extensions': extension}, None) for extension in extensions]


OUTCALL_SETTINGS = (
    Setting('name', (Target('outcalls', 'name', identity=True),)),
    Setting('state', default='present'),
    Setting('description', (Target('outcalls', 'description'),)),
    Setting('trunks', (Target('outcalls', 'trunks', when=_present),),
            default=lambda route, provider: [provider['name']]),
    Setting('dial_patterns', (Target('outcalls', 'extensions', when=_present, unset=(None,),
                                     to_module=_patterns_to_module, from_module=_patterns_from_module),),
            default=[]),
    Setting('internal_caller_id', (Target('outcalls', 'internal_caller_id', unset=(None,)),), implied=(False,)),
    Setting('ring_time', (Target('outcalls', 'ring_time', unset=(None,)),)),
    Setting('enabled', (Target('outcalls', 'enabled', unset=(None,)),), implied=(True,)),
    Setting('preprocess_subroutine', (Target('outcalls', 'preprocess_subroutine'),)),
)

INCALL_SETTINGS = (
    Setting('did', (Target('incalls', 'exten', to_module=str, identity=True),)),
    Setting('state', default='present'),
    Setting('context', (Target('incalls', 'context', identity=True),)),
    Setting('destination', (Target('incalls', 'destination', when=_present),)),
    Setting('caller_id_mode', (Target('incalls', 'caller_id_mode'),)),
    Setting('caller_id_name', (Target('incalls', 'caller_id_name'),)),
    Setting('description', (Target('incalls', 'description'),)),
    Setting('preprocess_subroutine', (Target('incalls', 'preprocess_subroutine'),)),
    Setting('greeting_sound', (Target('incalls', 'greeting_sound'),)),
)

# What the task of a present provider gets whatever its entry says.
FIXED_ARGUMENTS = {
    LEGACY: {'sip_endpoints': dict(state='present', type='peer'), 'trunks': dict(state='present')},
    CURRENT: {'sip_endpoints': dict(state='present'), 'trunks': dict(state='present')},
}
ROUTES = (('outcalls', OUTCALL_SETTINGS), ('incalls', INCALL_SETTINGS))


# ---- entries ---------------------------------------------------------------------------------------
def _complete(settings, entry, parent=None, defaults=None):
    """entry with every setting of the table: what it gives, else defaults, else the table's default."""
    completed = dict((setting.key, setting.default) for setting in settings if not callable(setting.default))
    completed.update(defaults or {})
    completed.update((key, value) for key, value in entry.items() if _given(value))
    for setting in settings:
        if callable(setting.default) and not _given(completed.get(setting.key)):
            completed[setting.key] = setting.default_of(completed, parent)
    return completed


def complete_providers(entries, defaults=None):
    """The entries with all their settings; defaults (the role's flat variables) override the table's."""
    providers = []
    for entry in entries:
        provider = _complete(PROVIDER_SETTINGS, entry, defaults=defaults)
        provider['register'] = boolean(provider['register'], strict=False)
        providers.append(provider)
    return providers


def _password_problem(provider, existing):
    if provider['state'] == 'present' and provider['register'] and not _given(provider['password']) \
            and existing is not None and provider['name'] not in existing:
        return ('password: required for a new provider that registers (register: true); a provider that exists '
                'already keeps the password the server has')
    return None


def provider_problems(providers, existing=None):
    """One message per provider naming each setting at fault and why, and one for duplicate names.

    existing: the names of the providers the server has, once known; until then passwords are not checked.
    """
    problems = []
    for provider in providers:
        present = provider['state'] == 'present'
        found = [
            "name: must be 1 to 40 letters, digits, '-' or '_'"
            if not NAME.match(str(provider.get('name') or '')) else None,
            'state: must be present or absent' if provider['state'] not in ('present', 'absent') else None,
            'host: required for a present provider' if present and not _given(provider['host']) else None,
            'username: required for a provider that registers (register: true)'
            if present and provider['register'] and not _given(provider['username']) else None,
            _password_problem(provider, existing),
            'caller_id_format: must be +E164, E164 or national'
            if provider['caller_id_format'] not in CALLER_ID_FORMATS else None,
        ]
        found += ['%s: must be a list' % key for key in ('outcalls', 'incalls') if not isinstance(provider[key], list)]
        found = [problem for problem in found if problem]
        if found:
            problems.append('Provider %s: %s' % (provider.get('name') or '(no name)', '; '.join(found)))
    names = [str(provider.get('name')) for provider in providers]
    if len(set(names)) != len(names):
        problems.append('Several providers have the same name: %s' % ', '.join(sorted(names)))
    return problems


def passwordless_providers(providers):
    """Names of the present providers that register without a password (allowed when the server has them)."""
    return [provider['name'] for provider in providers
            if provider['state'] == 'present' and provider['register'] and not _given(provider['password'])]


# ---- forward: module arguments ---------------------------------------------------------------------
def _arguments(settings, task, entry, generation, identity_only=False):
    """The arguments of one task from an entry, per the table."""
    arguments = {}
    for setting in settings:
        value = entry.get(setting.key)
        for target in setting.targets:
            if target.task != task or (generation and generation not in target.generations):
                continue
            if (identity_only and not target.identity) or (target.when and not target.when(entry)):
                continue
            if any(_same(value, unset) for unset in target.unset):
                continue
            converted = target.to_module(value)
            if target.option.startswith(SIP_OPTION):
                arguments.setdefault('options', []).append([target.option[len(SIP_OPTION):], converted])
            else:
                arguments[target.option] = converted
    return arguments


def module_arguments(providers, generation, existing=()):
    """The arguments of every module task of the role for the complete providers.

    Returns {'present': {task: [arguments]}, 'absent': {task: [arguments]}} (tasks: TASKS): the providers whose state
    is present, and the removal of those whose state is absent (only what finds each object). A route carries
    'provider', its provider's name, which is no module option. ValueError for a present provider that registers
    without a password and is not one of the existing ones.
    """
    lists = dict((state, dict((task, []) for task in TASKS)) for state in ('present', 'absent'))
    for provider in providers:
        removed = provider['state'] == 'absent'
        problem = _password_problem(provider, existing or ())
        if problem:
            raise ValueError('Provider %s: %s' % (provider['name'], problem))
        for task in ('sip_endpoints', 'trunks', 'registrations'):
            arguments = _arguments(PROVIDER_SETTINGS, task, provider, generation, identity_only=removed)
            arguments.update(dict(state='absent') if removed else FIXED_ARGUMENTS[generation].get(task, {}))
            lists['absent' if removed else 'present'][task].append(arguments)
        for task, settings in ROUTES:
            for entry in provider[task] or []:
                route = _complete(settings, entry, provider)
                route['state'] = 'absent' if removed else route['state']
                arguments = _arguments(settings, task, route, generation, identity_only=removed)
                arguments.update(state=route['state'], provider=provider['name'])
                lists['absent' if removed else 'present'][task].append(arguments)
    return lists


def scheduled_arguments(arguments, scheduled):
    """The module arguments (module_arguments) of the tasks a plan schedules: scheduled is {state: {task: [indexes]}}
    (wazo_interconnection_plan's ``scheduled``)."""
    return dict((state, dict((task, [tasks[task][index] for index in (scheduled.get(state) or {}).get(task) or []])
                             for task in TASKS))
                for state, tasks in arguments.items())


# ---- inverse: entries from the server ------------------------------------------------------------
def _read_back(settings, arguments_by_task, generation, parent=None):
    """An entry from the arguments of its tasks; defaults and implied values left out, never a secret."""
    entry = {}
    for setting in settings:
        values = []
        for target in setting.targets:
            if setting.secret or target.from_module is None or (generation and generation not in target.generations):
                continue
            arguments = arguments_by_task.get(target.task) or {}
            if target.when is not None and arguments.get('state') == 'absent':
                continue  # an object the entry does not make (a registration of a provider that does not register)
            if target.option.startswith(SIP_OPTION):
                value = dict((key, item) for key, item in arguments.get('options') or []).get(
                    target.option[len(SIP_OPTION):])
            else:
                value = arguments.get(target.option)
            values.append(target.from_module(value) if _given(value) else None)
        if setting.unanimous and any(not _same(value, values[0]) for value in values):
            continue
        given = [value for value in values if _given(value)]
        if given:
            entry[setting.key] = given[0]
    for setting in settings:
        value = entry.get(setting.key)
        if setting.key in entry and (_same(value, setting.default_of(entry, parent))
                                     or any(_same(value, implied) for implied in setting.implied)):
            del entry[setting.key]
    return entry


def providers_from_server(arguments, generation):
    """Provider entries from the present arguments (module_arguments' shape) of what a server has.

    A provider is a SIP endpoint of the sip_endpoints list, with its trunk, its registration and the routes whose
    'provider' is its name, in that list's order.
    """
    by_name = dict((task, dict((item.get('name'), item) for item in arguments.get(task) or []))
                   for task in ('sip_endpoints', 'trunks'))
    registrations = dict((item['trunk'], item) for item in arguments.get('registrations') or [])
    providers = []
    for endpoint in arguments.get('sip_endpoints') or []:
        name = endpoint['name']
        provider = _read_back(PROVIDER_SETTINGS, {'sip_endpoints': endpoint, 'trunks': by_name['trunks'].get(name),
                                                  'registrations': registrations.get(name)}, generation)
        for task, settings in ROUTES:
            routes = [_read_back(settings, {task: route}, generation, parent=provider)
                      for route in arguments.get(task) or [] if route.get('provider') == name]
            if routes:
                provider[task] = routes
        providers.append(provider)
    return providers
