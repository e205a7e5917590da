"""
The tracker's GeoJSON shape for events, both ways. Features are built as JSON
text by PostgreSQL (the OGC API's pages, the GeoJSON and GeoPackage exports);
a FeatureCollection in the same shape, or any collection of point features
with the same property names, imports back.
"""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet

from events.features import FULL_PROPERTIES, features
from events.interop.records import (
    IMPORTED_ROLES,
    MAX_ID_LENGTH,
    SAME_POINT_DEGREES,
    ActorRef,
    EventRecord,
    Place,
    Role,
    RowError,
    clean_text,
    fatalities_in_order,
    parse_coordinate,
    parse_date,
    point,
)
from events.models import (
    EXTERNAL_IDS,
    Actor,
    DatePrecision,
    Event,
    GeoPrecision,
    Location,
    Participant,
)
from events.queries import bulk_read

PLACE_SOURCE = "GeoJSON import"


def event_features(events: QuerySet) -> QuerySet:
    """Each event as the text of a GeoJSON Feature, in the queryset's order."""
    return features(events, properties=FULL_PROPERTIES)


def write_collection(events: QuerySet, fh: IO[str], *, chunk_size: int = 2000) -> int:
    fh.write('{"type":"FeatureCollection","features":[\n')
    count = 0
    with bulk_read():
        for feature in event_features(events).iterator(chunk_size=chunk_size):
            fh.write((",\n" if count else "") + feature)
            count += 1
    fh.write("\n]}\n")
    return count


