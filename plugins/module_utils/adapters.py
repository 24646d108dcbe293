# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one place where the two wazo-confd API generations differ.

``get_adapter(module)`` returns a ``LegacyAdapter`` (Wazo <= 20.12: chan_sip endpoints with int ids,
``/registers/sip``) or a ``CurrentAdapter`` (Wazo >= 20.13: PJSIP sections, templates, transports,
endpoints by uuid). Both expose the same methods, so modules never test the generation:

    find_sip_endpoint(name, cached=True)
                                      the SIP endpoint called name, or None (one lookup per task
                                      unless cached is false)
    sip_endpoint                      its Resource declaration
    sip_endpoint_desired(params, current)
                                      the endpoint fields to ensure, from the provider vocabulary
    find_trunk(name)                  the trunk whose SIP endpoint is called name, or None
    trunk_desired(params, current)    the trunk fields to ensure (context defaults to the incall context)
    trunk_endpoint_path(trunk_id, endpoint)
                                      the trunk <-> SIP endpoint association route
    ensure_registration(params)       the whole registration (-> (Resource, object))
    find_incall(exten, context)       the incall of a DID, or None
    check_destination(destination, option)
                                      WazoError for a destination field or type this generation lacks
    default_context(context_type, option)
                                      the tenant's only context of a type (incall, outcall...)

and, for reading an interconnection back (wazo_interconnection_info), the inverse of the above:

    read_for_export()                 what this generation needs listed besides the common lists (legacy:
                                      the SIP registers; current: the SIP transports), one request each
    sip_endpoint_arguments(endpoint, extra)
                                      wazo_sip_endpoint's arguments (provider vocabulary) of an endpoint
    registration_arguments(trunk, endpoint, extra)
                                      wazo_register's arguments of a trunk's registration (state absent
                                      without one); never a password
    context_reference(contexts, name, context_type)
                                      how a user names a context (None for the default one)

The chan_sip -> PJSIP translation follows Wazo's own 2020 migration (xivo-manage-db
ea74eca400ce_sip_to_pjsip_endpoint and its follow-up fixes).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import string

from ansible_collections.wazo.confd.plugins.module_utils.client import CURRENT, LEGACY
from ansible_collections.wazo.confd.plugins.module_utils.engine import (
    Reference, Resource, WazoError, same_multiset, same_uuid, same_uuids,
)
from ansible_collections.wazo.confd.plugins.module_utils.extensions import context_reference, find_extension

# PJSIP sections managed by wazo_sip_endpoint; the registration ones belong to wazo_register.
ENDPOINT_SECTIONS = ('aor_section_options', 'auth_section_options', 'endpoint_section_options',
                     'identify_section_options', 'outbound_auth_section_options')
REGISTRATION_SECTIONS = ('registration_section_options', 'registration_outbound_auth_section_options')
ALL_SECTIONS = ENDPOINT_SECTIONS + REGISTRATION_SECTIONS

TRANSPORT_PROTOCOLS = ('udp', 'tcp', 'tls', 'ws', 'wss')
# Contexts of a current server are named ctx-<tenant slug>-<type>-<uuid> by confd itself (>= 23.12).
GENERATED_CONTEXT_NAME = re.compile(r'^ctx-.+-(internal|incall|outcall|services|others)-[0-9a-f-]{36}$')
GLOBAL_TEMPLATE = 'global'
REGISTRATION_TEMPLATE = 'registration_trunk'

# Options a legacy server always reports, whatever was sent (column defaults of usersip).
LEGACY_DEFAULT_OPTIONS = (('amaflags', 'default'), ('call-limit', '10'), ('subscribemwi', 'no'))
# Legacy boolean columns read back as yes/no whatever truthy spelling was written.
LEGACY_TRUE = frozenset(['yes', 'true', '1', 'on'])
LEGACY_FALSE = frozenset(['no', 'false', '0', 'off'])

# ---- chan_sip -> PJSIP mapping (Wazo's 2020 migration) --------------------------------------------
AOR_RENAMES = {'qualifyfreq': 'qualify_frequency', 'maxexpiry': 'maximum_expiration',
               'minexpiry': 'minimum_expiration', 'defaultexpiry': 'default_expiration'}
