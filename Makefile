# Every target sets itself up: the first `make <anything>` on a fresh clone creates .venv from
# uv.lock with bytecode compiled (without .pyc, importing pulumi_cloudflare costs ~9 s a run).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

STACK ?= prod
PYTHON_BOOT ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.synced-stamp
export UV_PROJECT_ENVIRONMENT := $(VENV)
export PYTHONWARNINGS := ignore::DeprecationWarning

.PHONY: help setup plan engine preview audit checkov-env otelcol test lint typecheck bench unit-costs dashboards clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON_BOOT) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): $(UV) uv.lock pyproject.toml
	$(UV) sync --locked --compile-bytecode --quiet
	touch $(STAMP)

setup: $(STAMP) ## Create .venv from uv.lock (done by every target)

plan: $(STAMP) ## Plan STACK offline under Pulumi's mock runtime -> build/$(STACK)/resources.json
	$(PY) -m stacks.plan --stack $(STACK)

engine: $(STAMP) ## Build the Pulumi CLI at the pinned SDK's version, once per machine (~/.cache/careers-crm/pulumi/)
	$(PY) -m stacks.engine.toolchain

preview: engine ## Real `pulumi preview --policy-pack policies` of STACK on a throwaway local backend, fake secrets
	$(PY) -m policies.preview --stack $(STACK) --throwaway

# checkov pins clash with ours: it gets its own venv from hashed pins (regenerate with
# `$(UV) pip compile --python-version 3.11 --generate-hashes policies/scanners/checkov-requirements.in`).
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.synced-stamp
$(CHECKOV_STAMP): $(UV) policies/scanners/checkov-requirements.txt
	$(UV) venv --quiet --allow-existing --python $(PYTHON_BOOT) $(CHECKOV_VENV)
	$(UV) pip install --quiet --python $(CHECKOV_VENV)/bin/python --require-hashes \
		--compile-bytecode -r policies/scanners/checkov-requirements.txt
	touch $(CHECKOV_STAMP)

checkov-env: $(CHECKOV_STAMP) ## checkov 3.3.30 in its own venv (.venv-checkov)

UNIT_COSTS := build/bench/unit-costs.json
$(UNIT_COSTS):
	.ci/ensure-system-packages
	$(PY) -m tests.bench.unit_costs

unit-costs: $(STAMP) ## Measure the free-tier unit costs (~1 min) -> build/bench/unit-costs.json
	.ci/ensure-system-packages
	$(PY) -m tests.bench.unit_costs

audit: $(STAMP) $(CHECKOV_STAMP) $(UNIT_COSTS) ## Plan STACK, run every policy and scanner (with the free-tier budget), write build/$(STACK)/report/
	$(PY) -m policies.audit --stack $(STACK) --plan

otelcol: ## Build the tests' OTLP receiver (OpenTelemetry Collector) once per machine
	bash tests/support/otelcol/build.sh

test: $(STAMP) $(CHECKOV_STAMP) otelcol engine ## Run the whole test suite (installs the Debian packages it starts for real)
	.ci/ensure-system-packages
	# Whole files per worker: a module's fixtures (one throwaway engine dir, one local stack)
	# run once. (loadgroup groups nothing with pytest 9: xdist 3.8 renames item._nodeid.)
	$(PY) -m pytest -n 2 --dist loadfile -q

lint: $(STAMP) ## ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP) ## mypy on infra/, stacks/, policies/
	$(VENV)/bin/mypy

bench: $(STAMP) ## Benchmarks -> build/bench/*.json: plan, policies, app (wrk, floor, capacity, pageload; BENCH_STUDENTS=1000000)
	$(PY) -m tests.bench.plan_bench
	$(MAKE) -s engine
	$(PY) -m tests.bench.engine_bench
	$(MAKE) -s checkov-env
	$(PY) -m tests.bench.policies_bench
	.ci/ensure-system-packages
	$(PY) -m tests.app.bench
	$(PY) -m tests.bench.unit_costs
	$(PY) -m tests.bench.queue_cost
	$(PY) -m tests.bench.telemetry_bench

dashboards: $(STAMP) ## Render Grafana dashboards and alert rules -> build/dashboards/
	$(PY) -m dashboards.render --out build/dashboards --stack $(STACK)

clean: ## Remove build output (keeps .venv)
	rm -rf build
