"""
The import loop, whatever the format and however the rows are written: the
rows are parsed in chunks of `CHUNK_ROWS`, a row repeating an external id of
an earlier one is refused, and each chunk's records go to a `Writer` in a
transaction of their own, committed before the next chunk is read. History
is written by the pghistory triggers, with the import named in the context
of each change.

Two writers keep the same rules: `write_fast.FastWriter`, which imports use,
and `write_plain.PlainWriter`, the ORM record by record, the reference the
fast one is tested against (tests/test_import_writers.py).
"""

from collections.abc import Callable, Generator, Iterable
from contextlib import closing, nullcontext
from typing import Any, Protocol

import pghistory
from django.db import DataError, IntegrityError, connection

from events.bulk import deferred_cells
from events.interop.records import (
    EventRecord,
    ImportReport,
    Parsed,
    RowError,
    SkipRow,
)

CHUNK_ROWS = 2000

# What became of a record: "created", "updated", "unchanged", or "failed"
# with the reason.
Outcome = tuple[str, str]


class Writer(Protocol):
    """
    How an import's records reach the database: `save_rows` reads the rows
    through `chunks` and hands each chunk's records to `write`, in a
    transaction of their own.
    """

    def chunks(
        self, *, rows: Iterable[tuple[int, Any]], parse: Callable[[Any], EventRecord]
    ) -> Generator[list[tuple[int, Parsed]], None, None]:
        """The numbered rows in chunks of `CHUNK_ROWS`, each row parsed."""
        ...

    def write(self, records: list[EventRecord], *, status: str) -> list[Outcome]:
        """
        Create or update each record's event, new events with `status`; say
        what became of each record, in order. A record that fails leaves
        nothing behind, and the others still go in.
        """
        ...


def parse_chunk(
    chunk: list[tuple[int, Any]], parse: Callable[[Any], EventRecord]
) -> list[tuple[int, Parsed]]:
    """Each numbered row as its record, or the reason it is skipped or refused."""
    parsed: list[tuple[int, Parsed]] = []
    for number, row in chunk:
        try:
            parsed.append((number, parse(row)))
        except (SkipRow, RowError) as outcome:
            parsed.append((number, outcome))
    return parsed


def refusal(error: IntegrityError | DataError) -> str:
    """Why the database refused a record, in the words of its first line."""
    return f"refused by the database: {str(error).splitlines()[0]}"


def save_rows(
    *,
    rows: Iterable[tuple[int, Any]],
    parse: Callable[[Any], EventRecord],
    writer: Writer,
    status: str,
    unit: str = "line",
    context: dict[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """
    Import numbered rows with `parse` (a format's row parser) through
    `writer`. Bad rows are reported with their number and reason; the good
    ones are saved.
    """
    report = ImportReport(unit=unit)
    first_seen: dict[tuple[str, str], int] = {}
    done = 0
    # The chunks are closed however the import ends, so that a writer puts
    # back whatever it changed while reading them. The summed tile cells are
    # added once a transaction: at the end of the import when it runs in its
    # caller's transaction, else at the end of each chunk, before it commits.
    with (
        pghistory.context(**(context or {})),
        closing(writer.chunks(rows=rows, parse=parse)) as chunks,
        deferred_cells() if connection.in_atomic_block else nullcontext(),
    ):
        for chunk in chunks:
            parsed: list[tuple[int, EventRecord]] = []
            for number, record in chunk:
                if isinstance(record, SkipRow):
                    report.skipped += 1
                    continue
                if isinstance(record, RowError):
                    report.errors.append((number, str(record)))
                    continue
                repeated = [key for key in record.key.items() if key in first_seen]
                if repeated:
                    name, value = repeated[0]
                    report.errors.append(
                        (
                            number,
                            f"{name} {value} already came on {unit} "
                            f"{first_seen[repeated[0]]}",
                        )
                    )
                    continue
                for key in record.key.items():
                    first_seen[key] = number
                parsed.append((number, record))
            with deferred_cells():
                outcomes = writer.write([record for _, record in parsed], status=status)
            for (number, _), (outcome, reason) in zip(parsed, outcomes, strict=True):
                if outcome == "failed":
                    report.errors.append((number, reason))
                else:
                    setattr(report, outcome, getattr(report, outcome) + 1)
            done += len(chunk)
            if progress:
                progress(done)
    report.errors.sort()
    return report