ENDPOINT_RENAMES = {
    'fromuser': 'from_user', 'fromdomain': 'from_domain', 'trustrpid': 'trust_id_inbound',
    'session-timers': 'timers', 'session-expires': 'timers_sess_expires', 'session-minse': 'timers_min_se',
    'allowsubscribe': 'allow_subscribe', 'allowtransfer': 'allow_transfer', 'autoframing': 'use_ptime',
    'busylevel': 'device_state_busy_at', 'callingpres': 'callerid_privacy', 'cid_tag': 'callerid_tag',
    'mohsuggest': 'moh_suggest', 'mwifrom': 'mwi_from_user', 'rtptimeout': 'rtp_timeout',
    'rtpholdtimeout': 'rtp_timeout_hold', 'subminexpiry': 'sub_min_expiry', 'tonezone': 'tone_zone',
    'outboundproxy': 'outbound_proxy', 'icesupport': 'ice_support', 'avpf': 'use_avpf',
    'sdpowner': 'sdp_owner', 'sdpsession': 'sdp_session', 'dtlsverify': 'dtls_verify',
    'dtlsrekey': 'dtls_rekey', 'dtlscertfile': 'dtls_cert_file', 'dtlsprivatekey': 'dtls_private_key',
    'dtlscipher': 'dtls_cipher', 'dtlscafile': 'dtls_ca_file', 'dtlscapath': 'dtls_ca_path',
    'dtlssetup': 'dtls_setup',
}
VALUE_MAPS = {
    'dtmfmode': {'rfc2833': [('dtmf_mode', 'rfc4733')], 'inband': [('dtmf_mode', 'inband')],
                 'info': [('dtmf_mode', 'info')]},
    'directmedia': {'yes': [('direct_media', 'yes')], 'no': [('direct_media', 'no')],
                    'update': [('direct_media_method', 'update')],
                    'outgoing': [('direct_media_glare_mitigation', 'outgoing')],
                    'nonat': [('disable_directed_media_on_nat', 'yes')]},
    'progressinband': {'no': [('inband_progress', 'no')], 'never': [('inband_progress', 'no')],
                       'yes': [('inband_progress', 'yes')]},
    'sendrpid': {'yes': [('send_rpid', 'yes')], 'rpid': [('send_rpid', 'yes')], 'pai': [('send_pai', 'yes')]},
    'encryption': {'yes': [('media_encryption', 'sdes')]},
}
# nat is a comma list in chan_sip; each part maps on its own, as Asterisk's sip_to_pjsip does
# (Wazo's migration matched whole values and produced nothing for e.g. "force_rport,comedia").
NAT_PARTS = {'yes': [('rtp_symmetric', 'yes'), ('rewrite_contact', 'yes')], 'comedia': [('rtp_symmetric', 'yes')],
             'force_rport': [('force_rport', 'yes'), ('rewrite_contact', 'yes')], 'no': []}
IDENTIFY_KEYS = frozenset(['srv_lookups', 'match_header'])
REGISTRATION_KEYS = frozenset(['contact_header_params', 'forbidden_retry_interval', 'fatal_retry_interval', 'line',
                               'server_uri', 'support_path', 'support_outbound'])
# Dropped by Wazo's migration: no PJSIP equivalent, or kept elsewhere (context lives on the trunk).
DROPPED_KEYS = frozenset(['type', 'qualify', 'context', 'call-limit', 'subscribemwi', 'md5secret', 'category',
                          'protocol'])


def option_text(value):
    """confd option values are strings; YAML booleans become the yes/no Asterisk understands."""
    if isinstance(value, bool):
        return 'yes' if value else 'no'
    return str(value)


def option_pairs(value, option):
    """A user's option list ([[key, value], ...] or {key: value or [values]}) as [[str, str], ...]."""
    if value is None:
        return []
    pairs = []
    if isinstance(value, dict):
        for key, item in value.items():
            for one in (item if isinstance(item, list) else [item]):
                pairs.append([str(key), option_text(one)])
        return pairs
    if not isinstance(value, list):
        raise WazoError('must be a list of [key, value] pairs or a mapping, got %s' % type(value).__name__, option)
    for item in value:
        if isinstance(item, dict) and len(item) == 1:
            item = list(item.items())[0]
        if not isinstance(item, (list, tuple)) or len(item) != 2 or isinstance(item[0], (list, dict)):
            raise WazoError('each item must be a [key, value] pair, got %r' % (item,), option)
        pairs.append([str(item[0]), option_text(item[1])])
    return pairs


