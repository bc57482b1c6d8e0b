# Two commands: `make run` (set up and serve with demo data) and `make test` (set up and test).
# `make lint` checks style and types; `make serve-prod` serves a team on PostgreSQL with gunicorn.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench serve-prod clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test,dev,postgresql]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/outreach db upgrade
	$(BIN)/outreach demo --if-empty
	$(BIN)/outreach serve --with-scheduler

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

# The whole project, as configured in pyproject.toml.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

# SIZE=smoke|tiny|small|team; BENCH_DATABASE_URL=postgresql://… runs it in a schema of its own, dropped afterwards.
# SIZE=… runs that size once (on BENCH_DATABASE_URL when set); without it, small on SQLite and then,
# when BENCH_DATABASE_URL is set, team on that PostgreSQL.
bench: $(VENV)/.installed-test
ifdef SIZE
	$(BIN)/python -m bench --size $(SIZE) $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL))
else
	$(BIN)/python -m bench --size small
	$(if $(BENCH_DATABASE_URL),$(BIN)/python -m bench --size team --database-url $(BENCH_DATABASE_URL))
endif

$(VENV)/.installed-server: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[server,postgresql]'
	touch $@ $(VENV)/.installed

# A team install: gunicorn with gunicorn.conf.py (WEB_CONCURRENCY, OUTREACH_BIND); run one
# `outreach scheduler` beside it, as its own process (see README, "Deploying for a team").
serve-prod: $(VENV)/.installed-server
	$(BIN)/outreach db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py 'outreach:create_app()'
