# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one place where the two wazo-confd API generations differ.

``module.adapter`` is a ``LegacyAdapter`` (Wazo <= 20.12: chan_sip endpoints with int ids,
``/registers/sip``) or a ``CurrentAdapter`` (Wazo >= 20.13: PJSIP sections, templates, transports,
endpoints by uuid), one per task. Both expose the same methods, so modules never test the generation:

    sip_endpoint                      the Resource of a SIP endpoint on this generation
    find_sip_endpoint(name, refresh=False)
                                      the SIP endpoint called name, or None (read once per task)
    sip_endpoint_desired(params, current)
                                      the endpoint fields to ensure, from the provider vocabulary (pjsip.py)
    find_trunk(name)                  the trunk whose SIP endpoint is called name, or None
    endpoint_for_new_trunk(name)      the SIP endpoint a new trunk binds (check mode may assume it)
    trunk_desired(params, current)    the trunk fields to ensure (context defaults to the incall context)
    trunk_endpoint_path(trunk_id, endpoint)
                                      the trunk <-> SIP endpoint association route
    ensure_registration(params)       the whole registration (-> (Resource, object))
    find_incall(exten, context)       the incall of a DID, or None
    check_destination(destination, option)
                                      WazoError for a destination this generation lacks

and, for reading an interconnection back (wazo_interconnection_info), the inverse of the above:

    read_for_export()                 what this generation needs listed besides the common lists (legacy:
                                      the SIP registers; current: the SIP transports), one request each
    sip_endpoint_arguments(endpoint, extra)
                                      wazo_sip_endpoint's arguments (provider vocabulary) of an endpoint
    registration_arguments(trunk, endpoint, extra)
                                      wazo_register's arguments of a trunk's registration (state absent
                                      without one); never a password

Options that only one generation stores are declared so (spec.Option ``generations``): they never
reach an adapter of the other one.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import string

from ansible_collections.wazo.confd.plugins.module_utils.generation import LEGACY
from ansible_collections.wazo.confd.plugins.module_utils.compare import same_multiset, same_uuid, same_uuids
from ansible_collections.wazo.confd.plugins.module_utils.pjsip import (
    ALL_SECTIONS, ENDPOINT_SECTIONS, LEGACY_DEFAULT_OPTIONS, REGISTRATION_SECTIONS, chan_sip_to_pjsip,
    merge_options, option_pairs, pjsip_to_chan_sip, same_legacy_options, sip_uri, transport_name, transport_protocol,
)
from ansible_collections.wazo.confd.plugins.module_utils.resources import TRUNK
from ansible_collections.wazo.confd.plugins.module_utils.spec import Reference, Resource, WazoError

GLOBAL_TEMPLATE = 'global'
REGISTRATION_TEMPLATE = 'registration_trunk'


# ---- references ----------------------------------------------------------------------------------
def _transport(module, value):
    name = transport_name(value)
    found = module.find_one('/sip/transports', {'name': name}, kind='SIP transport', label=name)
    if found is None:
        raise LookupError('no SIP transport named %r on this server' % name)
    return found


def _template_uuid(module, label):
    found = module.find_one('/endpoints/sip/templates', {'label': label}, kind='SIP template', label=label)
    if found is None:
        raise LookupError('no SIP template labelled %r in this tenant' % label)
    return {'uuid': found['uuid']}


def _labels(templates):
    """Labels of a template list whose items are labels or template objects."""
    return [item.get('label') if isinstance(item, dict) else item for item in templates or []]


def _swap_template(templates, old, new):
    """Templates with the one labelled old replaced by new, or dropped when new is there already."""
    labels = _labels(templates)
    return [new if label == old else template for label, template in zip(labels, templates)
            if label != old or new not in labels]


def _template_uuids(module, templates):
    # Template objects already on the endpoint keep their uuid; labels are looked up.
    return [{'uuid': item['uuid']} if isinstance(item, dict) else module.resolve('templates', TEMPLATE, item)
            for item in templates]


