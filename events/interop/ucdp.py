"""
UCDP's Georeferenced Event Dataset (GED) CSV onto events: the dates UCDP gives
are kept as the event's range, its precision codes translated, side A and
side B become the initiator and target, the three death estimates the
fatalities, and UCDP's record of its sources is cited.
"""

from typing import Any

from events.interop import countries
from events.interop.records import (
    ActorRef,
    EventRecord,
    Place,
    Role,
    RowError,
    SourceRecord,
    clean_text,
    external_id,
    fatalities_in_order,
    parse_code,
    parse_coordinate,
    parse_count,
    parse_date,
    point,
    required,
)
from events.models import (
    Actor,
    DatePrecision,
    Event,
    GeoPrecision,
    Location,
    Participant,
)

REQUIRED_COLUMNS = [
    "id", "date_start", "date_end", "date_prec", "where_prec", "type_of_violence",
    "side_a", "side_b", "best", "low", "high", "latitude", "longitude", "country",
]  # fmt: skip
PUBLISHER = "UCDP GED"

TYPE_OF_VIOLENCE = {
    "1": (Event.Type.BATTLE, "State-based conflict"),
    "2": (Event.Type.BATTLE, "Non-state conflict"),
    "3": (Event.Type.VIOLENCE_AGAINST_CIVILIANS, "One-sided violence"),
}
# date_prec: 1 the day, 2 a span of 2-6 days, 3 about a week to a month,
# 4 more than a month but within the year, 5 only the year.
DATE_PRECISION = {
    "1": DatePrecision.DAY,
    "2": DatePrecision.WEEK,
    "3": DatePrecision.MONTH,
    "4": DatePrecision.MONTH,
    "5": DatePrecision.YEAR,
}
# where_prec: 1 the place, 2 within 25 km of it, 3 its second-order
# administrative area, 4 its province, 5 a larger part of the country or a
# linear feature, 6 only the country, 7 international waters or airspace.
# Kind of place to create, precision, and an area to use instead of a point.
WHERE_PRECISION = {
    "1": (Location.Kind.CITY, GeoPrecision.EXACT, ""),
    "2": (Location.Kind.CITY, GeoPrecision.NEAR, ""),
    "3": (Location.Kind.REGION, GeoPrecision.REGION, ""),
    "4": (Location.Kind.REGION, GeoPrecision.REGION, "admin1"),
    "5": (Location.Kind.REGION, GeoPrecision.REGION, ""),
    "6": (Location.Kind.REGION, GeoPrecision.COUNTRY, "country"),
    "7": (Location.Kind.REGION, GeoPrecision.REGION, ""),
}
GOVERNMENT = "Government of "
ADMIN_SEPARATOR = " › "


def actor(name: str, country: str) -> ActorRef:
    """
    UCDP names a state "Government of Iraq"; one-sided violence targets
    "Civilians", kept apart per country; everything else is an armed group.
    """
    if name.startswith(GOVERNMENT):
        state = countries.by_name(name[len(GOVERNMENT) :].split("(")[0])
        return ActorRef(name, Actor.Kind.STATE, state.alpha3 if state else "")
    if name.casefold() == "civilians":
        return ActorRef(name, Actor.Kind.CIVILIANS, country)
    return ActorRef(name, Actor.Kind.ARMED_GROUP, "")


def source_record(event_id: str, row: dict[str, str]) -> SourceRecord:
    lines = [f"UCDP GED event {event_id}"]
    for label, column in (
        ("Conflict", "conflict_name"),
        ("Dyad", "dyad_name"),
        ("Headline", "source_headline"),
        ("Office", "source_office"),
        ("Date", "source_date"),
    ):
        if row.get(column):
            lines.append(f"{label}: {' '.join(row[column].split())}")
    header = "\n".join(lines) + "\n\n"
    sources = row.get("source_article", "")
    if sources:
        start, end = len(header), len(header) + len(sources)
    else:
        start, end = 0, len(lines[0])
    return SourceRecord(
        title=f"UCDP GED event {event_id}",
        publisher=PUBLISHER,
        body=header + sources,
        quote_start=start,
        quote_end=end,
    )


def parse_row(raw: dict[str, Any]) -> EventRecord:
    row = clean_text(raw)
    event_id = external_id(row, "id")
    start = parse_date(row["date_start"], "date_start")
    end = parse_date(row["date_end"], "date_end")
    if end < start:
        raise RowError(f"date_end {end} is before date_start {start}")
    precision = parse_code(row["date_prec"], "date_prec", DATE_PRECISION)
    kind, violence = parse_code(
        row["type_of_violence"], "type_of_violence", TYPE_OF_VIOLENCE
    )
    place_kind, geo_precision, area = parse_code(
        row["where_prec"], "where_prec", WHERE_PRECISION
    )
    latitude = parse_coordinate(row["latitude"], "latitude", 90)
    longitude = parse_coordinate(row["longitude"], "longitude", 180)
    low = parse_count(row["low"], "low")
    best = parse_count(row["best"], "best")
    high = parse_count(row["high"], "high")
    fatalities_in_order(low, best, high)
    country = countries.by_name(required(row, "country"))
    country_code = country.alpha3 if country else ""
    place_name = row.get("where_coordinates") or row.get("adm_1") or row["country"]
    side_a = required(row, "side_a")
    side_b = required(row, "side_b")
    dyad = row.get("dyad_name") or f"{side_a} - {side_b}"
    summary = f"{violence}, {dyad}, at {place_name}: {best} deaths"
    if low is not None and high is not None:
        summary += f" (low {low}, high {high})"
    admin = ADMIN_SEPARATOR.join([row.get("adm_1", ""), row.get("adm_2", "")])
    return EventRecord(
        key={"ucdp_id": event_id},
        fields={
            "summary": summary + ".",
            "event_type": kind,
            "start_date": start,
            "end_date": end,
            "date_precision": precision,
            "geo_precision": geo_precision,
            "point": point(latitude, longitude),
            "fatalities_low": low,
            "fatalities_best": best,
            "fatalities_high": high,
            "ucdp_id": event_id,
        },
        initial={"title": f"{dyad} in {place_name}"[:300]},
        place=Place(
            name=place_name[:200],
            latitude=latitude,
            longitude=longitude,
            country_code=country_code,
            kind=place_kind,
            source=f"UCDP GED: {admin}"[:200],
            area=area,
        ),
        participants=[
            Role(actor(side_a, country_code), Participant.Role.INITIATOR),
            Role(actor(side_b, country_code), Participant.Role.TARGET),
        ],
        source=source_record(event_id, row),
    )
