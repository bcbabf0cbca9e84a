# One entry point for people and CI. `make` creates .venv when missing and installs the pinned set.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha1sum | cut -c1-12)
DEMO_WS := .icp-demo
SAMPLE := examples/sample-sprint/sources

.PHONY: install browser demo test check lint typecheck eval bench clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,web]'
	@rm -f $(VENV)/.installed-*
	@touch $@

# The main job on the bundled sample research sprint: ingest, extract, synthesize, render.
demo: install
	$(BIN)/icp ingest $(SAMPLE) --workspace $(DEMO_WS)
	$(BIN)/icp synthesize --workspace $(DEMO_WS) --out out/icp.md
	$(BIN)/icp synthesize --workspace $(DEMO_WS) --no-extract --out out/icp.html
	@echo; sed -n '/^## Summary/,/^## Segments at a glance/p' out/icp.md | sed '$$d'
	@echo "Full document: out/icp.md and out/icp.html. Ask questions: $(BIN)/icp ask \"why do quotes take so long?\" --workspace $(DEMO_WS)"

# Quality on the gold corpora, with the CI thresholds (evals/thresholds.yaml).
eval: install
	$(BIN)/icp eval --check

# Speed and memory figures (ratios against a baseline in the same run).
bench: install
	$(BIN)/python benchmarks/ingest_throughput.py
	$(BIN)/python benchmarks/llm_tokens.py
	$(BIN)/python benchmarks/synthesis_scale.py
	$(BIN)/python benchmarks/ask_latency.py
	$(BIN)/python benchmarks/extract_speed.py

# The browser tests drive Debian's chromium (a test tool's own browser download is not used).
browser:
	@test -x /usr/bin/chromium || { \
		SUDO=$$(test "$$(id -u)" -eq 0 || echo sudo); \
		$$SUDO apt-get update && $$SUDO apt-get install -y --no-install-recommends chromium; }

test: install browser
	$(BIN)/pytest -n 2

check: lint typecheck

lint: install
	$(BIN)/ruff check agent tests benchmarks evals
	$(BIN)/ruff format --check agent tests benchmarks evals

typecheck: install
	$(BIN)/mypy

clean:
	rm -rf $(DEMO_WS) out .pytest_cache .mypy_cache .ruff_cache dist build
