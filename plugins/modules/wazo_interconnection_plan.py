#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: wazo_interconnection_plan
short_description: Plan a run of the provider interconnection role, from one read of the Wazo PBX
version_added: 0.1.0
description:
  - Predicts what each module task of the role C(wazo.confd.provider_interconnection) would do (create, update,
    delete, or leave unchanged) and says which of them still need to run, so that a run with nothing to change costs
    one read of the server whatever the number of providers.
  - For every task it runs the module's own code in check mode, through the module's argument spec, checks and
    comparisons, on a snapshot of the tenant. The snapshot lists each collection the modules read (trunks, SIP
    endpoints, outcalls, incalls, contexts, extensions, and the SIP transports and templates on current servers or
    the SIP registers on legacy ones) once, with one request each, whatever the number of providers.
  - Where the snapshot cannot answer as the server would, or the module would fail, the task is V(unsure) and is
    scheduled to run; the module then decides, as without a plan.
  - Never writes. Secrets are masked in everything it returns.
  - Works on both API generations (Wazo 20.12 and older, Wazo 20.13 and later).
author:
  - wazo.confd contributors (@wazo-confd)
extends_documentation_fragment:
  - wazo.confd.connection
attributes:
  check_mode:
    description: Reads only. In check mode the plan's prediction stands for the modules' check runs, so only the
      V(unsure) tasks are scheduled, and the module reports changed when it predicts a change, with the diff of each
      resource.
    support: full
  diff_mode:
    description: Returns the diff of every resource it predicts a change of, keyed by module and name.
    support: full
options:
  tasks:
    description:
      - The arguments of the module tasks of the role, as the filter C(wazo.confd.interconnection_tasks) makes them
        from the providers.
      - A mapping of V(present) and V(absent) to mappings of V(sip_endpoints), V(trunks), V(registrations),
        V(outcalls) and V(incalls) to lists of module arguments (those of M(wazo.confd.wazo_sip_endpoint),
        M(wazo.confd.wazo_trunk), M(wazo.confd.wazo_register), M(wazo.confd.wazo_outcall) and
        M(wazo.confd.wazo_incall); a route also has C(provider), the name of its provider).
      - The values of secret options (C(secret), C(auth_password), secret chan_sip options) are masked in the result.
    type: dict
    required: true
notes:
  - The role runs it after opening its session and runs only the scheduled module tasks. Other module tasks than the
    role's may use it the same way.
seealso:
  - name: Role wazo.confd.provider_interconnection
    description: Plans with this module, then runs the module tasks it schedules.
    link: https://github.com/wazo-confd/wazo.confd/blob/main/roles/provider_interconnection/meta/argument_specs.yml
'''

EXAMPLES = r'''
- name: Make the module arguments of the providers
  ansible.builtin.set_fact:
    interconnection_tasks: "{{ providers | wazo.confd.interconnection_providers | wazo.confd.interconnection_tasks('current') }}"

- name: Plan them
  wazo.confd.wazo_interconnection_plan:
    wazo_url: https://wazo.example.com
    wazo_token: "{{ wazo_token }}"
    api_generation: current
    tasks: "{{ interconnection_tasks }}"
  register: plan

- name: Show what would change
  ansible.builtin.debug:
    msg: "{{ plan.table }}"

- name: Run only the outcall tasks the plan schedules
  wazo.confd.wazo_outcall:
    wazo_url: https://wazo.example.com
    wazo_token: "{{ wazo_token }}"
    name: "{{ item.name }}"
    trunks: "{{ item.trunks }}"
    extensions: "{{ item.extensions }}"
  loop: "{{ (interconnection_tasks | wazo.confd.interconnection_scheduled(plan)).present.outcalls }}"
'''

RETURN = r'''
plan:
  description: One entry per module task, in the order the role runs them (removals first).
  returned: always
  type: list
  elements: dict
  contains:
    task:
      description: The task list (V(sip_endpoints), V(trunks), V(registrations), V(outcalls), V(incalls)).
      type: str
    state:
      description: V(present) or V(absent), the half of O(tasks) the task is in.
      type: str
    index:
      description: The position of the task in its list.
      type: int
    module:
      description: The module of the task.
      type: str
    provider:
      description: The provider the task belongs to.
      type: str
    name:
      description: What the task names (SIP endpoint or trunk name, outcall name, DID).
      type: str
    action:
      description: V(create), V(update), V(delete), V(unchanged), or V(unsure) when the module has to decide.
      type: str
    reason:
      description: Why the plan is unsure (V(null) otherwise).
      type: str
    diff:
      description: The module's diff, C(before) and C(after), secrets masked.
      type: dict
    warnings:
      description: What the module would have warned about in check mode.
      type: list
      elements: str
  sample: [{"task": "outcalls", "state": "present", "index": 0, "module": "wazo_outcall", "provider": "provider-x",
            "name": "to-provider-x", "action": "update", "reason": null, "warnings": [],
            "diff": {"before": {"ring_time": 30}, "after": {"ring_time": 45}}}]
counts:
  description: How many tasks have each action.
  returned: always
  type: dict
  sample: {"create": 0, "update": 1, "delete": 0, "unchanged": 11, "unsure": 0}
changes_planned:
  description: Whether any task is predicted to create, update or delete something, or is unsure.
  returned: always
  type: bool
scheduled:
  description:
    - The positions, per half and task list of O(tasks), of the module tasks still to run. The filter
      C(wazo.confd.interconnection_scheduled) keeps those of O(tasks).
    - In a real run every task that is not V(unchanged); in check mode only the V(unsure) ones.
  returned: always
  type: dict
  sample: {"present": {"sip_endpoints": [], "trunks": [], "registrations": [], "outcalls": [0], "incalls": []},
           "absent": {"sip_endpoints": [], "trunks": [], "registrations": [], "outcalls": [], "incalls": []}}
table:
  description: The plan in short, one line per task that is not unchanged (provider, module and name, action), then
    one line per provider counting its unchanged tasks.
  returned: always
  type: list
  elements: str
  sample: ["provider-x | wazo_outcall to-provider-x | update", "provider-x | 11 resources | unchanged"]
api_generation:
  description: The API generation of the server.
  returned: always
  type: str
api_requests:
  description: Number of HTTP requests the plan sent to wazo-confd and wazo-auth.
  returned: always
  type: int
'''

from ansible_collections.wazo.confd.plugins.module_utils.module import WazoModule
from ansible_collections.wazo.confd.plugins.module_utils.plan import plan_result, secret_values
from ansible_collections.wazo.confd.plugins.module_utils.spec import Option, Resource

# no_log: the module's invocation is not logged (the secrets inside tasks are known only once it runs)
PLAN = Resource('plan', None, dict(tasks=Option(type='dict', required=True)), no_log=True)


def plan(module):
    module.no_log_values.update(secret_values(module.params['tasks']))
    module.exit_json(**plan_result(module.client, module.params['tasks'], module.check_mode, module._diff))


def main():
    WazoModule(PLAN).run(plan)


if __name__ == '__main__':
    main()
