# One command per task; CI (.ci/run) calls these targets only.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/msez serve --zone jurisdictions/pk-rsez/zone.yaml --data-dir var

# One worker per CPU; each test file stays on one worker so its module-scoped nodes are built once. schemathesis
# runs on its own: beside other files under pytest-xdist it collapses to a single operation.
test: $(STAMP)
	$(PY) -m pytest -n auto --dist loadfile --ignore=tests/api/test_schemathesis.py
	$(PY) -m pytest -n auto tests/api/test_schemathesis.py

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
