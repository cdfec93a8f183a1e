# Two commands for a fresh machine (see README): `make demo` and `make test`.
# Each creates .venv and installs the package with what it needs.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test bench check clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $@

demo: $(VENV)/.installed
	$(PY) examples/demo.py

test: $(VENV)/.installed
	$(PY) -m pytest

bench: $(VENV)/.installed
	$(PY) benchmarks/run.py

check: $(VENV)/.installed
	$(PY) -m spell_lsp check examples/language

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
