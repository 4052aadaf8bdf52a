# The two commands: `make run` (materialise everything) and `make test` (the whole suite).
# Both create .venv and install the pinned dependencies on first use.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
# dbt and dagster from the venv, also for the subprocesses they start
export PATH := $(CURDIR)/$(BIN):$(PATH)
# Great Expectations and dbt: no usage statistics, no progress bars.
export GX_ANALYTICS_ENABLED := false
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

DBT_FILES := $(shell find dbt \( -path dbt/target -o -path dbt/pipeline_target \) -prune -o -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) -print)
MANIFEST := dbt/pipeline_target/manifest.json

.PHONY: run test lint dev extract prepare install clean browser bi bi-install bi-export

# rebuilds what changed since the last publish; `make run FULL=1` rebuilds everything
run: $(MANIFEST)
	$(BIN)/python -m dagster_project.materialize $(if $(FULL),--full)

test: $(MANIFEST) browser lint bi-install
	$(BIN)/python -m pytest

# The style gates, run before the tests: ruff (lint, format) for Python, sqlfluff for dbt's SQL.
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint --disable-progress-bar dbt/models dbt/tests dbt/macros

# The report's browser tests drive Debian's chromium (Playwright's own browser download does not
# work here). Installed when missing and running as root; otherwise those tests skip (CI=true: fail).
CHROMIUM := /usr/bin/chromium
browser:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "no $(CHROMIUM) and not root: the browser tests will skip (install it: apt-get install -y chromium)"; fi

# Apache Superset over the published warehouse (docs/bi.md), in its own virtual environment: it pins
# SQLAlchemy 1.4 and pandas 2.1, the pipeline newer ones. Serves on 127.0.0.1:$${IW_BI_PORT:-8088}.
BI_VENV := .venv-bi
bi: $(BI_VENV)/.installed
	$(BI_VENV)/bin/python -m bi.serve

# Writes the dashboard, as edited in Superset's UI, back into bi/dashboard.
bi-export: $(BI_VENV)/.installed
	$(BI_VENV)/bin/python -m bi.export

bi-install: $(BI_VENV)/.installed

$(BI_VENV)/.installed: bi/requirements.lock
	test -x $(BI_VENV)/bin/python || $(PYTHON) -m venv $(BI_VENV)
	$(BI_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -r bi/requirements.lock
	$(BI_VENV)/bin/python -m pip check
	touch $@

dev: $(MANIFEST)
	$(BIN)/dagster dev -h 127.0.0.1 -p 3000

extract: $(VENV)/.installed
	$(BIN)/python -m dagster_project.extract --out raw

prepare: $(MANIFEST)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	touch $@

# Parse the dbt project once; definitions load the manifest instead of re-parsing.
$(MANIFEST): $(VENV)/.installed $(DBT_FILES)
	$(BIN)/dagster-dbt project prepare-and-package --file dagster_project/project.py
	touch $@

clean:
	rm -rf $(VENV) $(BI_VENV) dbt/target dbt/pipeline_target dbt/logs .data
