# Hotline: `make run` serves the demo, `make test` runs every check. Both start from a bare clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Django 6 needs Python 3.12 or newer: take the first one found on PATH or under pyenv.
PYTHON ?= $(shell for p in python3.12 python3.13 python3.14 $$HOME/.pyenv/versions/3.12*/bin/python3 $$HOME/.pyenv/versions/3.13*/bin/python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# The ECharts the pages load, only the charts they draw (src/hotline/web/assets/echarts.js).
ECHARTS := node_modules/.hotline/echarts.min.js
CHROMIUM ?= /usr/bin/chromium
# A Chinese font, so that the browser tests' screenshots show the pages' text, not empty boxes.
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?=
# PostgreSQL for the second test run; CI sets DATABASE_URL to a fresh database.
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/hotline
# Two workers (pytest-xdist) on each database: the suite took 16.5 minutes one test at a time on a
# 2-core machine (2026-12-04, evening: SQLite 389 s, PostgreSQL 605 s), 10 with two (244 s, 352 s).
PYTEST_ARGS ?= -n 2

.PHONY: help install browser run test test-sqlite test-postgres lint fmt clean

help:
	@echo "make run     set everything up and serve the demo on http://$(HOST):$(PORT), with its task worker"
	@echo "make test    set everything up and run lint + the suite on SQLite and PostgreSQL"
	@echo "make install create .venv and install Hotline into it"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: Python 3.12+ not found (Django 6 needs it); set PYTHON=/path/to/python3.12" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Front-end packages (htmx, ECharts, esbuild) from the npm registry, as package-lock.json pins them.
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "error: npm not found (Node.js 20 with npm is needed for the staff pages' scripts)" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# The browser tests drive Debian's Chromium; install it when it is missing (needs root and apt).
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "error: $(CHROMIUM) not found: install the Debian package chromium (as root), or set CHROMIUM=/path/to/chromium" >&2; exit 1; fi

# Only the screenshots need it: without root and apt, say so and go on.
$(CJK_FONT):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null \
		|| { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null; } \
		|| echo "warning: fonts-wqy-microhei not installed: the test screenshots will show boxes for Chinese text" >&2; \
	else echo "warning: no Chinese font ($(CJK_FONT)): install fonts-wqy-microhei for readable test screenshots" >&2; fi

$(ECHARTS): src/hotline/web/assets/echarts.js $(NODE_STAMP)
	node_modules/.bin/esbuild $< --bundle --minify --format=iife --target=es2015 --log-level=warning --outfile=$@

install: $(STAMP) $(NODE_STAMP) $(ECHARTS)

browser: $(CHROMIUM) $(CJK_FONT)

# The web (gunicorn) and the task worker: serve starts `hotline worker` beside gunicorn; Ctrl-C stops both.
run: install
	$(BIN)/hotline serve --host $(HOST) --port $(PORT) $(if $(WORKERS),--workers $(WORKERS))

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/hotline makemigrations --check --dry-run
	$(BIN)/mypy src bench

# One after the other. Side by side (make -j2) they once finished sooner on a 2-core machine (13.5
# against 21.5 minutes for the whole .ci/run, 2026-12-03), but on another each ran nearly twice as
# slow beside the other (18.0 minutes side by side, 18-19 one after the other, 2026-12-04), and the
# contention makes the browser tests' waits tighter.
test: lint test-sqlite test-postgres

test-sqlite: install browser
	env -u DATABASE_URL HOTLINE_HOME=$$(mktemp -d) HOTLINE_CHROMIUM=$(CHROMIUM) $(BIN)/pytest $(PYTEST_ARGS)

# Runs when DATABASE_URL is set or PostgreSQL answers on 127.0.0.1:5432; says so when it skips.
test-postgres: install browser
	@url="$${DATABASE_URL:-$(PG_TEST_URL)}"; \
	if [ -n "$$DATABASE_URL" ] || $(BIN)/python -c "import psycopg,sys; psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== suite on PostgreSQL ($$url)"; \
		DATABASE_URL="$$url" HOTLINE_HOME=$$(mktemp -d) HOTLINE_CHROMIUM=$(CHROMIUM) $(BIN)/pytest --create-db $(PYTEST_ARGS); \
	else echo "== PostgreSQL not reachable and DATABASE_URL unset: PostgreSQL run skipped"; fi

fmt: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache .hypothesis
