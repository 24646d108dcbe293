# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The module of every wazo.confd task: options, client, errors and the uniform result.

``WazoModule(resource)`` takes the options a declaration states (spec.py) with the connection options,
checks their values before any request that writes, opens one client for the task (and closes it:
a token it obtained is revoked), runs the task, turns bad input (``WazoError``) and API failures
(``ConfdError``) into a failure saying what was being done, and exits with the uniform result:
``changed``, ``diff``, the object as the server has it (secrets masked), its ``id`` or ``uuid`` and
``api_requests`` (requests sent by the task). Warnings are masked too.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.wazo.confd.plugins.module_utils.adapters import adapter_for
from ansible_collections.wazo.confd.plugins.module_utils.client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, ConfdError
from ansible_collections.wazo.confd.plugins.module_utils.connection import CONNECTION_ARGUMENT_SPEC, ConfdClient
from ansible_collections.wazo.confd.plugins.module_utils.engine import EngineMixin
from ansible_collections.wazo.confd.plugins.module_utils.lookups import LookupsMixin
from ansible_collections.wazo.confd.plugins.module_utils.secrets import MASK, secret_option_values
from ansible_collections.wazo.confd.plugins.module_utils.spec import WazoError


class TaskMixin(LookupsMixin, EngineMixin):
    """What a task holds besides its options: what it is doing, its diff, its adapter, and its uniform result.

    Shared by WazoModule and by the tasks the plan runs in process (plan.TaskRun), which run the same functions
    (tasks.py). A class using it has ``params``, ``check_mode``, ``client``, ``warn()`` and ``exit_json()``.
    """

    def start_task(self):
        self._before = {}
        self._after = {}
        self._doing = None
        # (item path, request count, object) of the last object read back after its update: exit_resource does
        # not read it again when no request was sent since.
        self._read_back = None
        self.changed = False

    @property
    def adapter(self):
        """The adapter of the server's generation (adapters.py), one per task."""
        return self.cached(('adapter',), lambda: adapter_for(self))

    def doing(self, description):
        """Say what the task is doing, for the message of a failure that happens next."""
        self._doing = description

    # ---- result ----------------------------------------------------------------------------------
    def exit_resource(self, key, resource, obj, refresh=False, **extra):
        """Exit with the uniform result. refresh re-reads obj when something was written, unless it was read
        back after the last request already (an update with nothing sent after it)."""
        if refresh and obj is not None and self.changed and not self.check_mode and obj.get(resource.id_field):
            path = resource.item_path(obj[resource.id_field])
            if self._read_back is not None and self._read_back[:2] == (path, self._client.request_count):
                obj = self._read_back[2]
            else:
                self.doing('reading %s back' % resource.kind)
                try:
                    obj = self.client.get(path)
                except ConfdError as error:
                    self.fail_json(msg='Failed reading %s back: %s' % (resource.kind, error.describe()),
                                   changed=True)
        result = dict(changed=self.changed, diff=dict(before=self._before, after=self._after))
        result[key] = resource.mask(obj)
        result[resource.id_field] = (obj or {}).get(resource.id_field)
        result['api_requests'] = self._client.request_count if self._client else 0
        result.update(extra)
        self.exit_json(**result)


class WazoModule(TaskMixin, AnsibleModule):
    """AnsibleModule with the connection options, the checks of a declaration, a lazy client, the task's lookups
    (lookups.py), the resource engine (engine.py) and the uniform result (TaskMixin)."""

    # Class-level so that fail_json and warn work while AnsibleModule.__init__ validates the arguments.
    _client = None
    _closed = False

    def __init__(self, resource=None, argument_spec=None, **kwargs):
        """resource: the spec.Resource whose options the module takes; argument_spec: options of a module that
        manages no resource. Either way the connection options come with them."""
        self.resource = resource
        spec = dict(CONNECTION_ARGUMENT_SPEC)
        spec.update(resource.argument_spec() if resource else {})
        spec.update(argument_spec or {})
        kwargs = dict(resource.module_kwargs if resource else {}, **kwargs)
        kwargs.setdefault('supports_check_mode', True)
        super(WazoModule, self).__init__(argument_spec=spec, **kwargs)
        # Secret chan_sip/PJSIP options (secret, password...) inside option lists are as secret as no_log options.
        self.no_log_values.update(secret_option_values(self.params))
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        self.start_task()

    # ---- client and lifecycle --------------------------------------------------------------------
    @property
    def client(self):
        if self._client is None:
            try:
                self._client = ConfdClient.from_params(self.params, warn=self.warn, on_secret=self.no_log_values.add)
            except ValueError as error:
                self.fail_json(msg=str(error))
        return self._client

    def warn(self, warning):
        # ansible-core >= 2.19 keeps warnings out of its no_log filter (remove_values skips their objects): mask here.
        warning = self._client.scrub(warning) if self._client else str(warning)
        for secret in sorted(getattr(self, 'no_log_values', ()), key=len, reverse=True):
            if isinstance(secret, str) and secret:
                warning = warning.replace(secret, MASK)
        super(WazoModule, self).warn(warning)

    def _close_client(self):
        # The client stays attached after close() so that late warnings are still scrubbed.
        if self._client is not None and not self._closed:
            self._closed = True
            self._client.close()

    def exit_json(self, **kwargs):
        self._close_client()
        super(WazoModule, self).exit_json(**kwargs)

    def fail_json(self, msg, **kwargs):
        self._close_client()
        super(WazoModule, self).fail_json(msg=msg, **kwargs)

    def run(self, function):
        """Call function(self) and turn API and input errors into a clear fail_json."""
        try:
            if self.resource is not None:
                self.resource.check(self.params, lambda: self.client.generation)
            function(self)
        except WazoError as error:
            self.fail_json(msg=str(error), changed=self.changed)
        except ConfdError as error:
            doing = ('Failed %s: ' % self._doing) if self._doing else 'Failed: '
            if error.method == 'POST' and error.status is None and not error.path.startswith('/token'):
                # The request may have been carried out all the same; lookups by identity (and orphan
                # adoption) make the next run find it instead of creating another.
                error.messages.append('the server may have carried it out all the same: run the task again, '
                                      'it finds what was created instead of creating it twice')
            self.fail_json(msg=doing + error.describe(), changed=self.changed, method=error.method,
                           path=error.path, status=error.status, messages=error.messages)
