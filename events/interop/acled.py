"""
ACLED's CSV layout, both ways: rows onto events, actors, places and a cited
record of the row, and events back into rows that ACLED's own tooling reads.
The mapping and what does not survive a round trip are in
docs/interoperability.md.
"""

import csv
import datetime
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import IO, Any

from django.db.models import QuerySet

from events.interop import countries
from events.interop.records import (
    ActorRef,
    EventRecord,
    Place,
    Role,
    RowError,
    SkipRow,
    SourceRecord,
    clean_text,
    external_id,
    parse_code,
    parse_coordinate,
    parse_count,
    parse_date,
    point,
    required,
)
from events.models import (
    Actor,
    Citation,
    DatePrecision,
    Event,
    GeoPrecision,
    Location,
    Participant,
)

# The column order of ACLED's exports (2023 onwards), which the export keeps.
COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type",
    "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2",
    "assoc_actor_2", "inter2", "interaction", "civilian_targeting", "iso", "region",
    "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude",
    "geo_precision", "source", "source_scale", "notes", "fatalities", "tags",
    "timestamp",
]  # fmt: skip
REQUIRED_COLUMNS = [
    "event_id_cnty", "event_date", "time_precision", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2",
    "assoc_actor_2", "inter2", "country", "location", "latitude", "longitude",
    "geo_precision", "source", "notes", "fatalities",
]  # fmt: skip
PUBLISHER = "ACLED"
# Ids the export writes for events that did not come from ACLED.
OWN_ID = re.compile(r"^ZGR[0-9]+$")
OWN_ID_PREFIX = "ZGR"
COORDINATE_DECIMALS = 4  # ACLED's own precision

BATTLES = "Battles"
REMOTE_VIOLENCE = "Explosions/Remote violence"
VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
PROTESTS = "Protests"
RIOTS = "Riots"
STRATEGIC = "Strategic developments"

EVENT_TYPES = {
    BATTLES: Event.Type.BATTLE,
    REMOTE_VIOLENCE: Event.Type.REMOTE_VIOLENCE,
    VIOLENCE_AGAINST_CIVILIANS: Event.Type.VIOLENCE_AGAINST_CIVILIANS,
    PROTESTS: Event.Type.PROTEST,
    RIOTS: Event.Type.RIOT,
}
STRATEGIC_SUB_TYPES = {
    "Arrests": Event.Type.ARREST,
    "Agreement": Event.Type.AGREEMENT,
    "Change to group/activity": Event.Type.DEPLOYMENT,
}
ACLED_TYPE = {value: name for name, value in EVENT_TYPES.items()}
DEFAULT_SUB_TYPE = {value: name for name, value in STRATEGIC_SUB_TYPES.items()}

TIME_PRECISION = {
    "1": DatePrecision.DAY,
    "2": DatePrecision.WEEK,
    "3": DatePrecision.MONTH,
}
# ACLED codes an uncertain date as a day inside the period it may fall in;
# the event keeps the window around that day, so the day comes back out as
# the window's middle.
HALF_WINDOW = {DatePrecision.DAY: 0, DatePrecision.WEEK: 3, DatePrecision.MONTH: 15}
GEO_PRECISION = {
    "1": GeoPrecision.EXACT,
    "2": GeoPrecision.NEAR,
    "3": GeoPrecision.REGION,
}
GEO_PRECISION_CODE = {
    GeoPrecision.EXACT: "1",
    GeoPrecision.NEAR: "2",
    GeoPrecision.REGION: "3",
    GeoPrecision.COUNTRY: "3",
}

