"""Benchmark of the collection against the confd simulator (not a test: `make benchmark`).

For N providers (each with a registration, one outcall with two dial patterns and two incalls), it times with
the same ansible-playbook, in the same invocation, on a simulator it starts on a free loopback port:

  floor        benchmarks/floor.yml: as many runs of ansible.builtin.ping as the role runs modules
  role         benchmarks/role.yml: the role provider_interconnection, twice: with its plan (the default) and
               without it (provider_interconnection_plan: false, every module task runs: "today"); each time on a
               fresh tenant a first run, then the same run again (no-op), then a run where the first dial pattern
               of the last provider's outcall has another prefix (one change); then more first runs of each mode
               on a fresh tenant (--first-runs, default 2 in all), the modes taking turns to go first
  parallel     playbooks/interconnect_parallel.yml: one in-memory host per provider, --forks F, first and no-op
  uri recipe   benchmarks/uri_recipe.yml: the hand-written ansible.builtin.uri recipe (first run only)

The parallel playbook and the uri recipe run only at the sizes given by --extras (default 1,10: at 100
providers they would about double the time of the whole benchmark).

It prints, for each run, the wall time, the CPU time of ansible-playbook and everything it started, the HTTP
requests and writes the simulator logged; then a table of the role with its plan beside the role without it
(ratios plan / today), and a table of every run against the floor and the uri recipe. With --output (default
docs/performance.md) the tables, the machine and the method replace the generated part of that file.

If a run fails (or writes where it should not, or changes nothing where it should), the script prints the tail
of its output and stderr, writes nothing and exits with status 1.

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

from tests.sim_fixture import Simulator, SimulatorError  # noqa: E402  pylint: disable=wrong-import-position

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
# the role with its plan (the default) and without it, as it ran before the plan ("today")
MODES = (("plan", {}), ("today", {"provider_interconnection_plan": False}))
RECAP = re.compile(r"^\S+\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


def providers(count, changed=False):
    """count providers: registration, one outcall with two dial patterns, two incalls to a user.

    changed: the last provider's outcall has another prefix on its first dial pattern (one route of one
    provider changed, everything else as before).
    """
    result = []
    for index in range(count):
        prefix = "0" if changed and index == count - 1 else "1"
        result.append({
            "name": "bench-%03d" % index,
            "host": "sip%03d.bench.example" % index,
            "username": "41855%05d" % index,
            "password": PROVIDER_PASSWORD,
            "outcalls": [{"name": "bench-%03d-out" % index,
                          "dial_patterns": [{"pattern": "_9%03dNXXXXXX" % index, "prefix": prefix},
                                            {"pattern": "_8%03dNXXXXXX" % index}]}],
            "incalls": [{"did": str(5550000 + 2 * index + did), "destination": {"type": "user", "user": "Alice Smoke"}}
                        for did in (0, 1)],
        })
    return result


class RunFailed(Exception):
    """A run failed or did not do what its row claims; the message says which and shows its output's tail."""


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
        self.sim = None
        try:
            self.sim = Simulator(args.generation).start()
        except Exception:
            shutil.rmtree(self.work, ignore_errors=True)
            raise

    def close(self):
        if self.sim is not None:
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

    def variables(self, size, changed=False, extra=None):
        """The extra-vars file of a run: the providers, the connection, and the mode's role variables."""
        name = "providers-%d%s%s.json" % (size, "-changed" if changed else "",
                                          "".join("-%s=%s" % item for item in sorted((extra or {}).items())))
        path = os.path.join(self.work, name)
        if not os.path.exists(path):
            content = {"provider_interconnection_providers": providers(size, changed),
                       "wazo_confd_url": self.sim.confd_url, "wazo_auth_url": self.sim.auth_url,
                       "wazo_username": self.sim.username, "wazo_password": self.sim.password}
            content.update(extra or {})
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(content, handle)
        return path

    def run(self, kind, size, label, changed=False, extra=None):
        """One ansible-playbook run; returns its measures, raises RunFailed if it fails."""
        variables = self.variables(size, changed, extra)
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
        try:
            completed = subprocess.run(command, cwd=self.work, env=self.environment(), stdin=subprocess.DEVNULL,
                                       capture_output=True, text=True, check=False, timeout=self.args.timeout)
        except subprocess.TimeoutExpired as error:
            raise RunFailed(failure("%s (%d providers) did not finish within %d s" % (label, size, self.args.timeout),
                                    error.stdout, error.stderr)) from None
        wall = time.monotonic() - start
        after = os.times()
        if completed.returncode != 0:
            raise RunFailed(failure("%s (%d providers) failed with rc=%d" % (label, size, completed.returncode),
                                    completed.stdout, completed.stderr))
        log = self.sim.requests()
        recap = RECAP.findall(completed.stdout)
        measure = {
            "label": label, "size": size, "wall": wall,
            "cpu": (after.children_user - before.children_user) + (after.children_system - before.children_system),
            "requests": len(log),
            "writes": sum(1 for entry in log if entry["method"] != "GET" and entry["path"].startswith("/1.1")),
            "changed": sum(int(count) for _ok, count, _unreachable, _failed in recap),
            "stdout": completed.stdout, "stderr": completed.stderr,
        }
        print("  %-32s %4d providers  %7.1f s wall  %7.1f s cpu  %5d requests  %5d writes  changed=%d" % (
            label, size, measure["wall"], measure["cpu"], measure["requests"], measure["writes"],
            measure["changed"]), flush=True)
        return measure

    def size(self, size, extras):
        results = {}
        self.sim.reset()
        results["floor"] = self.run("floor", size, "floor (ping)")
        first_runs = {mode: [] for mode, _extra in MODES}
        for mode, extra in MODES:
            # each mode on the seeded tenant: its first run creates everything, its no-op run finds it all, its
            # one-change run finds all but one dial pattern as the previous runs left it
            self.sim.reset()
            first_runs[mode].append(self.run("role", size, "role (%s), first run" % mode, extra=extra))
            results[mode + " no-op"] = self.run("role", size, "role (%s), no-op run" % mode, extra=extra)
            results[mode + " change"] = self.run("role", size, "role (%s), one change" % mode, changed=True,
                                                 extra=extra)
        # More first runs, the modes taking turns to go first (plan, today, today, plan, ...): a first run takes
        # minutes at 100 providers and two runs of one mode differ by more than the modes do, so neither the order
        # nor the moment of a run may favour a mode.
        for round_index in range(1, self.args.first_runs):
            for mode, extra in (MODES[::-1] if round_index % 2 else MODES):
                self.sim.reset()
                first_runs[mode].append(self.run("role", size, "role (%s), first run" % mode, extra=extra))
        for mode, runs in first_runs.items():
            for run in runs:
                check_run(mode + " first", run)
            results[mode + " first"] = mean_of(runs)
        if extras:
            self.sim.reset()
            results["uri first"] = self.run("uri", size, "uri recipe, first run")
            self.sim.reset()
            results["parallel first"] = self.run("parallel", size, "parallel, first run")
            results["parallel no-op"] = self.run("parallel", size, "parallel, no-op run")
        check(results)
        for measure in results.values():
            del measure["stdout"], measure["stderr"]
        return results


