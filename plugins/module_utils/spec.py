# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Declarations: a resource and its options, stated once.

A ``Resource`` declares what a module manages: its confd collection, and for each module option an
``Option`` with its type and choices, the checks confd would make (made here before any write), the
server field that stores it and in which API generations, the ``Reference`` that turns a user's name
into the stored value, how stored values compare, and how a stored value reads back as the option.
From that one declaration come the module's argument spec, the checks of its values, the desired body
the engine compares and sends (fields only: what is managed, diffed and masked), and the view of a
server object as module options (what wazo_interconnection_info exports).

    TRUNK = Resource('trunk', '/trunks', dict(
        name=Option(required=True),
        state=STATE,
        context=Option(field=True, reference=CONTEXT),
        outgoing_caller_id_format=Option(choices=['+E164', 'E164', 'national'], field=True,
                                         generations=(CURRENT,)),
    ))
    WazoModule(TRUNK).run(ensure_trunk)      # argument spec and checks from the declaration
    TRUNK.desired(module.params)             # {'context': ..., 'outgoing_caller_id_format': ...}
    TRUNK.view(trunk)                        # the same options, read from the server's trunk

Resources that no module option maps one to one (a current server's registration sections) declare
their ``fields`` directly.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.wazo.confd.plugins.module_utils.generation import CURRENT, LEGACY
from ansible_collections.wazo.confd.plugins.module_utils.compare import same_value
from ansible_collections.wazo.confd.plugins.module_utils.secrets import mask_secrets

GENERATION_NAMES = {LEGACY: 'Wazo 20.12 and older (legacy API)', CURRENT: 'Wazo 20.13 and later'}


class WazoError(Exception):
    """Bad input or data the module cannot act on; ``option`` names the module option at fault."""

    def __init__(self, message, option=None):
        self.option = option
        super(WazoError, self).__init__('%s: %s' % (option, message) if option else message)


class Reference(object):
    """A field whose desired value is a user's name for another object.

    ``resolve(module, value)`` returns the value confd stores, or raises ``LookupError(reason)``;
    ``matches(module, current_value, value)`` tells, without a request, that the current object already
    holds what value names. Each (kind, value) is resolved once per task.
    """

    def __init__(self, kind, resolve, matches=None):
        self.kind = kind
        self.resolve = resolve
        self.matches = matches


def as_is(value):
    return value


class Option(object):
    """One module option; see the module docstring.

    type, required, default, choices, elements, options (suboptions, {name: Option}), no_log: the argument spec
    max_length      an int, or {generation: int} when confd's limit depends on the generation
    minimum, maximum
    pattern         (compiled regex, what it must be): confd's re.match of the value
    field           the server field that stores the value: its name, True for the option's own name, None when
                    the value is not stored as such (identity, state, a value an adapter translates)
    unique          a list whose items may not repeat
    generations     the generations whose server stores it; another one silently drops it, so a value is an error
    reference, compare
                    see Reference; compare(current, desired) for stored values whose equality is not plain
    export          stored value -> option value (default: as is)
    """

    def __init__(self, type='str', required=False, default=None, choices=None, elements=None, options=None,
                 no_log=False, max_length=None, minimum=None, maximum=None, pattern=None, unique=False, field=None,
                 generations=None, reference=None, compare=None, export=as_is):
        self.type = type
        self.required = required
        self.default = default
        self.choices = choices
        self.elements = elements
        self.options = options
        self.no_log = no_log
        self.max_length = max_length
        self.minimum = minimum
        self.maximum = maximum
        self.pattern = pattern
        self.unique = unique
        self.field = field
        self.generations = generations
        self.reference = reference
        self.compare = compare
        self.export = export

    def argument_spec(self):
        spec = dict(type=self.type)
        for key in ('required', 'default', 'choices', 'elements', 'no_log'):
            if getattr(self, key) not in (None, False):
                spec[key] = getattr(self, key)
        if self.options is not None:
            spec['options'] = argument_spec(self.options)
        return spec

    def check(self, name, value, generation):
        """WazoError naming the option when value breaks one of its rules; generation() is asked only when a rule
        depends on it."""
        if value is None:
            return
        if self.required and self.type == 'str' and value == '':
            raise WazoError('must not be empty', name)
        if self.generations and value not in ([], {}) and generation() not in self.generations:
            raise WazoError('is only available on %s; this server, %s, silently drops it: remove it' % (
                ' and '.join(GENERATION_NAMES[one] for one in self.generations), GENERATION_NAMES[generation()]), name)
        self._check_limits(name, value, generation)
        if self.options is not None:
            for index, item in enumerate(value if self.type == 'list' else [value]):
                prefix = '%s[%d].' % (name, index) if self.type == 'list' else name + '.'
                check_values(self.options, item or {}, generation, prefix)

    def _check_limits(self, name, value, generation):
        limit = self.max_length
        if isinstance(limit, dict):
            if len(value) <= min(limit.values()):
                return
            limit = limit[generation()]
            if len(value) > limit:
                raise WazoError('longer than %d characters on %s' % (limit, GENERATION_NAMES[generation()]), name)
        if limit is not None and len(value) > limit:
            raise WazoError('longer than %d characters' % limit, name)
        if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum):
            rule = ('must be %s or more' % self.minimum if self.maximum is None
                    else 'must be between %s and %s' % (self.minimum, self.maximum))
            raise WazoError('%s is out of range: %s' % (value, rule), name)
        if self.pattern is not None and value != '' and not self.pattern[0].match(value):
            raise WazoError('%r is not %s' % (value, self.pattern[1]), name)
        if self.unique and len(set(value)) != len(value):
            raise WazoError('an item is listed twice: %s' % ', '.join(str(item) for item in value), name)


