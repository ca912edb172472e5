# The two commands of the README. Everything they need is installed from this repository's files.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test check lint clean

site: $(STAMP)
	$(BIN)/trustfund build --site-dir site

test: $(STAMP)
	$(BIN)/ruff check generator tests benchmarks examples
	$(BIN)/mypy
	$(BIN)/actionlint .github/workflows/*.yml
	$(BIN)/pytest -q

check: $(STAMP)
	$(BIN)/trustfund check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache
