# Relais — `make help` lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
PORT ?= 8000
SIZE ?= S
BENCH_ARGS ?=
# Test processes: one per core (pytest-xdist); WORKERS=0 runs them all in this process.
# The 25 slowest steps are listed at the end: CI time is watched (under 15 minutes is the aim).
WORKERS ?= auto
PYTEST := $(PY) -m pytest -p no:cacheprovider -n $(WORKERS) --dist loadfile --durations=25
CHROMIUM ?= /usr/bin/chromium
MANAGE := $(PY) manage.py
# Python keeps compiled modules (and pytest its rewritten tests) on disk: without them, each of
# the many processes a test run starts compiles Django and Wagtail again (8 s per test worker).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help install install-test run serve demo migrate test test-fast conformance lint format bench loadtest lock chromium clean

help: ## List the targets and what they do
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-14s %s\n", $$1, $$2}'

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Relais needs Python 3.11 or newer ($(PYTHON) is older)."; exit 1; }
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
		rm -rf $(VENV); \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Python's venv module from Debian's packages…"; \
			DEBIAN_FRONTEND=noninteractive apt-get -qq update >/dev/null; \
			DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends python3-venv >/dev/null; \
			$(PYTHON) -m venv $(VENV); \
		else \
			echo "Python's venv module is missing: run 'sudo apt-get install python3-venv'."; exit 1; \
		fi; }
	@$(VENV)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.installed-main: requirements/main.lock | $(PY)
	@$(UV) pip install --quiet --python $(PY) --require-hashes -r requirements/main.lock
	@rm -f $(VENV)/.installed-test && touch $@

$(VENV)/.installed-test: requirements/test.lock | $(PY)
	@$(UV) pip install --quiet --python $(PY) --require-hashes -r requirements/test.lock
	@touch $@ $(VENV)/.installed-main

install: $(VENV)/.installed-main ## Install the locked dependencies into .venv
install-test: $(VENV)/.installed-test ## Install the locked dependencies and the test tools

migrate: install
	@$(MANAGE) createcachetable
	@$(MANAGE) migrate --no-input --verbosity 0

demo: migrate ## Build the site and load the demo content (idempotent)
	@$(MANAGE) setup_site
	@$(MANAGE) seed_demo

run: demo ## Install, migrate, load the demo and serve on 127.0.0.1:$PORT
	@echo "Relais : http://127.0.0.1:$(PORT)/  (administration : /admin/)"
	@$(MANAGE) runserver 127.0.0.1:$(PORT)

serve: install ## Serve as in production: gunicorn with gunicorn.conf.py on 127.0.0.1:$PORT
	@PORT=$(PORT) $(VENV)/bin/gunicorn -c gunicorn.conf.py website.wsgi

chromium: ## Install Debian's Chromium for the browser tests when missing
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Chromium from Debian's packages…"; \
		DEBIAN_FRONTEND=noninteractive apt-get -qq update >/dev/null; \
		DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends chromium >/dev/null; \
	else \
		echo "The browser tests need Chromium: run 'sudo apt-get install chromium' (or set CHROMIUM=/path/to/chromium)."; \
		exit 1; \
	fi

test: install-test chromium ## Install everything (browser included) and run every test
	@$(PYTEST) $(PYTEST_ARGS)
	@$(PY) -m tests.conformance -q -n $(WORKERS)

conformance: install-test ## Run modelsearch's backend conformance suite against the whoosh backend
	@$(PY) -m tests.conformance $(PYTEST_ARGS)

test-fast: install-test ## Run the tests without the browser
	@$(PYTEST) -m "not e2e" $(PYTEST_ARGS)

lint: install-test ## ruff, djhtml and Django's own checks
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/djhtml --check $$(git ls-files 'templates/*.html')
	@DJANGO_SETTINGS_MODULE=website.settings.test $(MANAGE) check --fail-level WARNING
	@DJANGO_SETTINGS_MODULE=website.settings.test $(MANAGE) makemigrations --check --dry-run --verbosity 0

format: install-test ## Rewrite code and templates to the project's style
	@$(VENV)/bin/ruff check --fix --quiet . || true
	@$(VENV)/bin/ruff format --quiet .
	@$(VENV)/bin/djhtml $$(git ls-files 'templates/*.html') >/dev/null || true

bench: install-test ## Seed a network of size $SIZE (S, M, L) and print the benchmarks (BENCH_ARGS=--long, --no-server, --only-server, --no-measurements)
	@$(PY) -m tests.bench --size $(SIZE) $(BENCH_ARGS)

loadtest: install-test ## Load test under gunicorn on 127.0.0.1 (SQLite, or PostgreSQL with DATABASE_URL); not part of make test
	@$(PY) -m tests.load $(LOADTEST_ARGS)

lock: $(PY) ## Re-resolve the dependencies and rewrite the lock files
	@$(UV) pip compile --quiet --universal --python-version 3.11 --generate-hashes pyproject.toml -o requirements/main.lock
	@$(UV) pip compile --quiet --universal --python-version 3.11 --generate-hashes --extra test pyproject.toml -o requirements/test.lock

clean: ## Remove the virtual environment and local data (var/)
	rm -rf $(VENV) var static_collected test-artifacts
