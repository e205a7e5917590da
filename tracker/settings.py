"""
Settings for Zagros, driven by environment variables.

Values come from the process environment first, then from a `.env` file in the
checkout (written by `make run` / `make test` for the local database), then from
the defaults below, which suit a local development run.
"""

import datetime
import ipaddress
import secrets
from pathlib import Path

import environ
import pghistory
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from tracker import cache_metrics, pooling

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set and DEBUG is off. bin/setup (make run, make "
            "test) writes a random one into .env; a deployment sets its own "
            "(see docs/deployment.md)."
        )
    # A debugging session without a key signs with one of its own: sessions
    # and CSRF tokens then last only as long as the process.
    SECRET_KEY = secrets.token_urlsafe(50)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin on a site of the project's own (events/admin_site.py).
    "events.apps.ZagrosAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "pgtrigger",
    "pghistory",
    "leaflet",
    "axes",
    "events",
    # Continuous intake: sources polled by jobs on the queue below.
    "intake",
    # Saved searches with their private feeds, mail digests and webhooks,
    # sent by jobs on the same queue.
    "searches",
    "procrastinate.contrib.django",
    # generate_events: synthetic data for load tests and benchmarks.
    "synthetic",
]

# History tables are read by object, context and time, never through the
# foreign keys they copy: those copies go unindexed, which keeps every write
# (a COPY of 100,000 imported rows above all) cheaper.
PGHISTORY_FOREIGN_KEY_FIELD = pghistory.ForeignKey(db_index=False)
PGHISTORY_CONTEXT_FIELD = pghistory.ContextForeignKey(db_index=True)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records who made each change, with the request, in the history tables.
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it locks out repeated failed sign-ins.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one user from one address lock that pair out for
# fifteen minutes; a correct sign-in resets the count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=env.int("AXES_COOLOFF_MINUTES", default=15)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.int("API_NUM_PROXIES", default=0) or None

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env("DATABASE_URL", default="postgis://postgres@127.0.0.1:5432/zagros")
# Settings of every connection to PostgreSQL (docs/performance.md). Its JIT
# compiler costs 60-200 ms on the large statements behind feeds and exports
# and gains nothing on this workload. Most statements read a page, the first
# rows of a walk of an index, which parallel workers take longer to start
# (40-130 ms) than the walk takes: none but for the statements that read a
# large part of the table, which ask for BULK_PARALLEL_WORKERS
# (events.queries.bulk_read). Through PgBouncer, which refuses startup
# options, the role carries them (docs/deployment.md).
CONNECTION_SETTINGS = {"jit": "off", "max_parallel_workers_per_gather": "0"}
CONNECTION_OPTIONS = " ".join(f"-c {k}={v}" for k, v in CONNECTION_SETTINGS.items())
# PostgreSQL's own default; more on a server with cores to spare.
BULK_PARALLEL_WORKERS = env.int("BULK_PARALLEL_WORKERS", default=2)
DATABASES = {
    "default": environ.Env.db_url_config(DATABASE_URL),
    # The job queue's workers (intake/) listen for new jobs on a connection of
    # their own, which must reach the primary itself: LISTEN needs a session,
    # which a transaction pooler does not keep. Jobs are deferred on the
    # default connection, in the transaction of the rows they concern.
    "queue": environ.Env.db_url_config(env("QUEUE_DATABASE_URL", default=DATABASE_URL)),
}
for database in DATABASES.values():
    # GeoDjango needs the PostGIS backend whatever scheme the URL used.
    database["ENGINE"] = "django.contrib.gis.db.backends.postgis"
    database["CONN_HEALTH_CHECKS"] = True
    database.setdefault("OPTIONS", {})["options"] = CONNECTION_OPTIONS
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# Tests create and drop a database of their own, test_<name> unless set here;
# the queue's connection then goes to the same test database.
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default=None)}
DATABASES["queue"]["TEST"] = {"MIRROR": "default"}

