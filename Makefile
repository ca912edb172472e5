# The two commands of the README. Everything they need is installed from this repository's files.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test fuzz check lint clean

DEMO := build/demo

# The example site is built from a demo repository into which the example books are replayed with
# signed commits, merged pull requests and closed months, so its history page is real.
site: $(STAMP)
	rm -rf $(DEMO)
	$(BIN)/python examples/replay_history.py $(DEMO)
	$(BIN)/trustfund --root $(DEMO) verify $$(git -C $(DEMO) rev-list --max-parents=0 HEAD)..HEAD
	$(BIN)/trustfund --root $(DEMO) build --site-dir $(CURDIR)/site --queries $(CURDIR)/examples/queries.json

test: $(STAMP)
	$(BIN)/ruff check generator tests benchmarks examples
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/actionlint .github/workflows/*.yml
	$(BIN)/pytest -q -n 2 --dist loadfile --durations=20

# The fuzz test over 2,000 mutated copies of the example books (make test runs 300 of them).
fuzz: $(STAMP)
	TRUSTFUND_FUZZ_CASES=2000 $(BIN)/pytest -q -s tests/test_fuzz.py

check: $(STAMP)
	$(BIN)/trustfund check

# constraints.txt pins every dependency to the versions last tested (README, "Development").
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache
