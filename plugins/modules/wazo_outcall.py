#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: wazo_outcall
short_description: Manage an outgoing route (outcall) of a Wazo PBX, with its trunks and dial patterns
version_added: 0.1.0
description:
  - Creates, updates or deletes an outcall through the wazo-confd API, sets its trunks in failover order and
    its dial patterns (extensions of an outcall context with the caller id, digits stripped and prefixes to use).
  - The outcall is identified by its O(name), exactly (case-sensitive, as the server compares it).
  - Every reference (trunk names, contexts) is resolved and every dial pattern is checked against the context's
    rules before the first write, so bad input fails with nothing written.
  - Works on both API generations (Wazo 20.12 and older, Wazo 20.13 and later).
author:
  - wazo.confd contributors (@wazo-confd)
extends_documentation_fragment:
  - wazo.confd.connection
  - wazo.confd.attributes
options:
  name:
    description:
      - Name of the outcall; identifies it. Unique on the server, compared case-sensitively.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the outcall.
      - V(absent) dissociates and deletes the outcall's dial pattern extensions, then deletes the outcall, so that
        nothing it made is left behind. The trunks are not touched.
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - Free text description.
    type: str
  internal_caller_id:
    description:
      - Whether to present the caller's internal caller id instead of the dial pattern's O(extensions[].caller_id).
    type: bool
  preprocess_subroutine:
    description:
      - Asterisk subroutine run before the call goes out (at most 79 characters, 39 on legacy servers).
    type: str
  ring_time:
    description:
      - Seconds to ring before giving up.
    type: int
  enabled:
    description:
      - Whether the outcall is in use.
    type: bool
  trunks:
    description:
      - Trunks the calls go out through, by name (the name of each trunk's SIP endpoint), in failover order.
      - The list is authoritative and ordered; V([]) removes all trunks. Not set leaves the trunks as they are.
      - Every name must be a trunk of the tenant, else the task fails before any write.
    type: list
    elements: str
  extensions:
    description:
      - Dial patterns of the outcall. The list is authoritative; V([]) removes them all. Not set leaves the dial
        patterns as they are.
      - A pattern missing from the server is created in its context and associated; a pattern whose settings differ
        is updated in place; a pattern of this outcall that is no longer listed is dissociated and deleted.
      - An extension that already exists and belongs to nothing is adopted; one that belongs to something else fails
        the task.
    type: list
    elements: dict
    suboptions:
      exten:
        description:
          - The dial pattern, for example V(_0XXXXXXXXX), V(_+1NXXNXXXXXX) or V(_9.). Confd's rules for outcall
            contexts apply; a pattern needs its leading V(_).
        type: str
        required: true
      context:
        description:
          - Outcall context of the pattern, by name or label.
          - Default the tenant's outcall context when it has exactly one; with none or several the task fails and
            asks for this option.
        type: str
      caller_id:
        description:
          - Caller id presented on calls through this pattern (at most 80 characters). Not set means none.
        type: str
      strip_digits:
        description:
          - Number of leading digits removed before dialing. Not set means V(0).
        type: int
      prefix:
        description:
          - Digits added in front of the number after stripping (V(+) and digits, C(*), C(#); at most 32 characters).
          - Not set, or an empty string, means none.
        type: str
      external_prefix:
        description:
          - Digits the users dial in front of the number to reach this route (V(+) and digits, C(*), C(#); at most
            64 characters).
          - Not set, or an empty string, means none.
        type: str
notes:
  - The diff shows the outcall fields that change, C(trunks) as names and C(extensions) as dial patterns.
  - A no-op run sends two requests (the outcall by name, the tenant's contexts when O(extensions) is set); trunk names
    are resolved only when the trunk list differs.
seealso:
  - module: wazo.confd.wazo_trunk
  - module: wazo.confd.wazo_incall
'''

EXAMPLES = r'''
- name: Outgoing route through provider-x, with provider-y as failover
  wazo.confd.wazo_outcall:
    wazo_url: https://pbx.example.com
    wazo_token: "{{ wazo_token }}"
    name: to-provider-x
    description: National and international calls
    trunks:
      - provider-x
      - provider-y
    extensions:
      - exten: _0XXXXXXXXX
        caller_id: "+33123456789"
        strip_digits: 1
        prefix: "+33"
      - exten: _00X.
        caller_id: "+33123456789"
        strip_digits: 2
        prefix: "+"

- name: Dial pattern in a context chosen by label
  wazo.confd.wazo_outcall:
    name: emergency
    trunks: [provider-x]
    extensions:
      - exten: "112"
        context: to-extern

- name: Remove the outcall and its dial patterns
  wazo.confd.wazo_outcall:
    name: to-provider-x
    state: absent
'''

RETURN = r'''
outcall:
  description:
    - The outcall as the server has it, including C(trunks) (in failover order) and C(extensions) (the dial patterns
      with C(caller_id), C(strip_digits), C(prefix), C(external_prefix)).
    - V(null) after O(state=absent). In check mode, what the task predicts.
  returned: always
  type: dict
  sample: {"id": 3, "name": "to-provider-x", "description": null, "internal_caller_id": false,
           "preprocess_subroutine": null, "ring_time": null, "enabled": true,
           "trunks": [{"id": 12, "endpoint_sip": {"name": "provider-x"}}],
           "extensions": [{"id": 41, "exten": "_0XXXXXXXXX", "context": "to-extern", "caller_id": "+33123456789",
                           "strip_digits": 1, "prefix": "+33", "external_prefix": null}]}
id:
  description: Id of the outcall (V(null) when it does not exist, or was just created in check mode).
  returned: always
  type: int
api_requests:
  description: Number of HTTP requests the task sent to wazo-confd and wazo-auth.
  returned: always
  type: int
'''

from ansible_collections.wazo.confd.plugins.module_utils.extensions import OwnedExtensions
from ansible_collections.wazo.confd.plugins.module_utils.module import WazoModule
from ansible_collections.wazo.confd.plugins.module_utils.resources import OUTCALL, TRUNK_ID

PATTERN_ATTRIBUTES = ('caller_id', 'strip_digits', 'prefix', 'external_prefix')


def ensure_outcall(module):
    params, name = module.params, module.params['name']

    def lookup():
        return module.find_one('/outcalls', {'name': name}, match=lambda item: item.get('name') == name,
                               kind='outcall', label=name)

    outcall = lookup()
    patterns = OwnedExtensions(module, 'outcall', PATTERN_ATTRIBUTES, clear_values={'strip_digits': 0})
    if params['state'] == 'absent':
        if outcall is not None:
            patterns.remove_all(OUTCALL.item_path(outcall['id']), outcall.get('extensions'))
        module.delete(OUTCALL, outcall, label=name)
        return module.exit_resource('outcall', OUTCALL, None)
    if params['extensions'] is not None:
        patterns.plan_stated(params['extensions'], 'outcall', (outcall or {}).get('extensions'), 'extensions')
    current_trunks = (outcall or {}).get('trunks') or []
    current_names = [(trunk.get('endpoint_sip') or {}).get('name') for trunk in current_trunks]
    trunk_ids = None
    if params['trunks'] is not None and params['trunks'] != current_names:
        trunk_ids = [module.resolve('trunks', TRUNK_ID, trunk) for trunk in params['trunks']]
    plan = module.plan(OUTCALL, outcall, OUTCALL.desired(params), label=name, lookup=lookup)
    patterns.create_missing()
    outcall = module.apply(plan)
    linked = trunk_ids is not None and module.set_ordered(
        OUTCALL.item_path(plan.id) + '/trunks', 'trunks', trunk_ids, [trunk['id'] for trunk in current_trunks],
        diff_key='trunks', before=current_names, after=params['trunks'])
    linked = patterns.apply(OUTCALL.item_path(plan.id)) or linked
    # apply() re-reads an updated outcall itself: read it again only when its links changed after that
    return module.exit_resource('outcall', OUTCALL, outcall, refresh=linked)


def main():
    WazoModule(OUTCALL).run(ensure_outcall)


if __name__ == '__main__':
    main()
