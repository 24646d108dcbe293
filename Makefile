# wazo.confd: developer and CI entry points (`make help`).
#
# Three virtualenvs, made from pinned files by `make venv` (no-op when up to date):
#   .venv           Python 3.12, newest ansible-core + every tool     (requirements-dev.txt)
#   .venv-oldest    Python 3.11, oldest supported ansible-core 2.17   (requirements-oldest.txt)
#   .venv-importer  Python 3.12, galaxy-importer with the ansible-core and ansible-lint it pins
#                   (requirements-importer.txt)
#
# ansible-test needs the collection under ansible_collections/wazo/confd and resolves symlinks, so
# `sanity` and `units` run in a fresh copy of the work tree's files (tracked + untracked not ignored)
# under build/<check>/ansible_collections/wazo/confd (.ci/sync-collection). Unit tests that need a
# live simulator start it from that copy (tests/unit/conftest.py, tests/sim_fixture.py): the copy
# holds tests/confd_simulator, and ansible-test units runs pytest in place there (no further copy).
# Everything else runs from the repository itself; ansible-playbook/ansible-doc/molecule find the
# collection through build/link/ansible_collections/wazo/confd, a symlink to the repository.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

VENV := .venv
OLDEST := .venv-oldest
IMPORTER := .venv-importer
BIN := $(CURDIR)/$(VENV)/bin
OLDEST_BIN := $(CURDIR)/$(OLDEST)/bin
PYTHON := $(BIN)/python
PYTHON_OLDEST := $(OLDEST_BIN)/python
SANITY_COPY := $(CURDIR)/build/sanity/ansible_collections/wazo/confd
UNITS_COPY := $(CURDIR)/build/units/ansible_collections/wazo/confd
LINK_PATH := $(CURDIR)/build/link
# ansible-test fetches a pip bootstrap script from a host these machines cannot reach; this seeds its cache
SEED_PIP := ../shared/ci/seed-ansible-test-pip
PYTEST_WORKERS ?= 2
PYTEST := -m pytest -p no:cacheprovider -n $(PYTEST_WORKERS) -ra --durations=10
ANSIBLE_TEST_PYTHON := 3.12

