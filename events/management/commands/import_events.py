from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from events.interop import FORMATS, FileError, import_rows, read_rows
from events.models import Event

BAR_WIDTH = 30


class ProgressBar:
    """A bar on stderr, redrawn in place on a terminal and every 10% elsewhere."""

    def __init__(self, stream: OutputWrapper, total: int) -> None:
        self.stream = stream
        self.total = max(total, 1)
        self.interactive = stream.isatty()
        self.shown = -1

    def update(self, done: int) -> None:
        percent = min(100, done * 100 // self.total)
        if not self.interactive and percent // 10 == self.shown // 10:
            return
        self.shown = percent
        filled = BAR_WIDTH * percent // 100
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        text = f"[{bar}] {percent:3d}% {done:,}/{self.total:,} rows"
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
        "Import events from an ACLED or UCDP GED CSV file or a GeoJSON "
        "FeatureCollection. Events are matched by their external id, so running "
        "it again updates them and adds nothing. Bad rows are reported by line "
        "and the good ones imported; the exit status is 1 if any row failed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        parser.add_argument(
            "--status",
            choices=[
                Event.Status.DRAFT,
                Event.Status.IN_REVIEW,
                Event.Status.PUBLISHED,
            ],
            help="Status of new events (default: published for ACLED and UCDP, "
            "draft for GeoJSON). Existing events keep theirs.",
        )

    def handle(
        self, *args, path: Path, format: str, status: str | None, **options
    ) -> None:
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            total, rows = read_rows(path=path, fmt=format)
            bar = ProgressBar(self.stderr, total)
            report = import_rows(
                rows=rows,
                fmt=format,
                status=status,
                source_name=path.name,
                progress=bar.update,
            )
        except FileError as error:
            raise CommandError(f"{path}: {error}") from None
        bar.close()
        self.stdout.write(f"{path.name}: {report.summary()}")
        for line in report.error_lines():
            self.stderr.write(line)
        if report.errors:
            raise CommandError(
                f"{len(report.errors)} of {total} rows were not imported; "
                "the others were.",
                returncode=1,
            )