# ACLED's actor types (inter1, inter2): the label is kept as the capacity the
# actor took part in, so the code survives a round trip.
INTER_LABELS = {
    "1": "State forces",
    "2": "Rebel group",
    "3": "Political militia",
    "4": "Identity militia",
    "5": "Rioters",
    "6": "Protesters",
    "7": "Civilians",
    "8": "External/Other forces",
}
INTER_CODES = {label.casefold(): code for code, label in INTER_LABELS.items()}
INTER_KINDS = {
    "1": Actor.Kind.SECURITY_FORCE,
    "2": Actor.Kind.ARMED_GROUP,
    "3": Actor.Kind.ARMED_GROUP,
    "4": Actor.Kind.ARMED_GROUP,
    "5": Actor.Kind.OTHER,
    "6": Actor.Kind.CIVILIANS,
    "7": Actor.Kind.CIVILIANS,
    "8": Actor.Kind.SECURITY_FORCE,
}
# For actors that did not come from ACLED, the closest actor type.
KIND_CODES = {
    Actor.Kind.STATE: "1",
    Actor.Kind.GOVERNMENT_BODY: "1",
    Actor.Kind.SECURITY_FORCE: "1",
    Actor.Kind.ARMED_GROUP: "2",
    Actor.Kind.CIVILIANS: "7",
}
OTHER_FORCES = "8"
CIVILIANS = "7"
NO_ACTOR = "0"
# Roles on actor1's side; mediators, witnesses and the merely mentioned are
# on neither side.
SIDE_ONE = (
    Participant.Role.INITIATOR,
    Participant.Role.PARTICIPANT,
    Participant.Role.SIGNATORY,
)

ADMIN_SEPARATOR = " › "
PLACE_SOURCE = "ACLED: "
# Country names ACLED writes inside actor names: "Civilians (Iraq)",
# "Military Forces of Iran (1989-)".
ACTOR_COUNTRY = [
    re.compile(r"\(([^()]+)\)\s*$"),
    re.compile(r"\bof ([A-Z][A-Za-z ]+?)(?:\s*\(|\s*$)"),
]


# --- import ---------------------------------------------------------------------------


def event_type(row: dict[str, str]) -> str:
    name = required(row, "event_type")
    for acled_name, value in EVENT_TYPES.items():
        if name.casefold() == acled_name.casefold():
            return value
    if name.casefold() == STRATEGIC.casefold():
        return STRATEGIC_SUB_TYPES.get(row["sub_event_type"], Event.Type.OTHER)
    raise RowError(f"unknown event_type {name[:60]!r}")


def inter_code(value: str, name: str) -> str:
    """ACLED's actor type as a code, from a code or (2024 layout) a label."""
    if value in INTER_LABELS:
        return value
    if value.casefold() in INTER_CODES:
        return INTER_CODES[value.casefold()]
    raise RowError(f"{name} {value[:40]!r} is not an ACLED actor type (1-8)")


def actor_country(name: str) -> str:
    for pattern in ACTOR_COUNTRY:
        match = pattern.search(name)
        country = countries.by_name(match[1]) if match else None
        if country:
            return country.alpha3
    return ""


def actor_names(value: str) -> list[str]:
    return [name.strip() for name in value.split(";") if name.strip()]


def side(
    row: dict[str, str], number: str, *, main_role: str, associate_role: str
) -> list[Role]:
    name = row[f"actor{number}"]
    inter = row[f"inter{number}"]
    associates = actor_names(row[f"assoc_actor_{number}"])
    if not name:
        if inter not in ("", NO_ACTOR) or associates:
            raise RowError(f"actor{number} is missing")
        return []
    code = inter_code(inter, f"inter{number}")
    roles = [
        Role(
            ActorRef(name, INTER_KINDS[code], actor_country(name)),
            main_role,
            INTER_LABELS[code],
        )
    ]
    # Associated actors are often identities ("Women (Iraq)"), not forces:
    # they are created as "other" rather than given the main actor's type.
    roles += [
        Role(ActorRef(other, Actor.Kind.OTHER, actor_country(other)), associate_role)
        for other in associates
    ]
    return roles


def one_line(text: str) -> str:
    return re.sub(r"\s*[\r\n]+\s*", " ", text)


