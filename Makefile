# Rapport: `make run` serves the API with demo data; `make test` runs the test suite.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_CONTACTS ?= 2000

.PHONY: install graphiql migrate demo run serve test schema model bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) graphiql

graphiql:
	@bash .ci/graphiql-setup.sh

migrate: install
	$(BIN)/rapport migrate

demo: migrate
	$(BIN)/rapport demo --contacts $(DEMO_CONTACTS)

run: demo
	$(BIN)/rapport serve

serve: install
	$(BIN)/rapport serve

test: install
	$(BIN)/python -m pytest

schema: install
	$(BIN)/rapport schema --output schema.graphql

# Regenerate the corpus's generated part, then retrain the shipped satisfaction model from the
# project's own corpus (deterministic: the same files and the same artifact bytes every time).
model: install
	$(BIN)/python -m ml.corpus_builder
	rm -rf models/support-v1
	$(BIN)/rapport model train --data ml/corpus --format jsonl --level turn --param C=1.0 --version support-v1

bench: install
	$(BIN)/python bench/demo_load.py --contacts 100000

clean:
	rm -rf $(VENV) var api/graphiql/node_modules