# --- Pooled connections (tracker/pooling.py, docs/deployment.md) -------------
# DATABASE_POOLER=pgbouncer: DATABASE_URL goes through PgBouncer in transaction
# mode (QUEUE_DATABASE_URL then required: the worker's LISTEN goes around it).
# DATABASE_POOL=N: where no PgBouncer runs, Django's own psycopg pool keeps at
# most N connections in each process, waiting DATABASE_POOL_TIMEOUT seconds.
pooling.configure(
    DATABASES,
    pooler=env("DATABASE_POOLER", default=""),
    pool_size=env.int("DATABASE_POOL", default=0),
    pool_timeout=env.float("DATABASE_POOL_TIMEOUT", default=10.0),
    queue_url_set=bool(env("QUEUE_DATABASE_URL", default="")),
)
# --- end of pooled connections ------------------------------------------------

# The job queue (procrastinate): its tasks are in intake/tasks.py. Jobs are
# deferred through the default connection; the worker (manage.py run_worker)
# connects through DATABASES["queue"].
PROCRASTINATE_DATABASE_ALIAS = "default"
# Jobs one worker runs at once, each in a thread: fetching mostly waits.
WORKER_CONCURRENCY = env.int("WORKER_CONCURRENCY", default=4)

# --- Shared cache and read replicas (docs/deployment.md) ---------------------
#
# The cache holds what every process must agree on: the anonymous rate limit,
# the map layers and basemap, OGC extents, and the write positions that keep
# a client's reads after its own writes (tracker.replicas). With REDIS_URL
# (redis://host:6379/0) it is Redis, shared by every app server; without it,
# a directory shared by every worker of this machine. Either fails soft
# (tracker.cache): an unreachable store is a cache that misses.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "tracker.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="zagros"),
            "OPTIONS": {
                # A Redis gone quiet costs a request this long, at most.
                "socket_connect_timeout": env.float("REDIS_TIMEOUT", default=0.5),
                "socket_timeout": env.float("REDIS_TIMEOUT", default=0.5),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "tracker.cache.FileBasedCache",
            "LOCATION": env.path("CACHE_DIR", default=BASE_DIR / ".cache"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Read replicas: DATABASE_REPLICA_URLS lists streaming replicas of the primary
# (DATABASE_URL), comma-separated. Safe requests outside the admin read from
# one that has replayed the client's own writes and lags by at most
# REPLICA_MAX_LAG seconds; everything else goes to the primary.
REPLICA_ALIASES = []
for number, url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), 1):
    replica = environ.Env.db_url_config(url)
    replica["ENGINE"] = "django.contrib.gis.db.backends.postgis"
    replica["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    # tracker.replicas probes the replica before each request it serves.
    replica["CONN_HEALTH_CHECKS"] = False
    replica.setdefault("OPTIONS", {}).update(
        options=CONNECTION_OPTIONS,
        connect_timeout=env.int("REPLICA_CONNECT_TIMEOUT", default=2),
    )
    replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica_{number}"] = replica
    REPLICA_ALIASES.append(f"replica_{number}")
REPLICA_MAX_LAG = env.float("REPLICA_MAX_LAG", default=10.0)
# Responses say which kind of server they read from (X-Database: replica or
# primary), for load tests and for an operator following a request.
REPLICA_HEADER = env.bool("REPLICA_HEADER", default=False)
DATABASE_ROUTERS = ["tracker.replicas.Router"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
    "tracker.replicas.ReplicaMiddleware",
)
# --- end of shared cache and read replicas ------------------------------------

# The middleware a tile request goes without (tracker/handlers.py): a tile or
# a TileJSON document is data that a GET or HEAD asks for (events/tile_views.py
# refuses any other method) and that no browser renders as a page. So no
# static files (WhiteNoise), no form to protect (CSRF), nothing written to
# tag in the history, no messages, no framing or content policy of a page,
# no sign-in to count (django-axes).
TILE_SKIPPED_MIDDLEWARE = [
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Behind a TLS-terminating proxy (docker-compose, a load balancer) these are
# switched on through the environment; a local run serves plain HTTP. With
# HSTS on, subdomains and preloading follow unless HSTS_SUBDOMAINS=0.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# Container and load balancer probes speak plain HTTP to the app itself: a
# redirect to HTTPS would report a healthy server as failing.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A failed CSRF check answers JSON under /api/, /ogc/ and /feeds/.
CSRF_FAILURE_VIEW = "events.http.csrf_failure"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("HSTS_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = SECURE_HSTS_INCLUDE_SUBDOMAINS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https")
    if env.bool("BEHIND_PROXY", default=False)
    else None
)

REST_FRAMEWORK = {
    # Token first: an anonymous write is then told how to authenticate (401).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "events.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["events.api.http.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "events.api.http.ContentNegotiation",
    "EXCEPTION_HANDLER": "events.api.http.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "events.api.schema.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["events.http.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env("API_ANON_RATE", default="120/min")},
    # Proxies in front whose X-Forwarded-For is trusted for telling anonymous
    # clients apart; 0 uses the connecting address.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Zagros API",
    "DESCRIPTION": "Sourced, mapped geopolitical events. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "events.api.schema.bounded_dates",
        "searches.api.filters_in_schema",
    ],
    # The interactive docs load their assets from this server, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ActorKindEnum": "events.models.Actor.Kind",
        "LocationKindEnum": "events.models.Location.Kind",
        "AgreementKindEnum": "events.models.Agreement.Kind",
        "EventStatusEnum": "events.models.Event.Status",
        "AgreementStatusEnum": "events.models.Agreement.Status",
        "ParticipantRoleEnum": "events.models.Participant.Role",
        "AgreementPartyRoleEnum": "events.models.AgreementParty.Role",
        "RevisionStateEnum": "events.models.Revision.State",
        # An article's state, named as before revisions had a state too.
        "StateEnum": "events.models.SourceArticle.State",
    },
}

