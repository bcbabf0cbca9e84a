# One entry point for people and CI. `make` creates .venv when missing and installs the pinned set.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha1sum | cut -c1-12)
DEMO_WS := .icp-demo
SAMPLE := examples/sample-sprint/sources

.PHONY: install demo test check lint typecheck eval bench clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,web]'
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: install
	$(BIN)/icp ingest $(SAMPLE) --workspace $(DEMO_WS)

test: install
	$(BIN)/pytest -n 2

check: lint typecheck

lint: install
	$(BIN)/ruff check agent tests benchmarks evals
	$(BIN)/ruff format --check agent tests benchmarks evals

typecheck: install
	$(BIN)/mypy

clean:
	rm -rf $(DEMO_WS) .pytest_cache .mypy_cache .ruff_cache dist build