TRANSPORT_NAME = Reference('SIP transport name', lambda module, value: _transport(module, value)['name'],
                           matches=lambda module, current, value: current == transport_name(value))
TRANSPORT_UUID = Reference('SIP transport', lambda module, value: {'uuid': _transport(module, value)['uuid']})
TEMPLATE = Reference('SIP template', _template_uuid)
TEMPLATES = Reference('SIP templates', _template_uuids,
                      matches=lambda module, current, templates: _labels(current) == _labels(templates))

LEGACY_SIP_ENDPOINT = Resource('SIP endpoint', '/endpoints/sip', id_field='id',
                               fields=('name', 'username', 'secret', 'type', 'host', 'options'),
                               secret_fields=('secret',), compare={'options': same_legacy_options})
CURRENT_SIP_ENDPOINT = Resource('SIP endpoint', '/endpoints/sip', id_field='uuid',
                                fields=('name', 'label', 'templates', 'transport') + ALL_SECTIONS,
                                compare=dict([('templates', same_uuids), ('transport', same_uuid)]
                                             + [(section, same_multiset) for section in ALL_SECTIONS]),
                                references={'templates': TEMPLATES, 'transport': TRANSPORT_UUID})
LEGACY_REGISTER = Resource('SIP register', '/registers/sip',
                           fields=('sip_username', 'auth_username', 'auth_password', 'remote_host', 'remote_port',
                                   'transport', 'callback_extension', 'expiration', 'enabled'),
                           secret_fields=('auth_password',), references={'transport': TRANSPORT_NAME},
                           orphan=lambda register: not register.get('trunk'),
                           companions={'auth_username': ('auth_password',)})


def adapter_for(module):
    """A new adapter of the server's generation for module's task (WazoModule.adapter keeps one per task)."""
    return (LegacyAdapter if module.client.generation == LEGACY else CurrentAdapter)(module)


# confd's validation of SIP endpoint names and register fields, checked before any write (a refused POST is a write).
NO_SEPARATOR = re.compile(r'^[^:/ ]*$')
LEGACY_ENDPOINT_NAME = (re.compile(r'^[a-zA-Z0-9_+-]{1,40}$'), "1 to 40 letters, digits, '_', '+' or '-'")
CURRENT_ENDPOINT_NAME = (re.compile(r'^[-_.a-zA-Z0-9]{1,79}$'), "1 to 79 letters, digits, '-', '_' or '.'")
RESERVED_ENDPOINT_NAMES = ('global', 'system')
# A host, or on current servers a bracketed IPv6 address; the port goes in remote_port.
LEGACY_REMOTE_HOST = re.compile(r'^[^:/~ ]+$')
CURRENT_REMOTE_HOST = re.compile(r'^(\[[0-9a-fA-F:.]+\]|[^:/~ \[\]]+)$')


