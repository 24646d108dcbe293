"""Benchmark of the collection against the confd simulator (not a test: `make benchmark`).

For N providers (each with a registration, one outcall with two dial patterns and two incalls), it times with
the same ansible-playbook, in the same invocation, on a simulator it starts on a free loopback port:

  floor        benchmarks/floor.yml: as many runs of ansible.builtin.ping as the role runs modules
  role         benchmarks/role.yml: the role provider_interconnection, first run then no-op run
  parallel     playbooks/interconnect_parallel.yml: one in-memory host per provider, --forks F, first and no-op
  uri recipe   benchmarks/uri_recipe.yml: the hand-written ansible.builtin.uri recipe (first run only)

and prints, for each, the wall time, the CPU time of ansible-playbook and everything it started, the HTTP
requests and writes the simulator logged, and the ratios ours / floor and ours / uri recipe. With --output
(default docs/performance.md) the table, the machine and the method replace the generated part of that file.

    .venv/bin/python benchmarks/run_benchmark.py                 # sizes 1,10,100
    .venv/bin/python benchmarks/run_benchmark.py --sizes 1,10    # quicker
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.sim_fixture import Simulator  # noqa: E402  pylint: disable=wrong-import-position

BENCH = os.path.join(ROOT, "benchmarks")
PLAYBOOKS = {
    "floor": os.path.join(BENCH, "floor.yml"),
    "role": os.path.join(BENCH, "role.yml"),
    "parallel": os.path.join(ROOT, "playbooks", "interconnect_parallel.yml"),
    "uri": os.path.join(BENCH, "uri_recipe.yml"),
}
BEGIN = "<!-- benchmark:begin (written by benchmarks/run_benchmark.py; edit outside these markers) -->"
END = "<!-- benchmark:end -->"
PROVIDER_PASSWORD = "Bench-Provider-Secret-1"
RECAP = re.compile(r"^\S+\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


def providers(count):
    """count providers: registration, one outcall with two dial patterns, two incalls to a user."""
    result = []
    for index in range(count):
        result.append({
            "name": "bench-%03d" % index,
            "host": "sip%03d.bench.example" % index,
            "username": "41855%05d" % index,
            "password": PROVIDER_PASSWORD,
            "outcalls": [{"name": "bench-%03d-out" % index,
                          "dial_patterns": [{"pattern": "_9%03dNXXXXXX" % index, "prefix": "1"},
                                            {"pattern": "_8%03dNXXXXXX" % index}]}],
            "incalls": [{"did": str(5550000 + 2 * index + did), "destination": {"type": "user", "user": "Alice Smoke"}}
                        for did in (0, 1)],
        })
    return result


class Bench:
    def __init__(self, args):
        self.args = args
        self.work = tempfile.mkdtemp(prefix="wazo-confd-bench-")
        self.bin = os.path.dirname(sys.executable)
        collections = os.path.join(self.work, "collections", "ansible_collections", "wazo")
        os.makedirs(collections)
        os.symlink(ROOT, os.path.join(collections, "confd"))
        with open(os.path.join(self.work, "ansible.cfg"), "w", encoding="utf-8") as handle:
            handle.write("[defaults]\nretry_files_enabled = false\n")
        self.inventory = os.path.join(self.work, "inventory.ini")
        with open(self.inventory, "w", encoding="utf-8") as handle:
            handle.write("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
        self.sim = Simulator(args.generation).start()

    def close(self):
        self.sim.stop()
        shutil.rmtree(self.work, ignore_errors=True)

    def environment(self):
        environment = {key: value for key, value in os.environ.items() if not key.startswith(("WAZO_", "ANSIBLE_"))}
        environment.update({
            "ANSIBLE_CONFIG": os.path.join(self.work, "ansible.cfg"),
            "ANSIBLE_COLLECTIONS_PATH": os.path.join(self.work, "collections"),
            "ANSIBLE_LOCAL_TEMP": os.path.join(self.work, "tmp"),
            "ANSIBLE_HOME": os.path.join(self.work, "home"),
            "ANSIBLE_NOCOLOR": "1",
            "PATH": self.bin + os.pathsep + os.environ.get("PATH", ""),
            # what a user exports: the servers and a login (no token, no generation: detected once per run)
            "WAZO_CONFD_URL": self.sim.confd_url,
            "WAZO_AUTH_URL": self.sim.auth_url,
            "WAZO_USERNAME": self.sim.username,
            "WAZO_PASSWORD": self.sim.password,
        })
        return environment

    def run(self, kind, size, label):
        """One ansible-playbook run; returns its measures."""
        variables = os.path.join(self.work, "providers-%d.json" % size)
        if not os.path.exists(variables):
            with open(variables, "w", encoding="utf-8") as handle:
                json.dump({"provider_interconnection_providers": providers(size),
                           "wazo_confd_url": self.sim.confd_url, "wazo_auth_url": self.sim.auth_url,
                           "wazo_username": self.sim.username, "wazo_password": self.sim.password}, handle)
        command = [os.path.join(self.bin, "ansible-playbook"), "-i", self.inventory]
        if kind == "parallel":
            # its providers come from a vars file: as an extra var, the list would override each host's own provider
            command += ["--forks", str(self.args.forks), "-e", "interconnect_providers_file=" + variables]
        else:
            command += ["-e", "@" + variables]
        command.append(PLAYBOOKS[kind])
        self.sim.clear_requests()
        before = os.times()
        start = time.monotonic()
        completed = subprocess.run(command, cwd=self.work, env=self.environment(), stdin=subprocess.DEVNULL,
                                   capture_output=True, text=True, check=False)
        wall = time.monotonic() - start
        after = os.times()
        if completed.returncode != 0:
            raise SystemExit("%s (%d providers) failed with rc=%d:\n%s\n%s" % (
                label, size, completed.returncode, completed.stdout[-6000:], completed.stderr[-3000:]))
        log = self.sim.requests()
        recap = RECAP.findall(completed.stdout)
        measure = {
            "label": label, "size": size, "wall": wall,
            "cpu": (after.children_user - before.children_user) + (after.children_system - before.children_system),
            "requests": len(log),
            "writes": sum(1 for entry in log if entry["method"] != "GET" and entry["path"].startswith("/1.1")),
            "changed": sum(int(changed) for _ok, changed, _unreachable, _failed in recap),
        }
        print("  %-24s %4d providers  %7.1f s wall  %7.1f s cpu  %5d requests  %5d writes  changed=%d" % (
            label, size, measure["wall"], measure["cpu"], measure["requests"], measure["writes"],
            measure["changed"]), flush=True)
        return measure

    def size(self, size):
        results = {}
        self.sim.reset()
        results["floor"] = self.run("floor", size, "floor (ping)")
        results["role first"] = self.run("role", size, "role, first run")
        results["role no-op"] = self.run("role", size, "role, no-op run")
        self.sim.reset()
        results["uri first"] = self.run("uri", size, "uri recipe, first run")
        self.sim.reset()
        results["parallel first"] = self.run("parallel", size, "parallel, first run")
        results["parallel no-op"] = self.run("parallel", size, "parallel, no-op run")
        for key in ("role no-op", "parallel no-op"):
            if results[key]["writes"] or results[key]["changed"]:
                raise SystemExit("%s wrote or changed something: %r" % (key, results[key]))
        return results


ROWS = (
    ("floor", "floor: ping, as many module runs as the role"),
    ("role first", "**role, first run**"),
    ("role no-op", "**role, no-op run**"),
    ("parallel first", "parallel playbook, first run"),
    ("parallel no-op", "parallel playbook, no-op run"),
    ("uri first", "hand-written uri recipe, first run"),
)


def ratio(value, base):
    return "%.2f" % (value / base) if base else "-"


def table(all_results, forks):
    lines = ["| providers | run | wall s | CPU s | HTTP requests | writes | wall / floor | wall / uri | requests / uri |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for size, results in all_results:
        floor, uri = results["floor"], results["uri first"]
        for key, title in ROWS:
            measure = results[key]
            if key.startswith("parallel"):
                title += " (--forks %d)" % forks
            mine = key not in ("floor", "uri first")
            lines.append("| %d | %s | %.1f | %.1f | %d | %d | %s | %s | %s |" % (
                size, title, measure["wall"], measure["cpu"], measure["requests"], measure["writes"],
                ratio(measure["wall"], floor["wall"]) if mine else "",
                ratio(measure["wall"], uri["wall"]) if mine else "",
                ratio(measure["requests"], uri["requests"]) if mine else ""))
    return "\n".join(lines)


def ansible_version():
    from ansible.release import __version__  # pylint: disable=import-outside-toplevel
    return __version__


def report(all_results, args, started, duration, load):
    machine = "%s, %d CPUs, Python %s, ansible-core %s, load average %.1f before and %.1f after" % (
        platform.platform(terse=True), os.cpu_count() or 0, platform.python_version(), ansible_version(),
        load[0], load[1])
    return "\n".join([
        BEGIN,
        "",
        "Measured %s UTC by `benchmarks/run_benchmark.py --sizes %s --forks %d` in %.0f s, against the %s simulator "
        "on loopback." % (started.strftime("%Y-%m-%d %H:%M"), ",".join(str(size) for size, _results in all_results),
                          args.forks, duration, args.generation),
        "",
        "Machine: %s." % machine,
        "",
        table(all_results, args.forks),
        "",
        END,
    ])


def write_report(path, text):
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            current = handle.read()
        if BEGIN in current and END in current:
            text = current[:current.index(BEGIN)] + text + current[current.index(END) + len(END):]
        else:
            text = current.rstrip("\n") + "\n\n" + text + "\n"
    else:
        text = "# Performance\n\n" + text + "\n"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--sizes", default="1,10,100", help="numbers of providers, comma-separated (default 1,10,100)")
    parser.add_argument("--forks", type=int, default=8, help="forks of the parallel playbook (default 8)")
    parser.add_argument("--generation", default="current", choices=["current"],
                        help="API generation of the simulator (the uri recipe is written for current)")
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "performance.md"),
                        help="markdown file whose generated part is replaced (default docs/performance.md)")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = os.getloadavg()[0]
    begin = time.monotonic()
    bench = Bench(args)
    all_results = []
    try:
        for size in sizes:
            print("%d provider%s:" % (size, "" if size == 1 else "s"), flush=True)
            all_results.append((size, bench.size(size)))
    finally:
        bench.close()
    text = report(all_results, args, started, time.monotonic() - begin, (load_before, os.getloadavg()[0]))
    print("\n" + text)
    if not args.no_write:
        write_report(args.output, text)
        print("\nwritten to %s" % os.path.relpath(args.output))


if __name__ == "__main__":
    main()