def merge_options(current, wanted, exact=False):
    """Options after applying the user's: every key the user states replaces all its occurrences;
    other keys stay unless exact. Returns a new list."""
    if exact:
        return [list(pair) for pair in wanted]
    keys = set(pair[0] for pair in wanted)
    return [list(pair) for pair in current or [] if pair[0] not in keys] + [list(pair) for pair in wanted]


def _normalize_legacy(pairs):
    normalized = []
    for key, value in pairs or []:
        text = str(value).lower()
        value = 'yes' if text in LEGACY_TRUE else 'no' if text in LEGACY_FALSE else str(value)
        normalized.append([str(key), value])
    return normalized


def same_legacy_options(current, desired):
    """Legacy options: order unstable and boolean columns read back as yes/no."""
    return same_multiset(_normalize_legacy(current), _normalize_legacy(desired))


def transport_name(value):
    """A protocol keyword (udp, tcp, tls, ws, wss) names Wazo's default transport-<protocol>."""
    return 'transport-%s' % value if value in TRANSPORT_PROTOCOLS else value


def transport_protocol(name):
    """The inverse of transport_name: Wazo's default transport-<protocol> as its protocol keyword."""
    protocol = name[len('transport-'):] if name and name.startswith('transport-') else None
    return protocol if protocol in TRANSPORT_PROTOCOLS else name


def chan_sip_to_pjsip(username=None, secret=None, host=None, port=None, options=()):
    """Translate the provider (chan_sip) vocabulary to PJSIP sections.

    Returns ({section: [[key, value], ...]}, transport name from a ``transport`` option or None,
    [keys with no PJSIP equivalent]).
    """
    sections = dict((section, []) for section in ALL_SECTIONS)
    ignored = []
    transport = None
    settings = dict((key, value) for key, value in options)

    def add(section, key, value):
        sections[section].append([key, str(value)])

    for key, value in (('username', username), ('password', secret)):
        if value is not None:
            add('outbound_auth_section_options', key, value)
            # A trunk that chan_sip did not authenticate (insecure=...) gets no inbound auth (mdb 8e09c6fde62d).
            if 'insecure' not in settings:
                add('auth_section_options', key, value)
    if host == 'dynamic':
        add('aor_section_options', 'max_contacts', '1')
        add('aor_section_options', 'remove_existing', 'yes')
    elif host:
        add('aor_section_options', 'contact', 'sip:%s%s:%s' % (username + '@' if username else '', host, port or 5060))
    codecs = ['!' + codec if codec != 'all' else '!all'
              for key, value in options if key == 'disallow' for codec in value.split(',') if codec]
    codecs += [codec for key, value in options if key == 'allow' for codec in value.split(',') if codec]
    if codecs:
        add('endpoint_section_options', 'allow', ','.join(codecs))

    for key, value in options:
        if key in ('allow', 'disallow', 'insecure'):
            continue
        if key == 'transport':
            transport = transport_name(value.split(',')[0])
        elif key in AOR_RENAMES:
            add('aor_section_options', AOR_RENAMES[key], value)
        elif key in ENDPOINT_RENAMES:
            add('endpoint_section_options', ENDPOINT_RENAMES[key], value)
        elif key == 'nat':
            parts = [part.strip() for part in value.split(',')]
            if not all(part in NAT_PARTS for part in parts):
                ignored.append('nat=%s' % value)
            for pjsip_key, pjsip_value in sorted(set(pair for part in parts for pair in NAT_PARTS.get(part, []))):
                add('endpoint_section_options', pjsip_key, pjsip_value)
        elif key in VALUE_MAPS:
            mapped = VALUE_MAPS[key].get(value)
            if mapped is None:
                ignored.append('%s=%s' % (key, value))
            for pjsip_key, pjsip_value in mapped or []:
                add('endpoint_section_options', pjsip_key, pjsip_value)
        elif key in IDENTIFY_KEYS:
            add('identify_section_options', key, value)
        elif key in REGISTRATION_KEYS:
            add('registration_section_options', key, value)
        elif key in DROPPED_KEYS:
            ignored.append(key)
        else:
            # Same name in PJSIP (callerid, language, accountcode...); confd rejects unknown names itself.
            add('endpoint_section_options', key, value)
    return sections, transport, ignored


