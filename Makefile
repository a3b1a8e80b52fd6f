# Orientation — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# pytest-xdist workers for `make test` (0: serial). Many tests wait on browsers, Celery workers and
# servers: on 2 cores, 3 workers were as fast as 2 and faster than 4 or serial (measured on
# tests/notifications + tests/cpam).
PYTEST_WORKERS ?= 3
VENDOR := orientation/static/vendor

.PHONY: run test install static services browser lint format bench bench-directory bench-directory-import bench-api-feeds clean

run: install static  ## set up and serve the app with a worker (embedded PostgreSQL, no Redis needed)
	@PORT=$(PORT) scripts/run.sh

test: install static services browser  ## set up and run the whole suite on PostgreSQL (system or embedded) and Redis
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

static: $(VENDOR)/.installed

# Front-end packages come from npm and are served by the app itself: no CDN at run time.
$(VENDOR)/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/dsfr $(VENDOR)/leaflet
	cd node_modules/@gouvfr/dsfr/dist && cp -r dsfr.min.css dsfr.module.min.js dsfr.nomodule.min.js \
	  fonts icons favicon utility artwork ../../../../$(VENDOR)/dsfr/
	cp -r node_modules/leaflet/dist/* $(VENDOR)/leaflet/
	touch $@

services:  ## Redis on 127.0.0.1:6379 and PostgreSQL on 127.0.0.1:5432, started if installed
	@scripts/ensure-services.sh

browser:  ## Debian's Chromium for the browser tests
	@scripts/ensure-chromium.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .

bench: install services
	$(BIN)/python -m bench

bench-directory: install services
	$(BIN)/python -m bench directory

bench-directory-import: install services
	$(BIN)/python -m bench directory_import

bench-api-feeds: install services
	$(BIN)/python -m bench api_feeds

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache .ruff_cache