def source_record(
    event_id: str, row: dict[str, str], day: datetime.date
) -> SourceRecord:
    """
    ACLED's record of the event as an article: its id, sources, source scale
    and tags, then the notes, which the event cites. The id keeps two events
    with the same notes from sharing one article.
    """
    header = "".join(
        f"{label}: {one_line(row.get(column, ''))}\n"
        for label, column in (
            ("Source", "source"),
            ("Source scale", "source_scale"),
            ("Tags", "tags"),
        )
    )
    header = f"ACLED event {event_id}\n{header}\n"
    notes = row["notes"]
    if notes:
        start, end = len(header), len(header) + len(notes)
    else:
        start, end = header.index("Source:"), header.index("\nSource scale:")
    return SourceRecord(
        title=f"ACLED event {event_id}",
        publisher=PUBLISHER,
        body=header + notes,
        quote_start=start,
        quote_end=end,
        published_on=day,
    )


def parse_row(raw: dict[str, Any]) -> EventRecord:
    row = clean_text(raw)
    event_id = external_id(row, "event_id_cnty")
    if OWN_ID.match(event_id):
        raise SkipRow(event_id)
    day = parse_date(row["event_date"], "event_date")
    precision = parse_code(row["time_precision"], "time_precision", TIME_PRECISION)
    window = datetime.timedelta(days=HALF_WINDOW[precision])
    kind = event_type(row)
    latitude = parse_coordinate(row["latitude"], "latitude", 90)
    longitude = parse_coordinate(row["longitude"], "longitude", 180)
    fatalities = parse_count(row["fatalities"], "fatalities")
    place_name = required(row, "location")
    country = countries.by_name(row["country"]) or countries.by_numeric(
        row.get("iso", "")
    )
    admin = ADMIN_SEPARATOR.join(row.get(f"admin{n}", "") for n in (1, 2, 3))
    participants = side(
        row,
        "1",
        main_role=Participant.Role.INITIATOR,
        associate_role=Participant.Role.PARTICIPANT,
    ) + side(
        row,
        "2",
        main_role=Participant.Role.TARGET,
        associate_role=Participant.Role.TARGET,
    )
    if not participants:
        raise RowError("actor1 is missing")
    sub_type = row["sub_event_type"]
    title = f"{sub_type or row['event_type']} in {place_name}"
    return EventRecord(
        key={"acled_id": event_id},
        fields={
            "summary": row["notes"],
            "event_type": kind,
            "sub_event_type": sub_type[:100],
            "start_date": day - window,
            "end_date": day + window,
            "date_precision": precision,
            "geo_precision": parse_code(
                row["geo_precision"], "geo_precision", GEO_PRECISION
            ),
            "point": point(latitude, longitude),
            "fatalities_best": fatalities,
            "acled_id": event_id,
        },
        initial={"title": title[:300]},
        place=Place(
            name=place_name[:200],
            latitude=latitude,
            longitude=longitude,
            country_code=country.alpha3 if country else "",
            source=(PLACE_SOURCE + admin)[:200],
        ),
        participants=participants,
        source=source_record(event_id, row, day),
    )


# --- export ---------------------------------------------------------------------------


def disorder_type(kind: str, sub_type: str) -> str:
    """ACLED's disorder type follows from the event and sub-event type."""
    if kind in (
        Event.Type.BATTLE,
        Event.Type.REMOTE_VIOLENCE,
        Event.Type.VIOLENCE_AGAINST_CIVILIANS,
    ):
        return "Political violence"
    if kind == Event.Type.PROTEST:
        if sub_type.casefold() == "excessive force against protesters":
            return "Political violence; Demonstrations"
        return "Demonstrations"
    if kind == Event.Type.RIOT:
        if sub_type.casefold() == "mob violence":
            return "Political violence"
        return "Demonstrations"
    return "Strategic developments"


def civilian_targeting(disorder: str, inter2: str) -> str:
    """ACLED flags political violence whose target (actor2) is civilians."""
    if "Political violence" in disorder and inter2 == CIVILIANS:
        return "Civilian targeting"
    return ""


