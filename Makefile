# Two commands set everything up on a fresh machine with Python 3.11+:
#   make run    the site with demo data on http://127.0.0.1:$(PORT)
#   make test   the test suite
# Without DATABASE_URL both use the embedded PostgreSQL under var/pgdata.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The suite runs on every core (pytest-xdist); PYTEST_ARGS= runs it in one process.
PYTEST_ARGS ?= -n auto
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
# Set-up commands (migrations, seeding) may run statements longer than a page's time limit.
SETUP := DATABASE_STATEMENT_TIMEOUT=0 $(MANAGE)

.PHONY: install run serve test bench messages stop-db clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(SETUP) migrate --noinput
	$(SETUP) createcachetable
	$(SETUP) load_places
	$(SETUP) seed_demo --if-empty
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.events
	$(BIN)/python -m bench.search

# Extract and compile the Thai and Japanese translations (.mo files are committed).
messages: install
	$(MANAGE) makemessages --locale th --locale ja --ignore '.venv/*' --ignore 'var/*' --no-obsolete
	$(MANAGE) compilemessages --ignore '.venv/*'

stop-db: install
	$(BIN)/python -c "from otop_site.settings.embedded_postgres import stop; from pathlib import Path; print('stopped' if stop(Path('var/pgdata')) else 'not running')"

clean:
	rm -rf $(VENV) var/static
