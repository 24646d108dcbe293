"""Role wazo.confd.provider_interconnection and the example playbooks, against the simulator, both generations.

The playbooks of playbooks/ run exactly as a user runs them: connection from WAZO_* environment variables with a
wazo-auth login (no token given), the provider's password from PROVIDER_PASSWORD.
"""

import pytest

PROVIDER_PASSWORD = "pw-Provider-7c1e"
BACKUP_PROVIDER_PASSWORD = "pw-Backup-93fa"
WAZO_PASSWORD = "admin-secret"


def login_env(sim, **extra):
    """What a user exports: URLs, tenant, login (no token), provider passwords."""
    env = {
        "WAZO_TOKEN": None,
        "WAZO_API_GENERATION": None,
        "WAZO_USERNAME": sim.username,
        "WAZO_PASSWORD": sim.password,
        "WAZO_TENANT": sim.tenant,
        "PROVIDER_PASSWORD": PROVIDER_PASSWORD,
        "BACKUP_PROVIDER_PASSWORD": BACKUP_PROVIDER_PASSWORD,
    }
    env.update(extra)
    return env


def auth_requests(sim):
    return [(entry["method"], entry["path"]) for entry in sim.requests() if entry["path"].startswith("/0.1/token")]


def assert_one_session(sim):
    """One login for the whole run, and that token revoked at the end."""
    auth = auth_requests(sim)
    logins = [request for request in auth if request == ("POST", "/0.1/token")]
    revocations = [path for method, path in auth if method == "DELETE"]
    assert len(logins) == 1, auth
    assert len(revocations) == 1, auth


def by_name(items, key="name"):
    return {item[key]: item for item in items}


def trunk_names(state):
    return sorted(trunk["endpoint_sip"]["name"] for trunk in state["trunks"] if trunk.get("endpoint_sip"))


def test_interconnect_then_rerun_changes_nothing_and_prints_no_secret(sim, ansible, generation):
    # the first run at the highest verbosity, with diffs: no secret may appear anywhere in the output
    first = ansible.run_playbook("playbooks/interconnect.yml", env=login_env(sim), verbosity=4, diff=True,
                                 expect_rc=0)
    assert first.changed > 0
    assert_one_session(sim)
    session_token = [path for method, path in auth_requests(sim) if method == "DELETE"][0].rsplit("/", 1)[-1]
    output = first.stdout + first.stderr
    for secret in (PROVIDER_PASSWORD, WAZO_PASSWORD, session_token):
        assert secret not in output
        assert not [task.name for task in first.tasks if secret in repr(task)]

    state = sim.state()
    assert trunk_names(state) == ["voipco"]
    outcalls = by_name(state["outcalls"])
    assert sorted(outcalls) == ["voipco-emergency", "voipco-national"]
    national = outcalls["voipco-national"]
    assert [trunk["id"] for trunk in national["trunks"]] == [state["trunks"][0]["id"]]
    patterns = by_name(national["extensions"], "exten")
    assert sorted(patterns) == ["_1NXXNXXXXXX", "_NXXNXXXXXX"]
    assert patterns["_NXXNXXXXXX"]["prefix"] == "1"
    assert patterns["_NXXNXXXXXX"]["caller_id"] == '"Acme" <4185550100>'
    assert len(state["incalls"]) == 1
    incall = state["incalls"][0]
    assert [extension["exten"] for extension in incall["extensions"]] == ["5550100"]
    assert incall["destination"]["type"] == "user"
    assert (incall["destination"]["user_firstname"], incall["destination"]["user_lastname"]) == ("Alice", "Smoke")
    if generation == "legacy":
        assert len(state["registers_sip"]) == 1
        register = state["registers_sip"][0]
        assert (register["sip_username"], register["remote_host"]) == ("4185550100", "sip.voipco.example")
        assert register["auth_password"] == PROVIDER_PASSWORD
        assert state["trunks"][0]["register_sip"]["id"] == register["id"]
    else:
        endpoint = by_name(state["endpoints_sip"])["voipco"]
        registration = dict(map(tuple, endpoint["registration_section_options"]))
        assert registration["client_uri"] == "sip:4185550100@sip.voipco.example:5060"
        assert ["password", PROVIDER_PASSWORD] in endpoint["registration_outbound_auth_section_options"]

    sim.clear_requests()
    second = ansible.run_playbook("playbooks/interconnect.yml", env=login_env(sim), expect_rc=0)
    assert second.changed == 0, [task.name for task in second.changed_tasks]
    assert sim.writes() == []
    assert_one_session(sim)


def test_plan_writes_nothing_and_remove_leaves_the_tenant_as_before(sim, ansible):
    before = sim.state()

    # check-mode plan on a fresh tenant, the simulator refusing any write: changes announced, none attempted
    sim.readonly(True)
    plan = ansible.run_playbook("playbooks/plan.yml", check=True, diff=True, env=login_env(sim), expect_rc=0)
    assert plan.changed > 0, "the plan should announce the changes a real run makes"
    assert sim.readonly_status()["refused"] == 0
    assert sim.writes() == []
    assert_one_session(sim)
    assert sim.state() == before

    sim.readonly(False)
    ansible.run_playbook("playbooks/interconnect.yml", env=login_env(sim), expect_rc=0)
    assert sim.state() != before

    # once configured, the plan has nothing to announce
    sim.readonly(True)
    sim.clear_requests()
    replan = ansible.run_playbook("playbooks/plan.yml", check=True, diff=True, env=login_env(sim), expect_rc=0)
    assert replan.changed == 0, [task.name for task in replan.changed_tasks]
    assert sim.readonly_status()["refused"] == 0
    sim.readonly(False)

    sim.clear_requests()
    removal = ansible.run_playbook("playbooks/remove_provider.yml", env=login_env(sim), expect_rc=0)
    assert removal.changed > 0
    assert_one_session(sim)
    assert sim.state() == before

    sim.clear_requests()
    again = ansible.run_playbook("playbooks/remove_provider.yml", env=login_env(sim), expect_rc=0)
    assert again.changed == 0, [task.name for task in again.changed_tasks]
    assert sim.writes() == []


