# sitrep: `make run` to try it, `make test` to test it. Neither needs PostgreSQL or Redis.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test messages checkers lint check-deploy serve fuzz-api clean seed-fixture bench bench-web bench-import bench-alerts

# The virtualenv is rebuilt whenever a requirements file changes.
$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Local development defaults, so that manage.py works in this checkout without exports.
.env:
	printf '# Written by make run for local development; real environment variables win.\nDEBUG=1\n' > $@

# The compiled translation catalogues (locale/*/LC_MESSAGES/django.mo, not committed: built
# from the .po files). compilemessages needs GNU gettext's msgfmt, installed from Debian if missing.
messages: $(BIN)/.installed
	command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	SECRET_KEY=$${SECRET_KEY:-compilemessages-only} $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

# The development server with one background worker beside it (renditions, thumbnails,
# alerts), stopped with it.
run: $(BIN)/.installed .env messages
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py setup_demo
	$(BIN)/python manage.py db_worker --reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# On SQLite unless DATABASE_URL names another database (PostgreSQL in CI).
test: $(BIN)/.installed messages
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
	ALLOWED_HOSTS=sitrep.example.org SITE_URL=https://sitrep.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

# Serve as production does (gunicorn, DEBUG off, whitenoise), over plain HTTP on this machine.
serve: $(BIN)/.installed
	DEBUG=0 $(BIN)/python manage.py collectstatic --no-input -v0
	DEBUG=0 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0 $(BIN)/gunicorn sitrep.wsgi \
		--bind 127.0.0.1:$(PORT) --workers 2 --access-logfile -

# The read API against its OpenAPI description: schemathesis on a throwaway seeded site (as CI does).
# FUZZ_SEED and FUZZ_EXAMPLES change the seed and the examples per operation; FUZZ_ARGS go to `st run`.
fuzz-api: $(BIN)/.installed
	.ci/fuzz-api $(FUZZ_ARGS)

# fixtures/seed_reports.json, rebuilt from the shared seed listing and the tag vocabulary
# (fixtures/seed_vocabulary.json) in a throwaway SQLite database. The same inputs always
# give the same file. The workflow events of the build are left out: they are the
# throwaway database's history, not content.
SEED_LISTING ?= ../shared/seeds/000_7698ccc2d73061d9.txt
seed-fixture: $(BIN)/.installed
	set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	export DATABASE_URL="sqlite:///$$tmp/seed.sqlite3" DEBUG=1 DOTENV_FILE=; \
	$(BIN)/python manage.py migrate --no-input -v0; \
	$(BIN)/python manage.py loaddata seed_vocabulary; \
	$(BIN)/python manage.py import_reports $(SEED_LISTING) --status published; \
	$(BIN)/python manage.py dumpdata reports.series taggit.tag reports.report reports.taggedreport \
		--indent 1 -o fixtures/seed_reports.json

# Benchmarks, never timed unit tests: on PostgreSQL, or SQLite with BENCH_ARGS=--sqlite.
bench: bench-web bench-import

# The public site under wrk against gunicorn; ratios to a constant view in the same run.
bench-web: $(BIN)/.installed
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# A 10,000-report import against its 30-second budget.
bench-import: $(BIN)/.installed
	$(BIN)/python bench/import_bench.py $(if $(findstring --sqlite,$(BENCH_ARGS)),,--postgres)

# One report's alert fanned out to 10,000 subscriptions and sent (locmem e-mail), on DATABASE_URL
# (SQLite in a temporary folder when unset; a PostgreSQL database is created if missing).
bench-alerts: $(BIN)/.installed
	$(BIN)/python bench/alerts_fanout.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles node_modules
