"""
Events in and out of other datasets' formats: ACLED and UCDP GED CSV files
and GeoJSON come in through `import_rows`; ACLED CSV, GeoJSON and GeoPackage
go out through each format's module. docs/interoperability.md has the
mappings.
"""

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from events.interop import acled, geojson, ucdp
from events.interop.records import EventRecord, ImportReport, RowError
from events.interop.saving import Writer, save_rows
from events.interop.write_fast import FastWriter
from events.interop.write_plain import PlainWriter
from events.models import Event


@dataclass(frozen=True)
class Format:
    parse: Callable[[Any], EventRecord]
    default_status: str
    unit: str = "line"
    required_columns: tuple[str, ...] = ()


FORMATS = {
    # Curated datasets: their events are published unless told otherwise.
    "acled": Format(
        acled.parse_row,
        Event.Status.PUBLISHED,
        required_columns=tuple(acled.REQUIRED_COLUMNS),
    ),
    "ucdp": Format(
        ucdp.parse_row,
        Event.Status.PUBLISHED,
        required_columns=tuple(ucdp.REQUIRED_COLUMNS),
    ),
    # A file of unknown provenance, with no source to cite: drafts to review.
    "geojson": Format(geojson.parse_feature, Event.Status.DRAFT, unit="feature"),
}


class FileError(ValueError):
    """A file that cannot be read at all (as opposed to some bad rows)."""


def csv_rows(
    path: Path, required_columns: tuple[str, ...]
) -> Iterator[tuple[int, Any]]:
    """
    Numbered rows of a CSV file as dicts, numbered by the line each starts
    on (the header is line 1). A row the CSV reader cannot split comes as a
    RowError in its place, so the rows after it are still read. Bytes that
    are not UTF-8 are kept as surrogates for the row check to refuse.
    """
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        reader = csv.reader(fh)
        header = csv_header(reader, required_columns)
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield line, RowError(f"cannot be read as CSV: {error}")
                continue
            if not cells:
                continue
            if len(cells) > len(header):
                yield (
                    line,
                    RowError(
                        f"has {len(cells)} cells, the header has {len(header)} columns"
                    ),
                )
                continue
            cells += [""] * (len(header) - len(cells))
            yield line, dict(zip(header, cells, strict=True))


def csv_header(reader: Any, required_columns: tuple[str, ...]) -> list[str]:
    try:
        header = [name.strip().lower() for name in next(reader)]
    except (StopIteration, csv.Error):
        raise FileError("the file has no header row") from None
    missing = [name for name in required_columns if name not in header]
    if missing:
        raise FileError(f"missing columns: {', '.join(missing)}")
    return header


def count_csv_rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        reader = csv.reader(fh)
        count = -1  # the header
        while True:
            try:
                if next(reader):
                    count += 1
            except StopIteration:
                return max(count, 0)
            except csv.Error:
                count += 1


def read_rows(*, path: Path, fmt: str) -> tuple[int, Iterable[tuple[int, Any]]]:
    """How many rows the file has, and the numbered rows."""
    spec = FORMATS[fmt]
    if fmt == "geojson":
        try:
            features = geojson.read_features(path)
        except (ValueError, UnicodeDecodeError) as error:
            raise FileError(str(error)) from None
        return len(features), enumerate(features, start=1)
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        csv_header(csv.reader(fh), spec.required_columns)
    return count_csv_rows(path), csv_rows(path, spec.required_columns)


def import_rows(
    *,
    rows: Iterable[tuple[int, Any]],
    fmt: str,
    status: str | None = None,
    source_name: str = "",
    progress: Callable[[int], None] | None = None,
    plain: bool = False,
) -> ImportReport:
    """
    Import numbered rows of `fmt`; see `saving.save_rows`. The fast writer
    does the writing, or with `plain` the plain one, its reference.
    """
    spec = FORMATS[fmt]
    writer: Writer = PlainWriter() if plain else FastWriter()

    def parse(row: Any) -> EventRecord:
        if isinstance(row, RowError):
            raise row
        return spec.parse(row)

    return save_rows(
        rows=rows,
        parse=parse,
        writer=writer,
        status=status or spec.default_status,
        unit=spec.unit,
        context={"import_format": fmt, "import_file": source_name},
        progress=progress,
    )
