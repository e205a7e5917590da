"""
What every import shares: a format turns each row into an `EventRecord`
(plain values, no database), and `save_rows` matches the record to an event
by its external id, creates or updates the event, its place, actors and the
citation of the dataset's own record, and counts what happened.

Rows are saved in transactions of `CHUNK_ROWS` rows: the places of a chunk
are found and created with a few set-based statements, its new events, their
participants, articles and citations with one COPY per table, and, if the
database refuses any of it, again one savepoint per row, so the row at fault
is reported and the rows around it still go in.
History is written by the pghistory triggers, with the import named in the
context of each change.
"""

import datetime
import gc
import json
import math
import re
import struct
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pghistory
from django.contrib.gis.geos import GEOSGeometry
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import Model
from django.db.models.expressions import RawSQL
from django.utils import timezone

from events.bulk import copy_instances, copy_values
from events.models import (
    Actor,
    Citation,
    Event,
    Location,
    Participant,
    SourceArticle,
    content_hash,
)
from events.queries import chunked

CHUNK_ROWS = 2000
EXTERNAL_IDS = ("acled_id", "ucdp_id", "gdelt_id")
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


# --- finding and creating what rows refer to ------------------------------------------


def same(current: Any, wanted: Any) -> bool:
    if isinstance(current, GEOSGeometry) and isinstance(wanted, str):
        wanted = GEOSGeometry(wanted)
    if isinstance(wanted, GEOSGeometry):
        return current is not None and current.equals_exact(wanted, SAME_POINT_DEGREES)
    return current == wanted


