"""A pre-warmed Python for the module processes of long functional runs (the fault matrix).

Each task of a playbook starts a Python process for its module; most of its CPU goes into importing
``requests`` and ``ansible.module_utils.basic``. The fault matrix runs a few thousand module tasks, so it
gives ansible-playbook this file as ``ansible_python_interpreter``:

    server   ``python warm_python.py serve SOCKET``: imports those libraries once, then forks one child per
             module run (the child runs the module file exactly as Python would, in the client's working
             directory, environment and arguments, with its own stdout and stderr) and reports its output and
             exit status.
    client   ``python -S -E warm_python.py SOCKET AnsiballZ_x.py``: what ansible-playbook starts for a task;
             it forwards the run to the server and exits like the module did. Standard library only.

Nothing else changes: ansible-playbook builds, sends and parses the module run as usual; the module code and
the collection's module_utils come from the AnsiballZ payload. ``WarmPython`` (used by the tests) starts and
stops a server.
"""

# The client runs for every module task: it imports only what it needs (the rest is imported where used).
import json
import os
import socket
import sys


def _send(connection, payload):
    data = json.dumps(payload).encode("utf-8")
    connection.sendall(len(data).to_bytes(8, "big") + data)


def _receive(connection):
    header = b""
    while len(header) < 8:
        chunk = connection.recv(8 - len(header))
        if not chunk:
            raise EOFError("connection closed")
        header += chunk
    size, data = int.from_bytes(header, "big"), b""
    while len(data) < size:
        chunk = connection.recv(min(65536, size - len(data)))
        if not chunk:
            raise EOFError("connection closed")
        data += chunk
    return json.loads(data.decode("utf-8"))


# ---- client (started by ansible-playbook for each module run) ------------------------------------------------

def client(socket_path, argv):
    stdin = b"" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.buffer.read()
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.connect(socket_path)
    _send(connection, {"argv": argv, "env": dict(os.environ), "cwd": os.getcwd(),
                       "stdin": stdin.decode("utf-8", "surrogateescape")})
    answer = _receive(connection)
    sys.stdout.buffer.write(answer["stdout"].encode("utf-8", "surrogateescape"))
    sys.stderr.buffer.write(answer["stderr"].encode("utf-8", "surrogateescape"))
    sys.stdout.flush()
    sys.stderr.flush()
    return answer["rc"]


# ---- server ---------------------------------------------------------------------------------------------------

def _run_child(connection, request):
    """In the forked child: run the module file as ``python FILE ARGS`` would, then report."""
    import tempfile  # pylint: disable=import-outside-toplevel
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    stdin = tempfile.TemporaryFile()
    stdin.write(b"" if not request["argv"] else request["stdin"].encode("utf-8", "surrogateescape"))
    stdin.seek(0)
    os.dup2(stdin.fileno(), 0)
    os.dup2(out.fileno(), 1)
    os.dup2(err.fileno(), 2)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = list(request["argv"]) or [""]
    rc = 0
    try:
        if request["argv"]:
            import runpy  # pylint: disable=import-outside-toplevel
            runpy.run_path(sys.argv[0], run_name="__main__")
        else:  # pipelining: the module comes on stdin, as for "python < module"
            import types  # pylint: disable=import-outside-toplevel
            main = sys.modules["__main__"] = types.ModuleType("__main__")
            source = request["stdin"].encode("utf-8", "surrogateescape")
            exec(compile(source, "<stdin>", "exec"), main.__dict__)  # pylint: disable=exec-used  # nosec
    except SystemExit as stop:
        rc = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        if not isinstance(stop.code, (int, type(None))):
            sys.stderr.write(str(stop.code) + "\n")
    except BaseException:  # pylint: disable=broad-except  # reported like an uncaught exception
        import traceback  # pylint: disable=import-outside-toplevel
        traceback.print_exc()
        rc = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    out.seek(0)
    err.seek(0)
    _send(connection, {"rc": rc, "stdout": out.read().decode("utf-8", "surrogateescape"),
                       "stderr": err.read().decode("utf-8", "surrogateescape")})


def serve(socket_path):
    # What every module run of the collection imports; the children inherit it.
    import requests  # noqa: F401  pylint: disable=unused-import,import-outside-toplevel
    import ansible.module_utils.basic  # noqa: F401  pylint: disable=unused-import,import-outside-toplevel

    # A module run sees the sys.path of "python FILE": not this file's directory (tests/functional).
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [path for path in sys.path if os.path.abspath(path or ".") != here]

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(64)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        connection, _address = listener.accept()
        if os.fork() == 0:
            listener.close()
            code = 0
            try:
                _run_child(connection, _receive(connection))
            except BaseException:  # pylint: disable=broad-except
                code = 1
            finally:
                os._exit(code)  # pylint: disable=protected-access
        connection.close()
        _reap()


def _reap():
    # Waited for (not ignored), so that the children's CPU time counts in the server's, then in its parent's.
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _die_with_parent():
    """In the server, before exec: SIGTERM when the test process that started it dies (Linux)."""
    import ctypes  # pylint: disable=import-outside-toplevel
    import signal  # pylint: disable=import-outside-toplevel
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class WarmPython:
    """Starts a server; ``interpreter`` is the ansible_python_interpreter that uses it."""

    def __init__(self, python=None):
        import tempfile  # pylint: disable=import-outside-toplevel
        self.python = python or sys.executable
        self.directory = tempfile.mkdtemp(prefix="warm-python-")
        self.socket_path = os.path.join(self.directory, "socket")
        self.process = None

    @property
    def interpreter(self):
        """An executable (ansible_python_interpreter takes no arguments) that runs the client."""
        return os.path.join(self.directory, "python")

    def start(self):
        import subprocess  # pylint: disable=import-outside-toplevel
        with open(self.interpreter, "w", encoding="utf-8") as handle:
            handle.write('#!/bin/sh\nexec "%s" -S -E "%s" "%s" "$@"\n'
                         % (self.python, os.path.abspath(__file__), self.socket_path))
        os.chmod(self.interpreter, 0o755)
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with  # stopped by stop()
            [self.python, os.path.abspath(__file__), "serve", self.socket_path],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        line = self.process.stdout.readline()  # "ready", or nothing when the server failed to start
        if line.strip() != "ready":
            self.stop()
            raise RuntimeError("the warm Python server did not start")
        return self

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        if self.process is not None and self.process.stdout:
            self.process.stdout.close()
        self.process = None
        for path in (self.socket_path, self.interpreter):
            if os.path.exists(path):
                os.unlink(path)
        if os.path.isdir(self.directory):
            os.rmdir(self.directory)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        serve(sys.argv[2])
    else:
        sys.exit(client(sys.argv[1], sys.argv[2:]))