class BaseAdapter(object):
    sip_endpoint = None
    # How contexts are named back to users: current servers generate names (ctx-<slug>-<type>-<uuid>), so a label
    # reads better; legacy servers have the names an admin chose.
    contexts_by_label = True
    endpoint_name = CURRENT_ENDPOINT_NAME
    remote_host = CURRENT_REMOTE_HOST

    # The list filter that matches an endpoint's name exactly.
    endpoint_name_filter = 'name'

    def __init__(self, module):
        self.module = module

    def find_sip_endpoint(self, name, refresh=False):
        """The endpoint called name (read once per task, again when refresh)."""
        return self.module.cached(('SIP endpoint', name), lambda: self.module.find_one(
            '/endpoints/sip', {self.endpoint_name_filter: name}, match=lambda item: item.get('name') == name,
            kind='SIP endpoint', label=name), refresh=refresh)

    def endpoint_for_new_trunk(self, name):
        """The SIP endpoint a new trunk binds: it must be free; check mode may assume it (engine.missing_parent)."""
        endpoint = self.find_sip_endpoint(name)
        if endpoint is None:
            self.module.missing_parent('SIP endpoint named %r' % name, 'name',
                                       'create it with wazo.confd.wazo_sip_endpoint first')
            return {'name': name}
        if endpoint.get('line'):
            raise WazoError('SIP endpoint %r belongs to a line, not to a trunk' % name, 'name')
        return endpoint

    def trunk_desired(self, params, current):
        desired = TRUNK.desired(params)
        if desired['context'] is None and not (current or {}).get('context'):
            desired['context'] = self.module.find_context(None, 'incall', 'context')['name']
        return desired

    def trunk_endpoint_path(self, trunk_id, endpoint):
        # an endpoint check mode assumes (engine.missing_parent) has no id yet
        return '/trunks/%s/endpoints/sip/%s' % (trunk_id, endpoint.get(self.sip_endpoint.id_field))

    def check_endpoint_name(self, name, option='name'):
        pattern, rule = self.endpoint_name
        if not pattern.match(name) or name in RESERVED_ENDPOINT_NAMES:
            raise WazoError('%r is not a valid SIP endpoint name on this server: %s%s' % (
                name, rule, '' if name not in RESERVED_ENDPOINT_NAMES else ", and not 'global' or 'system'"), option)

    def check_registration(self, params):
        """The register fields confd would refuse (after the first write of a task), checked first."""
        host = params.get('remote_host')
        if host is not None and not self.remote_host.match(host):
            raise WazoError("%r is not a host name or address: no ':', '/', '~' or spaces (give the port with "
                            "remote_port)" % host, 'remote_host')
        for option in ('sip_username', 'auth_username'):
            value = params.get(option)
            if value is not None and not NO_SEPARATOR.match(value):
                raise WazoError("%r must not contain ':', '/' or spaces" % value, option)

    def _trunk_for_registration(self, params):
        if params['state'] == 'present':
            self.check_registration(params)
        trunk = self.find_trunk(params['trunk'])
        if trunk is None and params['state'] == 'present':
            self.module.missing_parent('trunk whose SIP endpoint is named %r' % params['trunk'], 'trunk',
                                       'create it with wazo.confd.wazo_trunk first')
        return trunk

    @staticmethod
    def check_password_kept(params, has_password):
        """auth_username without auth_password keeps the registration's password, when it has one."""
        if params.get('auth_username') and params.get('auth_password') is None and not has_password:
            raise WazoError('required with auth_username: the registration has no password to keep', 'auth_password')

    @staticmethod
    def check_destination(destination, option):
        """WazoError when this generation lacks the destination (destination options only one generation stores
        are declared so in destinations.py)."""

    @staticmethod
    def sip_username(params):
        sip_username = params.get('sip_username') or params.get('auth_username')
        if not sip_username:
            raise WazoError('required (or auth_username) when state is present', 'sip_username')
        return sip_username