def mean_of(runs):
    """One measure for several runs of the same work: mean wall and CPU times, each run's wall time kept."""
    measure = dict(runs[0])
    measure["wall"] = sum(run["wall"] for run in runs) / len(runs)
    measure["cpu"] = sum(run["cpu"] for run in runs) / len(runs)
    measure["walls"] = [run["wall"] for run in runs]
    for run in runs[1:]:
        if (run["requests"], run["writes"]) != (measure["requests"], measure["writes"]):
            print("  WARNING: %s: %d requests and %d writes, %d and %d the first time" % (
                run["label"], run["requests"], run["writes"], measure["requests"], measure["writes"]), flush=True)
    return measure


def tail(text, size):
    # the output of a run that timed out may come as bytes, or not at all
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = text or ""
    return text[-size:] if text.strip() else "(empty)"


def failure(title, stdout, stderr):
    return "%s\n--- stdout (tail) ---\n%s\n--- stderr (tail) ---\n%s" % (title, tail(stdout, 6000), tail(stderr, 3000))


def check_run(key, measure):
    """A run did what its row claims: a no-op run writes and changes nothing, a first or one-change run does both."""
    if key.endswith("no-op") and (measure["writes"] or measure["changed"]):
        problem = "wrote %d times and reported %d changes" % (measure["writes"], measure["changed"])
    elif key.endswith(("first", "change")) and key != "uri first" and not (measure["writes"] and measure["changed"]):
        problem = "wrote %d times and reported %d changes, expected both" % (measure["writes"], measure["changed"])
    else:
        return
    raise RunFailed(failure("%s (%d providers) %s" % (measure["label"], measure["size"], problem),
                            measure["stdout"], measure["stderr"]))


