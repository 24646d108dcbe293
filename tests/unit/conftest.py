"""Unit-test fixtures that need a live confd simulator (tests/sim_fixture.py).

``ansible-test units`` runs pytest in place, in the collection tree it is started from (the Makefile
uses a copy under build/units/ansible_collections/wazo/confd), so the simulator package
tests/confd_simulator is there and is started from that collection root with the test venv's Python.

``ansible-test units`` also runs every test in a forked child that ends with os._exit: fixtures (even
session-scoped ones) are set up in the child and never torn down. So the simulators are started in the
long-lived pytest process (after collection, when some test needs one) and stopped at the end of the
session; forked tests inherit and reuse them, and a simulator dies with the process that started it.

Fixtures
  generation   "current" or "legacy"; a test using ``confd_sim`` runs once per generation;
               ``@pytest.mark.generation("legacy")`` keeps it to the named generation(s).
  confd_sim    the started simulator of that generation (one per session and worker), reset to its
               seed before each test: confd_url, auth_url, token, tenant, api(), requests(), writes(),
               readonly(), fault(), clear_faults(), state() (see tests/sim_fixture.py).
"""

import pytest

from ansible_collections.wazo.confd.tests.sim_fixture import GENERATIONS, Simulator, deselect_by_generation


def pytest_configure(config):
    config.addinivalue_line("markers", "generation(*names): run the test only for these API generations")


_SIMULATORS = {}  # generation -> Simulator, started in the pytest process, inherited by forked tests


def pytest_collection_modifyitems(config, items):
    deselect_by_generation(config, items)
    if any("_confd_simulators" in item.fixturenames for item in items):
        for name in GENERATIONS:
            if name not in _SIMULATORS:
                _SIMULATORS[name] = Simulator(name).start()


def pytest_sessionfinish(session):  # pylint: disable=unused-argument
    for simulator in _SIMULATORS.values():
        simulator.stop()


@pytest.fixture(scope="session")
def _confd_simulators():
    return _SIMULATORS


@pytest.fixture(scope="session", params=GENERATIONS)
def generation(request):
    return request.param


@pytest.fixture
def confd_sim(generation, _confd_simulators):  # pylint: disable=redefined-outer-name
    simulator = _confd_simulators.get(generation)
    if simulator is None or not simulator.running:
        simulator = _confd_simulators[generation] = Simulator(generation).start()
    simulator.reset()
    return simulator
