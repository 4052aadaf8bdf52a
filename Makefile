# The two commands: `make run` (materialise everything) and `make test` (the whole suite).
# Both create .venv and install the pinned dependencies on first use.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# The Dagster instance: one person's SQLite under .dagster_home (the default), or the team's
# Postgres (IW_DAGSTER_INSTANCE=postgres: deploy/postgres/dagster.yaml, its database's URL in
# IW_DAGSTER_PG_URL, by default the one `make pg-start` wrote; docs/operations.md).
IW_DAGSTER_INSTANCE ?= sqlite
ifeq ($(IW_DAGSTER_INSTANCE),postgres)
export DAGSTER_HOME ?= $(CURDIR)/.data/dagster_home_postgres
export IW_DAGSTER_PG_URL ?= $(shell cat $(CURDIR)/.data/postgres.url 2>/dev/null)
else ifneq ($(IW_DAGSTER_INSTANCE),sqlite)
$(error IW_DAGSTER_INSTANCE is sqlite (the default) or postgres, not $(IW_DAGSTER_INSTANCE))
endif
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
# dbt and dagster from the venv, also for the subprocesses they start
export PATH := $(CURDIR)/$(BIN):$(PATH)
# Great Expectations and dbt: no usage statistics, no progress bars.
export GX_ANALYTICS_ENABLED := false
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

DBT_FILES := $(shell find dbt \( -path dbt/target -o -path dbt/pipeline_target \) -prune -o -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) -print)
MANIFEST := dbt/pipeline_target/manifest.json

.PHONY: run test lint dev extract prepare install clean browser instance postgres pg-start pg-stop pg-status bi bi-install bi-export

# rebuilds what changed since the last publish; `make run FULL=1` rebuilds everything
run: $(MANIFEST) instance
	$(BIN)/python -m dagster_project.materialize $(if $(FULL),--full)

test: $(MANIFEST) browser postgres lint bi-install
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

dev: $(MANIFEST) instance
	$(BIN)/dagster dev -h 127.0.0.1 -p 3000

# The team's instance reads deploy/postgres/dagster.yaml; its DAGSTER_HOME (under .data/) holds
# only this process's local files (compute logs).
instance:
ifeq ($(IW_DAGSTER_INSTANCE),postgres)
	@test -n "$(IW_DAGSTER_PG_URL)" || { echo "IW_DAGSTER_PG_URL is empty: start the server (make pg-start) or set it"; exit 1; }
	@mkdir -p $(DAGSTER_HOME) && ln -sfn $(CURDIR)/deploy/postgres/dagster.yaml $(DAGSTER_HOME)/dagster.yaml
endif

# Debian's postgresql for the orchestration stories on Postgres (and the team's server):
# installed when missing and running as root; otherwise those stories skip (CI=true: fail).
PG_BIN := /usr/lib/postgresql/15/bin
postgres:
	@if [ -x $(PG_BIN)/initdb ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing postgresql for the orchestration stories on Postgres"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else echo "no $(PG_BIN)/initdb and not root: the Postgres stories will skip (install it: apt-get install -y postgresql)"; fi

# The team's Postgres server, in .data/postgres, on 127.0.0.1:$(IW_PG_PORT) (scripts/postgres.sh)
export IW_PG_PORT ?= 5433
pg-start: postgres
	@scripts/postgres.sh start
	@echo "use it: IW_DAGSTER_INSTANCE=postgres make dev (or make run); its URL: scripts/postgres.sh url"

pg-stop:
	@scripts/postgres.sh stop

pg-status:
	@scripts/postgres.sh status

extract: $(VENV)/.installed
	$(BIN)/python -m extract --out raw

prepare: $(MANIFEST)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock scripts/dbt-pipeline
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	install -m 755 scripts/dbt-pipeline $(BIN)/dbt-pipeline
	touch $@

# Parse the dbt project once; definitions load the manifest instead of re-parsing.
$(MANIFEST): $(VENV)/.installed $(DBT_FILES)
	$(BIN)/dagster-dbt project prepare-and-package --file dagster_project/project.py
	touch $@

clean:
	rm -rf $(VENV) $(BI_VENV) dbt/target dbt/pipeline_target dbt/logs .data
