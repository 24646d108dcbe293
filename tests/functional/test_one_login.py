"""One wazo-auth login per play, from the simulator's request log.

The role logs in once (wazo_token), detects the API generation once, hands both to every task and revokes the
token at the end: one ``POST /0.1/token``, one revocation and at most one ``GET /1.1/infos`` for a whole run,
whatever the number of providers and tasks. Users get the same with the documented pattern (wazo_token, then
``module_defaults`` of the ``group/wazo.confd.wazo`` action group); ``wazo_username``/``wazo_password`` on each
task keep working (one short session per task).
"""

import pytest

PASSWORD = "Pr0vider-Login-7"


def providers(count):
    return [{
        "name": "login-%d" % index,
        "host": "sip%d.login.example" % index,
        "username": "41855501%02d" % index,
        "password": PASSWORD,
        "outcalls": [{"name": "login-%d-out" % index,
                      "dial_patterns": [{"pattern": "_9%dNXXXXXX" % index}, {"pattern": "_8%dNXXXXXX" % index}]}],
        "incalls": [{"did": "55502%d%d" % (index, did), "destination": {"type": "user", "user": "Alice Smoke"}}
                    for did in (0, 1)],
    } for index in range(count)]


def role_play(role_vars):
    return [{"name": "Interconnect", "hosts": "localhost", "gather_facts": False,
             "roles": [{"role": "wazo.confd.provider_interconnection", "vars": role_vars}]}]


def login_env(sim):
    """What a user exports to log in: URLs (from the harness), tenant, username and password; no token."""
    return {"WAZO_TOKEN": None, "WAZO_API_GENERATION": None, "WAZO_USERNAME": sim.username,
            "WAZO_PASSWORD": sim.password, "WAZO_TENANT": sim.tenant}


def session_requests(log):
    logins = [entry for entry in log if (entry["method"], entry["path"]) == ("POST", "/0.1/token")]
    revocations = [entry for entry in log if entry["method"] == "DELETE" and entry["path"].startswith("/0.1/token/")]
    infos = [entry for entry in log if entry["path"] == "/1.1/infos"]
    return len(logins), len(revocations), len(infos)


def test_role_logs_in_once_and_detects_the_generation_once(sim, ansible):
    play = role_play({"provider_interconnection_providers": providers(2)})
    first = ansible.run_playbook(play, env=login_env(sim), expect_rc=0)
    assert first.changed > 0
    assert session_requests(sim.requests()) == (1, 1, 1)
    assert all(entry["status"] == 200 for entry in sim.requests() if entry["path"] == "/0.1/token")

    sim.clear_requests()
    second = ansible.run_playbook(play, env=login_env(sim), expect_rc=0)
    assert second.changed == 0, [task.name for task in second.changed_tasks]
    assert sim.writes() == []
    assert session_requests(sim.requests()) == (1, 1, 1)

    # a token and the generation given: no session request, no detection, only the lookups of the modules
    sim.clear_requests()
    given = role_play({"provider_interconnection_providers": providers(2), "provider_interconnection_wazo_token": sim.token,
                       "provider_interconnection_api_generation": sim.generation})
    ansible.run_playbook(given, env={"WAZO_TOKEN": None, "WAZO_API_GENERATION": None}, expect_rc=0)
    log = sim.requests()
    assert session_requests(log) == (0, 0, 0)
    assert {entry["method"] for entry in log} == {"GET"} and all(entry["path"].startswith("/1.1/") for entry in log)


