"""The collection as users get it: build the tarball, check what it holds, install it, read its docs.

Run by ``make docs-check`` with the newest (.venv) and the oldest (.venv-oldest) ansible-core: the
tools used are those beside the running interpreter (ansible-galaxy, ansible-doc, antsibull-docs).
Modules (plugins/modules/*.py) and roles (roles/*) are discovered from the repository.
"""

import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
MODULES = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, "plugins", "modules"))
                 if name.endswith(".py") and not name.startswith("_"))
ROLES = sorted(name for name in os.listdir(os.path.join(ROOT, "roles"))
               if os.path.isdir(os.path.join(ROOT, "roles", name))) if os.path.isdir(os.path.join(ROOT, "roles")) else []
with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as _galaxy:
    GALAXY = yaml.safe_load(_galaxy)
FQCN = "%s.%s" % (GALAXY["namespace"], GALAXY["name"])

# development files and outputs that must never ship (patterns on the path inside the tarball)
FORBIDDEN = [
    ".ci", ".ci/*", ".git", ".git/*", ".gitignore", ".venv*", "build", "build/*", "tests/output", "tests/output/*",
    "Makefile", "requirements-dev*.txt", "requirements-oldest.txt", "requirements-importer.txt", ".ansible-lint",
    ".ansible", ".ansible/*",
    ".cache", ".cache/*", "*__pycache__*", "*.pyc", "*.pytest_cache*", "*.tar.gz",
    "benchmarks", "benchmarks/*", ".benchmarks*", "docs/_readme_sections.md",
]
REQUIRED = [
    "MANIFEST.json", "FILES.json", "README.md", "COPYING", "requirements.txt", "bindep.txt",
    "meta/runtime.yml", "meta/execution-environment.yml", "changelogs/changelog.yaml",
]


def run(command, **kwargs):
    completed = subprocess.run(command, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL,
                               timeout=600, **kwargs)
    assert completed.returncode == 0, "%s exited %s\n--- stdout\n%s\n--- stderr\n%s" % (
        " ".join(command), completed.returncode, completed.stdout, completed.stderr)
    return completed.stdout


def tool(name):
    return os.path.join(BIN, name)


def tracked_files(*folders):
    listed = run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "--"] + list(folders), cwd=ROOT)
    return {path for path in listed.splitlines() if os.path.isfile(os.path.join(ROOT, path))}


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return str(tmp_path_factory.mktemp("ansible-home"))


@pytest.fixture(scope="module")
def tarball(tmp_path_factory, home):  # pylint: disable=redefined-outer-name
    output = tmp_path_factory.mktemp("dist")
    run([tool("ansible-galaxy"), "collection", "build", "--output-path", str(output), ROOT],
        cwd=str(output), env=dict(os.environ, ANSIBLE_HOME=home))
    built = sorted(output.glob("*.tar.gz"))
    assert [path.name for path in built] == ["%s-%s-%s.tar.gz" % (GALAXY["namespace"], GALAXY["name"], GALAXY["version"])]
    return str(built[0])


@pytest.fixture(scope="module")
def members(tarball):  # pylint: disable=redefined-outer-name
    with tarfile.open(tarball) as archive:
        return {member.name for member in archive.getmembers() if member.isfile()}


@pytest.fixture(scope="module")
def directories(tarball):  # pylint: disable=redefined-outer-name
    with tarfile.open(tarball) as archive:
        return {member.name for member in archive.getmembers() if member.isdir()}


@pytest.fixture(scope="module")
def installed(tarball, tmp_path_factory, home):  # pylint: disable=redefined-outer-name
    """Collections path with the built tarball installed in it."""
    path = tmp_path_factory.mktemp("collections")
    run([tool("ansible-galaxy"), "collection", "install", "--offline", "-p", str(path), tarball],
        cwd=str(path), env=dict(os.environ, ANSIBLE_HOME=home))
    return str(path)


@pytest.fixture(scope="module")
def doc_env(installed, home):  # pylint: disable=redefined-outer-name
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    env.update(ANSIBLE_COLLECTIONS_PATH=installed, ANSIBLE_HOME=home, ANSIBLE_NOCOLOR="1", PATH=BIN + os.pathsep + env.get("PATH", ""))
    return env


def test_tarball_holds_no_development_files(members, directories):  # pylint: disable=redefined-outer-name
    shipped = sorted(name for name in members | directories if any(fnmatch.fnmatch(name, pattern) for pattern in FORBIDDEN))
    assert shipped == []