# [sip:][user@]host[:port], host possibly a bracketed IPv6 address: the aor contact and the registration URIs
SIP_URI = re.compile(r'^(?:sips?:)?(?:(?P<user>[^@]*)@)?(?P<host>\[[^\]]*\]|[^:;]+)(?::(?P<port>[0-9]+))?')
# The options chan_sip_to_pjsip renames one to one, read back per section.
CHAN_SIP_RENAMES = {
    'aor_section_options': dict((pjsip, chan_sip) for chan_sip, pjsip in AOR_RENAMES.items()),
    'endpoint_section_options': dict((pjsip, chan_sip) for chan_sip, pjsip in ENDPOINT_RENAMES.items()),
}


def sip_uri(uri):
    """(user, host, port) of a SIP URI; Nones when it is not one."""
    match = SIP_URI.match(uri or '')
    if not match:
        return None, None, None
    return match.group('user'), match.group('host'), int(match.group('port')) if match.group('port') else None


def pjsip_to_chan_sip(endpoint):
    """The provider (chan_sip) vocabulary read back from a PJSIP endpoint: the inverse of chan_sip_to_pjsip for
    what it maps one to one, the username, the host and port of the aor contact and the renamed options
    (qualifyfreq, fromdomain...). Passwords and the options whose values it maps (nat, dtmfmode, allow...) are not
    read back. Returns dict(username, host, port, options)."""
    def pairs(section):
        return endpoint.get(section) or []

    usernames = [value for section in ('outbound_auth_section_options', 'auth_section_options')
                 for key, value in pairs(section) if key == 'username']
    contacts = [value for key, value in pairs('aor_section_options') if key == 'contact']
    _user, host, port = sip_uri(contacts[0] if contacts else None)
    options = [[renames[key], value] for section, renames in sorted(CHAN_SIP_RENAMES.items())
               for key, value in pairs(section) if key in renames]
    return dict(username=usernames[0] if usernames else None, host=host, port=port, options=options)


# ---- references ----------------------------------------------------------------------------------
def _context_name(module, value):
    return get_adapter(module).context_name(value)


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


def _default_context(module, context_type):
    contexts = [context for context in module.client.list('/contexts', {'type': context_type})
                if context.get('type') == context_type]
    if len(contexts) != 1:
        raise LookupError('not set, and the tenant has %s %s context%s: name one' % (
            len(contexts) or 'no', context_type, '' if len(contexts) == 1 else 's (%s)' % ', '.join(
                str(context.get('label') or context.get('name')) for context in contexts)))
    return contexts[0]['name']


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


CONTEXT = Reference('context', _context_name, matches=lambda current, value: current == value)
DEFAULT_CONTEXT = Reference('default context', _default_context)
TRANSPORT_NAME = Reference('SIP transport name', lambda module, value: _transport(module, value)['name'],
                           matches=lambda current, value: current == transport_name(value))
TRANSPORT_UUID = Reference('SIP transport', lambda module, value: {'uuid': _transport(module, value)['uuid']})
TEMPLATE = Reference('SIP template', _template_uuid)
TEMPLATES = Reference('SIP templates', _template_uuids,
                      matches=lambda current, templates: _labels(current) == _labels(templates))

# What a trunk can be bound to; a trunk bound to nothing was left by an interrupted run (see engine, Orphans).
TRUNK_BINDINGS = ('endpoint_sip', 'endpoint_iax', 'endpoint_custom', 'register_sip', 'register_iax', 'outcalls')
TRUNK = Resource('trunk', '/trunks', fields=('context', 'outgoing_caller_id_format', 'twilio_incoming'),
                 references={'context': CONTEXT},
                 orphan=lambda trunk: not any(trunk.get(key) for key in TRUNK_BINDINGS))
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
                           orphan=lambda register: not register.get('trunk'))


def check_preprocess_subroutine(module, value, option='preprocess_subroutine'):
    """confd's length limit of preprocess_subroutine, which depends on the generation (asked only when it matters)."""
    if value is not None and len(value) > LegacyAdapter.preprocess_subroutine_max:
        get_adapter(module).check_preprocess_subroutine(value, option)


def get_adapter(module):
    """The adapter of the server's generation (detected once per task), shared by the whole task."""
    adapter = getattr(module, 'wazo_adapter', None)
    if adapter is None:
        adapter = (LegacyAdapter if module.client.generation == LEGACY else CurrentAdapter)(module)
        module.wazo_adapter = adapter
    return adapter


