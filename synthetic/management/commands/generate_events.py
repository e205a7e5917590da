from django.core.management.base import BaseCommand, CommandError

from events.management.progress import ProgressBar
from synthetic import generator
from synthetic import intake as intake_module


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
            "--intake",
            type=int,
            metavar="N",
            help="Add N articles taken in by synthetic sources (with duplicates, "
            "feed items and stored suggestions) over the synthetic reports, "
            "replacing those added before; with or without --count.",
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
        intake: int | None = None,
        **options,
    ) -> None:
        if delete:
            if count is not None or intake is not None:
                raise CommandError("Give either --count/--intake or --delete.")
            report = generator.delete_synthetic()
            self.stdout.write(f"Removed {report.summary()}.")
            for kept in report.kept:
                self.stderr.write(f"Kept, still in use: {kept}")
            return
        if intake is not None and intake < 1:
            raise CommandError("--intake takes a number of articles, at least 1.")
        if count is None and intake is None:
            raise CommandError("Give --count N (at least 1), --intake N, or --delete.")
        if count is not None:
            if count < 1:
                raise CommandError("Give --count N (at least 1), or --delete.")
            bar = ProgressBar(self.stderr, count, unit="events", timed=True)
            report = generator.generate(
                count=count, seed=seed, actors=actors, progress=bar.update
            )
            bar.close()
            self.stdout.write(f"Added {report.summary()}.")
        if intake is not None:
            intake_module.delete_intake()
            taken = intake_module.generate_intake(articles=intake, seed=seed)
            self.stdout.write(f"Added {taken.summary()}.")