def acled_date(
    start: datetime.date, end: datetime.date, precision: str
) -> tuple[datetime.date, str]:
    """ACLED's event_date and time_precision for a date range."""
    middle = start + (end - start) // 2
    days = (end - start).days
    if precision == DatePrecision.DAY and days == 0:
        return middle, "1"
    if days <= 6:
        return middle, "2"
    return middle, "3"  # ACLED's coarsest code, also for years


def record_fields(body: str) -> dict[str, str]:
    """The source, source scale and tags an imported ACLED record kept."""
    fields = {}
    for label, column in (
        ("Source", "source"),
        ("Source scale", "source_scale"),
        ("Tags", "tags"),
    ):
        match = re.search(rf"^{label}: (.*)$", body, re.MULTILINE)
        fields[column] = match[1] if match else ""
    return fields


def admin_names(event: dict[str, Any]) -> list[str]:
    source = event["location__source"] or ""
    if source.startswith(PLACE_SOURCE):
        names = source[len(PLACE_SOURCE) :].split(ADMIN_SEPARATOR)
        if len(names) == 3:
            return names
    if event["location__kind"] == Location.Kind.ADMIN1:
        return [event["location__name"], "", ""]
    if event["location__parent__kind"] == Location.Kind.ADMIN1:
        return [event["location__parent__name"], "", ""]
    return ["", "", ""]


def inter_for(participant: dict[str, Any] | None) -> str:
    if participant is None:
        return NO_ACTOR
    code = INTER_CODES.get(participant["capacity"].casefold())
    return code or KIND_CODES.get(participant["actor__kind"], OTHER_FORCES)


def sides(participants: list[dict[str, Any]]) -> dict[str, Any]:
    """
    actor1 is the first initiator (or the first participant of any other
    role on that side); actor2 the target that carries an ACLED actor type,
    else the first target. The rest of each side are its associated actors.
    """
    one = [p for p in participants if p["role"] in SIDE_ONE]
    two = [p for p in participants if p["role"] == Participant.Role.TARGET]
    first = next((p for p in one if p["role"] == Participant.Role.INITIATOR), None)
    first = first or (one[0] if one else None)
    second = next((p for p in two if p["capacity"].casefold() in INTER_CODES), None)
    second = second or (two[0] if two else None)
    return {
        "actor1": first,
        "assoc_actor_1": [p for p in one if p is not first],
        "actor2": second,
        "assoc_actor_2": [p for p in two if p is not second],
    }


def interaction(inter1: str, inter2: str) -> str:
    """Both actor types, lower first ("13"); a lone actor's type and 0 ("60")."""
    if inter1 == NO_ACTOR:
        return ""
    if inter2 == NO_ACTOR:
        return f"{inter1}0"
    return "".join(sorted([inter1, inter2]))


def export_rows(
    events: QuerySet, *, chunk_size: int = 2000
) -> Iterator[dict[str, str]]:
    """Each event as an ACLED row, in the queryset's order."""
    rows = events.values(
        "id", "acled_id", "start_date", "end_date", "date_precision", "event_type",
        "sub_event_type", "geo_precision", "point", "summary", "fatalities_best",
        "updated_at", "location__name", "location__kind", "location__source",
        "location__country_code", "location__parent__name", "location__parent__kind",
    )  # fmt: skip
    chunk: list[dict[str, Any]] = []
    for event in rows.iterator(chunk_size=chunk_size):
        chunk.append(event)
        if len(chunk) >= chunk_size:
            yield from _rows(chunk)
            chunk = []
    if chunk:
        yield from _rows(chunk)


