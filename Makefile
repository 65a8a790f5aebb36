# fastlege – the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# The demo's history before the calibration on 31.12.2025: 6 months here (the seed
# command's own default is 36), since `demo_continue` then runs every month from
# January 2026 to last month; together under 5 minutes (see README).
SEED_ARGS ?= --months 6

export DJANGO_SETTINGS_MODULE ?= fastlege.settings

.PHONY: install run demo-data test lint audit format clean-data

$(VENV)/.installed: requirements.lock requirements-dev.lock pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 eller nyere trengs / Python 3.11+ needed") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

## Browser-test tools from npm (axe-core); skipped with a warning where npm is missing.
node_modules/.package-lock.json: package-lock.json package.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "ADVARSEL: npm mangler; nettlesertestene hoppes over (CI krever dem). / npm missing: browser tests are skipped here."; fi

install: $(VENV)/.installed node_modules/.package-lock.json

## Set up everything and serve the web app with Trøndelag demo data on SQLite.
run: install
	DEBUG=1 ALLOW_SYNTHETIC_NIN=1 $(BIN)/fastlege migrate --no-input -v0
	DEBUG=1 ALLOW_SYNTHETIC_NIN=1 $(BIN)/fastlege load_reference
	DEBUG=1 ALLOW_SYNTHETIC_NIN=1 $(BIN)/fastlege seed --if-empty $(SEED_ARGS)
	DEBUG=1 ALLOW_SYNTHETIC_NIN=1 $(BIN)/fastlege demo_continue
	DEBUG=1 ALLOW_SYNTHETIC_NIN=1 $(BIN)/fastlege stats-fill
	DEBUG=1 ALLOW_SYNTHETIC_NIN=1 $(BIN)/fastlege dialogue_demo
	DEBUG=1 ALLOW_SYNTHETIC_NIN=1 $(BIN)/fastlege measures_demo
	DEBUG=1 ALLOW_SYNTHETIC_NIN=1 $(BIN)/fastlege workforce_demo
	DEBUG=1 ALLOW_SYNTHETIC_NIN=1 $(BIN)/fastlege workforce_recruitment_demo
	DEBUG=1 ALLOW_SYNTHETIC_NIN=1 $(BIN)/fastlege workforce_alis_demo
	DEBUG=1 ALLOW_SYNTHETIC_NIN=1 $(BIN)/fastlege workforce_pool_demo
	DEBUG=1 ALLOW_SYNTHETIC_NIN=1 $(BIN)/fastlege workforce_wind_down_demo
	DEBUG=1 ALLOW_SYNTHETIC_NIN=1 $(BIN)/fastlege demo_users
	DEBUG=1 ALLOW_SYNTHETIC_NIN=1 $(BIN)/fastlege runserver $(HOST):$(PORT)

## Run the whole test suite: SQLite, then PostgreSQL (started locally for the run).
test: install
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/test.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy fastlege bench
	DJANGO_SETTINGS_MODULE=fastlege.test_settings $(BIN)/fastlege makemigrations --check --dry-run

## Known vulnerabilities in the pinned packages (pip-audit; says so when offline).
audit: install
	$(BIN)/python scripts/dependency_check.py

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean-data:
	rm -rf data/
