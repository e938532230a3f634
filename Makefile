# parkchain: `make run` serves the demo city, `make test` runs everything. Both set up from scratch.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= city
SEED ?= 42

.PHONY: setup run test lint typecheck check-migrations assets messages demo clean browser-deps

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

.make-venv: $(UV) pyproject.toml uv.lock
	UV_PYTHON=$(PYTHON) $(UV) sync --frozen --quiet
	@touch $@

.make-assets: package.json package-lock.json scripts/vendor_assets.py
	npm ci --no-audit --no-fund --loglevel=error
	$(PYTHON) scripts/vendor_assets.py
	@touch $@

assets: .make-assets

messages: .make-venv  ## after editing locale/*/LC_MESSAGES/django.po (needs gettext); .mo files are committed
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules --ignore=.tools -v 0

setup: .make-venv .make-assets
	$(MANAGE) migrate --noinput -v 0

demo: setup
	$(MANAGE) seed_demo --scale $(SCALE) --seed $(SEED) --if-empty

run: demo
	@$(MANAGE) demo_logins
	@echo "parkchain: http://$(HOST):$(PORT)/  (Ctrl-C to stop; the task worker runs alongside)"
	@DEBUG=1 $(MANAGE) db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(MANAGE) runserver $(HOST):$(PORT)

lint: .make-venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: .make-venv
	$(VENV)/bin/mypy engine parkchain config

check-migrations: .make-venv
	$(MANAGE) makemigrations --check --dry-run -v 1

browser-deps:
	@bash scripts/install_browser.sh

test: setup browser-deps lint typecheck check-migrations
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) node_modules static/vendor staticfiles .make-* db.sqlite3*
