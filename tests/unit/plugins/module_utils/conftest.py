# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures of the module_utils unit tests: the real confd simulator over HTTP on loopback
(tests/sim_fixture.py, started by tests/unit/conftest.py), a client on it, and WazoModule runs that
capture the module's result."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import json

import pytest

from ansible.module_utils import basic

from ansible_collections.wazo.confd.plugins.module_utils.connection import ConfdClient
from ansible_collections.wazo.confd.plugins.module_utils.module import WazoModule
from ansible_collections.wazo.confd.tests.sim_fixture import Simulator

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19 reads the arguments from basic._ANSIBLE_ARGS
    @contextlib.contextmanager
    def patch_module_args(args):
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode()
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved

# Retries wait this long in the tests (the policy, not the wall time, is under test).
FAST_RETRIES = (0.01, 0.02, 0.04)


def _simulator(pool, generation):
    simulator = pool.get(generation)
    if simulator is None or not simulator.running:
        simulator = pool[generation] = Simulator(generation).start()
    simulator.reset()
    return simulator


# confd_sim (each generation in turn) and the pool of started simulators come from tests/unit/conftest.py.
@pytest.fixture
def current_sim(_confd_simulators):
    return _simulator(_confd_simulators, 'current')


@pytest.fixture
def legacy_sim(_confd_simulators):
    return _simulator(_confd_simulators, 'legacy')


@pytest.fixture
def warnings():
    return []


@pytest.fixture
def make_client(warnings):
    """A ConfdClient on a simulator, recording its warnings; keyword arguments override the defaults."""
    def make(simulator, **overrides):
        options = dict(token=simulator.token, tenant=simulator.tenant, api_generation=simulator.generation,
                       timeout=5, warn=warnings.append, retry_delays=FAST_RETRIES)
        options.update(overrides)
        return ConfdClient(simulator.confd_url, simulator.auth_url, **options)
    return make


def module_args(simulator, **params):
    args = dict(wazo_confd_url=simulator.confd_url, wazo_auth_url=simulator.auth_url, wazo_token=simulator.token,
                wazo_tenant=simulator.tenant, api_generation=simulator.generation)
    args.update(params)
    return args


class ModuleRun(object):
    """Runs a function on a fresh WazoModule and captures what it exits with."""

    def __init__(self, capsys):
        self.capsys = capsys

    def __call__(self, simulator, function, argument_spec=None, check_mode=False, **params):
        args = module_args(simulator, **params)
        if check_mode:
            args['_ansible_check_mode'] = True
        self.capsys.readouterr()
        with patch_module_args(args):
            module = WazoModule(argument_spec=argument_spec or {})
            with pytest.raises(SystemExit):
                module.run(function)
        return json.loads(self.capsys.readouterr().out)


@pytest.fixture
def run_module(capsys):
    return ModuleRun(capsys)


@pytest.fixture
def with_module_args():
    """patch_module_args (ansible-core's, or its stand-in above), for a test that runs a module's main()."""
    return patch_module_args
