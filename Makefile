# scsearch — the two commands of the README are `make demo` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
DATA   ?= instance
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: install demo test lint typecheck pytest bench corpus clean

install: $(VENV)/.installed

# torch first: the CPU wheel from local disk (a plain `torch` would pull a multi-GB CUDA build)
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

## Ingest the sample corpus, report what the machine lacks (doctor) and serve the UI (gunicorn) on http://$(HOST):$(PORT)/
demo: install
	$(BIN)/scsearch --data-dir $(DATA) ingest corpus/ ; test $$? -le 1
	-$(BIN)/scsearch --data-dir $(DATA) doctor
	$(BIN)/scsearch --data-dir $(DATA) serve --host $(HOST) --port $(PORT)

## Lint, type-check and run the whole test suite
test: install lint typecheck pytest

lint:
	$(BIN)/ruff check scsearch ingest index webui tests bench corpus/build.py

typecheck:
	$(BIN)/mypy

# the whole suite with the default engine (whoosh), then the search and ingest suites with tantivy
pytest:
	$(BIN)/python -m pytest -q
	SCSEARCH_ENGINE=tantivy $(BIN)/python -m pytest -q -m "engine and not browser"

bench: install
	$(BIN)/python bench/run_all.py

corpus: install
	$(BIN)/python corpus/build.py

clean:
	rm -rf $(DATA) .pytest_cache .mypy_cache .ruff_cache tests/.cache
