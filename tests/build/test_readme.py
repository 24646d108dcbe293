"""What the README and docs/ promise matches the files they describe.

* Supported versions: the ansible-core lower bound of meta/runtime.yml is the oldest ansible-core tested
  (requirements-oldest.txt), the newest tested is requirements-dev.txt's, the Makefile runs the playbook tests on
  both, and the README's table says exactly that, with the Python of each virtualenv.
* The AWX credential type shown in the README is docs/awx/credential_type.yml (help texts aside).
* meta/execution-environment.yml gives ansible-builder the requirement files, read the way its introspection
  reads them.
* Every module has an example task in the README. README.md, docs/*.md and the roles' READMEs, which Galaxy and
  Automation Hub show outside the repository, link with full URLs, and those into the repository resolve; the README
  has the sections Automation Hub's certification asks for.
* Every role has the README that Galaxy shows on its page (Galaxy refuses a collection whose role has none); its
  variable summary names every variable of the role's argument specs and no other, and its example playbook passes
  them.
"""

import os
import re

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as _galaxy:
    GALAXY = yaml.safe_load(_galaxy)
MODULES = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, "plugins", "modules"))
                 if name.endswith(".py") and not name.startswith("_"))
ROLES = sorted(name for name in os.listdir(os.path.join(ROOT, "roles")) if os.path.isdir(os.path.join(ROOT, "roles", name)))
DOCUMENTS = ["README.md"] + sorted(os.path.join("docs", name) for name in os.listdir(os.path.join(ROOT, "docs"))
                                   if name.endswith(".md") and not name.startswith("_")) + \
    [os.path.join("roles", role, "README.md") for role in ROLES]


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as handle:
        return handle.read()


def minor(version):
    return tuple(int(part) for part in version.split(".")[:2])


def pinned(requirements, package):
    found = re.search(r"^%s==([0-9.]+)" % re.escape(package), read(requirements), re.M)
    assert found, "%s pins no %s" % (requirements, package)
    return minor(found.group(1))


def venv_python(makefile, variable):
    found = re.search(r"make-venv \$\(%s\) ([0-9.]+) " % variable, makefile)
    assert found, "the Makefile does not make $(%s) with a Python version" % variable
    return found.group(1)


def readme_yaml(marker):
    found = re.search(r"<!-- %s\b[^>]*-->\s*```yaml\n(.*?)```" % re.escape(marker), read("README.md"), re.S)
    assert found, "README.md has no ```yaml block after <!-- %s -->" % marker
    return yaml.safe_load(found.group(1))


def test_supported_versions_are_the_tested_ones():
    requires = yaml.safe_load(read("meta/runtime.yml"))["requires_ansible"]
    found = re.fullmatch(r">=\s*([0-9.]+)", requires.strip())
    assert found, "requires_ansible %r has no single lower bound" % requires
    oldest = minor(found.group(1))
    assert pinned("requirements-oldest.txt", "ansible-core") == oldest
    newest = pinned("requirements-dev.txt", "ansible-core")
    assert newest > oldest

    makefile = read("Makefile")
    python_newest, python_oldest = venv_python(makefile, "VENV"), venv_python(makefile, "OLDEST")
    for target in ("functional-newest", "functional-oldest"):
        assert re.search(r"^functional:.*\b%s\b" % target, makefile, re.M), "make functional does not run " + target
    assert re.search(r"^functional-oldest:.*\n\t\$\(PYTHON_OLDEST\) \$\(PYTEST\) .*tests/functional$", makefile, re.M)

    readme = read("README.md")
    row = "| ansible-core | >= %d.%d" % oldest
    assert row in readme
    tested = "%d.%d (Python %s) and %d.%d (Python %s)" % (oldest + (python_oldest,) + newest + (python_newest,))
    assert tested in readme.split(row, 1)[1].splitlines()[0], "README's ansible-core row should say: " + tested


def without_help(fields):
    return [{key: value for key, value in field.items() if key != "help_text"} for field in fields]


def test_readme_awx_credential_type_is_the_shipped_one():
    with open(os.path.join(ROOT, "docs", "awx", "credential_type.yml"), encoding="utf-8") as handle:
        shipped = yaml.safe_load(handle)
    inputs = readme_yaml("awx:inputs")
    assert without_help(inputs["fields"]) == without_help(shipped["inputs"]["fields"])
    assert inputs.get("required", []) == shipped["inputs"].get("required", [])
    assert readme_yaml("awx:injectors") == shipped["injectors"]


