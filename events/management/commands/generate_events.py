import time

from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from events import synthetic

BAR_WIDTH = 30


class ProgressBar:
    """Events written so far, on stderr: redrawn in place on a terminal."""

    def __init__(self, stream: OutputWrapper, total: int) -> None:
        self.stream = stream
        self.total = max(total, 1)
        self.interactive = stream.isatty()
        self.started = time.monotonic()
        self.shown = -1

    def update(self, done: int) -> None:
        percent = min(100, done * 100 // self.total)
        if not self.interactive and percent // 10 == self.shown // 10:
            return
        self.shown = percent
        elapsed = time.monotonic() - self.started
        rate = done / elapsed if elapsed else 0
        left = (self.total - done) / rate if rate else 0
        filled = BAR_WIDTH * percent // 100
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        text = (
            f"[{bar}] {percent:3d}% {done:,}/{self.total:,} events, "
            f"{rate:,.0f}/s, {left:,.0f} s left"
        )
        if self.interactive:
            self.stream.write("\r" + text, ending="")
        else:
            self.stream.write(text)
        self.stream.flush()

    def close(self) -> None:
        if self.interactive:
            self.stream.write("")


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
            f"most {synthetic.MAX_ACTORS:,}).",
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
            report = synthetic.delete_synthetic()
            self.stdout.write(f"Removed {report.summary()}.")
            for kept in report.kept:
                self.stderr.write(f"Kept, still in use: {kept}")
            return
        if count is None or count < 1:
            raise CommandError("Give --count N (at least 1), or --delete.")
        bar = ProgressBar(self.stderr, count)
        report = synthetic.generate(
            count=count, seed=seed, actors=actors, progress=bar.update
        )
        bar.close()
        self.stdout.write(f"Added {report.summary()}.")
