# Zagros: `make run` serves the demo, `make test` runs the suite.
# Both first run bin/setup, which installs what is missing and prepares the
# database; see docs/setup.md.

PORT ?= 8000
PY := .venv/bin/python

.PHONY: setup run dev test lint format clean

setup:
	bin/setup

run: setup
	$(PY) manage.py collectstatic --noinput -v0
	@echo "Serving http://127.0.0.1:$(PORT)/  (admin: /admin/, demo users as printed above)"
	.venv/bin/gunicorn tracker.wsgi --bind 127.0.0.1:$(PORT) --workers 2 \
		--access-logfile - --forwarded-allow-ips 127.0.0.1

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