# Cross-origin reads of the API, feeds and GIS services: any origin unless
# CORS_ALLOWED_ORIGINS lists some; writes are never offered cross-origin.
CORS_URLS_REGEX = r"^/(api|feeds|ogc)/"
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_ALL_ORIGINS = not CORS_ALLOWED_ORIGINS
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = [
    "accept",
    "authorization",
    "if-modified-since",
    "if-none-match",
    "x-requested-with",
]
CORS_EXPOSE_HEADERS = ["ETag", "Link", "Location", "Retry-After"]
CORS_ALLOW_CREDENTIALS = False

# Pages are fetched (an article's URL at intake) from public addresses only;
# these hosts, "host" or "host:port", are fetched even on a private, loopback
# or link-local address: an intranet's news server, a test's local server.
FETCH_ALLOWED_HOSTS = env.list("FETCH_ALLOWED_HOSTS", default=[])
# Intake (intake/) starts requests to one host at least this many seconds
# apart, across all workers.
FETCH_HOST_INTERVAL = env.float("FETCH_HOST_INTERVAL", default=1.0)
# Seconds intake gives one feed or page, redirects included.
FETCH_TIMEOUT = env.float("FETCH_TIMEOUT", default=20.0)

# Saved searches' webhooks (searches/): a POST is given WEBHOOK_TIMEOUT
# seconds; one that fails is tried again WEBHOOK_ATTEMPTS times in all,
# WEBHOOK_BACKOFF seconds after the first failure, doubling each time. A
# webhook's address is checked as any fetch is (FETCH_ALLOWED_HOSTS).
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10.0)
WEBHOOK_ATTEMPTS = env.int("WEBHOOK_ATTEMPTS", default=6)
WEBHOOK_BACKOFF = env.float("WEBHOOK_BACKOFF", default=60.0)

# Maps draw the project's own boundaries, so they work with no network. An
# online tile layer is added only when MAP_TILE_URL is set, e.g.
# https://tile.openstreetmap.org/{z}/{x}/{y}.png with its attribution.
MAP_TILE_URL = env("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", default="")
MAP_CENTER = (34.5, 46.0)  # lat, lon: the Iran–Iraq border region
MAP_ZOOM = 5
LEAFLET_CONFIG = {
    "TILES": (
        [("Tiles", MAP_TILE_URL, {"attribution": MAP_TILE_ATTRIBUTION})]
        if MAP_TILE_URL
        else []
    ),
    "DEFAULT_CENTER": MAP_CENTER,
    "DEFAULT_ZOOM": MAP_ZOOM,
    "MIN_ZOOM": 2,
    "MAX_ZOOM": 16,
    "RESET_VIEW": False,
    "ATTRIBUTION_PREFIX": "Boundaries: Natural Earth",
    # Marker icons named from the static files (see static/events/js/basemap.js):
    # Leaflet's own guess fails on production's hashed file names.
    "FORCE_IMAGE_PATH": True,
}

