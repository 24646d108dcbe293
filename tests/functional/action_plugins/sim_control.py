"""Test-only action: drive the confd simulator's control API from inside a playbook, on the controller.

Used by tests that run many role converges in one ``ansible-playbook`` process (the fault matrix):
an action runs in the controller's worker, so a reset or a fault costs no module process. Enabled by
ANSIBLE_ACTION_PLUGINS for those runs only; not a plugin of the collection (it lives under tests/).

Options (all optional but ``url``), applied in this order:
  url            the simulator's base URL (http://127.0.0.1:PORT)
  reset          true: state back to the seed, request log and faults cleared
  clear_faults   true: remove every fault
  sleep          seconds to wait (for a delayed request to land)
  fault          a fault spec for POST /__sim__/faults
  record         a file to append one JSON line to: ``data``, plus the request log (``requests: true``)
                 and the state dump (``state: true``) read from the simulator
  desired        a JSON file holding a normalized state (tests/functional/reliability.py): the result's
                 ``same_state`` says whether the simulator's state, normalized, is that one
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.request

from ansible.plugins.action import ActionBase

DOCUMENTATION = """
name: sim_control
short_description: drive the confd simulator's control API (functional tests only)
description:
  - Resets the simulator, injects or clears faults, waits, and records the request log and state dump.
"""


def _control(url, method, path, body=None):
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url.rstrip("/") + "/__sim__" + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:  # nosec - loopback test server
        raw = response.read()
    return json.loads(raw) if raw else None


def _normalize(state):
    # tests/functional/reliability.py holds the normalization the tests use; this plugin lives beside it.
    functional = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if functional not in sys.path:
        sys.path.insert(0, functional)
    from reliability import normalize  # pylint: disable=import-outside-toplevel,import-error
    return normalize(state)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self._task.args
        url = args["url"]
        if args.get("reset"):
            _control(url, "POST", "/reset")
        if args.get("clear_faults"):
            _control(url, "DELETE", "/faults")
        if args.get("sleep"):
            time.sleep(float(args["sleep"]))
        if args.get("fault"):
            result["fault_id"] = _control(url, "POST", "/faults", dict(args["fault"]))["id"]
        state = _control(url, "GET", "/state") if args.get("state") or args.get("desired") else None
        if args.get("desired"):
            with open(args["desired"], encoding="utf-8") as handle:
                desired = json.load(handle)
            result["same_state"] = _normalize(state) == desired
        if args.get("record"):
            line = {"data": args.get("data")}
            if args.get("requests"):
                line["requests"] = _control(url, "GET", "/requests")
            if args.get("state"):
                line["state"] = state
            with open(args["record"], "a", encoding="utf-8") as handle:
                handle.write(json.dumps(line, default=str, sort_keys=True) + "\n")
        result["changed"] = False
        return result