class Lookups:
    """
    Actors, places and events already in the database, found once and kept
    for the whole import. Whatever a row creates is forgotten again if the
    row's savepoint is rolled back.
    """

    def __init__(self) -> None:
        self.actors_by_name: dict[str, list[Actor]] = defaultdict(list)
        self.actors_by_alias: dict[str, list[Actor]] = defaultdict(list)
        # In id order, as actors made later are added: of two actors that
        # share an alias and a country, the older is found.
        actors = Actor.objects.only("id", "name", "aliases", "country").order_by("id")
        for actor in actors:
            self.actors_by_name[actor.name.lower()].append(actor)
            for alias in actor.aliases:
                self.actors_by_alias[alias.lower()].append(actor)
        self.places: dict[tuple, int] = {}
        self.countries: dict[str, int | None] = {}
        self.events: dict[tuple[str, str], Event] = {}
        self.participants: dict[int, list[tuple[int, int, str, str]]] = {}
        self.cited: dict[int, set[str]] = defaultdict(set)
        # Articles by content hash, as rows: {"id": ..., "body": ...}, with
        # "id" None for one this import has yet to write.
        self.articles: dict[str, dict] = {}
        self._undo: list[Callable[[], None]] = []

    # Additions to the caches, undone if the savepoint they were made in is
    # rolled back.
    def begin(self) -> None:
        self._undo = []

    def rollback(self) -> None:
        for undo in reversed(self._undo):
            undo()
        self._undo = []

    def prefetch(
        self, records: list[EventRecord], *, every_article: bool = True
    ) -> None:
        """
        Load the events, participants and articles a chunk of rows refers to.
        Without `every_article`, only the articles of events that exist are
        looked for: a new event's record is as good as always a new text, and
        if it is not, writing it breaks the articles' unique content hash, and
        the chunk is tried again with every article.
        """
        wanted: dict[str, set[str]] = defaultdict(set)
        for record in records:
            for name, value in record.key.items():
                wanted[name].add(value)
        self.events = {}
        for name, values in wanted.items():
            matching = Event.objects.filter(pk__in=any_of(Event, name, values))
            for event in matching:
                self.events[(name, getattr(event, name))] = event
        ids = [event.pk for event in self.events.values()]
        self.participants = {event_id: [] for event_id in ids}
        for row in (
            Participant.objects.filter(event__in=ids, role__in=IMPORTED_ROLES)
            .order_by("id")
            .values_list("event_id", "id", "actor_id", "role", "capacity")
        ):
            self.participants[row[0]].append(row[1:])
        self.cited = defaultdict(set)
        for event_id, digest in Citation.objects.filter(event__in=ids).values_list(
            "event_id", "article__content_hash"
        ):
            self.cited[event_id].add(digest)
        digests = [
            record.source.digest
            for record in records
            if record.source
            and (every_article or any(key in self.events for key in record.key.items()))
        ]
        self.articles = {
            article["content_hash"]: article
            for article in SourceArticle.objects.filter(
                pk__in=any_of(SourceArticle, "content_hash", digests)
            ).values("id", "body", "content_hash")
        }

    def event(self, record: EventRecord) -> Event | None:
        for name, value in record.key.items():
            event = self.events.get((name, value))
            if event is not None:
                return event
        if record.match:
            return Event.objects.filter(**record.match).order_by("id").first()
        return None

    def current_participants(self, event: Event) -> list[tuple[int, int, str, str]]:
        if event.pk in self.participants:
            return self.participants[event.pk]
        return list(
            Participant.objects.filter(event=event, role__in=IMPORTED_ROLES)
            .order_by("id")
            .values_list("id", "actor_id", "role", "capacity")
        )

    def find_actor(self, ref: ActorRef) -> Actor | None:
        """
        The actor of that name (or alias, ignoring case) and country. An actor
        whose country the row does not say matches the only actor of that
        name.
        """
        key = ref.name.lower()
        for candidates in (self.actors_by_name[key], self.actors_by_alias[key]):
            exact = [actor for actor in candidates if actor.country == ref.country]
            if exact:
                return exact[0]
            if not ref.country and len(candidates) == 1:
                return candidates[0]
        return None

    def prepare_actors(self, refs: Iterable[ActorRef]) -> None:
        """Create, at once, the actors these refs name that are not found."""
        created = []
        for ref in refs:
            if self.find_actor(ref) is None:
                actor = Actor(name=ref.name, kind=ref.kind, country=ref.country)
                key = ref.name.lower()
                self.actors_by_name[key].append(actor)
                self._undo.append(
                    lambda key=key, actor=actor: self.actors_by_name[key].remove(actor)
                )
                created.append(actor)
        copy_instances(Actor, created)

    def actor(self, ref: ActorRef) -> Actor:
        """The actor `find_actor` finds, created if there is none."""
        actor = self.find_actor(ref)
        if actor is None:
            self.prepare_actors([ref])
            actor = self.find_actor(ref)
        assert actor is not None
        return actor

    def country(self, code: str) -> int | None:
        if code not in self.countries:
            self.countries[code] = (
                Location.objects.filter(kind=Location.Kind.COUNTRY, code=code)
                .values_list("id", flat=True)
                .first()
            )
        return self.countries[code]

    def prepare_places(self, places: list[Place]) -> None:
        """
        Find the Locations of the places a chunk names, and create the
        missing ones, with a few statements for the whole chunk.
        """
        pending: dict[tuple, Place] = {}
        for place in places:
            key = place.key
            if key not in self.places:
                pending.setdefault(key, place)
        if not pending:
            return
        found: dict[tuple, int] = {}
        in_provinces = [key for key, place in pending.items() if place.area == "admin1"]
        provinces = provinces_at([pending[key] for key in in_provinces])
        for key, province in zip(in_provinces, provinces, strict=True):
            if province is not None:
                found[key] = province
        for key, place in pending.items():
            if place.area == "country" and place.country_code:
                country = self.country(place.country_code)
                if country is not None:
                    found[key] = country
        unresolved = [key for key in pending if key not in found]
        found.update(known_places(unresolved, pending))
        missing = [key for key in pending if key not in found]
        parents = provinces_at([pending[key] for key in missing])
        created = []
        for key, parent in zip(missing, parents, strict=True):
            place = pending[key]
            if parent is None and place.country_code:
                parent = self.country(place.country_code)
            where = point(place.latitude, place.longitude)
            created.append(
                {
                    "name": place.name,
                    "kind": place.kind,
                    "parent_id": parent,
                    "country_code": place.country_code,
                    "geometry": where,
                    "point": where,
                    "source": place.source,
                }
            )
        copy_values(Location, created)
        for key, location in zip(missing, created, strict=True):
            found[key] = location["id"]
        for key, location_id in found.items():
            self.places[key] = location_id
            self._undo.append(lambda key=key: self.places.pop(key, None))

    def location(self, place: Place) -> int:
        """The id of the place's Location, created if the project lacks it."""
        if place.key not in self.places:
            self.prepare_places([place])
        return self.places[place.key]

    def article(self, source: SourceRecord) -> dict:
        """
        The article holding the record's text, as a row: an existing one (a
        record imported before) or a new one, not yet written (its "id" is
        None), which this remembers.
        """
        digest = source.digest
        article = self.articles.get(digest)
        if article is None:
            article = {
                "id": None,
                "title": source.title,
                "publisher": source.publisher,
                "published_on": source.published_on,
                "body": source.body,
                "content_hash": digest,
                "state": SourceArticle.State.CURATED,
            }
            self.articles[digest] = article
            self._undo.append(lambda: self.articles.pop(digest, None))
        elif article["body"][source.quote_start : source.quote_end] != source.quote:
            raise RowError(
                f"article {article['id']} has this record's text with different "
                "case or spacing, so its quote cannot be located"
            )
        return article


