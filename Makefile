# Making It Real toolkit. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export MIR_DATABASE_URL ?= sqlite:///./data/mir.db
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages the app and its tests need: WeasyPrint's Pango, poppler's pdftotext,
# Chromium for browser tests, wrk for benchmarks, Node.js and npm for the front-end build.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core poppler-utils
TEST_PACKAGES := chromium wrk

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z][a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.lock requirements-dev.lock pyproject.toml
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

.PHONY: venv
venv: $(BIN)/.installed ## Create the virtual environment with the locked dependencies

.PHONY: system-deps
system-deps: ## Install the Debian packages the app needs (when missing)
	@missing=""; for p in $(SYSTEM_PACKAGES) nodejs npm; do \
		dpkg -s $$p >/dev/null 2>&1 || command -v $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "Installing:$$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; fi

.PHONY: test-system-deps
test-system-deps: system-deps ## Install Chromium and wrk for browser tests and benchmarks (when missing)
	@missing=""; for p in $(TEST_PACKAGES); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "Installing:$$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; fi

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --omit=optional
	@touch $@

app/static/dist/manifest.json: node_modules/.installed scripts/build-assets.mjs $(wildcard app/static/scss/*.scss app/static/js/*.js)
	npm run --silent build

.PHONY: assets
assets: app/static/dist/manifest.json ## Build the CSS and JavaScript (GOV.UK Frontend, htmx)

.PHONY: setup
setup: system-deps venv assets ## Everything `run` and `test` need

.PHONY: run
run: setup ## Set up, migrate, load the demo on first run, and serve on http://127.0.0.1:8000 (PORT=8300 for another port)
	@mkdir -p data
	$(BIN)/mir db upgrade
	$(BIN)/mir demo --if-empty
	@# Links in emails and feeds point at the port served on, unless MIR_BASE_URL says otherwise.
	MIR_BASE_URL="$${MIR_BASE_URL:-http://$(HOST):$(PORT)}" $(BIN)/mir serve --host $(HOST) --port $(PORT)

.PHONY: test
test: setup test-system-deps ## Run the whole suite (SQLite; PostgreSQL too when MIR_TEST_DATABASE_URL is set)
	$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

.PHONY: lint
lint: venv ## ruff and mypy
	$(BIN)/ruff check app tests benchmarks migrations
	$(BIN)/mypy

.PHONY: bench
BENCH_ORGS ?= 30000
bench: setup test-system-deps ## Public pages against /healthz at 30 000 organisations (wrk); PostgreSQL too when MIR_BENCH_DATABASE_URL is set
	$(BIN)/python benchmarks/run.py --orgs $(BENCH_ORGS) --output benchmarks/results/sqlite.json $(BENCH_ARGS)
	@if [ -n "$$MIR_BENCH_DATABASE_URL" ]; then \
		$(BIN)/python benchmarks/run.py --orgs $(BENCH_ORGS) --database-url "$$MIR_BENCH_DATABASE_URL" \
			--output benchmarks/results/postgresql.json $(BENCH_ARGS); fi

.PHONY: bench-cold
bench-cold: ## make bench, plus every page missing the cache every time (beside the cached figures)
	$(MAKE) bench BENCH_ARGS="--cold $(BENCH_ARGS)"

.PHONY: bench-members
bench-members: ## make bench, plus the demo council's signed-in pages (people's-voice results at 10 000 answers)
	$(MAKE) bench BENCH_ARGS="--members $(BENCH_ARGS)"

.PHONY: clean
clean: ## Remove the virtual environment, node_modules and built assets (keeps ./data)
	rm -rf $(VENV) node_modules app/static/dist app/static/.dist-build app/static/.dist-old .pytest_cache .mypy_cache .ruff_cache