def test_several_providers_in_one_run_then_one_removed(sim, ansible):
    first = ansible.run_playbook("playbooks/interconnect_several.yml", env=login_env(sim), expect_rc=0)
    assert first.changed > 0
    assert_one_session(sim)

    state = sim.state()
    assert trunk_names(state) == ["backupsip", "voipco"]
    trunk_ids = {trunk["endpoint_sip"]["name"]: trunk["id"] for trunk in state["trunks"]}
    national = by_name(state["outcalls"])["national"]
    assert [trunk["id"] for trunk in national["trunks"]] == [trunk_ids["voipco"], trunk_ids["backupsip"]]
    dids = sorted(extension["exten"] for incall in state["incalls"] for extension in incall["extensions"])
    assert dids == ["5550100", "5550200"]

    second = ansible.run_playbook("playbooks/interconnect_several.yml", env=login_env(sim), expect_rc=0)
    assert second.changed == 0, [task.name for task in second.changed_tasks]

    # BackupSIP goes away in the same run that narrows the failover route to VoIPCo (route lists are authoritative)
    providers = [
        {"name": "voipco", "host": "sip.voipco.example", "username": "4185550100", "password": PROVIDER_PASSWORD,
         "outcalls": [{"name": "national", "trunks": ["voipco"], "dial_patterns": [{"pattern": "_NXXNXXXXXX"}]}]},
        {"name": "backupsip", "state": "absent", "incalls": [{"did": "5550200"}]},
    ]
    play = [{"name": "Remove one provider", "hosts": "localhost", "gather_facts": False,
             "roles": [{"role": "wazo.confd.provider_interconnection",
                        "vars": {"provider_interconnection_providers": providers}}]}]
    ansible.run_playbook(play, env=login_env(sim), expect_rc=0)

    state = sim.state()
    assert trunk_names(state) == ["voipco"]
    national = by_name(state["outcalls"])["national"]
    assert [trunk["id"] for trunk in national["trunks"]] == [state["trunks"][0]["id"]]
    assert [extension["exten"] for extension in national["extensions"]] == ["_NXXNXXXXXX"]
    assert sorted(extension["exten"] for incall in state["incalls"] for extension in incall["extensions"]) == ["5550100"]
    assert not [extension for extension in state["extensions"] if extension["exten"] == "5550200"]


def test_given_token_is_used_and_not_revoked(sim, ansible):
    env = login_env(sim, WAZO_TOKEN=sim.token, WAZO_USERNAME=None, WAZO_PASSWORD=None)
    ansible.run_playbook("playbooks/interconnect.yml", env=env, expect_rc=0)
    assert auth_requests(sim) == []
    assert trunk_names(sim.state()) == ["voipco"]


@pytest.mark.simulator_only  # faults
def test_failed_run_still_revokes_its_token_and_the_next_run_finishes(sim, ansible):
    sim.fault(method="POST", path=r"^/1\.1/incalls$", status=503)
    failed = ansible.run_playbook("playbooks/interconnect.yml", env=login_env(sim))
    assert failed.rc != 0
    assert_one_session(sim)
    assert sim.state()["incalls"] == []

    sim.clear_faults()
    ansible.run_playbook("playbooks/interconnect.yml", env=login_env(sim), expect_rc=0)
    state = sim.state()
    assert len(state["incalls"]) == 1 and len(state["outcalls"]) == 2 and len(state["trunks"]) == 1


@pytest.mark.simulator_only  # faults
def test_error_of_a_task_carrying_a_password_is_shown_without_it(sim, ansible):
    sim.fault(method="POST", path=r"^/1\.1/endpoints/sip$", status=400, body=["Input Error - simulated refusal"])
    result = ansible.run_playbook("playbooks/interconnect.yml", env=login_env(sim), verbosity=3)
    assert result.rc != 0
    report = [task for task in result.tasks if task.name.endswith("Report the SIP endpoint errors")][-1]
    assert report.failed and "voipco: " in str(report.msg) and "simulated refusal" in str(report.msg)
    assert PROVIDER_PASSWORD not in result.stdout + result.stderr
    assert_one_session(sim)
    assert sim.state()["trunks"] == []


@pytest.mark.generation("current")
def test_bad_input_fails_before_any_request(sim, ansible):
    bad_name = [{"name": "Bad provider", "hosts": "localhost", "gather_facts": False,
                 "roles": [{"role": "wazo.confd.provider_interconnection",
                            "vars": {"provider_interconnection_providers": [{"name": "bad name!", "host": "h"}]}}]}]
    result = ansible.run_playbook(bad_name, env=login_env(sim))
    assert result.rc != 0
    assert "Provider bad name!: name: must be 1 to 40 letters" in result.stdout

    bad_type = [{"name": "Wrong type", "hosts": "localhost", "gather_facts": False,
                 "roles": [{"role": "wazo.confd.provider_interconnection",
                            "vars": {"provider_interconnection_name": "p1", "provider_interconnection_host": "h",
                                     "provider_interconnection_port": "not-a-port"}}]}]
    result = ansible.run_playbook(bad_type, env=login_env(sim))
    assert result.rc != 0
    assert "provider_interconnection_port" in result.stdout
    assert sim.requests() == []