# confd's validation of SIP endpoint names and register fields, checked before any write (a refused POST is a write).
NO_SEPARATOR = re.compile(r'^[^:/ ]*$')
LEGACY_ENDPOINT_NAME = (re.compile(r'^[a-zA-Z0-9_+-]{1,40}$'), "1 to 40 letters, digits, '_', '+' or '-'")
CURRENT_ENDPOINT_NAME = (re.compile(r'^[-_.a-zA-Z0-9]{1,79}$'), "1 to 79 letters, digits, '-', '_' or '.'")
RESERVED_ENDPOINT_NAMES = ('global', 'system')
# A host, or on current servers a bracketed IPv6 address; the port goes in remote_port.
LEGACY_REMOTE_HOST = re.compile(r'^[^:/~ ]+$')
CURRENT_REMOTE_HOST = re.compile(r'^(\[[0-9a-fA-F:.]+\]|[^:/~ \[\]]+)$')


class BaseAdapter(object):
    generation = None
    sip_endpoint = None
    endpoint_name = CURRENT_ENDPOINT_NAME
    remote_host = CURRENT_REMOTE_HOST
    # confd's maximum length of preprocess_subroutine (outcalls, incalls...)
    preprocess_subroutine_max = 79

    # The list filter that matches an endpoint's name exactly.
    endpoint_name_filter = 'name'

    def __init__(self, module):
        self.module = module
        self._endpoints = {}

    def find_sip_endpoint(self, name, cached=True):
        """The endpoint called name (looked up once per task unless cached is false)."""
        if name not in self._endpoints or not cached:
            self._endpoints[name] = self.module.find_one(
                '/endpoints/sip', {self.endpoint_name_filter: name}, match=lambda item: item.get('name') == name,
                kind='SIP endpoint', label=name)
        return self._endpoints[name]

    def default_context(self, context_type, option):
        name = self.module.resolve(option, DEFAULT_CONTEXT, context_type)
        # the name of a context just listed: the context reference of the same task needs no lookup of its own
        self.module.known(CONTEXT, name)
        return name

    def trunk_desired(self, params, current):
        context = params.get('context')
        if context is None and not (current or {}).get('context'):
            context = self.default_context('incall', 'context')
        return dict(context=context, outgoing_caller_id_format=params.get('outgoing_caller_id_format'),
                    twilio_incoming=params.get('twilio_incoming'))

    def trunk_endpoint_path(self, trunk_id, endpoint):
        return '/trunks/%s/endpoints/sip/%s' % (trunk_id, endpoint[self.sip_endpoint.id_field])

    def check_endpoint_name(self, name, option='name'):
        pattern, rule = self.endpoint_name
        if not pattern.match(name) or name in RESERVED_ENDPOINT_NAMES:
            raise WazoError('%r is not a valid SIP endpoint name on this server: %s%s' % (
                name, rule, '' if name not in RESERVED_ENDPOINT_NAMES else ", and not 'global' or 'system'"), option)

    def check_preprocess_subroutine(self, value, option='preprocess_subroutine'):
        if value is not None and len(value) > self.preprocess_subroutine_max:
            raise WazoError('longer than %d characters (the limit of Wazo %s)' % (
                self.preprocess_subroutine_max, '20.12 and older' if self.generation == LEGACY else '20.13 and later'),
                option)

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
            raise WazoError('no trunk whose SIP endpoint is named %r; create it with wazo.confd.wazo_trunk first'
                            % params['trunk'], 'trunk')
        return trunk

    @staticmethod
    def sip_username(params):
        sip_username = params.get('sip_username') or params.get('auth_username')
        if not sip_username:
            raise WazoError('required (or auth_username) when state is present', 'sip_username')
        return sip_username

    def context_reference(self, contexts, name, context_type):
        """The inverse of context_name (legacy servers find a trunk's context by name only)."""
        return context_reference(contexts, name, context_type, by_label=self.generation == CURRENT)


