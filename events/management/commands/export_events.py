import datetime
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.interop import acled, geojson
from events.models import Event, EventQuerySet


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def select_events(
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    types: list[str] | None = None,
    countries: list[str] | None = None,
    dataset: str | None = None,
) -> EventQuerySet:
    """Published events overlapping [start, end], of the types and countries given."""
    events = Event.objects.published().between(start, end)
    if types:
        events = events.filter(event_type__in=types)
    if countries:
        events = events.filter(location__country_code__in=countries)
    if dataset:
        events = events.exclude(**{f"{dataset}_id": ""})
    return events.order_by("start_date", "id")


@contextmanager
def replaced_when_written(path: Path) -> Iterator[Path]:
    """
    A path beside `path` to write the export to, moved onto `path` once it is
    complete. An export that fails leaves the previous file as it was and no
    shortened one, which, cut at a row, would read as a whole CSV.
    """
    partial = path.with_name(f".{path.stem}.partial{path.suffix}")
    try:
        yield partial
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


class Command(BaseCommand):
    help = (
        "Export published events as an ACLED-layout CSV file, GeoJSON or a "
        "GeoPackage (written by GDAL's ogr2ogr), optionally filtered."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--format", required=True, choices=["acled", "geojson", "gpkg"]
        )
        parser.add_argument("--start", type=day, help="YYYY-MM-DD")
        parser.add_argument("--end", type=day, help="YYYY-MM-DD")
        parser.add_argument(
            "--type", action="append", choices=Event.Type.values, dest="types"
        )
        parser.add_argument(
            "--country",
            action="append",
            dest="countries",
            help="ISO 3166-1 alpha-3 code of the event's place, e.g. IRQ.",
        )
        parser.add_argument(
            "--dataset",
            choices=["acled", "ucdp", "gdelt"],
            help="Only events that carry this dataset's id.",
        )

    def handle(self, *args, path: Path, format: str, **options) -> None:
        events = select_events(
            start=options["start"],
            end=options["end"],
            types=options["types"],
            countries=[code.upper() for code in options["countries"] or []],
            dataset=options["dataset"],
        )
        with replaced_when_written(path) as partial:
            if format == "gpkg":
                try:
                    count = geojson.write_geopackage(events, partial)
                except (RuntimeError, subprocess.CalledProcessError) as error:
                    detail = getattr(error, "stderr", "") or str(error)
                    raise CommandError(f"GeoPackage export failed: {detail}") from None
            else:
                with partial.open("w", encoding="utf-8", newline="") as fh:
                    if format == "acled":
                        count = acled.write_csv(events, fh)
                    else:
                        count = geojson.write_collection(events, fh)
        self.stdout.write(f"{count} events written to {path}.")
