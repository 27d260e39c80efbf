# Every target works on a fresh machine: the venv is created (or refreshed when
# pyproject.toml changes) before anything runs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
PYTHON := $(BIN)/python
STAMP := $(VENV)/.installed-stamp
# The generator's post-hooks call ruff from PATH: use the pinned one from the venv.
export PATH := $(BIN):$(PATH)

SPEC := openapi/kling-images.yaml
GENERATED := generated/kling_api
GENERATE = openapi-python-client generate --path $(SPEC) --config openapi/generator-config.yaml \
	--custom-template-path openapi/templates --meta none --overwrite --fail-on-warning
HAND_WRITTEN := sdk auth_plugin openapi/kling_spec openapi/kling_spec_tests emulator testkit contract_tests testsupport scripts bench conftest.py

.PHONY: install generate check-generated template-diff api-diff lint format docs test demo emulator contract-deep contract-cli contract-live bench faults mutation clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

## generate: rebuild generated/kling_api from the spec (byte-for-byte reproducible).
generate: $(STAMP)
	rm -rf $(GENERATED)
	$(GENERATE) --output-path $(GENERATED)

## check-generated: fail when generated/ differs from what the spec produces (new files included).
check-generated: $(STAMP)
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(GENERATE) --output-path "$$tmp/kling_api" >/dev/null; \
	if ! diff -r -x __pycache__ "$$tmp/kling_api" $(GENERATED); then \
		echo "generated/ drifted from $(SPEC): run 'make generate' and commit the result." >&2; exit 1; \
	fi; echo "generated/ matches $(SPEC)"

## template-diff: how each forked template in openapi/templates differs from the pinned generator's own.
template-diff: $(STAMP)
	@upstream=$$($(PYTHON) -c 'import openapi_python_client, pathlib; print(pathlib.Path(openapi_python_client.__file__).parent / "templates")'); \
	cd openapi/templates && for fork in $$(find . -name '*.jinja' | sort); do \
		diff -u "$$upstream/$$fork" "$$fork" --label "upstream/$${fork#./}" --label "fork/$${fork#./}" || true; \
	done

## api-diff: what changed since BASE (default: the latest tag, else HEAD): the spec, each change BREAKING or
## non-breaking for a client, then griffe on the public Python API of kling_api and kling. Run make generate first.
BASE ?=
api-diff: $(STAMP)
	$(PYTHON) scripts/api_diff.py $(if $(BASE),--base $(BASE))

## lint: ruff (lint + format) and mypy --strict on the hand-written code.
lint: $(STAMP)
	ruff check $(HAND_WRITTEN)
	ruff format --check $(HAND_WRITTEN)
	mypy $(HAND_WRITTEN)
	lint-imports --no-cache --no-logo

format: $(STAMP)
	ruff check --fix $(HAND_WRITTEN)
	ruff format $(HAND_WRITTEN)

## docs: the documentation site (mkdocs-material, mkdocstrings), built with --strict (a broken link, anchor or
## reference fails) into site/, git-ignored. mkdocs serve: the same, served with live reload while you write.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

## test: everything CI runs: lint, the generated-code drift check, the docs, every test (two workers, a file per worker).
test: lint check-generated docs
	$(PYTHON) -m pytest -n 2 --dist loadfile

## demo: the main job: generate images end to end (the local emulator when no keys are set).
demo: $(STAMP)
	$(PYTHON) scripts/demo.py $(ARGS)

## emulator: serve the local Kling emulator on port $(PORT).
PORT ?= 8765
emulator: $(STAMP)
	$(BIN)/kling-emulator --port $(PORT)

## contract-deep: the schemathesis suite against the emulator with many more examples.
contract-deep: $(STAMP)
	KLING_CONTRACT_PROFILE=deep $(PYTHON) -m pytest emulator/kling_emulator_tests/test_schemathesis.py contract_tests/test_properties.py -p no:cacheprovider

## contract-cli: the schemathesis CLI against a local emulator, reading ./schemathesis.toml (ARGS go to it).
contract-cli: $(STAMP)
	$(PYTHON) scripts/contract_cli.py $(ARGS)

## contract-live: read-only contract checks against the real API (needs your keys).
contract-live: $(STAMP)
	$(PYTHON) -m pytest -m live contract_tests/test_live.py -rs

## faults: the fault-injection suite's table (every fault family, sync and async, counted on the server).
faults: $(STAMP)
	$(PYTHON) -m contract_tests.faults

## bench: overhead, auth, waiting, batch, memory and cold-start ratios, each against a baseline of the same run; writes bench/results.md.
bench: $(STAMP)
	$(PYTHON) -m bench

## mutation: mutmut on the auth plugin, retries, errors and answer parsing (one worker; not part of test).
## ARGS=--fresh forgets earlier results; ARGS='kling._retry.*' re-tests only those mutants.
mutation: $(STAMP)
	$(PYTHON) scripts/mutation.py $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
