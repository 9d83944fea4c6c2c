# The README's two commands: `make run` and `make test`. Both work from a fresh clone.
# `make run` installs only what the app imports; `make test` adds the test tools and the
# libraries the question checks import (and PyTorch from a local wheel when there is one).
PYTHON ?= $(shell scripts/venv_python)
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
HOST ?= 127.0.0.1
PORT ?= 5000
TORCH_WHEELS ?= /opt/wheels
TORCH_WHEEL := $(firstword $(wildcard $(TORCH_WHEELS)/torch-2.13.0*.whl))

.PHONY: run serve test install install-test db clean mutation

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $(RUN_STAMP)

$(TEST_STAMP): pyproject.toml package.json $(RUN_STAMP)
	$(BIN)/pip install --quiet -e '.[test,checks,bench]'
	@# PyTorch CPU for the torch items' checks, only from this machine's local wheel (never a
	@# multi-GB download); without it `quizapp bank verify` skips those items and says how many.
ifneq ($(TORCH_WHEEL),)
	$(BIN)/pip install --quiet '$(TORCH_WHEEL)'
else
	@echo "No PyTorch 2.13.0 CPU wheel in $(TORCH_WHEELS): the torch items' checks will be skipped."
endif
	@# axe-core for the accessibility checks in the browser tests (npm's registry; skipped without npm)
	if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent; fi
	touch $(TEST_STAMP)

install: $(RUN_STAMP)

install-test: $(TEST_STAMP)

## Create or migrate the database (SQLite in instance/ by default) and import questions/ (idempotent).
## The import runs no question code: parameterised keys come from questions/variants.json.
db: install
	$(BIN)/quizapp db upgrade
	$(BIN)/quizapp bank import

run: db
	$(BIN)/quizapp run --host $(HOST) --port $(PORT)

## Production: gunicorn with QUIZAPP_ENV=production (needs QUIZAPP_SECRET_KEY; see README).
serve: db
	QUIZAPP_ENV=production $(BIN)/gunicorn -c gunicorn.conf.py 'quizapp:create_app()'

test: install-test
	$(BIN)/ruff check quizapp tests bench scripts gunicorn.conf.py
	$(BIN)/lint-imports
	$(BIN)/bandit -r quizapp -q -ll
	$(BIN)/quizapp bank validate
	$(BIN)/quizapp bank lint
	$(BIN)/quizapp bank verify
	$(BIN)/python -m pytest
	$(BIN)/python scripts/test_postgres.py -q

## Mutation testing of the paths in pyproject's [tool.mutmut] (docs/mutation.md): a fresh run with one
## worker (MUTATION_JOBS=n for more cores), then killed / survived / total and the kill rate; fails below
## MUTATION_MIN percent. `$(BIN)/mutmut results` lists the survivors, `$(BIN)/mutmut show NAME` shows one.
MUTATION_JOBS ?= 1
## MUTANTS="quizapp.bank.loader*" (or "quizapp.attempts.lifecycle*") mutates one file only
MUTANTS ?=
MUTATION_MIN ?= 90
mutation: install-test
	rm -rf mutants
	$(BIN)/mutmut run --max-children $(MUTATION_JOBS) $(MUTANTS) > mutants.log 2>&1 || { tail -c 4000 mutants.log; exit 1; }
	$(BIN)/mutmut export-cicd-stats
	$(BIN)/python scripts/mutation_summary.py --min $(MUTATION_MIN)

clean:
	rm -rf $(VENV) instance/*.sqlite mutants mutants.log
