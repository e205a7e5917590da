from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from intake import polling, queue
from intake.models import Source


class Command(BaseCommand):
    help = (
        "Queue a poll of every active source now. With --once, also run the "
        "polls and every job they lead to here, and return when the queue is "
        "empty (for scripts and tests)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run the jobs here and wait until none is left.",
        )
        parser.add_argument(
            "--concurrency", type=int, default=settings.WORKER_CONCURRENCY
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=600,
            help="Seconds to wait with --once before giving up (default 600).",
        )

    def handle(self, *args, once: bool, concurrency: int, timeout: float, **options):
        queued = polling.poll_all()
        self.stdout.write(f"Queued {queued} polls.")
        if not once:
            return
        if not queue.drain(concurrency=concurrency, timeout=timeout):
            raise CommandError(
                f"Jobs still waiting or running after {timeout:g} seconds."
            )
        for source in Source.objects.filter(active=True):
            state = f"error: {source.last_error}" if source.last_error else "ok"
            self.stdout.write(
                f"{source.name}: {source.items_seen} items, "
                f"{source.articles_added} articles, "
                f"{source.duplicates_found} duplicates, {state}"
            )