def any_of(model: type[Model], name: str, values: Iterable[str]) -> RawSQL:
    """
    The ids of the rows whose text field `name` is one of `values`, as a
    subquery taking them as one array rather than as thousands of
    parameters. Blank values are left out, as the unique indexes on
    external ids leave them out, so that PostgreSQL uses those indexes.
    """
    table = model._meta.db_table
    column = connection.ops.quote_name(model._meta.get_field(name).column)
    return RawSQL(
        f"SELECT id FROM {table} WHERE {column} = ANY(%s) AND NOT {column} = ''",
        [sorted(values)],
    )


def provinces_at(places: list[Place]) -> list[int | None]:
    """The province (the lowest-numbered, where they overlap) of each place."""
    if not places:
        return []
    # Province by province, so that PostGIS prepares each outline once for
    # all the points rather than once per point.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH here AS MATERIALIZED (
                SELECT n, ST_SetSRID(ST_MakePoint(x, y), 4326) AS point
                FROM json_to_recordset(%s::json) AS here (n int, x float8, y float8)
            )
            SELECT DISTINCT ON (here.n) here.n, province.id
            FROM events_location province
            CROSS JOIN LATERAL (
                SELECT n FROM here WHERE ST_Intersects(province.geometry, here.point)
                OFFSET 0  -- keeps the provinces the outer loop
            ) AS here
            WHERE province.kind = %s
            ORDER BY here.n, province.id
            """,
            [record_set(places), Location.Kind.ADMIN1],
        )
        found = dict(cursor.fetchall())
    return [found.get(n) for n in range(len(places))]


def known_places(keys: list[tuple], places: dict[tuple, Place]) -> dict[tuple, int]:
    """
    The Locations the project already has for these places: same name at
    the same point and, unless the place takes any kind, of the same kind,
    country and source. The lowest id wins.
    """
    if not keys:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT here.n, found.id
            FROM json_to_recordset(%s::json) AS here (
                n int, x float8, y float8, name text, kind text,
                country_code text, source text, any_kind boolean
            )
            -- Place by place, each a lookup in the index of points, which
            -- stays quick however many places share a name.
            CROSS JOIN LATERAL (
                SELECT min(place.id) AS id
                FROM events_location place
                WHERE place.name = here.name
                  AND ST_DWithin(
                      place.point, ST_SetSRID(ST_MakePoint(here.x, here.y), 4326), %s
                  )
                  AND (here.any_kind OR (place.kind, place.country_code, place.source)
                                      = (here.kind, here.country_code, here.source))
            ) AS found
            WHERE found.id IS NOT NULL
            """,
            [record_set([places[key] for key in keys]), SAME_POINT_DEGREES],
        )
        return {keys[n]: location_id for n, location_id in cursor.fetchall()}


def record_set(places: list[Place]) -> str:
    """
    The places, numbered, as JSON for json_to_recordset(): one parameter
    rather than an array per column, which psycopg would quote item by item.
    """
    return json.dumps(
        [
            {
                "n": n,
                "x": place.key[1],
                "y": place.key[2],
                "name": place.name,
                "kind": place.kind,
                "country_code": place.country_code,
                "source": place.source,
                "any_kind": place.any_kind,
            }
            for n, place in enumerate(places)
        ]
    )


# --- saving records -----------------------------------------------------------------