def write_geopackage(events: QuerySet, path: Path) -> int:
    """The events as a GeoPackage layer named "events", written by GDAL's ogr2ogr."""
    ogr2ogr = shutil.which("ogr2ogr")
    if ogr2ogr is None:
        raise RuntimeError("ogr2ogr (GDAL) is not installed")
    with tempfile.TemporaryDirectory() as workdir:
        source = Path(workdir) / "events.geojson"
        with source.open("w", encoding="utf-8") as fh:
            count = write_collection(events, fh)
        path.unlink(missing_ok=True)
        subprocess.run(
            [
                ogr2ogr,
                "-f",
                "GPKG",
                str(path),
                str(source),
                "-nln",
                "events",
                "-nlt",
                "POINT",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
    return count


# --- import ---------------------------------------------------------------------------

ROLES = {role.value for role in IMPORTED_ROLES}


def read_features(path: Path) -> list[Any]:
    with path.open(encoding="utf-8") as fh:
        document = json.load(fh)
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ValueError("not a GeoJSON FeatureCollection")
    features = document.get("features")
    if not isinstance(features, list):
        raise ValueError("the FeatureCollection has no features array")
    return features


def _choice(value: Any, name: str, choices: type, default: str | None) -> str:
    if value in (None, "") and default is not None:
        return default
    if value not in choices.values:
        raise RowError(
            f"{name} {str(value)[:40]!r} is not one of {', '.join(choices.values)}"
        )
    return value


def _count(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RowError(f"{name} {str(value)[:40]!r} is not a whole number")
    return value


def _participants(value: Any) -> list[Role] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise RowError("participants is not a list")
    roles = []
    for item in value:
        if not isinstance(item, dict):
            raise RowError("each participant is an object with a name")
        text = clean_text({name: item.get(name) for name in ("name", "country")})
        if not text["name"]:
            raise RowError("each participant needs a name")
        role = item.get("role") or Participant.Role.PARTICIPANT
        if role not in ROLES:
            raise RowError(
                f"participant role {str(role)[:40]!r} is not one of "
                + ", ".join(sorted(ROLES))
            )
        kind = _choice(
            item.get("kind"), "participant kind", Actor.Kind, Actor.Kind.OTHER
        )
        country = text["country"].upper()
        if country and not (len(country) == 3 and country.isalpha()):
            raise RowError(f"participant country {country[:10]!r} is not alpha-3")
        roles.append(Role(ActorRef(text["name"][:300], kind, country), role))
    return roles


def parse_feature(feature: Any) -> EventRecord:
    """
    A point feature with at least title, event_type and start_date. It is
    matched by acled_id, ucdp_id or gdelt_id when it has one, else by its
    title, type, dates and point (see docs/interoperability.md).
    """
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise RowError("not a GeoJSON Feature")
    properties = feature.get("properties") or {}
    geometry = feature.get("geometry") or {}
    if not isinstance(properties, dict):
        raise RowError("properties is not an object")
    if geometry.get("type") != "Point" or not isinstance(
        geometry.get("coordinates"), list
    ):
        raise RowError("geometry is not a Point")
    coordinates = geometry["coordinates"]
    if len(coordinates) < 2:
        raise RowError("the Point has no coordinates")
    longitude = parse_coordinate(str(coordinates[0]), "longitude", 180)
    latitude = parse_coordinate(str(coordinates[1]), "latitude", 90)
    text = clean_text(
        {
            name: properties.get(name)
            for name in (
                "title",
                "summary",
                "event_type",
                "sub_event_type",
                "start_date",
                "end_date",
                "location",
                "country_code",
                *EXTERNAL_IDS,
            )
        }
    )
    title = text["title"]
    if not title:
        raise RowError("title is missing")
    start = parse_date(text["start_date"], "start_date")
    end = parse_date(text["end_date"], "end_date") if text["end_date"] else start
    if end < start:
        raise RowError(f"end_date {end} is before start_date {start}")
    low = _count(properties.get("fatalities_low"), "fatalities_low")
    best = _count(properties.get("fatalities_best"), "fatalities_best")
    high = _count(properties.get("fatalities_high"), "fatalities_high")
    fatalities_in_order(low, best, high)
    ids = {name: text[name] for name in EXTERNAL_IDS if text[name]}
    for name, value in ids.items():
        if len(value) > MAX_ID_LENGTH:
            raise RowError(f"{name} {value[:60]!r} is not an id")
    country_code = text["country_code"].upper()
    if country_code and not (len(country_code) == 3 and country_code.isalpha()):
        raise RowError(f"country_code {country_code[:10]!r} is not ISO 3166-1 alpha-3")
    fields = {
        "title": title[:300],
        "summary": text["summary"],
        "event_type": _choice(text["event_type"], "event_type", Event.Type, None),
        "sub_event_type": text["sub_event_type"][:100],
        "start_date": start,
        "end_date": end,
        "date_precision": _choice(
            properties.get("date_precision"),
            "date_precision",
            DatePrecision,
            DatePrecision.DAY,
        ),
        "geo_precision": _choice(
            properties.get("geo_precision"),
            "geo_precision",
            GeoPrecision,
            GeoPrecision.EXACT,
        ),
        "point": point(latitude, longitude),
        "fatalities_low": low,
        "fatalities_best": best,
        "fatalities_high": high,
        **ids,
    }
    place = None
    if text["location"]:
        place = Place(
            name=text["location"][:200],
            latitude=latitude,
            longitude=longitude,
            country_code=country_code,
            kind=Location.Kind.SITE,
            source=PLACE_SOURCE,
            any_kind=True,
        )
    record = EventRecord(
        key=ids,
        fields=fields,
        initial={},
        place=place,
        participants=_participants(properties.get("participants")),
    )
    if not ids:
        record.match = fingerprint(record)
    return record


def fingerprint(record: EventRecord) -> dict[str, Any]:
    """What identifies a feature that carries no external id."""
    fields = record.fields
    return {
        "title": fields["title"],
        "event_type": fields["event_type"],
        "start_date": fields["start_date"],
        "end_date": fields["end_date"],
        "point__dwithin": (fields["point"], SAME_POINT_DEGREES),
        **{name: "" for name in EXTERNAL_IDS},
    }
