#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: wazo_incall
short_description: Route an incoming number (DID) of a Wazo PBX to a destination
version_added: 0.1.0
description:
  - Creates, updates or deletes an incall through the wazo-confd API together with its extension (the DID in an
    incall context), and routes it to a destination (a user, a group, a voicemail, a hangup...).
  - The incall is identified by its DID, O(exten) in O(context).
  - References (the destination's user, group, voicemail...) are resolved, the DID is checked against the
    context's incall ranges and the destination against its type before the first write, so bad input fails with
    nothing written.
  - Works on both API generations (Wazo 20.12 and older, Wazo 20.13 and later).
author:
  - wazo.confd contributors (@wazo-confd)
extends_documentation_fragment:
  - wazo.confd.connection
  - wazo.confd.attributes
options:
  exten:
    description:
      - The DID, as the provider delivers it to the incall context, in digits (or a V(_) pattern).
      - Must be inside one of the incall ranges of O(context) (Wazo keeps only the last C(did_length) digits of the
        range limits). The server does not check this when the DID is created, only when it is edited later, so the
        module checks it before writing.
    type: str
    required: true
  context:
    description:
      - Incall context of the DID, by name or label.
      - Default the tenant's incall context when it has exactly one; with none or several the task fails and asks
        for this option.
    type: str
  state:
    description:
      - V(present) creates or updates the incall and its extension.
      - V(absent) deletes the incall and then its extension, so that nothing is left behind. A free extension with
        this DID left in the context (by an interrupted run) is deleted too.
    type: str
    choices: [present, absent]
    default: present
  destination:
    description:
      - Where the calls go. Required with O(state=present).
      - The destination is compared as the server stores it and replaced whole when it differs.
    type: dict
    suboptions:
      type:
        description:
          - Kind of destination. Each type takes the options listed with it below and no other.
          - V(user) (O(destination.user), O(destination.ring_time), O(destination.moh_uuid));
            V(group) (O(destination.group), O(destination.ring_time));
            V(queue) (O(destination.queue), O(destination.ring_time), O(destination.skill_rule_id),
            O(destination.skill_rule_variables));
            V(voicemail) (O(destination.voicemail), O(destination.skip_instructions), O(destination.greeting));
            V(ivr) (O(destination.ivr)); V(conference) (O(destination.conference));
            V(switchboard) (O(destination.switchboard), O(destination.ring_time));
            V(outcall) (O(destination.outcall), O(destination.exten));
            V(extension) (O(destination.exten), O(destination.context)); V(custom) (O(destination.command));
            V(sound) (O(destination.filename), O(destination.skip), O(destination.no_answer));
            V(hangup) (O(destination.cause), O(destination.timeout) for busy and congestion);
            V(none); V(application) (O(destination.application) and its fields);
            V(meetme) (O(destination.conference) by id; legacy servers only).
        type: str
        required: true
        choices: [application, conference, custom, extension, group, hangup, ivr, meetme, none, outcall, queue, sound,
                  switchboard, user, voicemail]
      user:
        description:
          - The user, by uuid, username, email, V(First Last) or id.
        type: str
      group:
        description:
          - The group, by label, name, uuid or id.
        type: str
      queue:
        description:
          - The queue, by label, name or id.
        type: str
      voicemail:
        description:
          - The voicemail, by name or id.
        type: str
      ivr:
        description:
          - The IVR, by name or id.
        type: str
      conference:
        description:
          - The conference, by name or id (type V(conference)); the meetme room id (type V(meetme)).
        type: str
      switchboard:
        description:
          - The switchboard, by name or uuid.
        type: str
      outcall:
        description:
          - The outcall the call is sent through, by name or id.
        type: str
      ring_time:
        description:
          - Seconds to ring the user, group, queue or switchboard.
        type: float
      moh_uuid:
        description:
          - Music on hold played instead of the ringback tone (user destinations, Wazo 20.13 and later).
        type: str
      skill_rule_id:
        description:
          - Skill rule of a queue destination.
        type: int
      skill_rule_variables:
        description:
          - Variables of the skill rule (requires O(destination.skill_rule_id)).
        type: dict
      skip_instructions:
        description:
          - Skip the instructions of the voicemail. Not set means V(false).
        type: bool
      greeting:
        description:
          - Voicemail greeting to play.
        type: str
        choices: [busy, unavailable]
      exten:
        description:
          - Number dialed, for the V(outcall) type (digits only) and the V(extension) type.
        type: str
      context:
        description:
          - Context of an V(extension) destination, or of an V(application) that needs one, by name or label.
        type: str
      command:
        description:
          - Dialplan application and arguments of a V(custom) destination, for example V(Playback(hello-world)).
        type: str
      filename:
        description:
          - Sound file of a V(sound) destination (without its extension).
        type: str
      skip:
        description:
          - Do not play the sound if the call is not answered. Not set means V(false).
        type: bool
      no_answer:
        description:
          - Play the sound without answering the call. Not set means V(false).
        type: bool
      cause:
        description:
          - Hangup cause of a V(hangup) destination.
        type: str
        choices: [busy, congestion, normal]
      timeout:
        description:
          - Seconds before hanging up, for the V(busy) and V(congestion) causes.
        type: float
      application:
        description:
          - Application of an V(application) destination. V(callback_disa), V(directory), V(disa) and V(voicemail)
            need O(destination.context); V(custom) needs O(destination.application_uuid); V(fax_to_mail) needs
            O(destination.email).
        type: str
        choices: [callback_disa, custom, directory, disa, fax_to_mail, voicemail]
      pin:
        description:
          - PIN of a V(disa) or V(callback_disa) application (digits).
        type: str
      application_uuid:
        description:
          - UUID of a V(custom) application.
        type: str
      email:
        description:
          - Address of a V(fax_to_mail) application.
        type: str
  caller_id_mode:
    description:
      - How O(caller_id_name) changes the caller id name of incoming calls.
    type: str
    choices: [prepend, overwrite, append]
  caller_id_name:
    description:
      - Text used by O(caller_id_mode) (at most 80 characters).
    type: str
  description:
    description:
      - Free text description.
    type: str
  preprocess_subroutine:
    description:
      - Asterisk subroutine run before the call is routed.
    type: str
  greeting_sound:
    description:
      - Sound played to the caller before the destination.
    type: str
notes:
  - The diff shows the incall fields that change (the destination whole, as the server stores it) and, on creation
    or removal, the C(extension).
  - A no-op run sends two requests on current servers (the tenant's contexts, the incall by DID) and three on legacy
    servers (the DID's extension, then its incall), plus one when the destination's user is named by uuid, username
    or email. A destination given by id, or by the names the server shows on it (V(First Last) for a user, a group's
    label...), needs no request when it is already the current one.
  - On legacy servers an extension taken away from an incall cannot be given to another incall until the first
    incall is deleted; this module never moves a DID between incalls, and deletes the incall before its extension.
seealso:
  - module: wazo.confd.wazo_outcall
  - module: wazo.confd.wazo_trunk
'''

EXAMPLES = r'''
- name: Route a DID to a user, prefixing the caller id name
  wazo.confd.wazo_incall:
    wazo_url: https://pbx.example.com
    wazo_token: "{{ wazo_token }}"
    exten: "5551234"
    destination:
      type: user
      user: alice@example.com
      ring_time: 25
    caller_id_mode: prepend
    caller_id_name: "Sales: "

- name: Route a DID to a group by label, in an incall context chosen by label
  wazo.confd.wazo_incall:
    exten: "5551235"
    context: from-extern
    destination:
      type: group
      group: support

- name: Busy signal for ten seconds
  wazo.confd.wazo_incall:
    exten: "5551236"
    destination:
      type: hangup
      cause: busy
      timeout: 10

- name: Remove the DID (incall and extension)
  wazo.confd.wazo_incall:
    exten: "5551234"
    state: absent
'''

RETURN = r'''
incall:
  description:
    - The incall as the server has it, including its C(destination) and C(extensions) (its DID).
    - V(null) after O(state=absent). In check mode, what the task predicts.
  returned: always
  type: dict
  sample: {"id": 7, "destination": {"type": "user", "user_id": 1, "ring_time": 25.0, "user_firstname": "Alice",
                                    "user_lastname": "Smith"},
           "caller_id_mode": "prepend", "caller_id_name": "Sales: ", "description": null,
           "preprocess_subroutine": null, "greeting_sound": null,
           "extensions": [{"id": 31, "exten": "5551234", "context": "from-extern"}]}
id:
  description: Id of the incall (V(null) when it does not exist, or was just created in check mode).
  returned: always
  type: int
api_requests:
  description: Number of HTTP requests the task sent to wazo-confd and wazo-auth.
  returned: always
  type: int
'''

from ansible_collections.wazo.confd.plugins.module_utils.destinations import check_destination
from ansible_collections.wazo.confd.plugins.module_utils.extensions import (
    OwnedExtensions, check_incall_range, owner_of, stated_extension,
)
from ansible_collections.wazo.confd.plugins.module_utils.module import WazoModule
from ansible_collections.wazo.confd.plugins.module_utils.resources import INCALL


def ensure_incall(module):
    params = module.params
    did = stated_extension(module, params['exten'], params['context'], 'incall')
    incall = module.adapter.find_incall(did['exten'], did['context'])
    owned = [item for item in (incall or {}).get('extensions') or []
             if (item['exten'], item['context']) == (did['exten'], did['context'])]
    extension = OwnedExtensions(module, 'incall', diff_key='extension')
    label = '%(exten)s@%(context)s' % did
    if params['state'] == 'absent':
        if incall is None:
            leftover = module.find_extension(did['exten'], did['context'])
            owned = [leftover] if leftover and owner_of(leftover) is None else []
        # Deleting the incall releases its extension; dissociating first would, on legacy servers, leave the DID
        # stuck to the incall row (no other incall could take it).
        module.delete(INCALL, incall, label=label)
        extension.remove_all(None, owned, dissociate=False)
        return module.exit_resource('incall', INCALL, None)
    check_incall_range(module.find_context(params['context'], 'incall', 'context'), did['exten'], 'exten')
    check_destination(params['destination'], 'destination')
    module.adapter.check_destination(params['destination'], 'destination')
    plan = module.plan(INCALL, incall, INCALL.desired(params), label=label)
    extension.plan([did], owned, lambda index: 'exten')
    extension.create_missing()
    module.apply(plan)
    linked = module.bind(plan, lambda incall_id: extension.apply(INCALL.item_path(incall_id)))
    # apply() re-reads an updated incall itself: read it again only when its extension changed after that
    return module.exit_resource('incall', INCALL, plan.result, refresh=linked)


def main():
    WazoModule(INCALL).run(ensure_incall)


if __name__ == '__main__':
    main()
