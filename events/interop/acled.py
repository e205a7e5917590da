"""
ACLED's CSV layout, both ways: rows onto events, actors, places and a cited
record of the row, and events back into rows that ACLED's own tooling reads.
The mapping and what does not survive a round trip are in
docs/interoperability.md.
"""

import csv
import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    BigIntegerField,
    Case,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce

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
from events.queries import bulk_read

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
STATE_FORCES = "1"
REBEL_GROUP = "2"
RIOTERS = "5"
PROTESTERS = "6"
CIVILIANS = "7"
OTHER_FORCES = "8"
NO_ACTOR = "0"
# For actors that did not come from ACLED, the kinds that are a state's
# forces, and those that make up a crowd in demonstrations.
STATE_KINDS = (
    Actor.Kind.STATE,
    Actor.Kind.GOVERNMENT_BODY,
    Actor.Kind.SECURITY_FORCE,
)
CROWD_KINDS = (
    Actor.Kind.CIVILIANS,
    Actor.Kind.POLITICAL_PARTY,
    Actor.Kind.PERSON,
    Actor.Kind.MEDIA,
    Actor.Kind.OTHER,
)
# Roles on actor1's side; mediators, witnesses and the merely mentioned are
# on neither side.
SIDE_ONE = (
    Participant.Role.INITIATOR,
    Participant.Role.PARTICIPANT,
    Participant.Role.SIGNATORY,
)