# what `make test` runs, in this order (molecule once extensions/molecule has a scenario)
TEST_PARTS := changelog-lint lint sanity units contract docs-check galaxy-import functional \
	$(if $(wildcard extensions/molecule/*/molecule.yml),molecule)

.PHONY: help venv test $(TEST_PARTS) molecule functional-newest functional-oldest sanity-ignores benchmark fault-matrix \
	test-real seed-ansible-test collection-link build demo clean

help:
	@echo "make venv            create/update .venv (Python 3.12), .venv-oldest (Python 3.11) and .venv-importer"
	@echo "make test            every check, each timed, with a summary: $(TEST_PARTS)"
	@echo "make demo            run the demo against the confd simulator (scripts/demo.sh)"
	@echo "make benchmark       time the role against a floor and the hand-written uri recipe (not part of test;"
	@echo "                     BENCHMARK_SIZES=1,10 for a quick run, BENCHMARK_EXTRAS=1,10,100 for the parallel"
	@echo "                     playbook and the uri recipe at 100 too); writes docs/performance.md"
	@echo "make fault-matrix    the whole fault matrix, both API generations (not part of test; test runs current)"
	@echo "make test-real       the functional tests that need no simulator control, against the real wazo-confd and"
	@echo "                     wazo-auth of each generation whose server answers (WAZO_REAL_* variables; not part of"
	@echo "                     test); TEST_REAL_ARGS='-k incall' for a subset"
	@echo "make changelog-lint  antsibull-changelog lint"
	@echo "make lint            ansible-lint, production profile (.ansible-lint)"
	@echo "make sanity          ansible-test sanity --python $(ANSIBLE_TEST_PYTHON); tests/sanity/ignore-*.txt must stay empty"
	@echo "make units           ansible-test units --python $(ANSIBLE_TEST_PYTHON)"
	@echo "make contract        replay tests/fixtures/confd-transcripts against the simulator, both generations"
	@echo "make functional      playbook tests against the simulator on the newest and the oldest ansible-core"
	@echo "make docs-check      build + install the collection, ansible-doc every module and role (newest and oldest"
	@echo "                     ansible-core), antsibull-docs lint-collection-docs --plugin-docs"
	@echo "make galaxy-import   galaxy-importer (what Galaxy runs on an upload) on a fresh build, with ansible-lint and"
	@echo "                     ansible-doc; fails on any warning or error (.ci/galaxy-importer.cfg)"
	@echo "make molecule        molecule scenarios of extensions/molecule"
	@echo "make build           ansible-galaxy collection build into build/dist"
	@echo "make clean           remove build/ (the venvs stay; rm -rf .venv* to drop them)"

venv:
	@.ci/make-venv $(VENV) 3.12 requirements-dev.txt
	@.ci/make-venv $(OLDEST) 3.11 requirements-oldest.txt
	@.ci/make-venv $(IMPORTER) 3.12 requirements-importer.txt

test: venv
	@MOLECULE_SCENARIO=provider_interconnection .ci/run-parts $(TEST_PARTS)

seed-ansible-test: venv
	@if [ -f $(SEED_PIP) ]; then $(PYTHON) $(SEED_PIP); fi

collection-link:
	@mkdir -p $(LINK_PATH)/ansible_collections/wazo
	@ln -sfn ../../../.. $(LINK_PATH)/ansible_collections/wazo/confd

changelog-lint: venv
	$(BIN)/antsibull-changelog lint
	$(BIN)/antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml

lint: venv collection-link
	ANSIBLE_COLLECTIONS_PATH=$(LINK_PATH) VIRTUAL_ENV=$(CURDIR)/$(VENV) PATH=$(BIN):$$PATH NO_COLOR=1 $(BIN)/ansible-lint --nocolor

sanity-ignores:
	@entries=$$(cat tests/sanity/ignore-*.txt 2>/dev/null | grep -cvE '^[[:space:]]*(#|$$)' || true); \
	if [ "$${entries:-0}" -gt 0 ]; then \
		echo "tests/sanity/ignore-*.txt has $$entries entries: fix the code instead of ignoring the check" >&2; exit 1; \
	fi

sanity: venv seed-ansible-test sanity-ignores
	@.ci/sync-collection $(SANITY_COPY)
	cd $(SANITY_COPY) && PATH=$(BIN):$$PATH ansible-test sanity --venv --python $(ANSIBLE_TEST_PYTHON) --color no

units: venv seed-ansible-test
	@.ci/sync-collection $(UNITS_COPY)
	cd $(UNITS_COPY) && PATH=$(BIN):$$PATH ansible-test units --venv --python $(ANSIBLE_TEST_PYTHON) --color no

contract: venv
	$(PYTHON) $(PYTEST) tests/contract

functional: functional-newest functional-oldest

# Every functional test runs once per API generation, and the tests of what meets ansible-core on both ansible-core
# versions. The generation is a matter of module_utils (the adapter), which no ansible-core version changes; what
# differs between ansible-core versions is where the collection meets it (argument specs and their errors, check and
# diff mode, no_log, module_defaults and the action group, the role's argument specs and loops, the WAZO_* fallbacks),
# which no generation changes. So:
#   newest  every test on the current generation (with the fault matrix), and the newest_only tests on legacy too
#   oldest  the other tests (not newest_only) on the legacy generation
# Marker newest_only: the fault matrix, the concurrency and request-budget tests and the harness's self-test, which
# exercise the HTTP client, the engine, the simulator and the harness only.
functional-newest: venv
	$(PYTHON) $(PYTEST) --generations current tests/functional
	$(PYTHON) $(PYTEST) -m newest_only --generations legacy tests/functional

functional-oldest: venv
	$(PYTHON_OLDEST) $(PYTEST) -m "not newest_only" --generations legacy tests/functional

# The README's quick try (test_newcomer.py, about 40 s) runs on the newest ansible-core; what it runs (the role and
# the modules) is covered on the oldest by make functional.
docs-check: venv
	PATH=$(BIN):$$PATH $(PYTHON) $(PYTEST) tests/build
	PATH=$(OLDEST_BIN):$$PATH $(PYTHON_OLDEST) $(PYTEST) --deselect tests/build/test_newcomer.py tests/build

# Galaxy's own import of a fresh build (build/galaxy-import/): the importer's log and result are kept there.
galaxy-import: venv
	@.ci/galaxy-import $(IMPORTER) build/galaxy-import

# Every scenario of extensions/molecule, or MOLECULE_SCENARIO only: make test runs the current generation's (the
# role's legacy converge and idempotence are in make functional).
molecule: venv collection-link
	@if ! ls extensions/molecule/*/molecule.yml >/dev/null 2>&1; then \
		echo "molecule: no scenario in extensions/molecule yet" >&2; exit 1; fi
	cd extensions && ANSIBLE_COLLECTIONS_PATH=$(LINK_PATH) PATH=$(BIN):$$PATH $(BIN)/molecule test \
		$(if $(MOLECULE_SCENARIO),--scenario-name $(MOLECULE_SCENARIO),--all)

build: venv
	$(BIN)/ansible-galaxy collection build --force --output-path build/dist

demo: venv
	@demo=$$(for f in scripts/demo.sh tests/demo.sh; do [ -x $$f ] && echo $$f && break; done; true); \
	if [ -z "$$demo" ]; then echo "demo: no scripts/demo.sh yet: nothing to run" >&2; exit 1; fi; \
	VENV=$(VENV) PATH=$(BIN):$$PATH ./$$demo

# Not part of `make test`: tens of minutes for the default sizes (benchmarks/run_benchmark.py --help).
BENCHMARK_SIZES ?= 1,10,100
# sizes at which the parallel playbook and the uri recipe also run (at 100 they would double the time)
BENCHMARK_EXTRAS ?= 1,10
benchmark: venv
	$(PYTHON) benchmarks/run_benchmark.py --sizes $(BENCHMARK_SIZES) --extras '$(BENCHMARK_EXTRAS)'

# not part of make test (too long for it): the whole fault matrix, both generations (docs/reliability.md)
fault-matrix: venv
	WAZO_FAULT_MATRIX=full $(PYTHON) $(PYTEST) -m fault_matrix tests/functional

# Not part of `make test`: needs real servers (README, "Against real servers"). The functional tests that need no
# simulator control, against each generation whose server answers GET /infos (a banner says which ran; a generation
# whose server is down is NOT RUN; no server at all fails); one pytest-xdist worker per generation (conftest.py's
# scheduler), since the tests of a generation share its tenant, which each test puts back as it found it.
TEST_REAL_ARGS ?=
test-real: venv
	$(PYTHON) -m pytest -p no:cacheprovider -n 2 -ra --durations=10 --target real $(TEST_REAL_ARGS) \
		tests/functional

clean:
	rm -rf build
