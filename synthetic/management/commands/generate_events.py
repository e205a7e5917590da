from django.core.management.base import BaseCommand, CommandError

from events.management.progress import ProgressBar
from synthetic import generator


class Command(BaseCommand):
    help = (
        "Add synthetic events, with actors, towns, articles, participants and "
        "citations, for load tests and benchmarks (written with COPY, without "
        "history), or remove all synthetic data with --delete."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--count", type=int, help="How many events to add.")
        parser.add_argument(
            "--seed", type=int, default=0, help="Random seed (default 0)."
        )
        parser.add_argument(
            "--actors",
            type=int,
            help="Synthetic actors to have (default: a tenth of --count, at "
            f"most {generator.MAX_ACTORS:,}).",
        )
        parser.add_argument(
            "--delete",
            action="store_true",
            help="Remove every synthetic row, and only those.",
        )

    def handle(
        self,
        *args,
        count: int | None,
        seed: int,
        actors: int | None,
        delete: bool,
        **options,
    ) -> None:
        if delete:
            if count is not None:
                raise CommandError("Give either --count or --delete.")
            report = generator.delete_synthetic()
            self.stdout.write(f"Removed {report.summary()}.")
            for kept in report.kept:
                self.stderr.write(f"Kept, still in use: {kept}")
            return
        if count is None or count < 1:
            raise CommandError("Give --count N (at least 1), or --delete.")
        bar = ProgressBar(self.stderr, count, unit="events", timed=True)
        report = generator.generate(
            count=count, seed=seed, actors=actors, progress=bar.update
        )
        bar.close()
        self.stdout.write(f"Added {report.summary()}.")
