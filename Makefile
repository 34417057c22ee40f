# Two entry points (see README): `make run` (baseline scenario) and `make test`.
# Each creates .venv on first use from pyproject.toml + constraints.txt.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint docs baseline example bench dashboard clean

$(STAMP): pyproject.toml constraints.txt
	@$(PY) -c 'import sys; assert sys.version_info >= (3, 12), f"Python 3.12+ needed, found {sys.version.split()[0]} (pyenv: see .python-version)"'
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv
	UV_COMPILE_BYTECODE=1 $(BIN)/uv pip install -q --python $(BIN)/python -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m sim $(ARGS)

# the full suite, as CI runs it: lint first, then every test
test: lint
	$(BIN)/python -m pytest -q $(ARGS)

# quick local loop: the tests not marked slow (no notebooks, launchers or city-scale runs)
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow" $(ARGS)

# ruff (lint and format), mypy on sim/, and the generated docs being current
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m experiments.levers_doc --check

# the documentation site (mkdocs.yml) into site/, warnings as errors; tests/test_docs.py builds it in `make test`
docs: $(STAMP)
	$(BIN)/mkdocs build --strict

# rewrite the stored baseline (tests/baseline/small_default.json) on purpose, after a change that moves results
baseline: $(STAMP)
	$(BIN)/python -m experiments.baseline --update

# the small example the notebooks and the figure gallery read: docs/example/ and docs/figures/ (~4 min;
# ARGS="--only shocks,reallocate" for some experiments only)
example: $(STAMP)
	$(BIN)/python -m experiments.example $(ARGS)

# the scenario explorer in the browser: http://127.0.0.1:8765 (ARGS="--port 9000" for another port)
dashboard: $(STAMP)
	$(BIN)/python -m analysis.dashboard $(ARGS)

bench: $(STAMP)
	$(BIN)/python -m pytest benchmarks --benchmark-only --benchmark-columns=min,mean,max,rounds -q $(ARGS)

clean:
	rm -rf $(VENV) outputs multirun site