def _rows(events: list[dict[str, Any]]) -> Iterator[dict[str, str]]:
    ids = [event["id"] for event in events]
    participants = defaultdict(list)
    for participant in (
        Participant.objects.filter(event__in=ids)
        .order_by("id")
        .values("event_id", "role", "capacity", "actor__name", "actor__kind")
    ):
        participants[participant["event_id"]].append(participant)
    records: dict[int, str] = {}
    publishers = defaultdict(list)
    for event_id, publisher, title, body in (
        Citation.objects.filter(event__in=ids)
        .order_by("article__publisher", "id")
        .values_list(
            "event_id", "article__publisher", "article__title", "article__body"
        )
    ):
        if publisher == PUBLISHER and title.startswith("ACLED event "):
            records[event_id] = body
        elif publisher and publisher not in publishers[event_id]:
            publishers[event_id].append(publisher)
    for event in events:
        yield row_for(
            event,
            participants[event["id"]],
            records.get(event["id"]),
            publishers[event["id"]],
        )


def row_for(
    event: dict[str, Any],
    participants: list[dict[str, Any]],
    record: str | None,
    publishers: list[str],
) -> dict[str, str]:
    day, time_precision = acled_date(
        event["start_date"], event["end_date"], event["date_precision"]
    )
    acled_sides = sides(participants)
    inter1 = inter_for(acled_sides["actor1"])
    inter2 = inter_for(acled_sides["actor2"])
    country = countries.BY_ALPHA3.get(event["location__country_code"] or "")
    admin1, admin2, admin3 = admin_names(event)
    kept = (
        record_fields(record)
        if record
        else {
            "source": "; ".join(publishers),
            "source_scale": "",
            "tags": "",
        }
    )
    where = event["point"]
    sub_type = event["sub_event_type"] or DEFAULT_SUB_TYPE.get(event["event_type"], "")
    if not sub_type and event["event_type"] not in ACLED_TYPE:
        sub_type = "Other"
    disorder = disorder_type(event["event_type"], sub_type)
    return {
        "event_id_cnty": event["acled_id"] or f"{OWN_ID_PREFIX}{event['id']}",
        "event_date": day.isoformat(),
        "year": str(day.year),
        "time_precision": time_precision,
        "disorder_type": disorder,
        "event_type": ACLED_TYPE.get(event["event_type"], STRATEGIC),
        "sub_event_type": sub_type,
        "actor1": _name(acled_sides["actor1"]),
        "assoc_actor_1": "; ".join(
            p["actor__name"] for p in acled_sides["assoc_actor_1"]
        ),
        "inter1": "" if inter1 == NO_ACTOR else inter1,
        "actor2": _name(acled_sides["actor2"]),
        "assoc_actor_2": "; ".join(
            p["actor__name"] for p in acled_sides["assoc_actor_2"]
        ),
        "inter2": inter2,
        "interaction": interaction(inter1, inter2),
        "civilian_targeting": civilian_targeting(disorder, inter2),
        "iso": str(country.iso_numeric) if country else "",
        "region": country.region if country else "",
        "country": country.name if country else "",
        "admin1": admin1,
        "admin2": admin2,
        "admin3": admin3,
        "location": event["location__name"] or "",
        "latitude": f"{where.y:.{COORDINATE_DECIMALS}f}" if where else "",
        "longitude": f"{where.x:.{COORDINATE_DECIMALS}f}" if where else "",
        "geo_precision": GEO_PRECISION_CODE[event["geo_precision"]],
        "source": kept["source"],
        "source_scale": kept["source_scale"],
        "notes": event["summary"],
        "fatalities": ""
        if event["fatalities_best"] is None
        else str(event["fatalities_best"]),
        "tags": kept["tags"],
        "timestamp": str(int(event["updated_at"].timestamp())),
    }


def _name(participant: dict[str, Any] | None) -> str:
    return participant["actor__name"] if participant else ""


def write_csv(events: QuerySet, fh: IO[str]) -> int:
    writer = csv.DictWriter(fh, fieldnames=COLUMNS)
    writer.writeheader()
    count = 0
    for row in export_rows(events):
        writer.writerow(row)
        count += 1
    return count
