"""The "Wazo API" credential type of docs/awx/credential_type.yml, rendered the way AWX renders it.

Shared by test_awx_credential_type.py (the definition and jobs that get their connection from it) and
test_awx_runner.py (the role run by ansible-runner from an AWX-style private data directory).
"""

import os

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
with open(os.path.join(ROOT, "docs", "awx", "credential_type.yml"), encoding="utf-8") as _handle:
    CREDENTIAL_TYPE = yaml.safe_load(_handle)
FIELDS = {field["id"]: field for field in CREDENTIAL_TYPE["inputs"]["fields"]}
INJECTED_ENV = CREDENTIAL_TYPE["injectors"]["env"]


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
