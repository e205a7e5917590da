"""
The importer's plain writer: each record through the ORM on its own, in a
savepoint of its own, with nothing remembered from one record to the next.
It keeps the rules `write_fast.FastWriter` keeps with COPY, set-based
lookups and caches, written out one query at a time, so that it can be read
as their definition; tests/test_import_writers.py checks that both write
the same rows. `import_events --plain` imports with it.
"""

from collections.abc import Callable, Generator, Iterable
from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.db import DataError, IntegrityError, transaction

from events import actor_identity, workflow
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


class PlainWriter:
    """Records written one at a time through the ORM."""

    def chunks(
        self, *, rows: Iterable[tuple[int, Any]], parse: Callable[[Any], EventRecord]
    ) -> Generator[list[tuple[int, Parsed]], None, None]:
        for chunk in chunked(rows, CHUNK_ROWS):
            yield parse_chunk(chunk, parse)

    def write(self, records: list[EventRecord], *, status: str) -> list[Outcome]:
        outcomes: list[Outcome] = []
        for record in records:
            try:
                with transaction.atomic():
                    outcomes.append((save_record(record, status=status), ""))
            except RowError as error:
                outcomes.append(("failed", str(error)))
            except (IntegrityError, DataError) as error:
                outcomes.append(("failed", refusal(error)))
        return outcomes


def save_record(record: EventRecord, *, status: str) -> str:
    """Create or update the record's event; say which, or "unchanged"."""
    event = find_event(record)
    location_id = location_of(record.place) if record.place else None
    if event is None:
        create_event(record, status=status, location_id=location_id)
        return "created"
    return update_event(record, event, location_id=location_id)


# --- finding, or creating, what records refer to --------------------------------------


def find_event(record: EventRecord) -> Event | None:
    """
    The event with one of the record's external ids, tried in order, else
    the oldest one its content matches, if the format says how.
    """
    for name, value in record.key.items():
        event = Event.objects.filter(**{name: value}).first()
        if event is not None:
            return event
    if record.match:
        return Event.objects.filter(**record.match).order_by("id").first()
    return None


def location_of(place: Place) -> int:
    """
    The id of the place's Location: its province or country if the dataset
    names only that area (and the project has it); else a place of the same
    name at the same point and, unless any kind will do, of the same kind,
    country and source, the oldest first; else a new place, inside the
    province at its point (the oldest, where provinces overlap), or else its
    country.
    """
    where = GEOSGeometry(point(place.latitude, place.longitude))
    province = (
        Location.objects.filter(kind=Location.Kind.ADMIN1, geometry__intersects=where)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    country = (
        Location.objects.filter(kind=Location.Kind.COUNTRY, code=place.country_code)
        .values_list("id", flat=True)
        .first()
        if place.country_code
        else None
    )
    if place.area == "admin1" and province is not None:
        return province
    if place.area == "country" and country is not None:
        return country
    known = Location.objects.filter(
        name=place.name, point__dwithin=(where, SAME_POINT_DEGREES)
    )
    if not place.any_kind:
        known = known.filter(
            kind=place.kind, country_code=place.country_code, source=place.source
        )
    found = known.order_by("id").values_list("id", flat=True).first()
    if found is not None:
        return found
    return Location.objects.create(
        name=place.name,
        kind=place.kind,
        parent_id=province if province is not None else country,
        country_code=place.country_code,
        geometry=where,
        point=where,
        source=place.source,
    ).pk


def actor_of(ref: ActorRef) -> Actor:
    """The actor the reference denotes (actor_identity), created if there is none."""
    return actor_identity.find_or_create(
        name=ref.name, kind=ref.kind, country=ref.country
    )


def participants_of(roles: list[Role]) -> list[tuple[int, str, str]]:
    """(actor id, role, capacity) in the record's order, each actor once per role."""
    wanted: list[tuple[int, str, str]] = []
    for role in roles:
        actor_id = actor_of(role.actor).pk
        if all((actor_id, role.role) != (row[0], row[1]) for row in wanted):
            wanted.append((actor_id, role.role, role.capacity))
    return wanted


def article_of(source: SourceRecord) -> SourceArticle:
    """The article already holding the record's text, or a new one."""
    article = SourceArticle.objects.filter(content_hash=source.digest).first()
    if article is None:
        return SourceArticle.objects.create(
            title=source.title,
            publisher=source.publisher,
            published_on=source.published_on,
            body=source.body,
            state=SourceArticle.State.CURATED,
        )
    if article.body[source.quote_start : source.quote_end] != source.quote:
        raise RowError(
            f"article {article.pk} has this record's text with different "
            "case or spacing, so its quote cannot be located"
        )
    return article


# --- writing --------------------------------------------------------------------------


def create_event(record: EventRecord, *, status: str, location_id: int | None) -> None:
    event = Event.objects.create(
        **{
            **record.fields,
            **record.initial,
            "location_id": location_id,
            "status": status,
            **workflow.status_fields(
                status=status, published_at=None, retraction_reason=""
            ),
        }
    )
    Participant.objects.bulk_create(
        Participant(event=event, actor_id=actor_id, role=role, capacity=capacity)
        for actor_id, role, capacity in participants_of(record.participants or [])
    )
    if record.source:
        cite(event, article_of(record.source), record.source)


def update_event(record: EventRecord, event: Event, *, location_id: int | None) -> str:
    """Bring an existing event in line with the record; say whether it changed."""
    fields = {**record.fields, "location_id": location_id}
    changed = [
        name for name, value in fields.items() if not same(getattr(event, name), value)
    ]
    if changed:
        for name in changed:
            setattr(event, name, fields[name])
        event.save(update_fields=[*changed, "updated_at"])
    if record.participants is not None:
        current = Participant.objects.filter(
            event=event, role__in=IMPORTED_ROLES
        ).order_by("id")
        wanted = participants_of(record.participants)
        if list(current.values_list("actor_id", "role", "capacity")) != wanted:
            current.delete()
            Participant.objects.bulk_create(
                Participant(event=event, actor_id=actor_id, role=role, capacity=cap)
                for actor_id, role, cap in wanted
            )
            changed.append("participants")
    if record.source and cite_anew(event, record.source):
        changed.append("citation")
    return "updated" if changed else "unchanged"


def cite_anew(event: Event, source: SourceRecord) -> bool:
    """Cite the record's text unless the event already does; say whether it did."""
    if event.citations.filter(article__content_hash=source.digest).exists():
        return False
    article = article_of(source)
    # A record that changed since the last import is a new article: the
    # citation of the old one goes, and the old article with it once nothing
    # else cites it.
    previous = event.citations.filter(
        article__publisher=source.publisher, article__title=source.title
    ).exclude(article=article)
    stale = list(previous.values_list("article_id", flat=True))
    previous.delete()
    SourceArticle.objects.filter(pk__in=stale, citations__isnull=True).delete()
    cite(event, article, source)
    return True


def cite(event: Event, article: SourceArticle, source: SourceRecord) -> None:
    Citation.objects.create(
        article=article,
        event=event,
        quote=source.quote,
        start=source.quote_start,
        end=source.quote_end,
    )
