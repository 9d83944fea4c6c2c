# The README's two commands: `make run` and `make test`. Both work from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install db clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Create the SQLite database in instance/ and import questions/ (idempotent).
db: install
	$(BIN)/quizapp init-db
	$(BIN)/quizapp bank import

run: db
	$(BIN)/quizapp run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/quizapp bank validate
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) instance/*.sqlite