@pytest.mark.generation("current")
def test_module_defaults_pattern_logs_in_once_and_credentials_per_task_still_work(sim, ansible):
    endpoint = {"name": "login-pattern", "username": "4185550199", "secret": PASSWORD, "host": "sip.pattern.example"}
    pattern = {
        "name": "One login for the play", "hosts": "localhost", "gather_facts": False,
        # the documented pattern (README, docs/performance.md): the session's token and generation for every module
        "module_defaults": {"group/wazo.confd.wazo": {
            "wazo_token": "{{ wazo_session.token | default(omit) }}",
            "api_generation": "{{ wazo_session.api_generation | default(omit) }}"}},
        "tasks": [{"name": "Session", "block": [
            {"name": "Log in once", "wazo.confd.wazo_token": {}, "register": "wazo_session", "no_log": True},
            {"name": "Endpoint", "wazo.confd.wazo_sip_endpoint": endpoint, "no_log": True},
            {"name": "Trunk", "wazo.confd.wazo_trunk": {"name": "login-pattern"}},
            {"name": "Outcall", "wazo.confd.wazo_outcall": {
                "name": "login-pattern-out", "trunks": ["login-pattern"], "extensions": [{"exten": "_7NXXXXXX"}]}},
        ], "always": [
            {"name": "Log out", "wazo.confd.wazo_token": {"state": "absent"},
             "when": "wazo_session.token_created | default(false)"},
        ]}],
    }
    per_task = {
        "name": "Credentials on each task", "hosts": "localhost", "gather_facts": False,
        "tasks": [
            {"name": "Trunk with credentials", "wazo.confd.wazo_trunk": {"name": "login-pattern"}},
            {"name": "Outcall with credentials", "wazo.confd.wazo_outcall": {"name": "login-pattern-out"}},
        ],
    }
    result = ansible.run_playbook([pattern, per_task], env=login_env(sim), expect_rc=0)
    assert [task.name for task in result.changed_tasks] == ["Log in once", "Endpoint", "Trunk", "Outcall", "Log out"]
    log = sim.requests()
    first_logout = next(index for index, entry in enumerate(log) if entry["method"] == "DELETE")
    assert session_requests(log[:first_logout + 1]) == (1, 1, 1)
    # each task of the second play logs in and revokes its own token (and detects the generation if it needs it)
    logins, revocations, infos = session_requests(log[first_logout + 1:])
    assert (logins, revocations) == (2, 2) and infos <= 2
    assert all(entry["status"] in (200, 204) for entry in log if entry["path"].startswith("/0.1/"))


@pytest.mark.generation("current")
@pytest.mark.simulator_only  # a fault at the end
def test_parallel_playbook_logs_in_once_and_gives_the_sequential_result(sim, ansible):
    """playbooks/interconnect_parallel.yml (one in-memory host per provider, several at a time) makes what
    interconnect_several.yml makes, failover route across providers included, with one login."""
    env = dict(login_env(sim), PROVIDER_PASSWORD=PASSWORD, BACKUP_PROVIDER_PASSWORD=PASSWORD)
    ansible.run_playbook("playbooks/interconnect_parallel.yml", env=env, args=("--forks", "4"), expect_rc=0)
    assert session_requests(sim.requests()) == (1, 1, 1)
    parallel = sim.state()

    sim.reset()
    ansible.run_playbook("playbooks/interconnect_several.yml", env=env, expect_rc=0)
    sequential = sim.state()
    for collection in ("trunks", "endpoints_sip", "outcalls", "incalls", "extensions"):
        assert len(parallel[collection]) == len(sequential[collection]), collection
    trunks = {trunk["id"]: trunk["endpoint_sip"]["name"] for trunk in parallel["trunks"]}
    national = [outcall for outcall in parallel["outcalls"] if outcall["name"] == "national"][0]
    assert [trunks[trunk["id"]] for trunk in national["trunks"]] == ["voipco", "backupsip"]

    sim.clear_requests()
    again = ansible.run_playbook("playbooks/interconnect_parallel.yml", env=env, args=("--forks", "4"), expect_rc=0)
    assert again.changed == 0, [task.name for task in again.changed_tasks]
    assert sim.writes() == [] and session_requests(sim.requests()) == (1, 1, 1)

    # the providers as an extra variable would give every host every provider: refused before anything is sent
    sim.clear_requests()
    refused = ansible.run_playbook("playbooks/interconnect_parallel.yml", env=env,
                                   extra_vars={"provider_interconnection_providers": providers(2)})
    assert refused.rc != 0 and "interconnect_providers_file" in str([task.msg for task in refused.failed_tasks])
    assert sim.requests() == []

    # every provider failing still ends with the token revoked
    sim.clear_requests()
    # every read of the SIP endpoints fails: each host's plan (its list) as well as a module's lookup (filtered)
    sim.fault(method="GET", path=r"^/1\.1/endpoints/sip(\?|$)", status=500, times=20)
    failed = ansible.run_playbook("playbooks/interconnect_parallel.yml", env=env)
    assert failed.rc != 0 and {task.host for task in failed.failed_tasks} == {"wazo-provider-voipco",
                                                                              "wazo-provider-backupsip"}
    assert session_requests(sim.requests()) == (1, 1, 1)
