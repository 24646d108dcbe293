"""A newcomer follows the README, and only the README: its "Try the collection without a Wazo" section.

The three bash blocks marked ``<!-- newcomer:install -->``, ``<!-- newcomer:simulator -->`` and
``<!-- newcomer:run -->`` run as written, in an empty directory with an empty HOME and no ANSIBLE_*/WAZO_*
variable, with the tools of the interpreter running this test first on PATH (ansible-core 2.21 or 2.17 under
``make docs-check``). The only edits: the checkout path the README calls ``path/to/wazo.confd``, and the
simulator's port (a free one instead of 9486, so that parallel runs do not collide). The glue that a person
does by hand (start the simulator in a second terminal, wait for it to print its URL, come back) is the
script's part between the blocks.
"""

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
README = os.path.join(ROOT, "README.md")
TIMEOUT = int(os.environ.get("WAZO_TEST_NEWCOMER_TIMEOUT", "1800"))
RECAP = re.compile(r"^localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


def readme_block(name):
    with open(README, encoding="utf-8") as handle:
        text = handle.read()
    found = re.search(r"<!-- newcomer:%s\b[^>]*-->\s*```bash\n(.*?)```" % re.escape(name), text, re.S)
    assert found, "README.md has no ```bash block after <!-- newcomer:%s -->" % name
    return found.group(1)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def workdir(tmp_path):
    work = tmp_path / "newcomer"
    work.mkdir()
    (tmp_path / "home").mkdir()
    return work


def test_readme_quick_try_works_as_written(workdir, tmp_path):  # pylint: disable=redefined-outer-name
    port = str(free_port())
    install = readme_block("install")
    assert "path/to/wazo.confd" in install
    install = install.replace("path/to/wazo.confd", shlex.quote(ROOT))
    simulator = readme_block("simulator").replace("9486", port)
    run = readme_block("run").replace("9486", port)
    script = "\n".join([
        "set -euo pipefail",
        "# -- README: newcomer:install", install,
        "# -- by hand: the simulator in a second terminal, until it prints its URL",
        "bash -euc %s > simulator.out 2> simulator.err &" % shlex.quote(simulator),
        "for _ in $(seq 1 1200); do grep -q '^http' simulator.out && break; sleep 0.1; done",
        "grep -q '^http' simulator.out || { echo 'the simulator did not start' >&2; cat simulator.err >&2; exit 1; }",
        "# -- README: newcomer:run", run,
    ])
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("ANSIBLE_", "WAZO_", "PROVIDER_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(HOME=str(tmp_path / "home"), PATH=BIN + os.pathsep + os.environ.get("PATH", ""),
               PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    process = subprocess.Popen(["bash", "-c", script], cwd=str(workdir), env=env, stdin=subprocess.DEVNULL,  # pylint: disable=consider-using-with
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output = process.communicate(timeout=TIMEOUT)[0]
        state = None
        if process.returncode == 0:
            with urllib.request.urlopen("http://127.0.0.1:%s/__sim__/state" % port, timeout=30) as response:
                state = json.load(response)
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)  # the simulator of the "second terminal"
        except ProcessLookupError:
            pass
        process.wait(timeout=60)
    assert process.returncode == 0, "the README's steps failed:\n%s" % output

    recaps = [tuple(int(value) for value in found) for found in RECAP.findall(output)]
    assert len(recaps) == 4, output
    assert all(recap[2] == 0 and recap[3] == 0 for recap in recaps), output  # unreachable, failed
    first, second, plan, remove = (recap[1] for recap in recaps)  # changed
    assert first > 0, "the first run changed nothing:\n%s" % output
    assert second == 0, "the second run changed something:\n%s" % output
    assert plan == 0, "the plan after the first run announces changes:\n%s" % output
    assert remove > 0, output
    assert state["trunks"] == [] and state["outcalls"] == [] and state["incalls"] == [], state
    assert "any-sip-secret" not in output
