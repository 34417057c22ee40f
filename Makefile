# Two entry points (see README): `make run` (baseline scenario) and `make test`.
# Each creates .venv on first use from pyproject.toml + constraints.txt.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench clean

$(STAMP): pyproject.toml constraints.txt
	@$(PY) -c 'import sys; assert sys.version_info >= (3, 12), f"Python 3.12+ needed, found {sys.version.split()[0]} (pyenv: see .python-version)"'
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv
	UV_COMPILE_BYTECODE=1 $(BIN)/uv pip install -q --python $(BIN)/python -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m sim $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest -q $(ARGS)

bench: $(STAMP)
	$(BIN)/python -m pytest benchmarks --benchmark-only --benchmark-columns=min,mean,max,rounds -q $(ARGS)

clean:
	rm -rf $(VENV) outputs multirun
