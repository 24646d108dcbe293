#!/usr/bin/env python
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Print, in a few readable lines, the provider interconnection a Wazo server has now.

Reads wazo-confd (nothing is written): trunks with their SIP endpoint and registration, outgoing routes
(outcalls) with their trunks and dial patterns, incoming routes (incalls) with their DID and destination.
Passwords are never printed.

Connection from the same environment variables as the collection's modules: WAZO_URL or WAZO_CONFD_URL
(+ WAZO_AUTH_URL), WAZO_TOKEN or WAZO_USERNAME/WAZO_PASSWORD, WAZO_TENANT, WAZO_VALIDATE_CERTS, WAZO_CA_PATH,
WAZO_API_GENERATION. It uses the collection's own client (plugins/module_utils/), imported from the tree the
script is in (a checkout or the installed collection), whatever else is installed.

    WAZO_CONFD_URL=http://127.0.0.1:9486/1.1 WAZO_TOKEN=... .venv/bin/python scripts/show_interconnection.py
"""

import importlib
import os
import sys
import types
from pathlib import Path

COLLECTION_ROOT = Path(__file__).resolve().parent.parent
COLLECTION = 'ansible_collections.wazo.confd'


def import_module_utils(name):
    """plugins/module_utils/<name>.py of this tree, imported under its collection name: module_utils import each
    other as ansible_collections.wazo.confd.plugins.module_utils.X, which a checkout does not provide."""
    for package, path in (('ansible_collections', []), ('ansible_collections.wazo', []),
                          (COLLECTION, [str(COLLECTION_ROOT)])):
        if package not in sys.modules:
            module = types.ModuleType(package)
            module.__path__ = path
            sys.modules[package] = module
    return importlib.import_module('%s.plugins.module_utils.%s' % (COLLECTION, name))


def connection_params():
    env = os.environ.get
    return {
        'wazo_url': env('WAZO_URL'),
        'wazo_confd_url': env('WAZO_CONFD_URL'),
        'wazo_auth_url': env('WAZO_AUTH_URL'),
        'wazo_username': env('WAZO_USERNAME'),
        'wazo_password': env('WAZO_PASSWORD'),
        'wazo_token': env('WAZO_TOKEN'),
        'wazo_tenant': env('WAZO_TENANT'),
        'validate_certs': env('WAZO_VALIDATE_CERTS', 'true').lower() not in ('0', 'false', 'no', 'off'),
        'ca_path': env('WAZO_CA_PATH'),
        'timeout': int(env('WAZO_TIMEOUT', '30')),
        'api_generation': env('WAZO_API_GENERATION', 'auto'),
    }


def options(pairs):
    """[[key, value], ...] -> {key: value} (the last value of a key wins)."""
    return {pair[0]: pair[1] for pair in pairs or [] if len(pair) == 2}


def sip_lines_current(client, endpoint_ref, transports):
    endpoint = client.get('/endpoints/sip/%s' % endpoint_ref['uuid'])
    auth = options(endpoint.get('auth_section_options'))
    aor = options(endpoint.get('aor_section_options'))
    registration = options(endpoint.get('registration_section_options'))
    templates = ', '.join(t.get('label') or t.get('uuid') for t in endpoint.get('templates') or []) or 'none'
    transport_uuid = (endpoint.get('transport') or {}).get('uuid')
    transport = transports.get(transport_uuid, transport_uuid) if transport_uuid else 'from templates'
    lines = ['SIP endpoint %s: contact %s, username %s, qualify every %s s, transport %s, templates %s'
             % (endpoint.get('name'), aor.get('contact', '-'), auth.get('username', '-'),
                aor.get('qualify_frequency', 'template default'), transport, templates)]
    if registration:
        lines.append('registration: %s via %s (expiration %s s, transport %s)'
                     % (registration.get('client_uri', '-'), registration.get('server_uri', '-'),
                        registration.get('expiration', '-'), registration.get('transport', '-')))
    else:
        lines.append('registration: none')
    return lines


def sip_lines_legacy(client, trunk):
    endpoint = client.get('/endpoints/sip/%s' % trunk['endpoint_sip']['id'])
    opts = options(endpoint.get('options'))
    lines = ['SIP endpoint %s: host %s, username %s, type %s, qualify %s every %s s'
             % (endpoint.get('name'), endpoint.get('host'), endpoint.get('username'), endpoint.get('type'),
                opts.get('qualify', '-'), opts.get('qualifyfreq', '-'))]
    if trunk.get('register_sip'):
        register = client.get('/registers/sip/%s' % trunk['register_sip']['id'])
        port = ':%s' % register['remote_port'] if register.get('remote_port') else ''
        lines.append('registration: %s@%s%s (auth user %s, expiration %s s, transport %s, enabled %s)'
                     % (register.get('sip_username'), register.get('remote_host'), port,
                        register.get('auth_username') or register.get('sip_username'),
                        register.get('expiration') or 'default', register.get('transport') or 'default',
                        register.get('enabled')))
    else:
        lines.append('registration: none')
    return lines


def destination_text(destination):
    kind = destination.get('type')
    if kind == 'user':
        return 'user %s %s' % (destination.get('user_firstname') or '', destination.get('user_lastname') or '')
    if kind == 'group':
        return 'group %s' % (destination.get('group_label') or destination.get('group_name'))
    if kind == 'voicemail':
        return 'voicemail %s' % destination.get('voicemail_name')
    details = ', '.join('%s=%s' % (k, v) for k, v in sorted(destination.items()) if k != 'type')
    return '%s %s' % (kind, details) if details else str(kind)


def summary(client):
    generation = client.generation
    version = client.wazo_version or ('set to %s' % generation)
    out = ['Wazo %s, API generation %s' % (version, generation)]
    contexts = {c['name']: c.get('label') or c['name'] for c in client.list('/contexts')}
    trunk_names = {}
    transports = {} if generation == 'legacy' else {t['uuid']: t['name'] for t in client.list('/sip/transports')}

    trunks = client.list('/trunks')
    out.append('Trunks (%d)' % len(trunks))
    for trunk in trunks:
        endpoint = trunk.get('endpoint_sip')
        name = endpoint.get('name') if endpoint else 'trunk %s without SIP endpoint' % trunk['id']
        trunk_names[trunk['id']] = name
        header = '  %s: context %s' % (name, contexts.get(trunk.get('context'), trunk.get('context')))
        if 'outgoing_caller_id_format' in trunk:
            header += ', outgoing caller id format %s' % trunk['outgoing_caller_id_format']
        out.append(header)
        if endpoint:
            lines = sip_lines_legacy(client, trunk) if generation == 'legacy' else sip_lines_current(client, endpoint, transports)
            out.extend('    ' + line for line in lines)

    outcalls = client.list('/outcalls')
    out.append('Outgoing routes (%d)' % len(outcalls))
    for outcall in outcalls:
        order = ' > '.join(trunk_names.get(t['id'], 'trunk %s' % t['id']) for t in outcall.get('trunks') or [])
        out.append('  %s: trunks %s%s' % (outcall['name'], order or 'none',
                                          '' if outcall.get('enabled', True) else ' (disabled)'))
        for extension in outcall.get('extensions') or []:
            details = []
            if extension.get('strip_digits'):
                details.append('strip %s' % extension['strip_digits'])
            if extension.get('prefix'):
                details.append('prefix %s' % extension['prefix'])
            if extension.get('external_prefix'):
                details.append('external prefix %s' % extension['external_prefix'])
            if extension.get('caller_id'):
                details.append('caller id %s' % extension['caller_id'])
            out.append('    %s%s' % (extension['exten'], ': ' + ', '.join(details) if details else ''))

    incalls = client.list('/incalls')
    out.append('Incoming routes (%d)' % len(incalls))
    for incall in incalls:
        dids = ', '.join('%s@%s' % (e['exten'], contexts.get(e['context'], e['context']))
                         for e in incall.get('extensions') or []) or 'no DID'
        out.append('  %s -> %s' % (dids, destination_text(incall.get('destination') or {})))
    return out


def main():
    connection, http = import_module_utils('connection'), import_module_utils('client')
    try:
        client = connection.ConfdClient.from_params(connection_params())
    except ValueError as error:
        sys.exit('show_interconnection: %s' % error)
    try:
        print('\n'.join(summary(client)))
    except http.ConfdError as error:
        sys.exit('show_interconnection: %s' % client.scrub(error.describe()))
    finally:
        client.close()


if __name__ == '__main__':
    main()
