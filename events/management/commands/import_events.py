from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.interop import FORMATS, FileError, import_rows, read_rows
from events.management.progress import ProgressBar
from events.models import Event


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
        parser.add_argument(
            "--plain",
            action="store_true",
            help="Write through the ORM, one row at a time, rather than with "
            "COPY a chunk at a time: the same rows, written slowly, for "
            "comparison.",
        )

    def handle(
        self,
        *args,
        path: Path,
        format: str,
        status: str | None,
        plain: bool,
        **options,
    ) -> None:
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            total, rows = read_rows(path=path, fmt=format)
            bar = ProgressBar(self.stderr, total, unit="rows")
            report = import_rows(
                rows=rows,
                fmt=format,
                status=status,
                source_name=path.name,
                progress=bar.update,
                plain=plain,
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