class LegacyAdapter(BaseAdapter):
    """Wazo <= 20.12: chan_sip endpoint bodies, /registers/sip, int ids."""

    sip_endpoint = LEGACY_SIP_ENDPOINT
    contexts_by_label = False
    endpoint_name = LEGACY_ENDPOINT_NAME
    remote_host = LEGACY_REMOTE_HOST
    # ?username= filters on the endpoint's *name* column on this generation; ?name= is ignored.
    endpoint_name_filter = 'username'

    def check_registration(self, params):
        super(LegacyAdapter, self).check_registration(params)
        # The register is stored as one chan_sip "register =>" line: these separate its parts.
        if params.get('auth_password') is not None and not NO_SEPARATOR.match(params['auth_password']):
            raise WazoError("must not contain ':', '/' or spaces on Wazo 20.12 and older (it is stored in a chan_sip "
                            "register line)", 'auth_password')
        if params.get('callback_extension') is not None and re.search(r'[~ ]', params['callback_extension']):
            raise WazoError("%r must not contain '~' or spaces" % params['callback_extension'], 'callback_extension')

    def sip_endpoint_desired(self, params, current):
        self.check_endpoint_name(params['name'])
        if params.get('username') is not None:
            self.check_endpoint_name(params['username'], 'username')
        secret = params.get('secret')
        if secret is not None and not (0 < len(secret) <= 80 and all(char in string.printable for char in secret)):
            raise WazoError('must be 1 to 80 printable ASCII characters on Wazo 20.12 and older', 'secret')
        if params.get('label') is not None:
            self.module.warn('label is ignored: legacy (chan_sip) SIP endpoints have no label')
        options = option_pairs(params.get('options'), 'options')
        if params.get('port') is not None:
            options = merge_options(options, [['port', str(params['port'])]])
        exact = params.get('options_mode') == 'exact'
        desired = dict((field, params.get(field)) for field in ('name', 'username', 'secret', 'type', 'host'))
        if current is None and desired['username'] is None:
            # confd names a legacy endpoint after its username, a random one when none is sent: the endpoint would
            # lose the name that identifies it (an IP-authenticated trunk has no username of its own).
            desired['username'] = params['name']
        if exact:
            stated = set(pair[0] for pair in options)
            desired['options'] = options + [list(pair) for pair in LEGACY_DEFAULT_OPTIONS if pair[0] not in stated]
        elif options:
            desired['options'] = merge_options((current or {}).get('options'), options)
        return desired

    def find_trunk(self, name):
        endpoint = self.find_sip_endpoint(name)
        if not (endpoint and endpoint.get('trunk')):
            return None
        self.module.doing('reading the trunk of SIP endpoint %r' % name)
        return self.module.client.get('/trunks/%s' % endpoint['trunk']['id'])

    def ensure_registration(self, params):
        """/registers/sip + its trunk association, updated in place."""
        module = self.module
        trunk = self._trunk_for_registration(params)
        link = (trunk or {}).get('register_sip')
        current = None
        if link:
            module.doing('reading the SIP register of trunk %r' % params['trunk'])
            current = module.client.get('/registers/sip/%s' % link['id'])
        if params['state'] == 'absent':
            # DELETE /trunks/{t}/registers/sip/{r} is a no-op on these servers: delete the register itself.
            module.delete(LEGACY_REGISTER, current, label=params['trunk'])
            return LEGACY_REGISTER, None
        self.check_password_kept(params, (current or {}).get('auth_password'))
        desired = dict((field, params.get(field)) for field in LEGACY_REGISTER.fields)
        desired['sip_username'] = self.sip_username(params)
        plan = module.plan(LEGACY_REGISTER, current, desired, label=params['trunk'])
        register = module.apply(plan)
        if module.bind(plan, lambda register_id: module.link(
                '/trunks/%s/registers/sip/%s' % ((trunk or {}).get('id'), register_id), linked=current is not None,
                diff_key='trunk', after=params['trunk'])) and not module.check_mode:
            register = module.client.get(LEGACY_REGISTER.item_path(plan.id))
        return LEGACY_REGISTER, register

    def find_incall(self, exten, context):
        extension = self.module.find_extension(exten, context)
        if not (extension and extension.get('incall')):
            return None
        return self.module.client.get('/incalls/%s' % extension['incall']['id'])

    def read_for_export(self):
        self.module.doing('listing the SIP registers')
        # not tenant-filtered on these servers: only the registers a trunk of the tenant links to are read
        return dict(registers=dict((item['id'], item) for item in self.module.client.list('/registers/sip')))

    @staticmethod
    def sip_endpoint_arguments(endpoint, extra):
        """The chan_sip body as it is; the port option is wazo_sip_endpoint's port."""
        options = [list(pair) for pair in endpoint.get('options') or [] if pair[0] != 'port']
        port = dict((key, value) for key, value in endpoint.get('options') or []).get('port')
        return dict(name=endpoint['name'], username=endpoint.get('username'), host=endpoint.get('host'),
                    port=int(port) if port else None, type=endpoint.get('type'), options=options)

    @staticmethod
    def registration_arguments(trunk, endpoint, extra):
        register = extra['registers'].get((trunk.get('register_sip') or {}).get('id'))
        if register is None:
            return dict(trunk=endpoint['name'], state='absent')
        arguments = dict((field, register.get(field)) for field in LEGACY_REGISTER.fields
                         if field not in LEGACY_REGISTER.secret_fields)
        arguments.update(trunk=endpoint['name'], state='present',
                         transport=transport_protocol(register.get('transport')))
        return arguments


