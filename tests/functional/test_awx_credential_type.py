"""AWX / automation controller: the "Wazo API" credential type of docs/awx/credential_type.yml.

* Each of its injectors sets the WAZO_* variable that the connection option of the same name falls back to
  (CONNECTION_ARGUMENT_SPEC of plugins/module_utils/connection.py), the secrets are secret inputs, and every connection
  option has such a fallback, documented in the doc fragment and mirrored by the role's variables.
* Rendered the way the controller renders injectors (a Jinja2 sandbox where an input that is not filled in is
  undefined, so an empty string, a missing boolean False, file templates written to a temporary file), the
  environment it gives is all a job needs: playbooks with no connection option at all run against the simulator.
* The playbook of the README's AWX section, saved next to a copy of the definition as the README says, hands it to
  awx.awx.credential_type unchanged (the controller's own "{{ ... }}" templates included), checked with a stand-in
  module: the collection does not depend on awx.awx.
"""

import json
import os
import re
import shutil
import sys

import pytest
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from tests.sim_fixture import PASSWORD, TOKEN, USERNAME

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
with open(os.path.join(ROOT, "docs", "awx", "credential_type.yml"), encoding="utf-8") as _handle:
    CREDENTIAL_TYPE = yaml.safe_load(_handle)
FIELDS = {field["id"]: field for field in CREDENTIAL_TYPE["inputs"]["fields"]}
INJECTED_ENV = CREDENTIAL_TYPE["injectors"]["env"]

# The tasks use no connection option: everything comes from the injected environment.
TASKS = [
    {"name": "SIP endpoint", "wazo.confd.wazo_sip_endpoint": {
        "name": "awxprovider", "username": "awx-account", "secret": "awx-sip-secret", "host": "sip.awx.example"}},
    {"name": "Trunk", "wazo.confd.wazo_trunk": {"name": "awxprovider"}},
    {"name": "Outcall", "wazo.confd.wazo_outcall": {
        "name": "awx-national", "trunks": ["awxprovider"], "extensions": [{"exten": "_0XXXXXXXXX"}]}},
]

STAND_IN_MODULE = '''#!/usr/bin/python
# Stand-in for awx.awx.credential_type: records its arguments, changes nothing.
import json
from ansible.module_utils.basic import AnsibleModule

module = AnsibleModule(argument_spec=dict(
    name=dict(type='str', required=True), new_name=dict(type='str'), description=dict(type='str'),
    kind=dict(type='str', choices=['ssh', 'vault', 'net', 'scm', 'cloud', 'insights', 'kubernetes', 'token']),
    inputs=dict(type='dict'), injectors=dict(type='dict'), state=dict(type='str', default='present')))
with open(%r, 'w') as handle:
    json.dump(module.params, handle)
module.exit_json(changed=True)
'''


def connection_spec(collections_path):
    if collections_path not in sys.path:
        sys.path.insert(0, collections_path)
    from ansible_collections.wazo.confd.plugins.module_utils.connection import CONNECTION_ARGUMENT_SPEC  # pylint: disable=import-outside-toplevel,import-error
    return CONNECTION_ARGUMENT_SPEC


def env_name(option):
    return option.upper() if option.startswith("wazo_") else "WAZO_" + option.upper()


def render(inputs, private_dir):
    """The environment the controller gives a job for a credential with these inputs (AWX's
    CredentialType.inject_credential: inputs left empty are undefined, booleans default to False)."""
    namespace = {key: value for key, value in inputs.items() if value not in (None, "")}
    for field in FIELDS.values():
        if field["type"] == "boolean":
            namespace.setdefault(field["id"], False)

    class Tower:  # pylint: disable=too-few-public-methods
        pass

    namespace["tower"] = Tower()
    sandbox = ImmutableSandboxedEnvironment()
    for label, template in CREDENTIAL_TYPE["injectors"].get("file", {}).items():
        path = os.path.join(str(private_dir), "credential-file-%s" % label.replace(".", "-"))
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(sandbox.from_string(template).render(**namespace))
        assert "." not in label, "one file template only: the env injectors use tower.filename"
        namespace["tower"].filename = path
    return {name: sandbox.from_string(template).render(**namespace) for name, template in INJECTED_ENV.items()}


