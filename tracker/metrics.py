"""
`/metrics`: what an operator watches, in Prometheus' text format
(docs/operations.md lists the alerts worth setting on it).

- Requests per view, their latencies and statuses: django-prometheus'
  middleware (`django_http_*`).
- Throttled requests (429) per view: `zagros_http_throttled_requests_total`.
- Cache reads, hits and misses: `django_cache_get_*`, counted by the cache
  backends of tracker/cache_metrics.py.
- Connections this process opened, per database alias:
  `zagros_db_connections_opened_total`; Django's pool, when used, as the
  process answering sees it: `zagros_db_pool_connections`.
- Read when scraped, on a connection of their own to each database alias
  (every database in the settings but the queue's): whether it answers,
  the connections its server holds by state, a replica's replay lag, and the
  intake queue's jobs by status, the age of the oldest job waiting to run
  and the workers alive.

Counters are kept per process; with several gunicorn workers,
PROMETHEUS_MULTIPROC_DIR makes them add up across workers (gunicorn.conf.py).

The endpoint answers a request carrying `Authorization: Bearer METRICS_TOKEN`,
or one from an address in METRICS_NETWORKS; with neither set it is off (404).
"""

import hmac
import ipaddress
import logging
import os
from collections.abc import Iterable, Iterator

import prometheus_client
import psycopg
from django.conf import settings
from django.db import connections
from django.db.backends.signals import connection_created
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import Counter, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from intake import queue as intake_queue

logger = logging.getLogger(__name__)

# Counters shared through files by gunicorn's workers: the directory must
# exist before the first is counted, in a worker or a command alike.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

# Seconds a scrape waits for each database before reporting it down.
PROBE_TIMEOUT = 3
# The queue's own alias connects only as the worker does (intake/queue.py).
UNPROBED_ALIASES = {"queue"}

connections_opened = Counter(
    "zagros_db_connections_opened_total",
    "Database connections opened by this process, per database alias.",
    ["alias"],
)
throttled_requests = Counter(
    "zagros_http_throttled_requests_total",
    "Requests answered 429 Too Many Requests, per view.",
    ["view"],
)


def count_connection(sender, connection, **kwargs) -> None:
    connections_opened.labels(alias=connection.alias).inc()


connection_created.connect(count_connection, dispatch_uid="zagros-metrics")


def count_response(request: HttpRequest, status: int) -> None:
    if status == 429:
        match = getattr(request, "resolver_match", None)
        throttled_requests.labels(
            view=match.view_name if match else "<unresolved>"
        ).inc()


# --- read when scraped ------------------------------------------------------------

SERVER = """
SELECT pg_is_in_recovery(),
       CASE WHEN NOT pg_is_in_recovery() THEN NULL
            -- Caught up with all it received: no lag, however old the last
            -- transaction replayed (a quiet primary writes none).
            WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())
       END,
       current_setting('max_connections')::int
"""
CONNECTIONS = """
SELECT coalesce(state, 'unknown'), count(*) FROM pg_stat_activity
WHERE datname = current_database() AND backend_type = 'client backend'
GROUP BY 1
"""
QUEUE_JOBS = """
SELECT queue_name, status::text, count(*) FROM procrastinate_jobs GROUP BY 1, 2
"""
QUEUE_OLDEST = """
SELECT j.queue_name,
       extract(epoch FROM now() - min(greatest(e.at, coalesce(j.scheduled_at, e.at))))
FROM procrastinate_jobs j
JOIN procrastinate_events e ON e.job_id = j.id AND e.type = 'deferred'
WHERE j.status = 'todo' AND (j.scheduled_at IS NULL OR j.scheduled_at <= now())
GROUP BY 1
"""


def probed_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias not in UNPROBED_ALIASES]


def probe_connection(alias: str) -> psycopg.Connection:
    """A connection of its own, as the alias connects but not from its pool."""
    params = connections[alias].get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, connect_timeout=PROBE_TIMEOUT, autocommit=True)