def test_execution_environment_metadata_names_the_requirement_files():
    metadata = yaml.safe_load(read("meta/execution-environment.yml"))
    dependencies = metadata["dependencies"]
    assert set(dependencies) == {"python", "system"}
    for kind in ("python", "system"):
        path = dependencies[kind]
        assert not os.path.isabs(path) and os.path.isfile(os.path.join(ROOT, path)), path
    python = [line.split("#")[0].strip() for line in read(dependencies["python"]).splitlines()]
    assert [line for line in python if line] == ["requests>=2.25"]
    system = [line.split("#")[0].strip() for line in read(dependencies["system"]).splitlines()]
    assert any(line.startswith("ca-certificates") for line in system)
    # the modules' documented requirements are what goes into the image
    fragment = read("plugins/doc_fragments/connection.py")
    assert "requests >= 2.25" in fragment


@pytest.mark.parametrize("module", MODULES)
def test_readme_shows_each_module(module):
    assert re.search(r"^\s+wazo\.confd\.%s:\s*$" % module, read("README.md"), re.M), \
        "README.md has no example task of wazo.confd.%s" % module


def slug(heading):
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


@pytest.mark.parametrize("document", DOCUMENTS)
def test_links_work_where_the_page_is_shown(document):
    """Galaxy and Automation Hub show these pages outside the repository, where a relative link leads nowhere: links
    are full URLs, and those into the repository (galaxy.yml's repository, branch main) name a file it has."""
    text = read(document)
    base = GALAXY["repository"].rstrip("/") + "/blob/main/"
    relative, broken = [], []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if not re.match(r"^https?://", target):
            relative.append(target)
            continue
        if not target.startswith(base):
            continue
        path, anchor = (target[len(base):].split("#", 1) + [""])[:2]
        if not os.path.exists(os.path.join(ROOT, path)):
            broken.append(target)
        elif anchor and path.endswith(".md"):
            headings = [slug(line.lstrip("#")) for line in read(path).splitlines() if line.startswith("#")]
            if anchor not in headings:
                broken.append(target)
    assert relative == [], "relative links"
    assert broken == [], "links to files or headings the repository does not have"


def test_readme_has_the_sections_certification_asks_for():
    """Automation Hub's README requirements: requirements with the minimum Python, installation, release notes
    linking to the changelog, license linking to the license file."""
    sections = {}
    for block in re.split(r"^## ", read("README.md"), flags=re.M)[1:]:
        heading, body = (block.split("\n", 1) + [""])[:2]
        sections[heading.strip()] = body
    base = GALAXY["repository"].rstrip("/") + "/blob/main/"
    assert "Python on the node that runs the modules" in sections["Requirements and supported versions"]
    assert "Installation" in sections
    assert "](%schangelogs/changelog.yaml)" % base in sections["Release notes"]
    assert "](%sCOPYING)" % base in sections["License"]


def role_options(role):
    specs = yaml.safe_load(read(os.path.join("roles", role, "meta", "argument_specs.yml")))["argument_specs"]
    return specs["main"]["options"]


@pytest.mark.parametrize("role", ROLES)
def test_role_readme_summarises_its_variables(role):
    """Names are written in full (provider_interconnection_port) or, after one in full, as their suffix (`_port`)."""
    text = read(os.path.join("roles", role, "README.md"))
    options = role_options(role)
    prefix = role + "_"
    named = set(re.findall(r"\b(%s[a-z0-9_]*[a-z0-9])" % re.escape(prefix), text))
    named |= {prefix + suffix for suffix in re.findall(r"`_([a-z0-9_]+)`", text)}
    assert sorted(named - set(options)) == [], "the README names variables the role does not have"
    assert sorted(set(options) - named) == [], "the README's summary misses variables of the role"


@pytest.mark.parametrize("role", ROLES)
def test_role_readme_example_passes_the_argument_specs(role):
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator  # pylint: disable=import-outside-toplevel
    text = read(os.path.join("roles", role, "README.md"))
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    assert blocks, "roles/%s/README.md has no example playbook" % role
    plays = yaml.safe_load(blocks[0])
    entries = [entry for play in plays for entry in play.get("roles", [])
               if isinstance(entry, dict) and entry.get("role") == "wazo.confd." + role]
    assert entries, "the example playbook does not use wazo.confd.%s" % role
    result = ArgumentSpecValidator(role_options(role)).validate(entries[0]["vars"])
    assert result.error_messages == []
