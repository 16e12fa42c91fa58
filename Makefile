# ESSor — the two commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ESSOR := $(BIN)/essor
DEMO_ENV = DEBUG=1 ESSOR_DATA_DIR=$(CURDIR)/var ESSOR_CONTACT_EMAIL=cress@demo.example.org \
  ESSOR_BASE_URL=http://$(HOST):$(PORT)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test quality pytest browser-test serve worker venv lock bench clean

# uv installs and locks; it lives beside the virtualenv, not in it, so that syncing the
# virtualenv to a lock never removes it.
UV := $(VENV)/tools/bin/uv
UV_VERSION := 0.13.8
# What CI tested is what gets installed: every package pinned with its hashes in a lock
# (requirements.lock: the application; requirements-dev.lock: plus the tools and tests).
# Production may install the application alone: make serve LOCK=requirements.lock
LOCK ?= requirements-dev.lock
LOCK_COMPILE := $(UV) pip compile --quiet --universal --python-version 3.11 --generate-hashes

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 ou plus récent est requis."; exit 1; }
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --disable-pip-version-check --target $(VENV)/tools uv==$(UV_VERSION)

# Compiled once at install (--compile-bytecode): a process then starts without compiling
# its 1,200 modules (2.3 s of CPU for a management command where bytecode is not written).
$(BIN)/.installed-$(LOCK): $(LOCK) pyproject.toml | $(UV)
	@$(UV) pip sync --quiet --compile-bytecode --python $(BIN)/python --require-hashes $(LOCK)
	@$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	@$(UV) pip check --quiet --python $(BIN)/python || { echo "pyproject.toml ne correspond plus à $(LOCK) : lancez « make lock »."; exit 1; }
	@rm -f $(BIN)/.installed-*  # the virtualenv now holds this lock and nothing else
	@touch $@

venv: $(BIN)/.installed-$(LOCK)

## lock: after a change of pyproject.toml, pin every package again (see README, « Dépendances »)
lock: | $(UV)
	$(LOCK_COMPILE) pyproject.toml -o requirements.lock $(LOCK_FLAGS)
	$(LOCK_COMPILE) pyproject.toml --extra dev -c requirements.lock -o requirements-dev.lock $(LOCK_FLAGS)

# The demo needs the application alone (requirements.lock), unless the test tools are
# already installed: that virtualenv holds it too.
DEMO_LOCK = $(if $(wildcard $(BIN)/.installed-requirements-dev.lock),requirements-dev.lock,requirements.lock)
SETUP_ENV = $(DEMO_ENV) LOG_LEVEL=WARNING

## demo: install, migrate the SQLite database, load geography and demo content, serve on :8000
demo:
	@echo "1/4 Installation de l'application ($(DEMO_LOCK))"
	@$(MAKE) --no-print-directory venv LOCK=$(DEMO_LOCK)
	@echo "2/4 Base de données SQLite (var/essor.sqlite3)"
	@$(SETUP_ENV) $(ESSOR) migrate --no-input -v 0
	@echo "3/4 Géographie officielle (régions, départements, EPCI, communes)"
	@$(SETUP_ENV) $(ESSOR) load_territories -v 0
	@echo "4/4 Contenu de démonstration, indicateurs de l'observatoire et index de recherche"
	@$(SETUP_ENV) $(ESSOR) load_demo
	@echo ""
	@echo "ESSor (démonstration) : http://$(HOST):$(PORT)/"
	@echo ""
	@trap 'kill 0' INT TERM EXIT; \
	  $(DEMO_ENV) $(ESSOR) db_worker --queue-name '*' --no-reload -v 0 & \
	  $(DEMO_ENV) $(ESSOR) runserver --noreload $(HOST):$(PORT)

## test: lint, format check, migration check, the whole pytest suite (DATABASE_URL selects the database)
test: quality pytest

quality: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(ESSOR) makemigrations --check --dry-run

# Both cores: pytest-xdist gives each worker its own test database (test_<name>_gw0, _gw1…),
# each loaded with the shipped geography. TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto
pytest: venv
	$(BIN)/pytest -m "not browser" -n $(TEST_WORKERS)
	$(BIN)/pytest -m browser -p no:randomly -n $(TEST_WORKERS)

## serve: production-style server (needs SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL)
serve: venv
	$(ESSOR) migrate --no-input
	$(ESSOR) collectstatic --no-input -v 0
	$(BIN)/gunicorn essor.wsgi --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-3} --access-logfile -

worker: venv
	$(ESSOR) db_worker --queue-name '*'

## bench: list the benchmarks, or run one: make bench BENCH="purchasing --suppliers 2000"
bench: venv
	$(BIN)/python -m bench $(BENCH)

clean:
	rm -rf $(VENV) var staticfiles
