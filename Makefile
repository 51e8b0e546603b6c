# sitrep: `make run` to try it, `make test` to test it. Neither needs PostgreSQL or Redis.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test checkers lint check-deploy serve bench clean

# The virtualenv is rebuilt whenever a requirements file changes.
$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Local development defaults, so that manage.py works in this checkout without exports.
.env:
	printf '# Written by make run for local development; real environment variables win.\nDEBUG=1\n' > $@

run: $(BIN)/.installed .env
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py setup_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# On SQLite unless DATABASE_URL names another database (PostgreSQL in CI).
test: $(BIN)/.installed
	DEBUG=0 SECRET_KEY=test-only-secret-key TESTING=1 SECURE_SSL_REDIRECT=0 $(BIN)/python -m pytest $(PYTEST_ARGS)

# axe-core and the Nu HTML checker for the accessibility and HTML tests (needs npm and Java 17);
# without them `make test` skips those tests and says so in one line.
checkers: package-lock.json
	npm ci --no-audit --no-fund

lint: $(BIN)/.installed
	$(BIN)/ruff check .

# Production settings, checked as an operator would before deploying.
check-deploy: $(BIN)/.installed
	DEBUG=0 SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=sitrep.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

# Serve as production does (gunicorn, DEBUG off, whitenoise), over plain HTTP on this machine.
serve: $(BIN)/.installed
	DEBUG=0 $(BIN)/python manage.py collectstatic --no-input -v0
	DEBUG=0 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0 $(BIN)/gunicorn sitrep.wsgi \
		--bind 127.0.0.1:$(PORT) --workers 2 --access-logfile -

# Load benchmarks with wrk against gunicorn (PostgreSQL; BENCH_ARGS=--sqlite for SQLite).
# Ratios to a constant view in the same run; never timed unit tests.
bench: $(BIN)/.installed
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles node_modules
