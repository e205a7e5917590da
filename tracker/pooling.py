"""
How the application's connections reach PostgreSQL: directly, through
PgBouncer in transaction mode (DATABASE_POOLER=pgbouncer), or from Django's
own psycopg pool in each process (DATABASE_POOL=N). See docs/deployment.md.

Through a transaction pooler, each transaction may run on another server
connection, so the application assumes nothing of a session beyond one
transaction: no prepared statements (psycopg prepares none here), no
startup `options` (PgBouncer refuses them, so settings such as jit=off are
set on the role or by the pooler), no session SET (only SET LOCAL), no
advisory locks held past a transaction, no LISTEN (the queue's worker
connects to the primary directly, through QUEUE_DATABASE_URL), and
server-side cursors and COPY only inside a transaction (events/queries.py
bulk_read(), events/bulk.py).
"""

from typing import Any

from django.core.exceptions import ImproperlyConfigured

POOLERS = {"", "pgbouncer"}


def through_pooler(database: dict[str, Any]) -> None:
    """Settings of a connection that goes through PgBouncer in transaction mode."""
    options = database.setdefault("OPTIONS", {})
    # PgBouncer refuses the startup parameter `options` ("-c jit=off"):
    # docs/deployment.md sets jit off on the role instead.
    options.pop("options", None)
    # Statements prepared on one server connection are unknown to the next.
    # (Django's default too; said here, as the pooler depends on it.)
    options["prepare_threshold"] = None


def with_pool(database: dict[str, Any], size: int, timeout: float) -> None:
    """Connections from a psycopg pool of at most `size` in each process."""
    database.setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": size,
        # A request waits this long for a connection, then fails.
        "timeout": timeout,
    }
    # A pool and persistent connections are exclusive in Django: the pool
    # keeps the connections, each request takes one and gives it back.
    database["CONN_MAX_AGE"] = 0


def configure(
    databases: dict[str, dict[str, Any]],
    *,
    pooler: str,
    pool_size: int,
    pool_timeout: float,
    queue_url_set: bool,
) -> None:
    """Apply DATABASE_POOLER and DATABASE_POOL to the default connection."""
    if pooler not in POOLERS:
        raise ImproperlyConfigured(
            f"DATABASE_POOLER={pooler!r}: use 'pgbouncer' (transaction mode) "
            "or leave it empty for a direct connection."
        )
    if pool_size < 0:
        raise ImproperlyConfigured("DATABASE_POOL must be 0 (off) or a pool size.")
    default = databases["default"]
    if pooler:
        if not queue_url_set:
            raise ImproperlyConfigured(
                "DATABASE_POOLER is set but QUEUE_DATABASE_URL is not: the "
                "intake queue's worker LISTENs for jobs, which needs a direct "
                "connection to the primary, never one through the pooler."
            )
        through_pooler(default)
    if pool_size:
        with_pool(default, pool_size, pool_timeout)
