# lxkit: two commands do all set-up on a fresh machine with Python 3.11+.
#   make demo   create .venv, install, run the main job on the embedded sandbox
#   make test   same set-up, then the test suite
#   make lint   ruff (style), mypy (types), lint-imports (the layer contracts in .importlinter)
#   make lab    JupyterLab on notebooks/ (the kit is importable: the venv has it installed, editable)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test lint lab bench clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("lxkit needs Python 3.11+, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m kit demo

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check kit tests benchmarks
	$(VENV)/bin/ruff format --check kit tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

bench: $(STAMP)
	$(PY) benchmarks/fetch.py
	$(PY) benchmarks/preview.py
	$(PY) benchmarks/reports.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
