"""Task builders and request-log helpers shared by the functional tests of wazo_sip_endpoint,
wazo_trunk and wazo_register (one provider "prov-x" on the simulator)."""

PROVIDER = "prov-x"
SECRET = "Prov1der-S3cret"
SECRET_2 = "N3w-Prov1der-S3cret"


def task(module, **options):
    """One task of wazo.confd.<module>, named after the module."""
    return {"name": module, "wazo.confd." + module: options, "register": "out"}


def endpoint(**overrides):
    options = dict(name=PROVIDER, username="123456", secret=SECRET, host="sip.provider.example", type="peer",
                   options={"qualifyfreq": 60, "fromdomain": "sip.provider.example", "nat": "force_rport,comedia"})
    options.update(overrides)
    return task("wazo_sip_endpoint", **options)


def trunk(**overrides):
    return task("wazo_trunk", **dict(dict(name=PROVIDER), **overrides))


def register(**overrides):
    options = dict(trunk=PROVIDER, auth_username="123456", auth_password=SECRET, remote_host="sip.provider.example",
                   transport="udp")
    options.update(overrides)
    return task("wazo_register", **options)


def writes(sim):
    """(method, path, body) of the confd writes the simulator logged."""
    return [(entry["method"], entry["path"], entry["body"]) for entry in sim.writes()]


def assert_no_secret(result, *secrets):
    text = result.stdout + result.stderr + repr(result.tasks)
    for secret in secrets + (SECRET, SECRET_2, "admin-secret"):
        assert secret not in text, "a secret leaked into the output"


def check_mode_matches(sim, ansible, tasks):
    """Run tasks in check mode on a read-only simulator, then for real; return both results."""
    sim.clear_requests()
    sim.readonly(True)
    checked = ansible.run_tasks(tasks, check=True, diff=True, expect_rc=0)
    assert sim.readonly_status()["refused"] == 0 and writes(sim) == []
    sim.readonly(False)
    real = ansible.run_tasks(tasks, diff=True, expect_rc=0)
    assert [task.changed for task in checked.tasks] == [task.changed for task in real.tasks]
    return checked, real
