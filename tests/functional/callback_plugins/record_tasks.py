"""Test-only callback: one JSON line per task result, for tests/functional/conftest.py.

Enabled by the functional harness (ANSIBLE_CALLBACK_PLUGINS + ANSIBLE_CALLBACKS_ENABLED) and writes
to the file named by the WAZO_TEST_RECORD environment variable. Works on ansible-core 2.17 to 2.21.
"""

from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: record_tasks
type: aggregate
short_description: record task results as JSON lines (functional tests only)
description:
  - Appends one JSON object per task result and one for the final stats to the file named by
    the E(WAZO_TEST_RECORD) environment variable.
requirements:
  - the E(WAZO_TEST_RECORD) environment variable
"""


def _result_dict(result):
    # ansible-core >= 2.19 passes a CallbackTaskResult with .result; older ones a TaskResult with ._result
    data = getattr(result, "result", None)
    if not isinstance(data, dict):
        data = result._result  # pylint: disable=protected-access
    return data


def _warnings(result, data):
    summaries = getattr(result, "warnings", None)
    if summaries:  # ansible-core >= 2.19 keeps warnings out of the result dict
        return [getattr(getattr(item, "event", None), "msg", str(item)) for item in summaries]
    return list(data.get("warnings") or [])


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "record_tasks"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._path = os.environ.get("WAZO_TEST_RECORD")
        self._play = None

    def _write(self, record):
        if not self._path:
            return
        with open(self._path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, default=repr, sort_keys=True) + "\n")

    def _record(self, result, status, ignore_errors=False):
        task = getattr(result, "task", None) or result._task  # pylint: disable=protected-access
        host = getattr(result, "host", None) or result._host  # pylint: disable=protected-access
        data = _result_dict(result)
        self._write({
            "event": "task",
            "play": self._play,
            "host": host.get_name(),
            "name": task.get_name(),
            "action": getattr(task, "resolved_action", None) or task.action,
            "status": status,
            "changed": bool(data.get("changed", False)),
            "failed": status in ("failed", "unreachable"),
            "ignore_errors": bool(ignore_errors),
            "skipped": status == "skipped",
            "msg": data.get("msg"),
            "diff": data.get("diff"),
            "warnings": _warnings(result, data),
            "result": data,
        })

    def v2_playbook_on_play_start(self, play):
        self._play = play.get_name()

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed", ignore_errors)

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        self._write({"event": "stats", "hosts": {host: stats.summarize(host) for host in sorted(stats.processed)}})
