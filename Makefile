# Colloque — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Test processes: one per core by default (each has its own SQLite files and its own PostgreSQL database).
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
PG_URL ?= $(or $(TEST_DATABASE_URL),postgres://postgres@127.0.0.1:5432/postgres)

.PHONY: run run-fake-stripe serve-fake-stripe test test-sqlite test-postgres check lint format demo migrate vendor messages bench-pages fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

FAKE_STRIPE := STRIPE_SECRET_KEY=sk_test_local STRIPE_WEBHOOK_SECRET=whsec_local STRIPE_API_BASE=http://127.0.0.1:12111

# Without Stripe keys (environment or .env), paid tickets go through the local fake Stripe.
run: $(STAMP)
	$(BIN)/python main.py migrate
	$(BIN)/python main.py demo --if-empty
	@if [ -z "$$STRIPE_SECRET_KEY" ] && ! grep -qs '^STRIPE_SECRET_KEY=.' .env; then \
		echo "No STRIPE_SECRET_KEY: paid tickets use the local fake Stripe on 127.0.0.1:12111."; \
		$(MAKE) --no-print-directory serve-fake-stripe; \
	else \
		$(BIN)/python main.py serve; \
	fi

# Paid tickets without a Stripe account: the fake Stripe (events/payments/fake_stripe.py) beside the app.
run-fake-stripe: $(STAMP)
	$(BIN)/python main.py migrate
	$(BIN)/python main.py demo --if-empty
	$(MAKE) --no-print-directory serve-fake-stripe

serve-fake-stripe:
	$(FAKE_STRIPE) $(BIN)/python -m events.payments.fake_stripe --port 12111 & \
	trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	$(FAKE_STRIPE) $(BIN)/python main.py serve

migrate: $(STAMP)
	$(BIN)/python main.py migrate

demo: $(STAMP)
	$(BIN)/python main.py migrate
	$(BIN)/python main.py demo

test: test-sqlite test-postgres

test-sqlite: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

# The database tests again, on PostgreSQL, in their own process (they skip when no server answers).
test-postgres: $(STAMP)
	COLLOQUE_TEST_BACKEND=postgres TEST_DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not browser and not sqlite_only"

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: lint test

messages: $(STAMP)
	$(BIN)/pybabel extract -F events/locales/babel.cfg -k N_ -k gettext -k ngettext:1,2 -k plural_forms:1,2 \
		--no-location --sort-output --omit-header -o events/locales/messages.pot \
		--ignore-dirs=".venv data tests bench node_modules migrations" .
	$(BIN)/pybabel update -i events/locales/messages.pot -d events/locales \
		--ignore-obsolete --no-wrap --no-fuzzy-matching

vendor:
	cd static/vendor && npm ci --no-audit --no-fund && node copy.mjs

bench-pages: $(STAMP)
	$(BIN)/python bench/pages.py

# Schemathesis over every /api/v1 operation, longer than in the suite (tests/web/test_fuzz.py).
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-50} $(BIN)/python -m pytest tests/web/test_fuzz.py -q -p no:cacheprovider

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
