# paraphe — two commands on a fresh machine: `make demo`, then `make test`.
VENV   := .venv
BIN    := $(VENV)/bin
PYTEST ?= $(BIN)/python -m pytest

.PHONY: setup demo test lint validate bench clean i18n

setup:            ## install what is missing (system packages, .venv/)
	@scripts/setup

demo: setup       ## set up, build every convention into build/, then sign a copy of the SDSF with throwaway keys
	$(BIN)/paraphe validate conventions/
	$(BIN)/paraphe build conventions/ --out build
	$(BIN)/python scripts/demo-sign build/lozere/sdsf-2020-2023.pdf

test: setup lint  ## lint, then run the test suite (real LibreOffice, real PDFs)
	$(PYTEST) $(PYTEST_ARGS)

lint: setup       ## ruff, mypy (strict) and the import contracts (pyproject.toml) on the code
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

bench: setup      ## cold, no-op and incremental builds against LibreOffice alone (scripts/bench; BENCH=--quick for a reduced run)
	$(BIN)/python scripts/bench $(BENCH)

i18n: setup       ## extract the messages to translate into src/paraphe/locale/*/LC_MESSAGES/paraphe.po, compile the .mo
	$(BIN)/python scripts/i18n

validate: setup
	$(BIN)/paraphe validate conventions/

clean:
	rm -rf build/
