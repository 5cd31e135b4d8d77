# histgraph: the two commands of the README are `make serve` and `make test`.
# Each creates its own virtual environment and installs what it needs; nothing
# relies on packages installed by hand.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
PYTEST_ARGS ?=

.PHONY: serve build test install install-test frontend system-deps clean

## serve: set up, build the cable's graph and serve it on the embedded store
serve: install frontend
	$(BIN)/histgraph build
	$(BIN)/histgraph serve --host $(HOST) --port $(PORT)

## build: set up and build the graph only
build: install
	$(BIN)/histgraph build

## test: set up (Python, npm, Debian packages) and run the whole test suite
test: install-test frontend system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

frontend: node_modules/.package-lock.json

system-deps:
	bash scripts/install-system-deps.sh

clean:
	rm -rf $(VENV) node_modules build
