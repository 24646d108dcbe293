# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The provider's chan_sip vocabulary and its PJSIP translation.

Users describe a provider once, as chan_sip did (username, secret, host, port, options such as
qualifyfreq or fromdomain); legacy servers store that as it is, current servers as PJSIP sections.
The translation follows Wazo's own 2020 migration (xivo-manage-db ea74eca400ce_sip_to_pjsip_endpoint
and its follow-up fixes). Option lists are ``[[key, value], ...]`` and compare as multisets.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.wazo.confd.plugins.module_utils.compare import same_multiset
from ansible_collections.wazo.confd.plugins.module_utils.spec import WazoError

# PJSIP sections managed by wazo_sip_endpoint; the registration ones belong to wazo_register.
ENDPOINT_SECTIONS = ('aor_section_options', 'auth_section_options', 'endpoint_section_options',
                     'identify_section_options', 'outbound_auth_section_options')
REGISTRATION_SECTIONS = ('registration_section_options', 'registration_outbound_auth_section_options')
ALL_SECTIONS = ENDPOINT_SECTIONS + REGISTRATION_SECTIONS

TRANSPORT_PROTOCOLS = ('udp', 'tcp', 'tls', 'ws', 'wss')

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
    if port == 5060:
        port = None  # what chan_sip_to_pjsip writes when no port is given
    options = [[renames[key], value] for section, renames in sorted(CHAN_SIP_RENAMES.items())
               for key, value in pairs(section) if key in renames]
    return dict(username=usernames[0] if usernames else None, host=host, port=port, options=options)