# Scripts only from this site (inline ones need the per-request nonce, which
# the admin's map widget uses); styles may be set inline because Leaflet and
# the admin position elements that way. Map tiles, when configured, are the
# only images from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [
            SELF,
            "data:",
            *([MAP_TILE_URL.split("/{")[0]] if MAP_TILE_URL else []),
        ],
        # The events map (MapLibre) fetches an online tile layer's images.
        "connect-src": [SELF, *([MAP_TILE_URL.split("/{")[0]] if MAP_TILE_URL else [])],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Mail: reviewers hear of what awaits review (events.workflow.notify_reviewers).
# The console backend prints each message to the log; a deployment points
# EMAIL_BACKEND at django.core.mail.backends.smtp.EmailBackend and its server.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="zagros@localhost")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# Where django.core.mail.backends.filebased.EmailBackend writes its messages.
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=None)
# The site's address as readers reach it, for links in mail, which has no
# request to take a host from.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # Each failed or reset sign-in is logged at INFO; lockouts are warnings.
    "loggers": {
        "axes": {"level": "WARNING"},
        # Their tasks, listed at every start; the worker's own log stays at INFO.
        "procrastinate.blueprints": {"level": "WARNING"},
        "procrastinate.periodic": {"level": "WARNING"},
    },
}

# GDAL older than 3.9 cannot forbid file and network access while parsing a
# spatial reference. The application takes geometries in EPSG:4326 only and
# never hands a user-supplied spatial reference definition to GDAL; see
# docs/operations.md.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# --- What an operator watches (docs/operations.md) ---------------------------
# /metrics (tracker/metrics.py), for Prometheus: open to a request carrying
# "Authorization: Bearer METRICS_TOKEN" or coming from METRICS_NETWORKS
# (comma-separated addresses or networks, e.g. 10.0.0.0/8); off with neither.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_NETWORKS = [
    ipaddress.ip_network(network, strict=False)
    for network in env.list("METRICS_NETWORKS", default=[])
]
# Scraped over plain HTTP inside the network, as /health/ is probed.
SECURE_REDIRECT_EXEMPT = [*SECURE_REDIRECT_EXEMPT, r"^metrics$"]
INSTALLED_APPS = [*INSTALLED_APPS, "django_guid"]
# Outermost: the request id (django-guid), then the request's timing and count
# per view (django-prometheus) and its log line (tracker/requestlog.py); the
# closing half of django-prometheus sits just inside django-axes, which must
# stay last.
MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "tracker.requestlog.RequestLogMiddleware",
    *MIDDLEWARE[:-1],
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    MIDDLEWARE[-1],
]
# X-Request-ID from the client or the proxy in front is kept when it is a
# UUID (32 hex digits, dashes or not), else replaced; either way it is sent
# back in the response and is in every log line of the request.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    # corsheaders exposes it with the others; django-guid would replace them.
    "EXPOSE_HEADER": False,
    "UUID_LENGTH": 32,
}
CORS_EXPOSE_HEADERS = [*CORS_EXPOSE_HEADERS, "X-Request-ID"]
# Every cache counts its reads, hits and misses for /metrics, whatever its
# backend (tracker/cache_metrics.py). Keep this after the cache settings.
CACHES = cache_metrics.counted(
    globals().get(
        "CACHES",
        {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    )
)
# Logs: one JSON object a line (LOG_FORMAT=json), or plain text (text), each
# with the request id of the request it was logged for.
LOG_FORMAT = env("LOG_FORMAT", default="json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")
LOGGING["filters"] = {
    "request_id": {
        "()": "django_guid.log_filters.CorrelationId",
        "correlation_id_field": "request_id",
    }
}
LOGGING["formatters"] = {
    "json": {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
        "rename_fields": {"levelname": "level", "name": "logger"},
        "timestamp": True,
    },
    "text": {
        "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
    },
}
LOGGING["handlers"]["console"].update(formatter=LOG_FORMAT, filters=["request_id"])
# It says at INFO, for every request, whether the header came.
LOGGING["loggers"]["django_guid"] = {"level": "WARNING"}
# --- end of what an operator watches -----------------------------------------