class CurrentAdapter(BaseAdapter):
    """Wazo >= 20.13: PJSIP sections, templates and transports, endpoints by uuid."""

    sip_endpoint = CURRENT_SIP_ENDPOINT

    def sip_endpoint_desired(self, params, current):
        self.check_endpoint_name(params['name'])
        current = current or {}
        options = option_pairs(params.get('options'), 'options')
        translated, options_transport, ignored = chan_sip_to_pjsip(
            params.get('username'), params.get('secret'), params.get('host'), params.get('port'), options)
        if params.get('type') is not None:
            ignored.insert(0, 'type')
        if ignored:
            self.module.warn('No PJSIP equivalent on this server (Wazo 20.13 and later), ignored as Wazo\'s own '
                             'migration did: %s' % ', '.join(ignored))
        exact = params.get('options_mode') == 'exact'
        desired = dict(name=params['name'], label=params.get('label') or (None if current else params['name']))
        for section in ENDPOINT_SECTIONS:
            wanted = merge_options(translated[section], option_pairs(params.get(section), section))
            if wanted or exact:
                desired[section] = merge_options(current.get(section), wanted, exact)
        for section in REGISTRATION_SECTIONS:
            if translated[section]:
                desired[section] = merge_options(current.get(section), translated[section])
        templates = params.get('templates')
        desired['templates'] = [GLOBAL_TEMPLATE] if templates is None and not current else templates
        desired['transport'] = params.get('transport') or options_transport
        return desired

    def find_trunk(self, name):
        return self.module.find_one('/trunks', {'name': name}, kind='trunk', label=name,
                                    match=lambda trunk: (trunk.get('endpoint_sip') or {}).get('name') == name)

    def ensure_registration(self, params):
        """The registration_* sections of the trunk's endpoint, and its registration_trunk template."""
        module = self.module
        trunk = self._trunk_for_registration(params)
        link = (trunk or {}).get('endpoint_sip')
        if trunk is not None and not link:
            raise WazoError('trunk %r has no SIP endpoint' % params['trunk'], 'trunk')
        planned = False
        if link:
            module.doing('reading the SIP endpoint of trunk %r' % params['trunk'])
            endpoint = module.client.get('/endpoints/sip/%s' % link['uuid'])
        elif trunk is None and params['state'] == 'present':
            # Check mode, the trunk assumed (engine.missing_parent): its endpoint exists already, or is assumed too
            # and then has what wazo_sip_endpoint gives a new endpoint, the global template.
            endpoint = self.find_sip_endpoint(params['trunk'])
            planned = endpoint is None
            endpoint = endpoint or dict(templates=[GLOBAL_TEMPLATE])
        else:
            return CURRENT_SIP_ENDPOINT, None
        templates = endpoint.get('templates') or []
        labels = _labels(templates)
        if params['state'] == 'absent':
            desired = dict((section, []) for section in REGISTRATION_SECTIONS)
            swapped = _swap_template(templates, REGISTRATION_TEMPLATE, GLOBAL_TEMPLATE)
        else:
            desired = self._registration_sections(params, endpoint)
            # registration_trunk inherits from global: it takes global's place, or comes first.
            swapped = (templates if REGISTRATION_TEMPLATE in labels
                       else _swap_template(templates, GLOBAL_TEMPLATE, REGISTRATION_TEMPLATE) if GLOBAL_TEMPLATE in labels
                       else [REGISTRATION_TEMPLATE] + templates)
        desired['templates'] = swapped if planned or _labels(swapped) != labels else None
        endpoint = module.ensure(CURRENT_SIP_ENDPOINT, None if planned else endpoint, desired, label=params['trunk'])
        return CURRENT_SIP_ENDPOINT, endpoint

    def _registration_sections(self, params, endpoint):
        """Wazo's register mapping: client_uri, server_uri, expiration, contact_user, transport; outbound auth."""
        sip_username = self.sip_username(params)
        hostport = params['remote_host'] + (':%s' % params['remote_port'] if params.get('remote_port') else '')
        if params.get('enabled') is False:
            raise WazoError('false is not supported on Wazo 20.13 and later; use state=absent to remove the '
                            'registration', 'enabled')
        registration = [['client_uri', 'sip:%s@%s' % (sip_username, hostport)], ['server_uri', 'sip:' + hostport],
                        ['expiration', str(params.get('expiration') or 120)]]
        if params.get('callback_extension'):
            registration.append(['contact_user', params['callback_extension']])
        if params.get('transport'):
            current_transport = dict(endpoint.get('registration_section_options') or []).get('transport')
            name = (current_transport if TRANSPORT_NAME.matches(self.module, current_transport, params['transport'])
                    else self.module.resolve('transport', TRANSPORT_NAME, params['transport']))
            registration.append(['transport', name])
        self.check_password_kept(params, 'password' in dict(endpoint.get('registration_outbound_auth_section_options')
                                                            or []))
        auth = [['username', params.get('auth_username') or sip_username]]
        if params.get('auth_password'):
            auth.append(['password', params['auth_password']])
        return dict(registration_section_options=merge_options(endpoint.get('registration_section_options'),
                                                               registration),
                    registration_outbound_auth_section_options=merge_options(
                        endpoint.get('registration_outbound_auth_section_options'), auth))

    def find_incall(self, exten, context):
        def owns_did(incall):
            return any(extension.get('exten') == exten and extension.get('context') == context
                       for extension in incall.get('extensions') or [])
        return self.module.find_one('/incalls', {'exten': exten}, match=owns_did, kind='incall',
                                    label='%s@%s' % (exten, context))

    @staticmethod
    def check_destination(destination, option):
        if destination['type'] == 'meetme':
            raise WazoError('meetme destinations are gone since Wazo 20.13; use a conference', option + '.type')

    @staticmethod
    def registration_arguments(trunk, endpoint, extra):
        """The inverse of _registration_sections (the password is not read back)."""
        registration = dict((key, value) for key, value in endpoint.get('registration_section_options') or [])
        if not registration.get('client_uri'):
            return dict(trunk=endpoint['name'], state='absent')
        sip_username = sip_uri(registration['client_uri'])[0]
        _user, host, port = sip_uri(registration.get('server_uri') or registration['client_uri'])
        auth = dict((key, value) for key, value in endpoint.get('registration_outbound_auth_section_options') or [])
        expiration = registration.get('expiration')
        return dict(trunk=endpoint['name'], state='present', sip_username=sip_username,
                    auth_username=auth.get('username'), remote_host=host, remote_port=port,
                    expiration=int(expiration) if expiration else None,
                    callback_extension=registration.get('contact_user'),
                    transport=transport_protocol(registration.get('transport')))

    def read_for_export(self):
        self.module.doing('listing the SIP transports')
        return dict(transports=dict((item['uuid'], item['name'])
                                    for item in self.module.client.list('/sip/transports')))

    @staticmethod
    def sip_endpoint_arguments(endpoint, extra):
        """pjsip_to_chan_sip's vocabulary, with the label and the endpoint's own transport."""
        arguments = pjsip_to_chan_sip(endpoint)
        transport = extra['transports'].get((endpoint.get('transport') or {}).get('uuid'))
        arguments.update(name=endpoint['name'], label=endpoint.get('label'), transport=transport_protocol(transport))
        return arguments
