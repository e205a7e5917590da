"""
Turning suggestions into curated records: an accepted proposal becomes a
draft Event with its participants, place, dates and the sentence as citation.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.gis.geos import Point
from django.db import transaction

from events import actor_identity
from events.models import (
    Actor,
    Event,
    GeoPrecision,
    Location,
    Participant,
    SourceArticle,
    period_bounds,
)

# How precisely an event is placed, from the kind of place it is placed at.
GEO_PRECISION_BY_KIND = {
    Location.Kind.COUNTRY: GeoPrecision.COUNTRY,
    Location.Kind.ADMIN1: GeoPrecision.REGION,
    Location.Kind.REGION: GeoPrecision.REGION,
    Location.Kind.BORDER: GeoPrecision.REGION,
    Location.Kind.CITY: GeoPrecision.EXACT,
    Location.Kind.SITE: GeoPrecision.EXACT,
}
# A gazetteer place this close to a stored city of the same name is that city.
SAME_PLACE_DEGREES = 0.05


@dataclass
class Proposal:
    """An event proposal as the editor accepts it, possibly corrected."""

    start: int
    end: int
    title: str
    event_type: str
    date_value: str  # "YYYY-MM-DD", "YYYY-MM" or "YYYY"
    date_precision: str
    location: Location | None = None
    place_name: str = ""
    lat: float | None = None
    lon: float | None = None
    participants: list[tuple[Actor, str]] = field(default_factory=list)


def parse_date_value(value: str) -> datetime.date:
    """The first day of a "YYYY-MM-DD", "YYYY-MM" or "YYYY" value."""
    parts = [int(part) for part in value.split("-")]
    if not 1 <= len(parts) <= 3:
        raise ValueError(f"Not a date: {value!r}")
    year, month, day = (parts + [1, 1])[:3]
    return datetime.date(year, month, day)


def place_from_gazetteer(*, name: str, lat: float, lon: float) -> Location:
    """The stored city for a gazetteer place, created the first time it is used."""
    point = Point(lon, lat, srid=4326)
    existing = Location.objects.filter(
        name__iexact=name,
        kind=Location.Kind.CITY,
        point__dwithin=(point, SAME_PLACE_DEGREES),
    ).first()
    if existing is not None:
        return existing
    province = Location.objects.filter(
        kind=Location.Kind.ADMIN1, geometry__intersects=point
    ).first()
    return Location.objects.create(
        name=name,
        kind=Location.Kind.CITY,
        parent=province,
        country_code=province.country_code if province else "",
        geometry=point,
        point=point,
        source="GeoNames (geonames.org), CC BY 4.0; chosen from suggestions",
    )


@transaction.atomic
def accept_proposal(
    *, article: SourceArticle, proposal: Proposal, user: AbstractBaseUser
) -> Event:
    """A draft event from an accepted proposal, citing its sentence."""
    quote = article.body[proposal.start : proposal.end]
    if not quote.strip():
        raise ValueError("The proposal's offsets do not point into the article.")
    day = parse_date_value(proposal.date_value)
    start, end = period_bounds(day, proposal.date_precision)
    location = proposal.location
    if location is None and proposal.lat is not None and proposal.lon is not None:
        location = place_from_gazetteer(
            name=proposal.place_name, lat=proposal.lat, lon=proposal.lon
        )
    event = Event.objects.create(
        title=proposal.title,
        event_type=proposal.event_type,
        start_date=start,
        end_date=end,
        date_precision=proposal.date_precision,
        location=location,
        geo_precision=(
            GEO_PRECISION_BY_KIND.get(location.kind, GeoPrecision.EXACT)
            if location
            else GeoPrecision.COUNTRY
        ),
        status=Event.Status.DRAFT,
        confidence=Event.Confidence.MEDIUM,
        created_by=user,
        updated_by=user,
    )
    for actor, role in proposal.participants:
        Participant.objects.get_or_create(event=event, actor=actor, role=role)
    # Cited at the proposal's own offsets: the same sentence may occur twice.
    event.citations.create(
        article=article, quote=quote, start=proposal.start, end=proposal.end
    )
    if article.state == SourceArticle.State.NEW:
        SourceArticle.objects.filter(pk=article.pk).update(
            state=SourceArticle.State.IN_PROGRESS
        )
    return event


@transaction.atomic
def reject_proposal(*, article: SourceArticle, start: int, end: int) -> None:
    locked = SourceArticle.objects.select_for_update().get(pk=article.pk)
    if [start, end] not in locked.rejected_spans:
        locked.rejected_spans = [*locked.rejected_spans, [start, end]]
        locked.save(update_fields=["rejected_spans", "updated_at"])


@transaction.atomic
def unreject_proposal(*, article: SourceArticle, start: int, end: int) -> None:
    locked = SourceArticle.objects.select_for_update().get(pk=article.pk)
    locked.rejected_spans = [
        span for span in locked.rejected_spans if span != [start, end]
    ]
    locked.save(update_fields=["rejected_spans", "updated_at"])


def create_candidate_actor(*, name: str, kind: str, country: str = "") -> Actor:
    """A new actor from a candidate name, or the one the name already denotes."""
    return actor_identity.find_or_create(name=name, kind=kind, country=country)