def test_tarball_holds_the_collection(members):  # pylint: disable=redefined-outer-name
    # docs/ holds the AWX credential type the README's AWX playbook loads; the README's quick try runs the
    # simulator from the installed collection
    expected = set(REQUIRED) | tracked_files("plugins", "roles", "playbooks", "meta", "changelogs", "docs",
                                             "tests/confd_simulator", "tests/__init__.py")
    expected = {path for path in expected if not any(fnmatch.fnmatch(path, pattern) for pattern in FORBIDDEN)}
    assert sorted(expected - members) == []


def test_manifest_matches_galaxy_yml(tarball):  # pylint: disable=redefined-outer-name
    with tarfile.open(tarball) as archive:
        with archive.extractfile("MANIFEST.json") as handle:
            info = json.load(handle)["collection_info"]
    assert (info["namespace"], info["name"], info["version"]) == (GALAXY["namespace"], GALAXY["name"], GALAXY["version"])
    assert info["dependencies"] == GALAXY.get("dependencies", {})


def test_every_module_is_listed(installed, doc_env):  # pylint: disable=redefined-outer-name,unused-argument
    listed = json.loads(run([tool("ansible-doc"), "-t", "module", "-l", "--json", FQCN], env=doc_env))
    assert sorted(listed) == ["%s.%s" % (FQCN, module) for module in MODULES]


@pytest.mark.parametrize("module", MODULES)
def test_module_documentation_renders(module, doc_env):  # pylint: disable=redefined-outer-name
    name = "%s.%s" % (FQCN, module)
    text = run([tool("ansible-doc"), "-t", "module", name], env=doc_env)
    assert name in text
    doc = json.loads(run([tool("ansible-doc"), "-t", "module", "--json", name], env=doc_env))[name]
    assert doc["doc"]["short_description"]
    assert doc["doc"]["description"]
    undocumented = sorted(option for option, spec in doc["doc"].get("options", {}).items() if not spec.get("description"))
    assert undocumented == []
    assert (doc.get("examples") or "").strip(), "no EXAMPLES"
    assert doc.get("return") is not None, "no RETURN"


@pytest.mark.parametrize("role", ROLES or ["(none)"])
def test_role_argument_specs_load(role, doc_env):  # pylint: disable=redefined-outer-name
    if not ROLES:
        pytest.skip("roles/ is empty: no role argument specs to check yet")
    name = "%s.%s" % (FQCN, role)
    text = run([tool("ansible-doc"), "-t", "role", name], env=doc_env)
    assert name in text
    specs = json.loads(run([tool("ansible-doc"), "-t", "role", "--json", name], env=doc_env))[name]
    assert "main" in specs["entry_points"], "roles/%s/meta/argument_specs.yml has no main entry point" % role


def test_antsibull_docs_lint(installed, doc_env):  # pylint: disable=redefined-outer-name
    if not os.path.exists(tool("antsibull-docs")):
        pytest.skip("antsibull-docs is installed in .venv only (requirements-dev.txt)")
    collection = os.path.join(installed, "ansible_collections", GALAXY["namespace"], GALAXY["name"])
    run([tool("antsibull-docs"), "lint-collection-docs", "--plugin-docs", collection], env=doc_env)


def test_changelog_release_lists_the_new_modules_and_roles(installed, doc_env, tmp_path):  # pylint: disable=redefined-outer-name
    """A release made from what ships (changelogs/fragments, version_added of every module and role entry point)
    announces every module and role as new in the version of galaxy.yml; the fragments are all valid."""
    if not os.path.exists(tool("antsibull-changelog")):
        pytest.skip("antsibull-changelog is installed in .venv only (requirements-dev.txt)")
    copy = tmp_path / "ansible_collections" / GALAXY["namespace"] / GALAXY["name"]
    shutil.copytree(os.path.join(installed, "ansible_collections", GALAXY["namespace"], GALAXY["name"]), str(copy))
    shutil.copy(os.path.join(ROOT, "galaxy.yml"), str(copy / "galaxy.yml"))
    with open(os.path.join(ROOT, "changelogs", "changelog.yaml"), encoding="utf-8") as handle:
        released = set((yaml.safe_load(handle) or {}).get("releases") or {})
    if GALAXY["version"] in released:
        pytest.skip("version %s of galaxy.yml is already released in changelogs/changelog.yaml" % GALAXY["version"])
    env = dict(doc_env, ANSIBLE_COLLECTIONS_PATH=str(tmp_path))
    run([tool("antsibull-changelog"), "release", "--date", "2000-01-01"], cwd=str(copy), env=env)
    with open(str(copy / "changelogs" / "changelog.yaml"), encoding="utf-8") as handle:
        release = yaml.safe_load(handle)["releases"][GALAXY["version"]]
    assert release["changes"].get("release_summary")
    assert sorted(item["name"] for item in release.get("modules", [])) == MODULES
    assert sorted(item["name"] for item in release.get("objects", {}).get("role", [])) == ROLES