ADMIN_SEPARATOR = " › "
PLACE_SOURCE = "ACLED: "
# The lines of an event's ACLED record (the cited article an import writes)
# that hold columns with no field of their own, by column and label.
RECORD_TITLE = "ACLED event "
RECORD_LINES = (
    ("source", "Source"),
    ("source_scale", "Source scale"),
    ("tags", "Tags"),
)
# ACLED's government period in an actor's name, as PostgreSQL reads it.
ACLED_PERIOD = r"\(\d{4}-(\d{4})?\)"
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
        f"{label}: {one_line(row.get(column, ''))}\n" for column, label in RECORD_LINES
    )
    header = f"{RECORD_TITLE}{event_id}\n{header}\n"
    notes = row["notes"]
    if notes:
        start, end = len(header), len(header) + len(notes)
    else:
        start, end = header.index("Source:"), header.index("\nSource scale:")
    return SourceRecord(
        title=f"{RECORD_TITLE}{event_id}",
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


@dataclass(frozen=True)
class Party:
    """
    A participant as the exports read it (the cells of `party_cells`). `kind`
    and `country` are those that give the actor's ACLED type: for a person,
    those of whom they acted for (the participant's `on_behalf_of`, else the
    body they belong to), since ACLED codes an office holder as the state or
    group behind them.
    """

    role: str
    capacity: str
    kind: str
    country: str
    name: str


def plain(expression: Any) -> Coalesce:
    """A text cell as it is stored, blank for NULL."""
    return Coalesce(expression, Value(""), output_field=TextField())


class FirstMatching(Func):
    """The first element of a text array that matches a regular expression."""

    template = "(SELECT x FROM unnest(%(expressions)s) ORDER BY n LIMIT 1)"
    arg_joiner = ") WITH ORDINALITY AS u(x, n) WHERE x ~ ("
    output_field = TextField()


def actor_name() -> Coalesce:
    """
    The participant's actor as ACLED names it: ACLED's own spelling with a
    government period ("Military Forces of Iran (1989-) Islamic
    Revolutionary Guard Corps"), which an actor keeps as an alias when an
    ACLED import found it under that name (actor_identity), else its name.
    """
    return Coalesce(
        FirstMatching(F("actor__aliases"), Value(ACLED_PERIOD)), F("actor__name")
    )


def party_cells(name: Any = None) -> ArraySubquery:
    """
    The event's participants in the order they were added, each as the text
    array [role, capacity, kind, country, name], Party's fields. `name` is
    the actor's name as the output writes it.
    """
    person = Q(actor__kind=Actor.Kind.PERSON)

    def coding(field: str) -> Case:
        return Case(
            When(person & Q(on_behalf_of__isnull=False), then=f"on_behalf_of__{field}"),
            When(
                person & Q(actor__parent__isnull=False), then=f"actor__parent__{field}"
            ),
            default=f"actor__{field}",
        )

    return ArraySubquery(
        Participant.objects.filter(event=OuterRef("pk"))
        .order_by("id")
        .values(
            cells=Func(
                "role",
                "capacity",
                coding("kind"),
                coding("country"),
                actor_name() if name is None else name,
                template="ARRAY[%(expressions)s]::text[]",
                output_field=ArrayField(TextField()),
            )
        )
    )


def parties(cells: list[list[str]]) -> list[Party]:
    return [Party(*party) for party in cells]


def record_lines(cell: Callable[[Any], Any] = plain) -> Subquery:
    """
    The source, source scale and tags of the ACLED record an import cited
    (the newest, should there be several), as a text array; NULL for an event
    that did not come from ACLED.
    """
    lines = [
        cell(
            Func(
                "article__body",
                Value(f"(?n)^{label}: (.*)$"),
                function="substring",
                output_field=TextField(),
            )
        )
        for _, label in RECORD_LINES
    ]
    return Subquery(
        Citation.objects.filter(
            event=OuterRef("pk"),
            article__publisher=PUBLISHER,
            article__title__startswith=RECORD_TITLE,
        )
        .order_by("-id")
        .values(
            lines=Func(
                *lines,
                template="ARRAY[%(expressions)s]",
                output_field=ArrayField(TextField()),
            )
        )[:1]
    )


def cited_publishers() -> Func:
    """The publishers of the articles an event cites, in order, joined by "; "."""
    return Func(
        ArraySubquery(
            Citation.objects.filter(event=OuterRef("pk"))
            .exclude(article__publisher="")
            .order_by("article__publisher")
            .distinct()
            .values("article__publisher")
        ),
        Value("; "),
        function="array_to_string",
        output_field=TextField(),
    )


def admin_names(cell: Callable[[Any], Any] = plain) -> list[Any]:
    """
    admin1, admin2 and admin3: the names an ACLED import kept for the place.
    Otherwise admin1 is the province: the place itself when it is one, else
    the province the place is filed under (as ACLED names the admin areas of
    the location, not of the exact point); for a town or site filed under no
    province, or an event with no place, the province whose outline holds the
    event's point. admin2 and admin3 are then blank: no district boundaries
    are loaded.
    """
    kept = Q(location__source__startswith=PLACE_SOURCE)
    names = Func(
        "location__source",
        Value(len(PLACE_SOURCE) + 1),
        function="substr",
        output_field=TextField(),
    )

    def kept_name(number: int) -> Func:
        return Func(
            names,
            Value(ADMIN_SEPARATOR),
            Value(number),
            function="split_part",
            output_field=TextField(),
        )

    province = Location.Kind.ADMIN1
    text = TextField()
    # Lowest-numbered where outlines overlap, as the importer chooses.
    holding_point = Subquery(
        Location.objects.filter(kind=province, geometry__intersects=OuterRef("point"))
        .order_by("id")
        .values("name")[:1]
    )
    point_like = Q(location__kind__in=[Location.Kind.CITY, Location.Kind.SITE]) | Q(
        location__isnull=True
    )
    # In this order, the outlines are searched only for the places the
    # hierarchy does not answer.
    admin1 = Coalesce(
        Case(When(location__kind=province, then="location__name"), output_field=text),
        Case(
            When(location__parent__kind=province, then="location__parent__name"),
            output_field=text,
        ),
        Case(
            When(
                location__parent__parent__kind=province,
                then="location__parent__parent__name",
            ),
            output_field=text,
        ),
        Case(When(point_like, then=holding_point), output_field=text),
        output_field=text,
    )
    return [
        cell(Case(When(kept, then=kept_name(1)), default=admin1, output_field=text)),
        cell(Case(When(kept, then=kept_name(2)), default=Value(""), output_field=text)),
        cell(Case(When(kept, then=kept_name(3)), default=Value(""), output_field=text)),
    ]


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


def actor_type(
    party: Party | None, *, event_type: str, country: str, acting: bool
) -> str:
    """
    ACLED's actor type (inter1 with `acting`, else inter2) of a participant
    in an event in `country`: the type an ACLED import kept, else the closest
    to the actor's kind.
    """
    if party is None:
        return NO_ACTOR
    kept = INTER_CODES.get(party.capacity.casefold())
    if kept:
        return kept
    if party.kind in STATE_KINDS:
        # ACLED's codebook files a state's forces acting outside that state's
        # territory as external forces (Turkish strikes in Iraq: 8).
        abroad = party.country and country and party.country != country
        return OTHER_FORCES if abroad else STATE_FORCES
    if party.kind == Actor.Kind.ARMED_GROUP:
        return REBEL_GROUP
    if party.kind in CROWD_KINDS:
        # In ACLED's demonstrations the crowd is coded by what it did:
        # protesters in a protest (on either side, as in excessive force
        # against protesters), rioters acting in a riot.
        if event_type == Event.Type.PROTEST:
            return PROTESTERS
        if event_type == Event.Type.RIOT and acting:
            return RIOTERS
        if party.kind == Actor.Kind.CIVILIANS:
            return CIVILIANS
    return OTHER_FORCES


def interaction(inter1: str, inter2: str) -> str:
    """Both actor types, lower first ("13"); a lone actor's type and 0 ("60")."""
    if inter1 == NO_ACTOR:
        return ""
    if inter2 == NO_ACTOR:
        return f"{inter1}0"
    return "".join(sorted([inter1, inter2]))


def codes(
    *,
    event_type: str,
    sub_type: str,
    country: str,
    actor1: Party | None,
    actor2: Party | None,
) -> dict[str, str]:
    """ACLED's disorder type, actor types, interaction and civilian targeting."""
    inter1 = actor_type(actor1, event_type=event_type, country=country, acting=True)
    inter2 = actor_type(actor2, event_type=event_type, country=country, acting=False)
    disorder = disorder_type(event_type, sub_type)
    return {
        "disorder_type": disorder,
        "inter1": "" if inter1 == NO_ACTOR else inter1,
        "inter2": inter2,
        "interaction": interaction(inter1, inter2),
        "civilian_targeting": civilian_targeting(disorder, inter2),
    }


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


def sides(participants: list[Party]) -> dict[str, Any]:
    """
    actor1 is the first initiator (or the first participant of any other
    role on that side); actor2 the target that carries an ACLED actor type,
    else the first target. The rest of each side are its associated actors.
    """
    one = [p for p in participants if p.role in SIDE_ONE]
    two = [p for p in participants if p.role == Participant.Role.TARGET]
    first = next((p for p in one if p.role == Participant.Role.INITIATOR), None)
    first = first or (one[0] if one else None)
    second = next((p for p in two if p.capacity.casefold() in INTER_CODES), None)
    second = second or (two[0] if two else None)
    return {
        "actor1": first,
        "assoc_actor_1": [p for p in one if p is not first],
        "actor2": second,
        "assoc_actor_2": [p for p in two if p is not second],
    }


def export_rows(events: QuerySet, *, chunk_size: int = 2000) -> Iterator[list[str]]:
    """
    Each event as an ACLED row (cells in COLUMNS order), in the queryset's
    order. One statement reads every value, the province included; Python
    only applies ACLED's codebook to them.
    """
    rows = events.values(
        "id", "acled_id", "start_date", "end_date", "date_precision", "event_type",
        "sub_event_type", "geo_precision", "summary", "fatalities_best",
        place=plain("location__name"),
        place_country=plain("location__country_code"),
        latitude=Func("point", function="ST_Y", output_field=FloatField()),
        longitude=Func("point", function="ST_X", output_field=FloatField()),
        changed=Func(
            "updated_at",
            template="floor(extract(epoch from %(expressions)s))::bigint",
            output_field=BigIntegerField(),
        ),
        parties=party_cells(),
        record=record_lines(),
        publishers=cited_publishers(),
        **dict(zip(("admin1", "admin2", "admin3"), admin_names(), strict=True)),
    )  # fmt: skip
    for event in rows.iterator(chunk_size=chunk_size):
        yield row_for(event)


def row_for(event: dict[str, Any]) -> list[str]:
    day, time_precision = acled_date(
        event["start_date"], event["end_date"], event["date_precision"]
    )
    acled_sides = sides(parties(event["parties"]))
    country = countries.BY_ALPHA3.get(event["place_country"])
    record = (
        dict(zip((column for column, _ in RECORD_LINES), event["record"], strict=True))
        if event["record"]
        else None
    )
    sub_type = event["sub_event_type"] or DEFAULT_SUB_TYPE.get(event["event_type"], "")
    if not sub_type and event["event_type"] not in ACLED_TYPE:
        sub_type = "Other"
    coded = codes(
        event_type=event["event_type"],
        sub_type=sub_type,
        country=event["place_country"],
        actor1=acled_sides["actor1"],
        actor2=acled_sides["actor2"],
    )
    latitude, longitude = event["latitude"], event["longitude"]
    cells = {
        "event_id_cnty": event["acled_id"] or f"{OWN_ID_PREFIX}{event['id']}",
        "event_date": day.isoformat(),
        "year": str(day.year),
        "time_precision": time_precision,
        "event_type": ACLED_TYPE.get(event["event_type"], STRATEGIC),
        "sub_event_type": sub_type,
        "actor1": _name(acled_sides["actor1"]),
        "assoc_actor_1": "; ".join(p.name for p in acled_sides["assoc_actor_1"]),
        "actor2": _name(acled_sides["actor2"]),
        "assoc_actor_2": "; ".join(p.name for p in acled_sides["assoc_actor_2"]),
        **coded,
        "iso": str(country.iso_numeric) if country else "",
        "region": country.region if country else "",
        "country": country.name if country else "",
        "admin1": event["admin1"],
        "admin2": event["admin2"],
        "admin3": event["admin3"],
        "location": event["place"],
        "latitude": "" if latitude is None else f"{latitude:.{COORDINATE_DECIMALS}f}",
        "longitude": ""
        if longitude is None
        else f"{longitude:.{COORDINATE_DECIMALS}f}",
        "geo_precision": GEO_PRECISION_CODE[event["geo_precision"]],
        "source": record["source"] or "" if record else event["publishers"],
        "source_scale": record["source_scale"] or "" if record else "",
        "notes": event["summary"],
        # ACLED writes 0 where no deaths are reported.
        "fatalities": str(event["fatalities_best"] or 0),
        "tags": record["tags"] or "" if record else "",
        "timestamp": str(event["changed"]),
    }
    return [cells[column] for column in COLUMNS]


def _name(party: Party | None) -> str:
    return party.name if party else ""


def write_csv(events: QuerySet, fh: IO[str]) -> int:
    writer = csv.writer(fh)
    writer.writerow(COLUMNS)
    count = 0
    with bulk_read():
        for row in export_rows(events):
            writer.writerow(row)
            count += 1
    return count