def event_values(record: EventRecord, *, status: str, lookups: Lookups) -> dict:
    """A new event's fields, by attribute name."""
    values = {
        **record.fields,
        **record.initial,
        "location_id": lookups.location(record.place) if record.place else None,
        "status": status,
    }
    if status == Event.Status.PUBLISHED:
        values["published_at"] = timezone.now()
    return values


def update_event(record: EventRecord, event: Event, *, lookups: Lookups) -> str:
    """Bring an existing event in line with the record; say whether it changed."""
    location = lookups.location(record.place) if record.place else None
    fields = {**record.fields, "location_id": location}
    changed = [
        name for name, value in fields.items() if not same(getattr(event, name), value)
    ]
    if changed:
        for name in changed:
            setattr(event, name, fields[name])
        event.save(update_fields=[*changed, "updated_at"])
    if record.participants is not None:
        current = lookups.current_participants(event)
        wanted = participant_values(event.pk, record.participants, lookups=lookups)
        if [row[1:] for row in current] != [
            (p["actor_id"], p["role"], p["capacity"]) for p in wanted
        ]:
            Participant.objects.filter(pk__in=[row[0] for row in current]).delete()
            Participant.objects.bulk_create(Participant(**p) for p in wanted)
            changed.append("participants")
    source = record.source
    if source and source.digest not in lookups.cited[event.pk]:
        article = lookups.article(source)
        if article["id"] is None:
            copy_values(SourceArticle, [article])
        # A record that changed since the last import is a new article (a
        # cited article's text never changes): the old citation goes, and
        # the old article with it once nothing else cites it.
        previous = Citation.objects.filter(
            event=event,
            article__publisher=source.publisher,
            article__title=source.title,
        ).exclude(article_id=article["id"])
        stale = list(previous.values_list("article_id", flat=True))
        previous.delete()
        SourceArticle.objects.filter(pk__in=stale, citations__isnull=True).delete()
        Citation.objects.create(**citation_values(event.pk, article, source))
        lookups.cited[event.pk].add(source.digest)
        changed.append("citation")
    return "updated" if changed else "unchanged"


def participant_values(
    event_id: int, roles: list[Role], *, lookups: Lookups
) -> list[dict]:
    """The event's participants in the record's order, each actor once per role."""
    participants: list[dict] = []
    seen: set[tuple[int, str]] = set()
    for role in roles:
        actor = lookups.actor(role.actor)
        if (actor.pk, role.role) not in seen:
            seen.add((actor.pk, role.role))
            participants.append(
                {
                    "event_id": event_id,
                    "actor_id": actor.pk,
                    "role": role.role,
                    "capacity": role.capacity,
                }
            )
    return participants


def citation_values(event_id: int, article: dict, source: SourceRecord) -> dict:
    return {
        "article_id": article["id"],
        "event_id": event_id,
        "quote": source.quote,
        "start": source.quote_start,
        "end": source.quote_end,
    }


def save_chunk(
    records: list[EventRecord], *, status: str, lookups: Lookups
) -> list[str]:
    """
    Create or update each record's event; return what happened to each. The
    new places, actors, events, their participants, articles and citations
    go in with one statement per table.
    """
    outcomes: list[str] = []
    created: list[EventRecord] = []
    lookups.prepare_places([record.place for record in records if record.place])
    for record in records:
        event = lookups.event(record)
        if event is None:
            created.append(record)
            outcomes.append("created")
        else:
            outcomes.append(update_event(record, event, lookups=lookups))
    lookups.prepare_actors(
        role.actor for record in created for role in record.participants or []
    )
    events = [
        event_values(record, status=status, lookups=lookups) for record in created
    ]
    copy_values(Event, events)
    # Articles before citations: the citation trigger reads the quoted text.
    articles = [
        lookups.article(record.source) if record.source else None for record in created
    ]
    new_articles = {
        article["content_hash"]: article
        for article in articles
        if article is not None and article["id"] is None
    }
    copy_values(SourceArticle, list(new_articles.values()))
    copy_values(
        Participant,
        [
            participant
            for record, event in zip(created, events, strict=True)
            for participant in participant_values(
                event["id"], record.participants or [], lookups=lookups
            )
        ],
        ids=False,
    )
    copy_values(
        Citation,
        [
            citation_values(event["id"], article, record.source)
            for record, event, article in zip(created, events, articles, strict=True)
            if record.source and article
        ],
        ids=False,
    )
    return outcomes


