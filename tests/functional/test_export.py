"""Export (issue 11): wazo.confd.wazo_interconnection_info and playbooks/export.yml, both API generations.

The exported file is a vars file of the role wazo.confd.provider_interconnection, without any secret, in exactly the
shape of the role's provider_interconnection_providers entries (settings equal to the role's defaults left out), and
applying it back with the role changes nothing: check mode and a real run report changed=0, with zero writes. For an
interconnection made by hand with the calls of Wazo's guide (tests/functional/hand_made.py) and for one the role made.
"""

import copy
import datetime
import os
import re
import stat

import yaml

from hand_made import (
    CALLER_ID, DID, HOST, OUTCALL, PASSWORD, USER, USERNAME, call, failures, make_by_hand, provider_name,
)

EXPORT = "playbooks/export.yml"
INFO = "wazo.confd.wazo_interconnection_info"
VOIPCO_PASSWORD = "pw-Voipco-5e2a9"
GROUP = "sales"
TIMESTAMP = re.compile(r"\b(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\b")


def role_made_providers(generation):
    """What the role makes, described with nothing equal to a default of the role (so that the export gives it back
    as it is, without the password): a registering provider with two outcalls (one failing over to the other
    provider) and DIDs to a user, a group and a hangup, and an IP-authenticated provider (no registration, no
    password)."""
    voipco = {
        "name": "voipco", "host": "sip.voipco.example", "port": 5080, "username": "4185550100",
        "password": VOIPCO_PASSWORD, "qualify_frequency": 30, "registration_expiration": 300,
        "from_domain": "voipco.example",
        "outcalls": [
            {"name": "voipco-national", "description": "National calls", "trunks": ["voipco", "backupsip"],
             "dial_patterns": [
                 {"pattern": "_NXXNXXXXXX", "prefix": "1", "caller_id": '"Acme" <4185550100>'},
                 {"pattern": "_1NXXNXXXXXX", "caller_id": '"Acme" <4185550100>'}]},
            {"name": "voipco-international", "dial_patterns": [
                {"pattern": "_011.", "strip_digits": 3, "prefix": "+", "caller_id": "+14185550100"}]},
        ],
        "incalls": [
            {"did": "5550100", "description": "Main number", "destination": {"type": "user", "user": USER}},
            {"did": "5550101", "destination": {"type": "group", "group": GROUP}},
            {"did": "5550102", "destination": {"type": "hangup", "cause": "busy", "timeout": 10}},
        ],
    }
    if generation == "current":
        voipco["label"] = "VoIPCo SIP trunk"  # legacy endpoints have no label
    # (with a username: on legacy servers an endpoint created without one is renamed after the random username confd
    # gives it, so that a provider without username cannot be found again there; not what these tests are about)
    backupsip = {"name": "backupsip", "host": "203.0.113.20", "username": "acme-backup", "register": False}
    return [voipco, backupsip]


def hand_made_export(generation):
    """What the export of the hand-made interconnection must be: every setting equal to the role's default left out
    (register, qualify 60, label = name, the tenant's contexts, the outcall's own trunk), and the port and transport
    only where the endpoint and the registration hold the same."""
    provider = {
        "name": provider_name(generation), "host": HOST, "username": USERNAME,
        "outcalls": [{"name": OUTCALL, "dial_patterns": [
            {"pattern": "_NXXNXXXXXX", "caller_id": CALLER_ID, "prefix": "1"}, {"pattern": "911"}]}],
        "incalls": [{"did": DID, "destination": {"type": "user", "user": USER}}],
    }
    if generation == "current":
        provider["from_domain"] = HOST  # the guide's endpoint section sets from_domain
    else:
        provider["transport"] = "udp"  # the guide's legacy endpoint and register both name it
    return [provider]


def optional_defaults(generation):
    """Settings the export may give although the role would not change them: the server's own defaults (the
    registration's 120 s, a current trunk's +E164) that the role leaves to the server when not set."""
    optional = {"registration_expiration": 120}
    if generation == "current":
        optional["caller_id_format"] = "+E164"
    return optional


def normalized(providers, optional):
    """(providers without their incalls, every incall): providers, outcalls, incalls and dial patterns sorted by
    identity; the optional settings removed when they hold the value allowed (any other value stays, and fails the
    comparison). Incalls are compared all together: a DID belongs to an incall context, not to a trunk, and which
    provider of a shared context lists it is the module's choice; each DID must be listed once."""
    result, incalls = [], []
    for provider in copy.deepcopy(providers):
        for key, value in optional.items():
            if key in provider and provider[key] == value:
                del provider[key]
        for outcall in provider.get("outcalls", []):
            outcall["dial_patterns"] = sorted(outcall.get("dial_patterns", []), key=lambda item: item["pattern"])
        if "outcalls" in provider:
            provider["outcalls"] = sorted(provider["outcalls"], key=lambda item: item["name"])
        incalls += provider.pop("incalls", [])
        result.append(provider)
    return sorted(result, key=lambda item: item["name"]), sorted(incalls, key=lambda item: item["did"])


def without_passwords(providers):
    return [{key: value for key, value in provider.items() if key != "password"} for provider in providers]


def keys_and_nulls(value, path="providers"):
    """Every key path of value, and the paths that hold null."""
    keys, nulls = [], []
    if isinstance(value, dict):
        for key, item in value.items():
            keys.append("%s.%s" % (path, key))
            more_keys, more_nulls = keys_and_nulls(item, "%s.%s" % (path, key))
            keys += more_keys
            nulls += more_nulls
    elif isinstance(value, list):
        for index, item in enumerate(value):
            more_keys, more_nulls = keys_and_nulls(item, "%s[%d]" % (path, index))
            keys += more_keys
            nulls += more_nulls
    elif value is None:
        nulls.append(path)
    return keys, nulls


