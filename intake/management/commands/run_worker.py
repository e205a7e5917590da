from django.core.management.base import BaseCommand

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
            default=4,
            help="Jobs run at once (threads); fetching mostly waits on the network.",
        )

    def handle(self, *args, concurrency: int, **options) -> None:
        self.stdout.write(f"Worker {queue.worker_name()} on queue {queue.QUEUE!r}.")
        queue.run_worker(concurrency=concurrency)