STATE = Option(choices=['present', 'absent'], default='present')


def argument_spec(options):
    return dict((name, option.argument_spec()) for name, option in options.items())


def check_values(options, params, generation, prefix=''):
    """Check every option of params against its declaration (see Option.check)."""
    for name, option in options.items():
        option.check(prefix + name, params.get(name), generation)


class Resource(object):
    """A confd resource and the module options that manage it; see the module docstring.

    kind            human name used in messages ("trunk", "SIP endpoint")
    path            collection path; items are ``{path}/{id}``
    options         {option name: Option}
    id_field        'id' (int ids) or 'uuid'
    fields          managed fields no option states one to one (they are compared, sent and diffed like
                    the options' fields); secret_fields, compare, references likewise for them
    orphan          ``orphan(item)`` is true when nothing is bound to an object found only through an
                    association (engine.py, Orphans)
    companions      {field: (other fields)}: a PUT changing field sends the others too (engine.py)
    module_kwargs   what AnsibleModule takes besides the argument spec (required_if, required_by...)
    """

    def __init__(self, kind, path, options=None, id_field='id', fields=(), secret_fields=(), compare=None,
                 references=None, orphan=None, companions=None, **module_kwargs):
        self.kind = kind
        self.path = path
        self.options = dict(options or {})
        self.id_field = id_field
        # {option name: (server field, Option)} of the options the server stores
        self.stored = dict((name, (name if option.field is True else option.field, option))
                           for name, option in self.options.items() if option.field)
        stored = self.stored.values()
        self.fields = tuple(fields) + tuple(field for field, _option in stored)
        self.secret_fields = frozenset(secret_fields) | frozenset(field for field, option in stored if option.no_log)
        self.compare = dict(compare or {}, **dict((field, option.compare) for field, option in stored
                                                  if option.compare))
        self.references = dict(references or {}, **dict((field, option.reference) for field, option in stored
                                                        if option.reference))
        self.orphan = orphan
        self.companions = dict(companions or {})
        self.module_kwargs = module_kwargs

    def argument_spec(self):
        return argument_spec(self.options)

    def check(self, params, generation):
        """The values of params, against their declarations; an option that required_if asks for may not be null
        (AnsibleModule takes an explicit null for a value)."""
        for key, value, names in self.module_kwargs.get('required_if', ()):
            for name in names:
                if params.get(key) == value and params.get(name) in (None, ''):
                    raise WazoError('missing: required when %s is %s' % (key, value), name)
        check_values(self.options, params, generation)

    def desired(self, params):
        """The stored fields of the options given (None: not managed)."""
        return dict((field, params.get(name)) for name, (field, _option) in self.stored.items())

    def view(self, obj):
        """obj (as the server has it) as the options that store its fields; secrets left out."""
        return dict((name, option.export(obj.get(field))) for name, (field, option) in self.stored.items()
                    if not option.no_log)

    def item_path(self, obj_id):
        return '%s/%s' % (self.path, obj_id)

    def same(self, field, current, desired):
        return self.compare.get(field, same_value)(current, desired)

    def mask(self, obj):
        """A copy of obj with its secrets masked."""
        return mask_secrets(obj, self.secret_fields)

    def managed(self, obj, fields=None):
        """The managed fields of obj (for the diff)."""
        return dict((field, obj.get(field)) for field in (fields or self.fields) if field in obj)

    def update_body(self, changes, desired, current):
        """The PUT body of changes: the changed fields and their companions."""
        body = dict(changes)
        for field in changes:
            for companion in self.companions.get(field, ()):
                value = desired.get(companion, current.get(companion))
                if companion not in body and value is not None:
                    body[companion] = value
        return body