def server_secrets(sim):
    """Every password the server holds (endpoints, registrations; random ones included), every token: none of them
    may be exported or printed."""
    state = sim.state()
    found = {sim.token, sim.password}
    for endpoint in state["endpoints_sip"]:
        if endpoint.get("secret"):
            found.add(endpoint["secret"])
        for key, value in endpoint.items():
            if key.endswith("section_options"):
                found.update(option[1] for option in value if option[0] == "password")
    found.update(register["auth_password"] for register in state.get("registers_sip", []) if register["auth_password"])
    found.update(entry["path"].rsplit("/", 1)[-1] for entry in sim.requests()
                 if entry["method"] == "DELETE" and entry["path"].startswith("/0.1/token/"))
    return found


def export(ansible, path, names=None, **kwargs):
    """Run playbooks/export.yml at -vvv into path; checks what every export must be. Returns the file's providers."""
    extra_vars = {"export_file": path}
    if names is not None:
        extra_vars["export_names"] = names
    started = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    result = ansible.run_playbook(EXPORT, extra_vars=extra_vars, verbosity=3, **kwargs)
    ended = datetime.datetime.now(datetime.timezone.utc)
    assert result.rc == 0, failures(result)
    secrets = server_secrets(ansible.sim)
    [info] = [task for task in result.tasks if task.action == INFO]
    output = result.stdout + result.stderr + repr(result.tasks)
    for secret in secrets:
        assert secret not in output, "a secret is in the output of the export: %s..." % secret[:2]

    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    for secret in secrets:
        assert secret not in text, "a secret is in the exported file: %s..." % secret[:2]
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    header = "\n".join(header)
    assert header, "the file does not start with a comment header:\n" + text
    assert ansible.sim.confd_url in header, header
    [when] = TIMESTAMP.findall(header)
    when = datetime.datetime.strptime(when, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    assert started - datetime.timedelta(seconds=1) <= when <= ended, (when, started, ended)

    variables = yaml.safe_load(text)
    assert list(variables) == ["provider_interconnection_providers"], variables
    providers = variables["provider_interconnection_providers"]
    assert providers == info.result["providers"]
    assert info.result["api_generation"] == ansible.sim.generation
    keys, nulls = keys_and_nulls(providers)
    assert not [key for key in keys if key.endswith(".password")], "a password key is exported"
    assert nulls == [], "settings without a value are exported: %s" % nulls
    return providers


def apply_back(sim, ansible, path):
    """The role with the exported file as its variables: check mode, then a real run, change nothing."""
    play = [{"name": "Apply the exported variables", "hosts": "localhost", "gather_facts": False,
             "vars_files": [path], "roles": [{"role": "wazo.confd.provider_interconnection"}]}]
    sim.clear_requests()
    sim.readonly(True)
    checked = ansible.run_playbook(play, check=True, diff=True)
    assert checked.rc == 0, failures(checked)
    assert checked.changed == 0, [(task.name, task.diff) for task in checked.changed_tasks]
    assert sim.readonly_status()["refused"] == 0
    sim.readonly(False)
    real = ansible.run_playbook(play, diff=True)
    assert real.rc == 0, failures(real)
    assert real.changed == 0, [(task.name, task.diff) for task in real.changed_tasks]
    assert sim.writes() == []


def test_export_of_a_hand_made_interconnection_applies_back_unchanged(sim, ansible, generation, tmp_path):
    make_by_hand(sim)
    # a trunk without SIP endpoint is no interconnection of this collection: it is not exported
    call(sim, "POST", "/trunks", {})
    path = str(tmp_path / "exported.yml")
    # as a user runs it: a login from the environment, nothing on the command line but the file
    login = {"WAZO_TOKEN": None, "WAZO_API_GENERATION": None, "WAZO_USERNAME": sim.username,
             "WAZO_PASSWORD": sim.password}
    providers = export(ansible, path, env=login, connection_extra_vars=False)
    assert PASSWORD in server_secrets(sim)
    assert normalized(providers, optional_defaults(generation)) == normalized(hand_made_export(generation), {})
    apply_back(sim, ansible, path)


def test_export_of_a_role_made_interconnection_applies_back_unchanged(sim, ansible, generation, tmp_path):
    call(sim, "POST", "/groups", {"label": GROUP} if generation == "current" else {"name": GROUP})
    described = role_made_providers(generation)
    play = [{"name": "Interconnect", "hosts": "localhost", "gather_facts": False,
             "roles": [{"role": "wazo.confd.provider_interconnection",
                        "vars": {"provider_interconnection_providers": described}}]}]
    made = ansible.run_playbook(play)
    assert made.rc == 0, failures(made)

    # the connection from extra variables, which win over the environment's (here pointing nowhere)
    nowhere = {"WAZO_CONFD_URL": "http://127.0.0.1:9/1.1", "WAZO_AUTH_URL": "http://127.0.0.1:9/0.1",
               "WAZO_TOKEN": None}
    path = str(tmp_path / "exported.yml")
    providers = export(ansible, path, env=nowhere)
    assert VOIPCO_PASSWORD in server_secrets(sim)
    assert normalized(providers, optional_defaults(generation)) == normalized(without_passwords(described), {})
    apply_back(sim, ansible, path)

    # names restricts the export
    only = str(tmp_path / "backupsip.yml")
    providers = export(ansible, only, names=["backupsip"])
    assert normalized(providers, optional_defaults(generation))[0] == [described[1]]
