"""
The values of /ogc/'s query parameters, read strictly: a value that is not
what the API definition says is an InvalidParameter naming the parameter,
which the views answer with a 400, never a server error.
"""

import datetime
import math
import re

from django.contrib.gis.geos import Polygon

from events.ogc.collections import CRSS, EPSG_3857, EPSG_4326, Queryable


class InvalidParameter(ValueError):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")


RFC3339 = re.compile(
    r"(\d{4}-\d{2}-\d{2})(?:[Tt](\d{2}:\d{2}:\d{2}(?:\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?)?"
)


def parse_instant(text: str, name: str = "datetime") -> datetime.date:
    """
    The UTC day of an RFC 3339 date or date-time. A date followed by a bare
    "T" is accepted as the date: GDAL 3.6 writes dates that way.
    """
    match = RFC3339.fullmatch(text)
    if not match:
        raise InvalidParameter(
            name, f"{text[:40]!r} is not an RFC 3339 date or date-time."
        )
    day, time, offset = match.groups()
    try:
        if time is None:
            return datetime.date.fromisoformat(day)
        moment = datetime.datetime.fromisoformat(f"{day}T{time}{offset or 'Z'}")
        return moment.astimezone(datetime.UTC).date()
    except (ValueError, OverflowError):
        raise InvalidParameter(name, f"{text[:40]!r} is not a valid date.") from None


def parse_datetime(value: str) -> tuple[datetime.date | None, datetime.date | None]:
    """An instant, or an interval "start/end" where either end may be open ("..")."""
    if "/" not in value:
        day = parse_instant(value)
        return day, day
    parts = value.split("/")
    if len(parts) != 2:
        raise InvalidParameter("datetime", "an interval has one '/'.")
    start, end = (None if part in ("", "..") else parse_instant(part) for part in parts)
    if start is None and end is None:
        raise InvalidParameter("datetime", "an interval needs at least one end.")
    if start and end and start > end:
        raise InvalidParameter("datetime", "the interval ends before it starts.")
    return start, end


def parse_crs(value: str, name: str) -> str:
    if value not in CRSS:
        raise InvalidParameter(
            name, f"{value[:80]!r} is not offered; use one of {', '.join(CRSS)}."
        )
    return value


# EPSG:3857 covers the world to ±85.06° latitude in a square of this half-side.
MERCATOR_HALF = 20037508.342789244


def parse_bbox(value: str, crs: str) -> list[Polygon]:
    """
    One box, or two when it crosses the antimeridian (west > east), in the
    CRS it was given in (PostGIS transforms it to the data's). Six numbers
    (with heights) are accepted and the heights ignored. EPSG:4326 puts
    latitude first, as its definition does.
    """
    try:
        numbers = [float(part) for part in value.split(",")]
    except ValueError:
        raise InvalidParameter("bbox", "expects 4 comma-separated numbers.") from None
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise InvalidParameter("bbox", "expects 4 comma-separated numbers.")
    if crs == EPSG_4326:
        south, west, north, east = numbers
    else:
        west, south, east, north = numbers
    if crs == EPSG_3857:
        srid, x_limit = 3857, MERCATOR_HALF
        if not all(abs(n) <= MERCATOR_HALF for n in numbers):
            raise InvalidParameter(
                "bbox", "EPSG:3857 coordinates are within ±20037508.34 metres."
            )
    else:
        srid, x_limit = 4326, 180.0
        if not (-180 <= west <= 180 and -180 <= east <= 180):
            raise InvalidParameter("bbox", "longitudes are between -180 and 180.")
        if not (-90 <= south <= 90 and -90 <= north <= 90):
            raise InvalidParameter("bbox", "latitudes are between -90 and 90.")
    if south > north:
        raise InvalidParameter("bbox", "the south edge is north of the north edge.")
    if west > east:
        boxes = [(west, south, x_limit, north), (-x_limit, south, east, north)]
    else:
        boxes = [(west, south, east, north)]
    polygons = []
    for box in boxes:
        polygon = Polygon.from_bbox(box)
        polygon.srid = srid
        polygons.append(polygon)
    return polygons


def parse_positive(value: str, name: str) -> int:
    if not re.fullmatch(r"[0-9]{1,18}", value) or int(value) < 1:
        raise InvalidParameter(name, f"{value[:20]!r} is not a positive whole number.")
    return int(value)


def parse_boolean(value: str, name: str) -> bool:
    if value not in ("true", "false"):
        raise InvalidParameter(name, "is true or false.")
    return value == "true"


def parse_names(value: str, name: str, known: list[str]) -> list[str]:
    """A comma-separated list of distinct names, each one of `known`."""
    names = [part.strip() for part in value.split(",")] if value.strip() else []
    for part in names:
        if part not in known:
            raise InvalidParameter(name, f"{part[:40]!r} is not one of {known}.")
    if len(set(names)) != len(names):
        raise InvalidParameter(name, "names a property twice.")
    return names


MAX_SORT_KEYS = 4


def parse_sortby(
    value: str, queryables: dict[str, Queryable]
) -> list[tuple[Queryable, bool]]:
    """
    `sortby=start_date,-fatalities_best`: queryables, each ascending unless
    prefixed with "-". A "+" prefix is accepted too, also as the space that
    an unencoded "+" becomes in a query string.
    """
    keys = []
    for part in value.split(","):
        part = part.strip(" ")
        descending = part.startswith("-")
        name = part[1:] if part[:1] in "+-" and part else part
        if name not in queryables:
            raise InvalidParameter(
                "sortby", f"{name[:40]!r} is not a queryable; see the queryables."
            )
        keys.append((queryables[name], descending))
    names = [queryable.name for queryable, _ in keys]
    if len(set(names)) != len(names):
        raise InvalidParameter("sortby", "names a property twice.")
    if len(keys) > MAX_SORT_KEYS:
        raise InvalidParameter("sortby", f"takes at most {MAX_SORT_KEYS} properties.")
    return keys


def parse_value(queryable: Queryable, text: str) -> object:
    """A queryable's value in a query parameter of its own (equality)."""
    if queryable.kind == "integer":
        if not re.fullmatch(r"-?[0-9]{1,18}", text):
            raise InvalidParameter(queryable.name, "is a whole number.")
        return int(text)
    if queryable.kind == "date":
        return parse_instant(text, queryable.name)
    if queryable.kind == "date-time":
        match = RFC3339.fullmatch(text)
        try:
            if not match or match.group(2) is None:
                raise ValueError
            day, time, offset = match.groups()
            return datetime.datetime.fromisoformat(f"{day}T{time}{offset or 'Z'}")
        except ValueError:
            raise InvalidParameter(
                queryable.name, f"{text[:40]!r} is not an RFC 3339 date-time."
            ) from None
    return text
