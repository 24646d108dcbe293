# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The plan of a role run: which module tasks would change something, learnt from one read of the tenant.

``plan_tasks(client, tasks)`` (``plan_result``: the module's whole result) takes the role's module arguments
(interconnection.module_arguments) and runs, for each of them, the module's own function (tasks.py) in check mode,
through the module's own argument spec, checks and engine, with a ``SnapshotClient``: every collection the
functions read is listed once, whole, and every later read of it is answered from that list. So the plan compares
the server with the desired state through the same declarations and normalisation as the modules (it is the same
code), with a number of requests that does not grow with the number of providers.

Safe by construction: whatever the snapshot cannot answer as the server would (a read of a collection whose
items are not listed whole, a write, a failure of the function, an argument the module would refuse) makes
the entry ``unsure``: the role then runs that module, which decides as it always did. A request that fails on
the server fails the plan.

Each entry: ``task`` (interconnection.TASKS), ``state`` (the task list: present or absent), ``index`` (in that
list), ``module``, ``provider``, ``name``, ``action`` (create, update, delete, unchanged or unsure), ``diff``
(before/after, secrets masked as the modules mask them), ``reason`` (why unsure) and ``warnings``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.wazo.confd.plugins.module_utils.interconnection import TASKS as TASK_ORDER
from ansible_collections.wazo.confd.plugins.module_utils.module import TaskMixin
from ansible_collections.wazo.confd.plugins.module_utils.secrets import secret_option_values
from ansible_collections.wazo.confd.plugins.module_utils.spec import WazoError
from ansible_collections.wazo.confd.plugins.module_utils.tasks import TASKS

ACTIONS = ('create', 'update', 'delete', 'unchanged', 'unsure')
# Collections whose list items are the objects a GET of one of them answers (checked on real servers of both
# generations): a read of one item is answered from the list.
LISTED_WHOLE = ('/trunks', '/endpoints/sip', '/registers/sip', '/incalls', '/outcalls', '/users', '/contexts',
                '/extensions')
# What confd deletes with an object, which the snapshot forgets with it: (field linking it, collection of the linked
# object); a deleted trunk's SIP endpoint and legacy register go with it, and the outcalls lose it.
CASCADES = {'/trunks': (('endpoint_sip', '/endpoints/sip'), ('register_sip', '/registers/sip'))}
USED_BY = {'/trunks': (('/outcalls', 'trunks'),)}
# What AnsibleModule takes besides the argument spec that ArgumentSpecValidator takes too.
VALIDATOR_KWARGS = ('mutually_exclusive', 'required_together', 'required_one_of', 'required_if', 'required_by')
# The order of the role: removals first (routes before what they use), then what is present.
RUN_ORDER = (('absent', tuple(reversed(TASK_ORDER))), ('present', TASK_ORDER))


def _identity(obj):
    return obj.get('id'), obj.get('uuid')


class Unsure(Exception):
    """The snapshot cannot answer a request as the server would."""


class SnapshotClient(object):
    """A client for check-mode tasks that answers reads from one list of each collection (read when first asked).

    A list is answered whole whatever its filters: every caller keeps only the items it matches itself
    (lookups.find_one, destinations), since confd ignores filters it does not know.
    """

    def __init__(self, client):
        self.client = client
        self.generation = client.generation
        self.lists = {}
        # requests sent by the tasks themselves: none, they read the snapshot
        self.request_count = 0

    def scrub(self, text):
        return self.client.scrub(text)

    def list(self, path, params=None):
        if path not in self.lists:
            self.lists[path] = self.client.list(path)
        return self.lists[path]

    def get(self, path, params=None):
        collection, _separator, key = path.rpartition('/')
        if params or collection not in LISTED_WHOLE:
            raise Unsure('GET %s is not in the snapshot' % path)
        for item in self.list(collection):
            if key in (str(item.get('id')), str(item.get('uuid'))):
                return item
        raise Unsure('GET %s: not in the list of %s' % (path, collection))

    def forget(self, path, obj):
        """A task deleted obj of the collection path (in check mode): later tasks see it gone, with what confd
        deletes with it, as they would in a real run."""
        if path in self.lists:
            self.lists[path] = [item for item in self.lists[path] if _identity(item) != _identity(obj)]
        for field, collection in CASCADES.get(path, ()):
            if obj.get(field):
                self.forget(collection, obj[field])
        for collection, field in USED_BY.get(path, ()):
            for item in self.lists.get(collection, ()):
                item[field] = [link for link in item.get(field) or [] if _identity(link) != _identity(obj)]

    def _write(self, method, path):
        raise Unsure('%s %s in check mode' % (method, path))

    def post(self, path, body=None):
        self._write('POST', path)

    def put(self, path, body=None):
        self._write('PUT', path)

    def delete(self, path):
        self._write('DELETE', path)


class Exited(Exception):
    """What a task run in process exits with (in check mode, a prediction)."""

    def __init__(self, result):
        super(Exited, self).__init__('exited')
        self.result = result


class TaskRun(TaskMixin):
    """A module's task run in process (run_task): exit_json gives its result, fail_json says unsure. In check mode on a
    SnapshotClient, what it deletes is forgotten by the snapshot."""

    def __init__(self, client, check_mode=True):
        self.client = self._client = client
        self.check_mode = check_mode
        self.params = None
        self.warnings = []
        self.result = None
        self.error = None
        self.start_task()

    def warn(self, warning):
        self.warnings.append(str(warning))

    def delete(self, resource, current, label=None, diff_key=None):
        deleted = super(TaskRun, self).delete(resource, current, label, diff_key)
        if deleted and self.check_mode:
            self.client.forget(resource.path, current)
        return deleted

    def exit_json(self, **result):
        raise Exited(result)

    def fail_json(self, msg, **kwargs):
        raise Unsure(msg)


def module_params(task, arguments):
    """The module's parameters from its arguments, as AnsibleModule would make them (defaults, checks)."""
    resource = task.resource
    kwargs = dict((key, value) for key, value in resource.module_kwargs.items() if key in VALIDATOR_KWARGS)
    result = ArgumentSpecValidator(resource.argument_spec(), **kwargs).validate(
        dict((key, value) for key, value in arguments.items() if key in resource.options))
    if result.error_messages:
        raise Unsure('; '.join(result.error_messages))
    return result.validated_parameters


def _action(state, result):
    if not result.get('changed'):
        return 'unchanged'
    if state == 'absent' or result['diff'].get('before') and not result['diff'].get('after'):
        return 'delete'
    return 'update' if result.get('id', result.get('uuid')) is not None else 'create'


def _provider(name, arguments):
    if name in ('sip_endpoints', 'trunks'):
        return arguments.get('name')
    return arguments.get('trunk') if name == 'registrations' else arguments.get('provider')


def task_arguments(tasks):
    """(state, task, index, arguments) of every module task of {'present': {task: [arguments]}, 'absent': {...}}, in
    the role's order."""
    for state, names in RUN_ORDER:
        for name in names:
            for index, arguments in enumerate((tasks.get(state) or {}).get(name) or []):
                yield state, name, index, arguments


def run_task(client, name, arguments, check_mode=True):
    """Run the module task name (TASKS) with arguments in process, as its module runs it: the TaskRun, with the
    module's result, or the error that the module would fail with."""
    task = TASKS[name]
    run = TaskRun(client, check_mode)
    try:
        run.params = module_params(task, arguments)
        task.resource.check(run.params, lambda: client.generation)
        task.ensure(run)
        run.error = 'the module ended without a result'
    except Exited as exited:
        run.result = exited.result
    except (Unsure, WazoError, LookupError) as error:
        run.error = str(error)
    return run


def plan_entry(snapshot, state, name, index, arguments):
    """The prediction of one module task of the role."""
    task = TASKS[name]
    run = run_task(snapshot, name, arguments)
    entry = dict(task=name, state=state, index=index, module=task.module, provider=_provider(name, arguments),
                 name=arguments.get(task.name_option), action='unsure', diff=dict(before={}, after={}),
                 reason=run.error, warnings=run.warnings)
    if run.result is not None:
        entry.update(action=_action(arguments.get('state', 'present'), run.result),
                     diff=run.result.get('diff') or entry['diff'])
    return entry


def plan_tasks(client, tasks):
    """The plan of the module tasks {'present': {task: [arguments]}, 'absent': {...}}, in the role's order."""
    snapshot = SnapshotClient(client)
    return [plan_entry(snapshot, *task) for task in task_arguments(tasks)]


def secret_values(tasks):
    """The values of every secret option of the module arguments (no_log options and secret chan_sip options)."""
    found = secret_option_values(tasks)
    for _state, name, _index, arguments in task_arguments(tasks):
        options = TASKS[name].resource.options
        found.update(str(value) for key, value in arguments.items()
                     if key in options and options[key].no_log and value not in (None, ''))
    return found


def counts(entries):
    return dict((action, len([entry for entry in entries if entry['action'] == action])) for action in ACTIONS)


def scheduled(entries, check_mode):
    """{state: {task: [indexes]}} of the tasks the role still runs: those the plan is not sure of and, in a real run,
    those that change something (in check mode, the plan's prediction is the task's)."""
    run = dict((state, dict((name, []) for name in TASK_ORDER)) for state, _names in RUN_ORDER)
    for entry in entries:
        if entry['action'] == 'unsure' or (not check_mode and entry['action'] != 'unchanged'):
            run[entry['state']][entry['task']].append(entry['index'])
    return run


def table(entries):
    """One line per resource the plan does not leave unchanged, then one per provider for what it leaves."""
    lines = ['%s | %s %s | %s%s' % (entry['provider'], TASKS[entry['task']].module, entry['name'], entry['action'],
                                    ' (%s)' % entry['reason'] if entry['reason'] else '')
             for entry in entries if entry['action'] != 'unchanged']
    unchanged = {}
    for entry in entries:
        if entry['action'] == 'unchanged':
            unchanged[entry['provider']] = unchanged.get(entry['provider'], 0) + 1
    lines.extend('%s | %d resource%s | unchanged' % (provider, number, '' if number == 1 else 's')
                 for provider, number in unchanged.items())
    return lines


def plan_result(client, tasks, check_mode, diff):
    """What wazo_interconnection_plan returns: the entries, their counts, the schedule, the table, and with diff the
    diff of every resource predicted to change, keyed by module and name."""
    entries = plan_tasks(client, tasks)
    number = counts(entries)
    changes = any(number[action] for action in ('create', 'update', 'delete', 'unsure'))
    result = dict(changed=check_mode and changes, plan=entries, counts=number, changes_planned=changes,
                  scheduled=scheduled(entries, check_mode), table=table(entries), api_generation=client.generation,
                  api_requests=client.request_count)
    if diff:
        changed = [entry for entry in entries if entry['action'] in ('create', 'update', 'delete')]
        result['diff'] = dict((side, dict(('%s %s' % (entry['module'], entry['name']), entry['diff'][side])
                                          for entry in changed)) for side in ('before', 'after'))
    return result