# --- the import loop ------------------------------------------------------------------


def save_chunk_at_once(
    parsed: list[tuple[int, EventRecord]], *, status: str, lookups: Lookups
) -> list[tuple[str, str]] | None:
    """The chunk in one savepoint, or None if any of it failed."""
    if any(not record.key for _, record in parsed):
        return None  # records matched by their content may repeat in a chunk
    lookups.begin()
    try:
        with transaction.atomic():
            records = [record for _, record in parsed]
            outcomes = save_chunk(records, status=status, lookups=lookups)
    except (RowError, IntegrityError, DataError):
        lookups.rollback()
        return None
    return [(outcome, "") for outcome in outcomes]


def save_one_by_one(
    parsed: list[tuple[int, EventRecord]], *, status: str, lookups: Lookups
) -> list[tuple[str, str]]:
    """Each record in its own savepoint: what happened, or "failed" and why."""
    outcomes = []
    for _, record in parsed:
        lookups.begin()
        try:
            with transaction.atomic():
                [outcome] = save_chunk([record], status=status, lookups=lookups)
        except RowError as error:
            lookups.rollback()
            outcomes.append(("failed", str(error)))
        except (IntegrityError, DataError) as error:
            lookups.rollback()
            reason = str(error).splitlines()[0]
            outcomes.append(("failed", f"refused by the database: {reason}"))
        else:
            outcomes.append((outcome, ""))
    return outcomes


Parsed = EventRecord | SkipRow | RowError


@contextmanager
def young_garbage_collected() -> Iterator[None]:
    """
    Python's cyclic garbage collector off but for the young generations,
    which the import collects after each chunk. Left on, it walks the
    import's caches (every actor, place and external id seen), which only
    grow, again and again: a sixth of an import's time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parsed_ahead(
    rows: Iterable[tuple[int, Any]], parse: Callable[[Any], EventRecord]
) -> Iterator[list[tuple[int, Parsed]]]:
    """
    The numbered rows in chunks of `CHUNK_ROWS`, each row parsed into its
    record or the reason it is skipped or refused. A second thread reads and
    parses the next chunk while the caller saves this one: parsing needs no
    database, so it runs while this thread waits for PostgreSQL.
    """

    def parse_one(row: Any) -> Parsed:
        try:
            return parse(row)
        except (SkipRow, RowError) as outcome:
            return outcome

    chunks = chunked(rows, CHUNK_ROWS)

    def next_chunk() -> list[tuple[int, Parsed]] | None:
        chunk = next(chunks, None)
        if chunk is None:
            return None
        return [(number, parse_one(row)) for number, row in chunk]

    # One task at a time, so the rows are read in order by one thread.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-parse") as pool:
        ahead = pool.submit(next_chunk)
        while (chunk := ahead.result()) is not None:
            ahead = pool.submit(next_chunk)
            yield chunk


def save_rows(
    *,
    rows: Iterable[tuple[int, Any]],
    parse: Callable[[Any], EventRecord],
    status: str,
    unit: str = "line",
    context: dict[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """
    Import numbered rows with `parse` (a format's row parser). Bad rows are
    reported with their number and reason; the good ones are saved.
    """
    report = ImportReport(unit=unit)
    lookups = Lookups()
    first_seen: dict[tuple[str, str], int] = {}
    done = 0
    with pghistory.context(**(context or {})), young_garbage_collected():
        for chunk in parsed_ahead(rows, parse):
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
            records = [record for _, record in parsed]
            with transaction.atomic():
                lookups.prefetch(records, every_article=False)
                outcomes = save_chunk_at_once(parsed, status=status, lookups=lookups)
                if outcomes is None:
                    # The failed attempt may have changed the events in hand.
                    lookups.prefetch(records)
                    outcomes = save_one_by_one(parsed, status=status, lookups=lookups)
            for (number, _), (outcome, reason) in zip(parsed, outcomes, strict=True):
                if outcome == "failed":
                    report.errors.append((number, reason))
                else:
                    setattr(report, outcome, getattr(report, outcome) + 1)
            done += len(chunk)
            gc.collect(1)
            if progress:
                progress(done)
    report.errors.sort()
    return report
