"""wazo_interconnection_info against the simulator, both generations: what the role made, read back in the shape of
the role's provider entries (no password, defaults left out), applied again without the passwords with nothing to
change and nothing written; and the same fixed set of list requests for one provider as for ten.
"""

import copy

from provider_tasks import writes

VOIPCO_PASSWORD = "Info-Voipco-Pw-41"
BACKUP_PASSWORD = "Info-Backup-Pw-77"


def incall_context(sim, name):
    """A second incall context (the seed has one), for DIDs that reach the second provider's trunk."""
    body = {"type": "incall", "incall_ranges": [{"start": "5560000", "end": "5569999", "did_length": 7}]}
    body.update({"name": name, "label": name} if sim.generation == "legacy" else {"label": name})
    status, context = sim.api("POST", "/contexts", body)
    assert status == 201, context


def support_group(sim):
    status, group = sim.api("POST", "/groups", {"name" if sim.generation == "legacy" else "label": "support"})
    assert status == 201, group


def given_providers(generation):
    """Two providers that use most settings; what the server of a generation cannot hold is left out."""
    voipco = {
        "name": "voipco", "label": "VoIPCo SIP trunk", "host": "sip.voipco.example", "username": "4185550100",
        "password": VOIPCO_PASSWORD, "from_domain": "voipco.example", "registration_expiration": 300,
        "caller_id_format": "national", "context": "from-extern",
        "outcalls": [
            {"name": "national", "description": "North America, VoIPCo first", "trunks": ["voipco", "backupsip"],
             "dial_patterns": [{"pattern": "_NXXNXXXXXX", "prefix": "1", "caller_id": '"Acme" <4185550100>'},
                               {"pattern": "_1NXXNXXXXXX", "strip_digits": 1}]},
            {"name": "emergency", "dial_patterns": [{"pattern": "911"}]}],
        "incalls": [
            {"did": "5550100", "context": "from-extern", "caller_id_mode": "prepend", "caller_id_name": "VoIPCo: ",
             "destination": {"type": "user", "user": "Alice Smoke", "ring_time": 25}},
            {"did": "5550101", "context": "from-extern", "description": "Support line",
             "destination": {"type": "group", "group": "support"}}],
    }
    backup = {
        "name": "backupsip", "host": "trunk.backupsip.example", "port": 5080, "username": "acme-pbx",
        "password": BACKUP_PASSWORD, "register": False, "qualify_frequency": 30, "context": "from-backup",
        "outcalls": [{"name": "backup-international", "internal_caller_id": True, "enabled": False, "ring_time": 30,
                      "preprocess_subroutine": "provider-prefix",
                      "dial_patterns": [{"pattern": "_011.", "external_prefix": "9"}]}],
        "incalls": [{"did": "5560200", "context": "from-backup",
                     "destination": {"type": "hangup", "cause": "busy", "timeout": 10}}],
    }
    if generation == "legacy":
        # legacy SIP endpoints have no label, legacy trunks no caller id format
        del voipco["label"], voipco["caller_id_format"]
    return [voipco, backup]


def role_play(providers):
    return [{"name": "Provider interconnection", "hosts": "localhost", "gather_facts": False,
             "roles": [{"role": "wazo.confd.provider_interconnection",
                        "vars": {"provider_interconnection_providers": providers}}]}]


def read_back(ansible, **options):
    result = ansible.run_tasks([{"name": "read back", "wazo.confd.wazo_interconnection_info": options}], expect_rc=0)
    task = result.task("read back")
    assert not task.changed
    return task.result


def test_what_the_role_made_reads_back_as_it_was_given_and_applies_again_unchanged(sim, ansible, generation):
    incall_context(sim, "from-backup")
    support_group(sim)
    given = given_providers(generation)
    ansible.run_playbook(role_play(given), expect_rc=0)

    sim.clear_requests()
    found = read_back(ansible)
    assert writes(sim) == []
    expected = copy.deepcopy(given)
    for provider in expected:
        del provider["password"]
    assert found["providers"] == expected
    assert found["api_generation"] == generation
    for secret in (VOIPCO_PASSWORD, BACKUP_PASSWORD):
        assert secret not in repr(found)

    assert read_back(ansible, names=["backupsip"])["providers"] == expected[1:]

    # the export applied as it is, without passwords: the server keeps its own, nothing changes
    sim.clear_requests()
    again = ansible.run_playbook(role_play(found["providers"]), expect_rc=0)
    assert [task.name for task in again.changed_tasks] == []
    assert writes(sim) == []


def test_requests_are_the_same_lists_for_one_provider_as_for_ten(sim, ansible, generation):
    def provider(index):
        return {"name": "prov-%02d" % index, "host": "sip%d.example" % index, "username": "user%d" % index,
                "password": "Pw-%d-secret" % index,
                "outcalls": [{"name": "out-%02d" % index, "dial_patterns": [{"pattern": "_9%dXX." % index}]}],
                "incalls": [{"did": "55501%02d" % index, "destination": {"type": "user", "user": "Alice Smoke"}}]}

    def requests_of_a_read():
        sim.clear_requests()
        found = read_back(ansible)
        log = sorted("%s %s" % (entry["method"], entry["path"]) for entry in sim.requests())
        assert found["api_requests"] == len(log)
        return found, log

    ansible.run_playbook(role_play([provider(0)]), expect_rc=0)
    one, one_log = requests_of_a_read()
    ansible.run_playbook(role_play([provider(index) for index in range(10)]), expect_rc=0)
    ten, ten_log = requests_of_a_read()

    assert [item["name"] for item in one["providers"]] == ["prov-00"]
    assert [item["name"] for item in ten["providers"]] == ["prov-%02d" % index for index in range(10)]
    specific = "registers/sip" if generation == "legacy" else "sip/transports"
    assert one_log == ten_log == sorted("GET /1.1/" + path for path in (
        "trunks", "endpoints/sip", "outcalls", "incalls", "contexts", "users", specific))
