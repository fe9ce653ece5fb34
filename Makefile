# Every target builds .venv first, so a fresh machine needs only python3 (3.11+) and make.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot

test: $(STAMP)
	scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check bot dialogs tests bench
	$(BIN)/mypy

# One run writes docs/benchmarks.md, PostgreSQL section included: the throwaway server from
# scripts/pg.sh is started for it, and stopped again afterwards if it was not running before.
bench: $(STAMP)
	@if scripts/pg.sh status >/dev/null 2>&1; then \
	  $(BIN)/python -m bench; \
	else \
	  scripts/pg.sh start >/dev/null && { $(BIN)/python -m bench; rc=$$?; scripts/pg.sh stop >/dev/null; exit $$rc; }; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
