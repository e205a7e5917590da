# Production image for Zagros: gunicorn serving tracker.wsgi on port 8000,
# static files served by whitenoise from inside the app.
# Configuration comes from the environment only; see docs/deployment.md.
FROM python:3.11-slim-bookworm

# GeoDjango runtime libraries (GDAL pulls in PROJ), and gdal-bin for the
# ogr2ogr that `export_events --format gpkg` runs; no compilers needed:
# psycopg[binary] ships its own libpq.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libgdal32 libgeos-c1v5 libproj25 gdal-bin \
    && rm -rf /var/lib/apt/lists/*

# The app runs from the source tree in /app (manage.py, templates/, static/,
# data/); it is not installed as a package.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=tracker.settings \
    STATIC_ROOT=/app/staticfiles \
    DEBUG=0 \
    WEB_CONCURRENCY=3 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/zagros-metrics

WORKDIR /app

# Dependencies first, so a change to the code does not reinstall them: the
# runtime lock file (development tools are left out), which pins every
# package with its hashes, dependencies included, hence --no-deps.
COPY requirements/ requirements/
RUN pip install --no-deps -r requirements/runtime.txt

COPY . .

# The key below exists only for this build step; it is not in the image's
# environment, and with DEBUG=0 the container refuses to start without a real
# SECRET_KEY.
RUN SECRET_KEY=collectstatic-build-only python manage.py collectstatic --noinput -v0

# Code and static files stay owned by root and read-only for the app user.
RUN useradd --system --uid 10001 --user-group --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin zagros
USER zagros

EXPOSE 8000

# /health/ runs one SELECT 1; the probe sends a host name the settings allow
# and plain HTTP, which the HTTPS redirect exempts (tracker/health.py).
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
    CMD ["python", "-m", "tracker.health"]

# Workers: WEB_CONCURRENCY (default 3); any other gunicorn option through
# GUNICORN_CMD_ARGS, e.g. "--timeout 60 --threads 2".
# Each request is logged by the application, with its request id
# (tracker/requestlog.py), so gunicorn keeps no access log of its own;
# gunicorn.conf.py writes gunicorn's lines as JSON too.
CMD ["gunicorn", "tracker.wsgi", "--bind", "0.0.0.0:8000"]
