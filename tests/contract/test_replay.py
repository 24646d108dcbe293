"""Contract: the simulator answers the recorded wazo-confd transcripts exactly.

For each generation, a fresh simulator replays tests/fixtures/confd-transcripts/<generation>/ with
tests/contract/confd-replay (a copy of the project's replay tool; only its shebang differs, the one
ansible-test sanity accepts; it is run with the test's own interpreter), twice in a row as the real rigs
do (every scenario deletes what it created): each pass must report "N passed, 0 failed" with N the
number of scenario files.
"""

import glob
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.sim_fixture import GENERATIONS, Simulator  # noqa: E402  pylint: disable=wrong-import-position

REPLAY = os.path.join(ROOT, "tests", "contract", "confd-replay")
TRANSCRIPTS = os.path.join(ROOT, "tests", "fixtures", "confd-transcripts")
SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed$", re.MULTILINE)


def scenario_count(folder):
    return len(glob.glob(os.path.join(folder, "**", "*.json"), recursive=True))


def replay(simulator, folder):
    command = [sys.executable, REPLAY, "--url", simulator.confd_url, "--token", simulator.token,
               "--tenant", simulator.tenant, folder]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False, stdin=subprocess.DEVNULL)
    return completed.returncode, completed.stdout + completed.stderr


@pytest.mark.parametrize("generation", GENERATIONS)
def test_replay(generation):
    folder = os.path.join(TRANSCRIPTS, generation)
    expected = scenario_count(folder)
    assert expected > 0, "no scenarios in %s" % folder
    with Simulator(generation) as simulator:
        for run in ("first", "second"):
            status, output = replay(simulator, folder)
            failures = "\n".join(line for line in output.splitlines() if not line.startswith("PASS "))
            summary = SUMMARY.findall(output)
            assert summary, "%s replay printed no summary (exit %s):\n%s" % (run, status, output)
            passed, failed = (int(number) for number in summary[-1])
            assert (passed, failed) == (expected, 0), "%s replay of %s: %s passed, %s failed of %s scenarios:\n%s" % (
                run, generation, passed, failed, expected, failures)
            assert status == 0, output
