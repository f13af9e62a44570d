# Gõ Từng Nhà — two commands on a fresh machine: `make chat` and `make test`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# what tests, lint and benchmarks need besides: the dev tools and the speech engine
DEV_STAMP := $(VENV)/.installed-dev
CHAT_USER ?= demo
WEB_USER ?= canbo

.PHONY: install chat web test lint format bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Cần Python 3.11 trở lên (PYTHON=$(PYTHON))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,voice]"
	@touch $(DEV_STAMP)

## Everything: the bot, its speech engine (voice messages) and the developer's tools.
install: $(DEV_STAMP)

## Try the bot in the terminal on SQLite with the demo ward (CHAT_USER=canbo for the officer).
chat: $(STAMP)
	@$(BIN)/gotungnha db upgrade
	@$(BIN)/gotungnha demo --if-empty
	@$(BIN)/gotungnha chat --user $(CHAT_USER)

## The web dashboard of the demo ward on http://127.0.0.1:8080/web, with a login link.
web: $(STAMP)
	@$(BIN)/gotungnha db upgrade
	@$(BIN)/gotungnha demo --if-empty
	@$(BIN)/gotungnha web --user $(WEB_USER)

## Lint, layer contract, types, and the whole suite on SQLite and PostgreSQL.
test: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy bot handlers storage schedules reports
	$(BIN)/python -m pytest -n auto --dist loadfile --junitxml=build/junit.xml

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy bot handlers storage schedules reports

## Benchmarks, each against its baseline in the same run; one JSON line each (bench/RESULTS.md).
bench: $(DEV_STAMP)
	$(BIN)/python -m bench.parser
	$(BIN)/python -m bench.export
	$(BIN)/python -m bench.tallies
	$(BIN)/python -m bench.city --dashboard 10,20,40
	$(BIN)/python -m bench.city_tallies
	$(BIN)/python -m bench.chat
	$(BIN)/python -m bench.broadcast
	$(BIN)/python -m bench.voice
	$(BIN)/python -m bench.cli_startup

format: $(DEV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache .hypothesis