class DatabaseCollector(Collector):
    """The databases and the intake queue, read when scraped."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily(
            "zagros_db_up", "1 if the database answered the scrape.", labels=["alias"]
        )
        held = GaugeMetricFamily(
            "zagros_db_server_connections",
            "Client connections the database server holds to this database, "
            "by state (from every app server, worker and pooler).",
            labels=["alias", "state"],
        )
        most = GaugeMetricFamily(
            "zagros_db_server_max_connections",
            "The server's max_connections.",
            labels=["alias"],
        )
        lag = GaugeMetricFamily(
            "zagros_db_replica_lag_seconds",
            "How far a replica's replay is behind, as the app sees it "
            "(0 when it has replayed all it received).",
            labels=["alias"],
        )
        jobs = GaugeMetricFamily(
            "zagros_queue_jobs",
            "Jobs in the queue by status (succeeded ones are removed; failed "
            "ones stay until dealt with).",
            labels=["queue", "status"],
        )
        oldest = GaugeMetricFamily(
            "zagros_queue_oldest_waiting_seconds",
            "Age of the oldest job due to run that no worker has started.",
            labels=["queue"],
        )
        workers = GaugeMetricFamily(
            "zagros_queue_workers",
            "Queue workers whose heartbeat is under "
            f"{intake_queue.HEARTBEAT_FRESH_SECONDS} s old.",
        )
        queue_read = False
        for alias in probed_aliases():
            try:
                with probe_connection(alias) as conn:
                    in_recovery, behind, max_connections = conn.execute(
                        SERVER
                    ).fetchone()
                    for state, count in conn.execute(CONNECTIONS):
                        held.add_metric([alias, state], count)
                    most.add_metric([alias], max_connections)
                    if in_recovery:
                        if behind is not None:
                            lag.add_metric([alias], float(behind))
                    elif not queue_read:
                        # The queue's tables, read once, on the primary.
                        for queue, status, count in conn.execute(QUEUE_JOBS):
                            jobs.add_metric([queue, status], count)
                        for queue, seconds in conn.execute(QUEUE_OLDEST):
                            oldest.add_metric([queue], float(seconds))
                        (alive,) = conn.execute(
                            intake_queue.LIVE_WORKERS,
                            [intake_queue.HEARTBEAT_FRESH_SECONDS],
                        ).fetchone()
                        workers.add_metric([], alive)
                        queue_read = True
            except psycopg.Error as error:
                logger.warning("Metrics: database %s did not answer: %s", alias, error)
                up.add_metric([alias], 0)
            else:
                up.add_metric([alias], 1)
        yield from (up, held, most, lag, jobs, oldest)
        if queue_read:
            yield workers
        yield from pool_metrics()


def pool_metrics() -> Iterable[GaugeMetricFamily]:
    """Django's connection pools, as seen from the process answering."""
    pools = GaugeMetricFamily(
        "zagros_db_pool_connections",
        "Django's connection pool in the process that answered the scrape: "
        "its size, connections idle in it, and requests waiting for one.",
        labels=["alias", "state"],
    )
    for alias in settings.DATABASES:
        pool = connections[alias].pool
        if pool is None:
            continue
        stats = pool.get_stats()
        pools.add_metric([alias, "size"], stats.get("pool_size", 0))
        pools.add_metric([alias, "idle"], stats.get("pool_available", 0))
        pools.add_metric([alias, "waiting"], stats.get("requests_waiting", 0))
    yield pools


# --- the endpoint -------------------------------------------------------------------


def allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(header.encode(), f"Bearer {token}".encode()):
        return True
    # The connecting address, never X-Forwarded-For: a client sets that.
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in settings.METRICS_NETWORKS)


def exposition() -> bytes:
    """The counters of every worker process when they are shared, else this
    process's; then what is read now."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        shared = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(shared)
    else:
        shared = prometheus_client.REGISTRY
    now = prometheus_client.CollectorRegistry()
    now.register(DatabaseCollector())
    return prometheus_client.generate_latest(
        shared
    ) + prometheus_client.generate_latest(now)


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_TOKEN and not settings.METRICS_NETWORKS:
        raise Http404("The metrics endpoint is off: set METRICS_TOKEN.")
    if not allowed(request):
        response = HttpResponse("Forbidden\n", status=403, content_type="text/plain")
        if settings.METRICS_TOKEN:
            response.status_code = 401
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(
        exposition(),
        content_type=prometheus_client.CONTENT_TYPE_LATEST,
    )
