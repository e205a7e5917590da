import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from intake import queue


class Command(BaseCommand):
    help = (
        "Run a worker of the intake queue: polls sources, fetches and "
        "deduplicates articles, computes suggestions. Stops on SIGINT or SIGTERM "
        "once its running jobs are done."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--concurrency",
            type=int,
            default=settings.WORKER_CONCURRENCY,
            help="Jobs run at once, each in a thread (default WORKER_CONCURRENCY).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Run no worker: exit 0 if the queue's database answers and a "
            "worker's heartbeat is recent, else 1 (a container health check).",
        )

    def handle(self, *args, concurrency: int, check: bool, **options) -> None:
        if check:
            self.check_heartbeat()
            return
        try:
            queue.check_connection()
        except psycopg.OperationalError as exc:
            raise CommandError(
                f"The worker cannot reach the queue's database "
                f"(QUEUE_DATABASE_URL, else DATABASE_URL): {exc}"
            ) from exc
        self.stdout.write(f"Worker {queue.worker_name()} on queue {queue.QUEUE!r}.")
        queue.run_worker(concurrency=concurrency)

    # Not `check`: that is BaseCommand's system checks, which execute() runs.
    def check_heartbeat(self) -> None:
        try:
            alive = queue.live_workers()
        except psycopg.Error as exc:
            raise CommandError(f"The queue's database does not answer: {exc}") from exc
        if not alive:
            raise CommandError(
                "No worker of the queue has beaten in the last "
                f"{queue.HEARTBEAT_FRESH_SECONDS} s."
            )
        self.stdout.write(f"{alive} worker(s) alive.")
