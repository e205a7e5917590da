"""
The importer's fast writer: a chunk of records in a few statements per
table, for imports of hundreds of thousands of rows.

The places of a chunk are found and created with a few set-based
statements, its new events, their participants, articles and citations go
in with one COPY per table (ids reserved from the sequences beforehand, so
that rows can point at each other), and what the import has found is kept
for the next chunks. If the database refuses any of it, the chunk is written
again one savepoint per record, so the record at fault is reported and the
ones around it still go in. A second thread reads and parses the next chunk
while this one is written, and Python's cyclic garbage collector is held
back to the young generations.

`write_plain.PlainWriter` is the same import through the ORM, record by
record; tests/test_import_writers.py checks that both write the same rows.
"""

import gc
import json
from collections import defaultdict
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import Model
from django.db.models.expressions import RawSQL

from events import actor_identity, workflow
from events.bulk import copy_values
from events.interop.records import (
    IMPORTED_ROLES,
    SAME_POINT_DEGREES,
    ActorRef,
    EventRecord,
    Parsed,
    Place,
    Role,
    RowError,
    SourceRecord,
    point,
    same,
)
from events.interop.saving import CHUNK_ROWS, Outcome, parse_chunk, refusal
from events.models import (
    Actor,
    Citation,
    Event,
    Location,
    Participant,
    SourceArticle,
)
from events.queries import chunked


class FastWriter:
    """Records written a chunk at a time; see the module's docstring."""

    def __init__(self) -> None:
        self.lookups = Lookups()

    def chunks(
        self, *, rows: Iterable[tuple[int, Any]], parse: Callable[[Any], EventRecord]
    ) -> Generator[list[tuple[int, Parsed]], None, None]:
        """
        The chunks read and parsed one ahead in a second thread, with the
        garbage collector held back until the last is done.
        """
        with young_garbage_collected():
            for chunk in parsed_ahead(rows, parse):
                yield chunk
                gc.collect(1)

    def write(self, records: list[EventRecord], *, status: str) -> list[Outcome]:
        lookups = self.lookups
        lookups.prefetch(records, every_article=False)
        outcomes = save_chunk_at_once(records, status=status, lookups=lookups)
        if outcomes is None:
            # The failed attempt may have changed the events in hand.
            lookups.prefetch(records)
            outcomes = save_one_by_one(records, status=status, lookups=lookups)
        return outcomes


# --- finding and creating what rows refer to ------------------------------------------


class Lookups:
    """
    Actors, places and events already in the database, found once and kept
    for the whole import. Whatever a row creates is forgotten again if the
    row's savepoint is rolled back.
    """

    def __init__(self) -> None:
        # The actor each reference came to denote: looked up (and created,
        # or given the reference's spelling as an alias) once per import.
        self.actors: dict[ActorRef, Actor] = {}
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

    def prepare_actors(self, refs: Iterable[ActorRef]) -> None:
        """Find, or create, the actors these refs name, in order."""
        for ref in refs:
            self.actor(ref)

    def actor(self, ref: ActorRef) -> Actor:
        """The actor the reference denotes (actor_identity), created if none."""
        actor = self.actors.get(ref)
        if actor is None:
            actor = actor_identity.find_or_create(
                name=ref.name, kind=ref.kind, country=ref.country
            )
            self.actors[ref] = actor
            self._undo.append(lambda ref=ref: self.actors.pop(ref, None))
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
        **workflow.status_fields(
            status=status, published_at=None, retraction_reason=""
        ),
    }
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
    new places, events, their participants, articles and citations go in
    with one statement per table; actors, few and each matched by name
    (actor_identity), one by one.
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


# --- a chunk at once, or record by record --------------------------------------------


def save_chunk_at_once(
    records: list[EventRecord], *, status: str, lookups: Lookups
) -> list[Outcome] | None:
    """The chunk in one savepoint, or None if any of it failed."""
    if any(not record.key for record in records):
        return None  # records matched by their content may repeat in a chunk
    lookups.begin()
    try:
        with transaction.atomic():
            outcomes = save_chunk(records, status=status, lookups=lookups)
    except (RowError, IntegrityError, DataError):
        lookups.rollback()
        return None
    return [(outcome, "") for outcome in outcomes]


def save_one_by_one(
    records: list[EventRecord], *, status: str, lookups: Lookups
) -> list[Outcome]:
    """Each record in its own savepoint: what happened, or "failed" and why."""
    outcomes: list[Outcome] = []
    for record in records:
        lookups.begin()
        try:
            with transaction.atomic():
                [outcome] = save_chunk([record], status=status, lookups=lookups)
        except RowError as error:
            lookups.rollback()
            outcomes.append(("failed", str(error)))
        except (IntegrityError, DataError) as error:
            lookups.rollback()
            outcomes.append(("failed", refusal(error)))
        else:
            outcomes.append((outcome, ""))
    return outcomes


# --- reading ahead, with the garbage collector held back -----------------------------


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
    chunks = chunked(rows, CHUNK_ROWS)

    def next_chunk() -> list[tuple[int, Parsed]] | None:
        chunk = next(chunks, None)
        return None if chunk is None else parse_chunk(chunk, parse)

    # One task at a time, so the rows are read in order by one thread.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-parse") as pool:
        ahead = pool.submit(next_chunk)
        while (chunk := ahead.result()) is not None:
            ahead = pool.submit(next_chunk)
            yield chunk
