"""
The job queue (procrastinate, on PostgreSQL): deferring jobs in the caller's
transaction, and running a worker on the queue's own connection.

Jobs are always deferred through Django's default connection, so a job is
queued if and only if the rows it concerns are committed, even from inside a
job (where procrastinate's app talks through the worker's own pool). The
worker listens through DATABASES["queue"] (QUEUE_DATABASE_URL), a direct
connection to the primary: LISTEN/NOTIFY needs a session that a transaction
pooler does not keep.
"""

import logging
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import psycopg
from django.db import connection, transaction
from procrastinate import App, PsycopgConnector, exceptions, manager
from procrastinate import tasks as procrastinate_tasks
from procrastinate.contrib.django import app
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.contrib.django.utils import connector_params

QUEUE = "intake"
# A worker beats every 10 seconds; one silent for longer than this is gone.
HEARTBEAT_FRESH_SECONDS = 60
LIVE_WORKERS = """
SELECT count(*) FROM procrastinate_workers
WHERE last_heartbeat > now() - make_interval(secs => %s)
"""
# Succeeded jobs are removed as they finish; failed ones stay for inspection.
DELETE_JOBS = "successful"

logger = logging.getLogger(__name__)
in_transaction = manager.JobManager(DjangoConnector(alias="default"))


def deferrer(name: str, **options) -> "procrastinate_tasks.jobs.JobDeferrer":
    """A job of task `name`, to defer in the current transaction."""
    return procrastinate_tasks.configure_task(
        name=name, job_manager=in_transaction, queue=QUEUE, **options
    )


def defer_poll(source_id: int) -> bool:
    """
    Queue a poll of the source, unless one is already waiting; False then.
    Two polls of a source never run at once (the lock).
    """
    try:
        # A savepoint: the refusal of a second job leaves the caller's
        # transaction usable.
        with transaction.atomic():
            deferrer(
                "intake.poll_source",
                lock=f"source-{source_id}",
                queueing_lock=f"poll-{source_id}",
            ).defer(source_id=source_id)
    except exceptions.AlreadyEnqueued:
        return False
    return True


def defer_takes(item_ids: list[int]) -> None:
    if item_ids:
        deferrer("intake.take_item").batch_defer(*({"item_id": pk} for pk in item_ids))


def defer_take_at(item_id: int, when: datetime) -> None:
    """Take the item at `when`: the slot reserved for its host."""
    deferrer("intake.take_item", schedule_at=when).defer(
        item_id=item_id, slot_reserved=True
    )


def defer_suggestions(article_id: int) -> None:
    deferrer("intake.suggest_article").defer(article_id=article_id)


@contextmanager
def worker_app() -> Iterator[App]:
    """procrastinate's app on the queue's own connection (QUEUE_DATABASE_URL)."""
    connector = PsycopgConnector(kwargs=connector_params("queue"))
    with app.replace_connector(connector) as worker:
        yield worker


def check_connection() -> None:
    """Connect once as the worker will; psycopg.OperationalError says why not."""
    params = connector_params("queue")
    with psycopg.connect(**{**params, "connect_timeout": 10}):
        pass


def live_workers() -> int:
    """Workers whose heartbeat is recent, read on the queue's own connection."""
    params = connector_params("queue")
    with psycopg.connect(**{**params, "connect_timeout": 10}) as conn:
        return conn.execute(LIVE_WORKERS, [HEARTBEAT_FRESH_SECONDS]).fetchone()[0]


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def registration_lost(error: BaseException) -> bool:
    """
    Whether `error` says that this worker's row is gone from the workers'
    table: another worker, starting while this one's heartbeat was stale
    (a paused process, a suspended machine), took it for dead and pruned it.
    """
    while error is not None:
        if isinstance(error, psycopg.errors.ForeignKeyViolation):
            return "procrastinate_jobs_worker_id_fkey" in str(error)
        error = error.__cause__ or error.__context__
    return False


def run_worker(*, concurrency: int, wait: bool = True) -> None:
    """Run jobs of the intake queue: until stopped (SIGINT, SIGTERM), or until
    none is left to start now when `wait` is False. A worker whose
    registration was pruned registers again and goes on (the jobs it held
    were let go by the pruning, and the stalled-jobs task retries them)."""
    with worker_app() as worker:
        while True:
            try:
                worker.run_worker(
                    queues=[QUEUE],
                    concurrency=concurrency,
                    wait=wait,
                    name=worker_name(),
                    delete_jobs=DELETE_JOBS,
                    install_signal_handlers=wait,
                )
                return
            except exceptions.ConnectorException as error:
                if not registration_lost(error):
                    raise
                logger.warning(
                    "This worker was taken for stalled and its registration "
                    "removed; registering again."
                )


def unfinished() -> int:
    """Jobs of the intake queue waiting, scheduled or running."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM procrastinate_jobs "
            "WHERE queue_name = %s AND status IN ('todo', 'doing')",
            [QUEUE],
        )
        return cursor.fetchone()[0]


def drain(*, concurrency: int, timeout: float) -> bool:
    """
    Run the queue's jobs here until none is left waiting or running, here or
    in any other worker (jobs scheduled for later included); False if some
    remain after `timeout` seconds.
    """
    deadline = time.monotonic() + timeout
    while unfinished():
        if time.monotonic() > deadline:
            return False
        run_worker(concurrency=concurrency, wait=False)
        if unfinished():
            time.sleep(0.2)  # jobs running elsewhere, or scheduled shortly
    return True
