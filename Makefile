# Counsel Network. `make run` for a first look, `make test` for the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEMO_LAWYERS ?= 300
DEMO_SEED ?= 1

.PHONY: help setup run migrate seed test lint format worker beat web check-deploy bench prove clean

help:
	@echo "make run     - set up, migrate, seed demo data and serve on http://127.0.0.1:$(PORT)"
	@echo "make test    - set up and run the whole suite"
	@echo "make worker  - a Celery worker (needs CELERY_BROKER_URL or REDIS_URL)"
	@echo "make beat    - the Celery beat scheduler"
	@echo "make lint    - ruff lint + format check, makemigrations --check"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

migrate: setup
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo --lawyers $(DEMO_LAWYERS) --seed $(DEMO_SEED)

run: seed
	$(BIN)/python manage.py demo_logins
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=marketplace.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

worker: setup
	$(BIN)/celery -A marketplace worker --loglevel=INFO --concurrency=$${WORKER_CONCURRENCY:-2}

beat: setup
	$(BIN)/celery -A marketplace beat --loglevel=INFO --schedule=var/celerybeat-schedule

web: setup
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/gunicorn marketplace.wsgi --bind 127.0.0.1:$(PORT) --workers $${WEB_CONCURRENCY:-2}

# The benchmark network lives in its own PostgreSQL database (created on first use, then reused).
BENCH_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/counsel_bench)
BENCH_LAWYERS ?= 100000

bench: setup
	$(BIN)/python -m bench.createdb "$(BENCH_DATABASE_URL)"
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(BIN)/python manage.py migrate --noinput
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(BIN)/python manage.py seed_demo --lawyers $(BENCH_LAWYERS) --seed 1
	env -u REDIS_URL -u CELERY_BROKER_URL DATABASE_URL="$(BENCH_DATABASE_URL)" $(BIN)/python -m bench.matching

check-deploy: setup
	DJANGO_SETTINGS_MODULE=marketplace.settings.production \
	SECRET_KEY=$${SECRET_KEY:-ci-only-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=')} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-counsel.example} \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# Proof of reliability and security (not part of `make test` or CI): API fuzzing, load on the 100k
# network, bandit and the deploy check; one line per figure, non-zero exit if any misses its target.
# PROVE_PARTS: any of static schema fuzz load (all by default). Needs PostgreSQL and Redis on 127.0.0.1.
PROVE_PARTS ?=
# The load test reuses the benchmark network (seeded on first use): never your DATABASE_URL.
PROVE_LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/counsel_bench

prove: setup
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-prove.txt
	PROVE_LOAD_DATABASE_URL="$(PROVE_LOAD_DATABASE_URL)" $(BIN)/python -m prove $(PROVE_PARTS)

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles .pytest_cache .ruff_cache