def play(tasks):
    return [{"name": "AWX job", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]


# -- the definition ----------------------------------------------------------------------------


def test_every_connection_option_falls_back_to_its_environment_variable(collections_path):
    spec = connection_spec(collections_path)
    from ansible.module_utils.basic import env_fallback  # pylint: disable=import-outside-toplevel
    wrong = {option: settings.get("fallback") for option, settings in spec.items()
             if settings.get("fallback") != (env_fallback, [env_name(option)])}
    assert wrong == {}


def test_the_doc_fragment_documents_every_option_and_its_variable(collections_path):
    spec = connection_spec(collections_path)
    from ansible_collections.wazo.confd.plugins.doc_fragments.connection import ModuleDocFragment  # pylint: disable=import-outside-toplevel,import-error
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    assert sorted(documented) == sorted(spec)
    undocumented = sorted(option for option, doc in documented.items()
                          if "E(%s)" % env_name(option) not in " ".join(doc["description"]))
    assert undocumented == []
    secrets = sorted(option for option, settings in spec.items() if settings.get("no_log"))
    assert secrets == ["wazo_password", "wazo_token"]


def test_the_role_takes_every_connection_option(collections_path):
    spec = connection_spec(collections_path)
    with open(os.path.join(ROOT, "roles", "provider_interconnection", "meta", "argument_specs.yml"), encoding="utf-8") as handle:
        role_options = yaml.safe_load(handle)["argument_specs"]["main"]["options"]
    missing = sorted(option for option in spec if "provider_interconnection_" + option not in role_options)
    assert missing == []
    assert sorted(option for option in spec if role_options["provider_interconnection_" + option].get("no_log")) == \
        sorted(option for option in spec if spec[option].get("no_log"))


def test_injectors_feed_the_options_of_the_same_name(collections_path):
    spec = connection_spec(collections_path)
    assert CREDENTIAL_TYPE["kind"] == "cloud"
    assert set(CREDENTIAL_TYPE["injectors"]) <= {"env", "file", "extra_vars"}
    # every injected variable is the fallback of a connection option, and is fed by the input of that name
    for variable, template in INJECTED_ENV.items():
        options = [option for option in spec if env_name(option) == variable]
        assert options, "%s is no connection option's environment variable" % variable
        used = set(re.findall(r"\{\{\s*(?:tower\.filename if )?([a-z_]+)", template)) - {"tower"}
        expected = {"ca_certificate"} if options[0] == "ca_path" else set(options)
        assert used == expected, (variable, template)
    # nothing else: the inputs are the options (a PEM text instead of a path for the CA), secrets are secret
    assert set(FIELDS) == {option for option in spec if option not in ("ca_path", "timeout")} | {"ca_certificate"}
    assert sorted(field for field, settings in FIELDS.items() if settings.get("secret")) == \
        sorted(option for option, settings in spec.items() if settings.get("no_log"))
    for option in ("validate_certs", "api_generation"):
        assert FIELDS[option]["choices"] == [str(choice).lower() for choice in (spec[option].get("choices") or [True, False])]


def test_an_empty_credential_injects_safe_values(tmp_path):
    env = render({}, tmp_path)
    assert env["WAZO_VALIDATE_CERTS"] == "true"
    assert env["WAZO_API_GENERATION"] == "auto"
    assert env["WAZO_CA_PATH"] == ""
    assert {name: value for name, value in env.items() if value and name not in ("WAZO_VALIDATE_CERTS", "WAZO_API_GENERATION")} == {}


def test_a_ca_certificate_is_injected_as_a_file(tmp_path):
    pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    env = render({"ca_certificate": pem, "validate_certs": "false"}, tmp_path)
    with open(env["WAZO_CA_PATH"], encoding="utf-8") as handle:
        assert handle.read() == pem
    assert env["WAZO_VALIDATE_CERTS"] == "false"


# -- jobs that get their connection from the credential only -----------------------------------


def test_job_with_username_and_password(sim, ansible, tmp_path):
    env = render({"wazo_confd_url": sim.confd_url, "wazo_auth_url": sim.auth_url, "wazo_username": USERNAME,
                  "wazo_password": PASSWORD, "wazo_tenant": sim.tenant}, tmp_path)
    result = ansible.run_playbook(play(TASKS), connection_env=False, env=env)
    assert result.rc == 0, result.output()
    assert [task.name for task in result.changed_tasks] == ["SIP endpoint", "Trunk", "Outcall"]
    auth = [(request["method"], request["path"].split("/token")[0] + "/token") for request in sim.requests()
            if "/token" in request["path"]]
    assert auth.count(("POST", "/0.1/token")) == 3 and auth.count(("DELETE", "/0.1/token")) == 3
    assert PASSWORD not in result.stdout + result.stderr
    assert len(sim.state()["trunks"]) == 1


def test_job_with_a_token_and_a_ca_certificate(sim, ansible, tmp_path):
    # a CA given for an http URL is not used, but its file must be there and accepted
    env = render({"wazo_confd_url": sim.confd_url, "wazo_auth_url": sim.auth_url, "wazo_token": TOKEN,
                  "api_generation": sim.generation,
                  "ca_certificate": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"}, tmp_path)
    result = ansible.run_playbook(play(TASKS), connection_env=False, env=env)
    assert result.rc == 0, result.output()
    assert result.changed == 3
    assert not [request for request in sim.requests() if request["path"].startswith("/0.1/token")]
    assert not [request for request in sim.requests() if request["path"] == "/1.1/infos"]
    again = ansible.run_playbook(play(TASKS), connection_env=False, env=env)
    assert again.rc == 0 and again.changed == 0, again.output()


@pytest.mark.generation("current")
def test_job_with_an_incomplete_credential_fails_clearly(sim, ansible, tmp_path):
    env = render({"wazo_confd_url": sim.confd_url}, tmp_path)
    result = ansible.run_playbook(play(TASKS[:1]), connection_env=False, env=env)
    assert result.rc != 0
    message = result.task("SIP endpoint").msg
    assert "wazo_token, or wazo_username and wazo_password, are required" in message, message
    assert sim.writes() == []


# -- the playbook that creates the credential type ---------------------------------------------


def readme_playbook():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        found = re.search(r"<!-- awx:playbook\b[^>]*-->\s*```yaml\n(.*?)```", handle.read(), re.S)
    assert found, "README.md has no ```yaml block after <!-- awx:playbook -->"
    return found.group(1)


@pytest.mark.generation("current")
def test_awx_credential_type_playbook_sends_the_definition_unchanged(ansible, collections_path, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "create_credential_type.yml").write_text(readme_playbook(), encoding="utf-8")
    shutil.copy(os.path.join(ROOT, "docs", "awx", "credential_type.yml"), str(project / "credential_type.yml"))
    record = tmp_path / "credential_type.json"
    modules = tmp_path / "stand-in" / "ansible_collections" / "awx" / "awx" / "plugins" / "modules"
    modules.mkdir(parents=True)
    (modules / "credential_type.py").write_text(STAND_IN_MODULE % str(record), encoding="utf-8")
    (modules.parent.parent / "MANIFEST.json").write_text(json.dumps({"collection_info": {
        "namespace": "awx", "name": "awx", "version": "0.0.0"}}), encoding="utf-8")
    result = ansible.run_playbook(str(project / "create_credential_type.yml"), connection_env=False, env={
        "ANSIBLE_COLLECTIONS_PATH": os.pathsep.join([str(tmp_path / "stand-in"), collections_path])})
    assert result.rc == 0, result.output()
    sent = json.loads(record.read_text(encoding="utf-8"))
    assert {key: sent[key] for key in ("name", "description", "kind", "inputs", "injectors", "state")} == dict(
        {key: CREDENTIAL_TYPE[key] for key in ("name", "description", "kind", "inputs", "injectors")}, state="present")