class LegacyAdapter(BaseAdapter):
    """Wazo <= 20.12: chan_sip endpoint bodies, /registers/sip, int ids."""

    generation = LEGACY
    sip_endpoint = LEGACY_SIP_ENDPOINT
    endpoint_name = LEGACY_ENDPOINT_NAME
    remote_host = LEGACY_REMOTE_HOST
    preprocess_subroutine_max = 39
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
        for option in ('templates', 'transport') + ALL_SECTIONS:
            if params.get(option) is not None:
                raise WazoError('is only available on Wazo 20.13 and later (PJSIP); this server speaks the legacy '
                                'chan_sip API: use username, secret, host, port, type and options', option)
        if params.get('label') is not None:
            self.module.warn('label is ignored: legacy (chan_sip) SIP endpoints have no label')
        options = option_pairs(params.get('options'), 'options')
        if params.get('port') is not None:
            options = merge_options(options, [['port', str(params['port'])]])
        exact = params.get('options_mode') == 'exact'
        desired = dict((field, params.get(field)) for field in ('name', 'username', 'secret', 'type', 'host'))
        if exact:
            stated = set(pair[0] for pair in options)
            desired['options'] = options + [list(pair) for pair in LEGACY_DEFAULT_OPTIONS if pair[0] not in stated]
        elif options:
            desired['options'] = merge_options((current or {}).get('options'), options)
        return desired

    def context_name(self, value):
        context = self.module.find_one('/contexts', {'name': value}, kind='context', label=value)
        if context is None:
            raise LookupError('no context named %r in the tenant (legacy servers find contexts by name)' % value)
        return context['name']

    def find_trunk(self, name):
        endpoint = self.find_sip_endpoint(name)
        if not (endpoint and endpoint.get('trunk')):
            return None
        self.module.doing('reading the trunk of SIP endpoint %r' % name)
        return self.module.client.get('/trunks/%s' % endpoint['trunk']['id'])

    def trunk_desired(self, params, current):
        if params.get('outgoing_caller_id_format') is not None:
            raise WazoError('is not supported by legacy servers (Wazo <= 20.12), which silently drop it; '
                            'remove it for this server', 'outgoing_caller_id_format')
        return super(LegacyAdapter, self).trunk_desired(params, current)

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
        desired = dict((field, params.get(field)) for field in LEGACY_REGISTER.fields)
        desired['sip_username'] = self.sip_username(params)
        plan = module.plan(LEGACY_REGISTER, current, desired, label=params['trunk'])
        register = module.apply(plan)
        if module.bind(plan, lambda register_id: module.link(
                '/trunks/%s/registers/sip/%s' % (trunk['id'], register_id), linked=current is not None,
                diff_key='trunk', after=params['trunk'])) and not module.check_mode:
            register = module.client.get(LEGACY_REGISTER.item_path(plan.id))
        return LEGACY_REGISTER, register

    def find_incall(self, exten, context):
        extension = find_extension(self.module, exten, context)
        if not (extension and extension.get('incall')):
            return None
        return self.module.client.get('/incalls/%s' % extension['incall']['id'])

    @staticmethod
    def check_destination(destination, option):
        if destination.get('moh_uuid') is not None:
            raise WazoError('needs Wazo 20.13 or later; legacy servers silently drop it', option + '.moh_uuid')

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
        arguments.update(trunk=endpoint['name'], state='present', transport=transport_protocol(register.get('transport')))
        return arguments


class CurrentAdapter(BaseAdapter):
    """Wazo >= 20.13: PJSIP sections, templates and transports, endpoints by uuid."""

    generation = CURRENT
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

    def context_name(self, value):
        by = 'name' if GENERATED_CONTEXT_NAME.match(value) else 'label'
        context = self.module.find_one('/contexts', {by: value}, kind='context', label=value)
        if context is None:
            raise LookupError('no context %s %r in the tenant' % ('named' if by == 'name' else 'labelled', value))
        return context['name']

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
        endpoint = None
        if link:
            module.doing('reading the SIP endpoint of trunk %r' % params['trunk'])
            endpoint = module.client.get('/endpoints/sip/%s' % link['uuid'])
        if endpoint is None:
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
        desired['templates'] = swapped if _labels(swapped) != labels else None
        endpoint = module.ensure(CURRENT_SIP_ENDPOINT, endpoint, desired, label=params['trunk'])
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
            name = (current_transport if TRANSPORT_NAME.matches(current_transport, params['transport'])
                    else self.module.resolve('transport', TRANSPORT_NAME, params['transport']))
            registration.append(['transport', name])
        auth = [['username', params.get('auth_username') or sip_username]]
        if params.get('auth_password'):
            auth.append(['password', params['auth_password']])
        return dict(registration_section_options=merge_options(endpoint.get('registration_section_options'),
                                                               registration),
                    registration_outbound_auth_section_options=merge_options(
                        endpoint.get('registration_outbound_auth_section_options'), auth))

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
