"""
What an import reads, whatever the format: a format turns each row into an
`EventRecord` (plain values, no database) or says why it cannot, with the
helpers below; `events.interop.saving` hands the records to a writer, which
matches each to an event and creates or updates it.
"""

import datetime
import math
import re
import struct
from dataclasses import dataclass, field
from typing import Any

from django.contrib.gis.geos import GEOSGeometry

from events.models import Location, Participant, content_hash

# The roles an import writes. Participants in other roles (a witness an
# editor added, say) are left alone when an event is imported again.
IMPORTED_ROLES = (
    Participant.Role.INITIATOR,
    Participant.Role.PARTICIPANT,
    Participant.Role.TARGET,
)
COORDINATE_DECIMALS = 6
# Points closer than this (about 10 cm) are the same point: coordinates
# written at six decimals come back within half a millionth of a degree.
SAME_POINT_DEGREES = 1e-6
MAX_ID_LENGTH = 40
# Hex EWKB's head for a point with an SRID, little-endian: byte order 1, type
# 1 (point) with the SRID flag (0x20000000), then SRID 4326.
EWKB_POINT_4326 = "0101000020e6100000"


# Bytes that were not UTF-8, kept by the reader as lone surrogates.
UNDECODABLE = re.compile("[\udc80-\udcff]")


class RowError(ValueError):
    """A row that cannot be imported, with the reason in plain words."""


class SkipRow(Exception):
    """A row that is deliberately not imported (not an error)."""


@dataclass(frozen=True)
class ActorRef:
    name: str
    kind: str  # Actor.Kind for an actor that has to be created
    country: str = ""


@dataclass(frozen=True)
class Role:
    actor: ActorRef
    role: str
    capacity: str = ""


@dataclass(frozen=True)
class Place:
    """Where an event happened, as a dataset names it."""

    name: str
    latitude: float
    longitude: float
    country_code: str = ""
    kind: str = Location.Kind.CITY
    source: str = ""  # the dataset, with the admin names it gives
    # "admin1" or "country": the event belongs to an area the project already
    # has (its province, its country), not to a new point.
    area: str = ""
    # Whether any place of this name at this very point will do, whatever
    # its kind and source (for files that come from the tracker itself).
    any_kind: bool = False
    # What tells places apart, with the coordinates rounded as stored.
    key: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        x = round(self.longitude, COORDINATE_DECIMALS)
        y = round(self.latitude, COORDINATE_DECIMALS)
        key = (self.name, x, y, self.country_code, self.kind, self.source,
               self.area, self.any_kind)  # fmt: skip
        object.__setattr__(self, "key", key)


@dataclass(frozen=True)
class SourceRecord:
    """The dataset's own record of the event, stored as an article and quoted."""

    title: str
    publisher: str
    body: str
    quote_start: int
    quote_end: int
    published_on: datetime.date | None = None
    # The body's content hash, which finds an article already holding it.
    digest: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", content_hash(self.body))

    @property
    def quote(self) -> str:
        return self.body[self.quote_start : self.quote_end]


@dataclass
class EventRecord:
    key: dict[str, str]  # external ids the event is matched by
    fields: dict[str, Any]  # Event fields the dataset owns, set on every import
    initial: dict[str, Any]  # Event fields set only when the event is created
    place: Place | None = None
    # None when the file says nothing about participants: they are left alone.
    participants: list[Role] | None = field(default_factory=list)
    source: SourceRecord | None = None
    # How to find the event when the record has no external id.
    match: dict[str, Any] | None = None


# What parsing a row gives: its record, or why it is skipped or refused.
Parsed = EventRecord | SkipRow | RowError


@dataclass
class ImportReport:
    unit: str = "line"
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        text = (
            f"{self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.errors)} failed"
        )
        if self.skipped:
            text += f", {self.skipped} skipped"
        return text + "."

    def error_lines(self) -> list[str]:
        return [f"{self.unit} {number}: {reason}" for number, reason in self.errors]


# --- reading values -------------------------------------------------------------------


def clean_text(row: dict[str, Any]) -> dict[str, str]:
    """A row's cells as stripped text, refusing what PostgreSQL cannot store."""
    cleaned: dict[str, str] = {}
    for name, value in row.items():
        if name is None:  # cells beyond the header
            raise RowError("has more cells than the header has columns")
        text = "" if value is None else str(value)
        if "\x00" in text:
            raise RowError(f"{name} contains a NUL byte")
        if UNDECODABLE.search(text):
            raise RowError(f"{name} is not valid UTF-8")
        cleaned[name] = text.strip()
    return cleaned


def required(row: dict[str, str], name: str) -> str:
    value = row.get(name, "")
    if not value:
        raise RowError(f"{name} is missing")
    return value


def external_id(row: dict[str, str], name: str) -> str:
    value = required(row, name)
    if len(value) > MAX_ID_LENGTH or re.search(r"\s", value):
        raise RowError(f"{name} {value[:60]!r} is not an id")
    return value


def parse_date(value: str, name: str) -> datetime.date:
    """ISO dates ("2023-03-19", with or without a time) and "19 March 2023"."""
    text = value.strip()
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.]+Z?)?", text)
    try:
        if match:
            return datetime.date.fromisoformat(match[1])
        return datetime.datetime.strptime(text, "%d %B %Y").date()
    except ValueError:
        pass
    if not text:
        raise RowError(f"{name} is missing")
    raise RowError(f"{name} {text[:40]!r} is not a date (expected YYYY-MM-DD)")


def parse_coordinate(value: str, name: str, limit: float) -> float:
    if not value:
        raise RowError(f"{name} is missing")
    try:
        number = float(value)
    except ValueError:
        raise RowError(f"{name} {value[:40]!r} is not a number") from None
    if not math.isfinite(number) or abs(number) > limit:
        raise RowError(f"{name} {value[:40]} is out of range (-{limit:g} to {limit:g})")
    return number


def parse_count(value: str, name: str) -> int | None:
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise RowError(f"{name} {value[:40]!r} is not a whole number") from None
    if number < 0 or number > 2**31 - 1:
        raise RowError(f"{name} {number} is out of range")
    return number


def parse_code(value: str, name: str, codes: dict[str, Any]) -> Any:
    try:
        return codes[value]
    except KeyError:
        choices = ", ".join(codes)
        raise RowError(f"{name} {value[:40]!r} is not one of {choices}") from None


def point(latitude: float, longitude: float) -> str:
    """
    The point, rounded as stored, as hex EWKB: what PostGIS reads in a COPY
    and GeoDjango in a geometry field or lookup, made without a GEOS object
    (whose making and freeing cost more than the rest of a row's parsing).
    """
    x = round(longitude, COORDINATE_DECIMALS)
    y = round(latitude, COORDINATE_DECIMALS)
    return EWKB_POINT_4326 + struct.pack("<dd", x, y).hex()


def fatalities_in_order(low: int | None, best: int | None, high: int | None) -> None:
    known = [value for value in (low, best, high) if value is not None]
    if known != sorted(known):
        raise RowError(
            f"fatalities are not low <= best <= high ({low}, {best}, {high})"
        )


def same(current: Any, wanted: Any) -> bool:
    """Whether an event's stored value is the record's, points within 10 cm."""
    if isinstance(current, GEOSGeometry) and isinstance(wanted, str):
        wanted = GEOSGeometry(wanted)
    if isinstance(wanted, GEOSGeometry):
        return current is not None and current.equals_exact(wanted, SAME_POINT_DEGREES)
    return current == wanted
