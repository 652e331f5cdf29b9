# Two commands set everything up on a fresh machine with Python 3.11+:
#   make run    the site with demo data on http://127.0.0.1:$(PORT)
#   make test   the test suite
# Without DATABASE_URL both use the embedded PostgreSQL under var/pgdata. `make lint` runs
# ruff's checks and the apps' import layers, as CI does before the tests.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The address `make serve` listens on: this machine alone by default; a web node behind a load
# balancer on another machine listens on its private address (BIND=10.0.0.5) or on all (0.0.0.0).
BIND ?= 127.0.0.1
# The suite runs on every core (pytest-xdist), tests of one xdist_group on one worker (the replica
# tests share one standby); PYTEST_ARGS= runs it in one process.
PYTEST_ARGS ?= -n auto --dist loadgroup
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
# Set-up commands (migrations, seeding) may run statements longer than a page's time limit.
SETUP := DATABASE_STATEMENT_TIMEOUT=0 $(MANAGE)

.PHONY: install lock run serve test lint bench messages stop-db clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Every dependency from requirements.lock, each checked against its hashes; then the project
# itself, whose dependencies the lock already holds.
$(STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Re-pin every dependency (runtime and dev, the transitive ones too) with its hashes, from PyPI
# alone (this machine's own pip configuration and local wheel folders are left out), for the
# Python that runs it: 3.11 on Linux x86_64 for CI. Run it after changing pyproject.toml's
# dependencies; tests/site/test_dependencies.py fails until then.
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet "pip-tools>=7.4"
	env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock" \
		$(BIN)/pip-compile --quiet --generate-hashes --extra dev --strip-extras --allow-unsafe \
		--index-url https://pypi.org/simple --no-emit-index-url \
		--output-file requirements.lock pyproject.toml

# Every command of `make run` (the worker's too) links e-mails to the port it serves.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
# The task worker (e-mails, search reindexing, periodic jobs; docs/tasks.md) runs beside the
# server and stops with it (Ctrl-C, or make itself stopped).
run: install
	$(SETUP) migrate --noinput
	$(SETUP) createcachetable
	$(SETUP) load_places
	$(SETUP) seed_demo --if-empty
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) run_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# --- The production configuration on one machine (docs/deployment.md) -------------------------
# gunicorn's sync workers on $(BIND):$(PORT) (127.0.0.1 by default), WEB_CONCURRENCY of them (default 2 x cores + 1,
# gunicorn's own rule: a worker waits on PostgreSQL and Redis for part of each request, so more
# workers than cores keep the CPUs busy; no control socket, whose one path in the home folder two
# servers on a machine would share); WhiteNoise serves the hashed, compressed static files
# collected first; migrations applied and the place tree loaded (load_places: once, then nothing). SECRET_KEY comes from the environment or
# from var/secret_key (made once, git-ignored); ALLOWED_HOSTS defaults to this machine's names
# and SECURE_SSL_REDIRECT to false, as there is no TLS on 127.0.0.1 (behind a proxy that ends
# TLS, set it to true). Every other setting comes from the environment as in production.
SERVE_ENV = DJANGO_SETTINGS_MODULE=otop_site.settings.production \
	SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-false}" \
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}"

serve: install
	@mkdir -p var
	@test -n "$$SECRET_KEY" || test -s var/secret_key || \
		(umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key)
	$(SERVE_ENV) $(SETUP) migrate --noinput
	$(SERVE_ENV) $(SETUP) createcachetable
	$(SERVE_ENV) $(SETUP) load_places
	$(SERVE_ENV) $(MANAGE) collectstatic --noinput --verbosity 0
	# The task worker runs beside gunicorn and stops with it; the site writes one JSON line per
	# request itself (LOG_FORMAT), so gunicorn keeps no access log of its own.
	$(SERVE_ENV) $(MANAGE) run_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM; \
	$(SERVE_ENV) $(BIN)/gunicorn otop_site.wsgi --bind $(BIND):$(PORT) \
		--workers $${WEB_CONCURRENCY:-$$(( 2 * $$(nproc) + 1 ))} --graceful-timeout 20 \
		--no-control-socket

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Ruff's checks ([tool.ruff] in pyproject.toml) and the import-linter contract that the apps
# import only from the floors below them ([tool.importlinter]).
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# The single pages and the orders, the events and the search benchmarks, then the mixed load of
# visitors browsing, checking out and signed in (docs/performance.md; LOAD_ARGS=--seconds 30).
bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.events
	$(BIN)/python -m bench.search
	$(BIN)/python -m bench.load $(LOAD_ARGS)

# Extract and compile the Thai and Japanese translations (.mo files are committed).
messages: install
	$(MANAGE) makemessages --locale th --locale ja --ignore '.venv/*' --ignore 'var/*' --no-obsolete
	$(MANAGE) compilemessages --ignore '.venv/*'

# --- Backups (docs/operations.md, "Backups") ---------------------------------------------------
# `make backup` writes the database (pg_dump) and the media and private files into BACKUP_DIR
# (default var/backups/<date-time>/); `make restore BACKUP_DIR=…` puts them into the database
# DATABASE_URL names (new or empty; the embedded one without it) and MEDIA_ROOT / PRIVATE_ROOT.
.PHONY: backup restore
BACKUP_DIR ?= var/backups/$(shell date -u +%Y%m%d-%H%M%S)

backup: install
	$(BIN)/python -m otop_site.ops.backup create $(BACKUP_DIR)

restore: install
	@test "$(origin BACKUP_DIR)" != file || { echo "Name the backup: make restore BACKUP_DIR=var/backups/…" >&2; exit 2; }
	$(BIN)/python -m otop_site.ops.backup restore $(BACKUP_DIR)

stop-db: install
	$(BIN)/python -c "from otop_site.settings.embedded_postgres import stop; from pathlib import Path; print('stopped' if stop(Path('var/pgdata')) else 'not running')"

clean:
	rm -rf $(VENV) var/static