def check(results):
    """Each row measures what it claims, and the two modes did the same work."""
    for key, measure in results.items():
        check_run(key, measure)
    for run in ("first", "change"):
        plan, today = results["plan " + run], results["today " + run]
        if plan["writes"] != today["writes"]:
            # not fatal (the times stand), but the table then compares runs that did not do the same work
            print("  WARNING: %s: %d writes with the plan, %d without" % (plan["label"], plan["writes"],
                                                                          today["writes"]), flush=True)


RUNS = (("first", "first run"), ("no-op", "no-op run"), ("change", "one change"))


def ratio(value, base):
    return "%.2f" % (value / base) if base else "-"


def plan_table(all_results):
    """The role with its plan beside the role without it, for each run."""
    lines = ["| providers | run | wall s plan | wall s today | wall plan / today | CPU s plan | CPU s today "
             "| CPU plan / today | requests plan | requests today | requests plan / today | writes plan "
             "| writes today |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size, results in all_results:
        for run, title in RUNS:
            plan, today = results["plan " + run], results["today " + run]
            lines.append("| %d | %s | %.1f | %.1f | **%s** | %.1f | %.1f | %s | %d | %d | %s | %d | %d |" % (
                size, title, plan["wall"], today["wall"], ratio(plan["wall"], today["wall"]),
                plan["cpu"], today["cpu"], ratio(plan["cpu"], today["cpu"]),
                plan["requests"], today["requests"], ratio(plan["requests"], today["requests"]),
                plan["writes"], today["writes"]))
    return "\n".join(lines)


def first_runs_line(all_results):
    """Each first run's wall time, in the order they ran within a mode."""
    return "\n".join("* %d provider%s, first runs: plan %s s; today %s s." % (
        size, "" if size == 1 else "s", ", ".join("%.1f" % wall for wall in results["plan first"]["walls"]),
        ", ".join("%.1f" % wall for wall in results["today first"]["walls"])) for size, results in all_results)


def goals(all_results):
    """The goals of the plan, at every size measured (they are set for 100 providers)."""
    lines = []
    for size, results in all_results:
        noop = results["plan no-op"]["wall"] / results["today no-op"]["wall"]
        first = results["plan first"]["wall"] / results["today first"]["wall"]
        lines.append("* %d provider%s: the no-op run takes %.2f of today's wall time (goal at 100 providers: at most "
                     "0.10, %s here); the first run %.2f (goal: at most 1.00, %s here)." % (
                         size, "" if size == 1 else "s", noop, "met" if noop <= 0.10 else "not met",
                         first, "met" if first <= 1.0 else "not met"))
    return "\n".join(lines)


ROWS = (
    ("floor", "floor: ping, as many module runs as the role without plan"),
    ("plan first", "**role, first run**"),
    ("plan no-op", "**role, no-op run**"),
    ("plan change", "**role, one change**"),
    ("today first", "role without plan, first run"),
    ("today no-op", "role without plan, no-op run"),
    ("today change", "role without plan, one change"),
    ("parallel first", "parallel playbook, first run"),
    ("parallel no-op", "parallel playbook, no-op run"),
    ("uri first", "hand-written uri recipe, first run"),
)


def table(all_results, forks):
    lines = ["| providers | run | wall s | CPU s | HTTP requests | writes | wall / floor | wall / uri | requests / uri |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for size, results in all_results:
        floor, uri = results["floor"], results.get("uri first")
        for key, title in ROWS:
            if key not in results:
                continue
            measure = results[key]
            if key.startswith("parallel"):
                title += " (--forks %d)" % forks
            mine = key not in ("floor", "uri first")
            lines.append("| %d | %s | %.1f | %.1f | %d | %d | %s | %s | %s |" % (
                size, title, measure["wall"], measure["cpu"], measure["requests"], measure["writes"],
                ratio(measure["wall"], floor["wall"]) if mine else "",
                (ratio(measure["wall"], uri["wall"]) if uri else "-") if mine else "",
                (ratio(measure["requests"], uri["requests"]) if uri else "-") if mine else ""))
    return "\n".join(lines)


def ansible_version():
    from ansible.release import __version__  # pylint: disable=import-outside-toplevel
    return __version__


def report(all_results, args, started, duration, load):
    machine = "%s, %d CPUs, Python %s, ansible-core %s, load average %.1f before and %.1f after" % (
        platform.platform(terse=True), os.cpu_count() or 0, platform.python_version(), ansible_version(),
        load[0], load[1])
    sizes = [size for size, _results in all_results]
    extras = [size for size in sizes if size in args.extras]
    return "\n".join([
        BEGIN,
        "",
        "Measured %s UTC by `benchmarks/run_benchmark.py --sizes %s --extras %s --forks %d` in %.0f s, against the %s "
        "simulator on loopback." % (started.strftime("%Y-%m-%d %H:%M"), ",".join(str(size) for size in sizes),
                                    ",".join(str(size) for size in args.extras) or "none", args.forks, duration,
                                    args.generation),
        "",
        "Machine: %s." % machine,
        "",
        "The role with its plan (the default) and without it (`provider_interconnection_plan: false`, every module "
        "task runs, as before the plan). A first run is the mean of %d, each on a fresh tenant, the modes taking "
        "turns to go first (plan, today, today, plan, ...):" % args.first_runs,
        "",
        plan_table(all_results),
        "",
        first_runs_line(all_results),
        "",
        goals(all_results),
        "",
        "Against the floor and the hand-written recipe (the parallel playbook and the recipe ran at %s):" % (
            ", ".join("%d" % size for size in extras) + " provider" + ("" if extras == [1] else "s")
            if extras else "no size"),
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


def sizes_option(text):
    try:
        return [int(size) for size in text.split(",") if size.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("comma-separated numbers expected, not %r" % text) from None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--sizes", type=sizes_option, default="1,10,100",
                        help="numbers of providers, comma-separated (default 1,10,100)")
    parser.add_argument("--extras", type=sizes_option, default="1,10",
                        help="the sizes at which the parallel playbook and the uri recipe also run, comma-separated, "
                             "empty for none (default 1,10)")
    parser.add_argument("--forks", type=int, default=8, help="forks of the parallel playbook (default 8)")
    parser.add_argument("--first-runs", type=int, default=2,
                        help="first runs of each mode of the role, the modes taking turns to go first; the tables give "
                             "their mean (default 2)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds a run may take (default 3600)")
    parser.add_argument("--generation", default="current", choices=["current"],
                        help="API generation of the simulator (the uri recipe is written for current)")
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "performance.md"),
                        help="markdown file whose generated part is replaced (default docs/performance.md)")
    parser.add_argument("--no-write", action="store_true", help="print the tables only")
    args = parser.parse_args()
    if args.first_runs < 1:
        parser.error("--first-runs: at least 1, not %d" % args.first_runs)
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = os.getloadavg()[0]
    begin = time.monotonic()
    all_results = []
    try:
        bench = Bench(args)
        try:
            for size in args.sizes:
                print("%d provider%s:" % (size, "" if size == 1 else "s"), flush=True)
                all_results.append((size, bench.size(size, size in args.extras)))
        finally:
            bench.close()
    except (RunFailed, SimulatorError) as error:
        print("\nbenchmark failed, %s not written: %s" % (os.path.relpath(args.output), error), file=sys.stderr)
        sys.exit(1)
    text = report(all_results, args, started, time.monotonic() - begin, (load_before, os.getloadavg()[0]))
    print("\n" + text)
    if not args.no_write:
        write_report(args.output, text)
        print("\nwritten to %s" % os.path.relpath(args.output))


if __name__ == "__main__":
    main()
