"""
An article's curation: the suggestions' proposals and the events already made
from the article, as cards an editor corrects, merges, splits or discards,
then saves in one transaction. New cards become draft events citing their
spans; cards of saved events are saved under the stale-save guard (or held
for review when they change a published event for someone who may not
publish); the workflow then submits the lot for review or publishes it.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.db.models import Prefetch

from events import actor_identity, lookup, workflow
from events.extract import suggest_safely
from events.models import (
    Actor,
    Citation,
    DatePrecision,
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

# ACLED's sub-event types, offered beside each type (the field takes any text).
SUB_TYPES = {
    Event.Type.BATTLE: [
        "Armed clash", "Government regains territory",
        "Non-state actor overtakes territory",
    ],
    Event.Type.REMOTE_VIOLENCE: [
        "Air/drone strike", "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED", "Suicide bomb", "Grenade",
        "Chemical weapon",
    ],
    Event.Type.VIOLENCE_AGAINST_CIVILIANS: [
        "Attack", "Abduction/forced disappearance", "Sexual violence",
    ],
    Event.Type.PROTEST: [
        "Peaceful protest", "Protest with intervention",
        "Excessive force against protesters",
    ],
    Event.Type.RIOT: ["Violent demonstration", "Mob violence"],
    Event.Type.ARREST: ["Arrests"],
    Event.Type.DEPLOYMENT: [
        "Change to group/activity", "Headquarters or base established",
    ],
    Event.Type.AGREEMENT: ["Agreement"],
    Event.Type.OTHER: [
        "Disrupted weapons use", "Looting/property destruction",
        "Non-violent transfer of territory", "Other",
    ],
}  # fmt: skip

# The roles that fit a type, the first of them given to an actor added to a
# card without a role of its own. A card of another type keeps any role.
TYPE_ROLES = {
    Event.Type.MEETING: [
        Participant.Role.PARTICIPANT, Participant.Role.MEDIATOR,
        Participant.Role.WITNESS, Participant.Role.MENTIONED,
    ],
    Event.Type.AGREEMENT: [
        Participant.Role.SIGNATORY, Participant.Role.MEDIATOR,
        Participant.Role.WITNESS, Participant.Role.MENTIONED,
    ],
}  # fmt: skip


def parse_date_value(value: str) -> datetime.date:
    """The first day of a "YYYY-MM-DD", "YYYY-MM" or "YYYY" value."""
    parts = [int(part) for part in value.split("-")]
    if not 1 <= len(parts) <= 3:
        raise ValueError(f"Not a date: {value!r}")
    year, month, day = (parts + [1, 1])[:3]
    return datetime.date(year, month, day)


def date_value(day: datetime.date, precision: str) -> str:
    """A date as a card shows it: as precise as it is known."""
    if precision == DatePrecision.YEAR:
        return f"{day.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


# --- cards -----------------------------------------------------------------


@dataclass
class NewActor:
    """An actor an editor names on a card, stored when the card is saved."""

    name: str
    kind: str
    country: str = ""


@dataclass
class Role:
    actor: Actor | None
    role: str
    capacity: str = ""
    on_behalf_of: Actor | None = None
    new_actor: NewActor | None = None


@dataclass
class Card:
    """One event as the editor leaves it on the screen, validated."""

    key: str
    title: str
    event_type: str
    start_date: datetime.date
    end_date: datetime.date
    date_precision: str
    event_id: int | None = None
    version: int | None = None
    summary: str = ""
    sub_event_type: str = ""
    location: Location | None = None
    place_key: str = ""  # a gazetteer place stored on save, when no location
    geo_precision: str = ""
    point: Point | None = None  # the editor's own; None: the place's point
    fatalities_low: int | None = None
    fatalities_best: int | None = None
    fatalities_high: int | None = None
    confidence: str = Event.Confidence.MEDIUM
    roles: list[Role] = field(default_factory=list)
    citations: list[tuple[int, int]] = field(default_factory=list)
    # Proposals the card stands for (its own and those merged into it).
    spans: list[tuple[int, int]] = field(default_factory=list)


class CardsRefused(Exception):
    """
    Nothing was saved: what is wrong, card by card and field by field
    ({card key: {field: message}}), or for the whole (`message`).
    """

    def __init__(
        self,
        errors: dict[str, dict[str, str]] | None = None,
        message: str = "",
        *,
        stale: bool = False,
    ) -> None:
        super().__init__(message or "Some cards need correcting.")
        self.errors = errors or {}
        self.message = message or "Nothing was saved: some cards need correcting."
        self.stale = stale  # a card's event changed since it was opened


SAVE, SUBMIT, PUBLISH = "save", "submit", "publish"


def save_cards(
    *,
    article: SourceArticle,
    cards: list[Card],
    user: AbstractBaseUser,
    action: str = SAVE,
) -> list[Event]:
    """
    Every card saved in one transaction, or none (CardsRefused): new cards as
    draft events, saved ones changed under the stale-save guard; then, for
    SUBMIT, the drafts among them submitted for review, and for PUBLISH every
    one not yet published published. Proposals merged into a card and not
    cited by it are set aside as discarded.
    """
    if action == PUBLISH and not workflow.can_publish(user):
        raise workflow.TransitionForbidden("Only reviewers may publish events.")
    with transaction.atomic():
        errors: dict[str, dict[str, str]] = {}
        events, stale = [], False
        for card in cards:
            try:
                with transaction.atomic():
                    events.append(_save_card(article, card, user))
            except workflow.StaleEdit as refused:
                errors[card.key] = {"card": refused.message}
                stale = True
            except workflow.TransitionError as refused:
                errors[card.key] = {refused.field or "card": refused.message}
            except IntegrityError as error:
                diag = getattr(error.__cause__, "diag", None)
                rule = getattr(diag, "constraint_name", None) or "a rule of the data"
                errors[card.key] = {"card": f"This card breaks {rule}."}
        if errors:
            raise CardsRefused(errors, stale=stale)
        _set_aside_merged(article, cards)
        if article.state == SourceArticle.State.NEW:
            SourceArticle.objects.filter(pk=article.pk).update(
                state=SourceArticle.State.IN_PROGRESS
            )
        if action == SUBMIT:
            drafts = [e for e in events if e.status == Event.Status.DRAFT]
            workflow.submit_for_review(events=drafts, user=user)
        elif action == PUBLISH:
            waiting = [e for e in events if e.status != Event.Status.PUBLISHED]
            outcome = workflow.publish(events=waiting, user=user)
            if outcome.refused:
                keys = {e.pk: c.key for c, e in zip(cards, events, strict=True)}
                raise CardsRefused(
                    {
                        keys[event.pk]: {"card": f"Not published: it {reason}."}
                        for event, reason in outcome.refused
                    }
                )
    return [Event.objects.get(pk=event.pk) for event in events]


def _save_card(article: SourceArticle, card: Card, user: AbstractBaseUser) -> Event:
    body = article.body
    for start, end in card.citations:
        if not (0 <= start < end <= len(body)) or not body[start:end].strip():
            raise workflow.TransitionInvalid(
                "A citation does not point into the article's text.",
                field="citations",
            )
    if not card.citations:
        raise workflow.TransitionInvalid(
            "Cite at least one span of the article.", field="citations"
        )
    location = card.location
    if location is None and card.place_key:
        try:
            location = lookup.store_gazetteer_place(card.place_key)
        except LookupError as missing:
            raise workflow.TransitionInvalid(str(missing), field="place") from None
    values = {
        "title": card.title,
        "summary": card.summary,
        "event_type": card.event_type,
        "sub_event_type": card.sub_event_type,
        "start_date": card.start_date,
        "end_date": card.end_date,
        "date_precision": card.date_precision,
        "location": location,
        "geo_precision": card.geo_precision
        or (
            GEO_PRECISION_BY_KIND.get(location.kind, GeoPrecision.EXACT)
            if location
            else GeoPrecision.COUNTRY
        ),
        # An event's point follows its place unless the editor set one.
        "point": card.point or (location.point if location else None),
        "fatalities_low": card.fatalities_low,
        "fatalities_best": card.fatalities_best,
        "fatalities_high": card.fatalities_high,
        "confidence": card.confidence,
    }
    roles = _participants(card)
    if card.event_id is None:
        event = Event.objects.create(
            **values,
            status=Event.Status.DRAFT,
            created_by=user,
            updated_by=user,
        )
        Participant.objects.bulk_create(
            Participant(event=event, **row) for row in roles
        )
        Citation.objects.bulk_create(
            Citation(
                article=article,
                event=event,
                quote=body[start:end],
                start=start,
                end=end,
            )
            for start, end in card.citations
        )
        return event

    event = workflow.check_version(card.event_id, card.version)
    if event.status == Event.Status.RETRACTED:
        raise workflow.TransitionInvalid(
            "A retracted event is not changed here.", field=None
        )
    others = [
        {key: getattr(c, attr) for key, attr in CITATION_ATTRS.items()}
        for c in event.citations.exclude(article=article)
    ]
    citations = others + [
        {"article": article, "quote": body[s:e], "start": s, "end": e, "field": ""}
        for s, e in card.citations
    ]
    current = event.revision_values()
    wanted = workflow.encode_changes(
        {**values, "participants": roles, "citations": citations}
    )
    if wanted == {name: current[name] for name in wanted}:
        return event  # unchanged: no save, no new version
    if workflow.needs_review(user=user, event=event):
        workflow.propose(
            event=event,
            user=user,
            changes={**values, "participants": roles, "citations": citations},
        )
        return event
    if any(wanted[name] != current[name] for name in values):
        for name, value in values.items():
            setattr(event, name, value)
        event.updated_by = user
        event.save()
    if wanted["participants"] != current["participants"]:
        event.participations.all().delete()
        Participant.objects.bulk_create(
            Participant(event=event, **row) for row in roles
        )
    if wanted["citations"] != current["citations"]:
        event.citations.filter(article=article).delete()
        Citation.objects.bulk_create(
            Citation(article=article, event=event, quote=body[s:e], start=s, end=e)
            for s, e in card.citations
        )
    workflow.check_publishable(event)
    return event


CITATION_ATTRS = {
    "article": "article_id",
    "quote": "quote",
    "start": "start",
    "end": "end",
    "field": "field",
}


def _participants(card: Card) -> list[dict]:
    """The card's participants as rows, new actors stored, each (actor, role) once."""
    rows: dict[tuple[int, str], dict] = {}
    for role in card.roles:
        actor = role.actor
        if actor is None and role.new_actor is not None:
            actor = create_candidate_actor(**vars(role.new_actor))
        if actor is None:
            continue
        rows.setdefault(
            (actor.pk, role.role),
            {
                "actor": actor,
                "role": role.role,
                "capacity": role.capacity,
                "on_behalf_of": role.on_behalf_of,
            },
        )
    return list(rows.values())


def _set_aside_merged(article: SourceArticle, cards: list[Card]) -> None:
    cited = {span for card in cards for span in card.citations}
    merged = {span for card in cards for span in card.spans} - cited
    if merged:
        discard_proposals(article=article, spans=sorted(merged))


def create_candidate_actor(*, name: str, kind: str, country: str = "") -> Actor:
    """A new actor from a candidate name, or the one the name already denotes."""
    return actor_identity.find_or_create(name=name, kind=kind, country=country)


@transaction.atomic
def discard_proposals(*, article: SourceArticle, spans: list[tuple[int, int]]) -> None:
    locked = SourceArticle.objects.select_for_update().get(pk=article.pk)
    kept = list(locked.rejected_spans)
    for start, end in spans:
        if [start, end] not in kept:
            kept.append([start, end])
    if kept != locked.rejected_spans:
        locked.rejected_spans = kept
        locked.save(update_fields=["rejected_spans", "updated_at"])


@transaction.atomic
def restore_proposal(*, article: SourceArticle, start: int, end: int) -> None:
    locked = SourceArticle.objects.select_for_update().get(pk=article.pk)
    locked.rejected_spans = [
        span for span in locked.rejected_spans if span != [start, end]
    ]
    locked.save(update_fields=["rejected_spans", "updated_at"])


# --- the article's metadata ------------------------------------------------

METADATA_FIELDS = ("published_on", "publisher", "author")
METADATA_LABELS = {
    "published_on": "publication date",
    "publisher": "outlet",
    "author": "author",
}


class MetadataStale(Exception):
    """The article's metadata changed since the editor loaded it."""


@transaction.atomic
def save_metadata(
    *, article: SourceArticle, loaded: dict, values: dict
) -> SourceArticle:
    """
    The article's publication date, outlet and author as the editor sets
    them, refused (MetadataStale) if someone changed them meanwhile: the
    article has no version, so the values loaded stand for one.
    """
    locked = SourceArticle.objects.select_for_update().get(pk=article.pk)
    for name in METADATA_FIELDS:
        if name in loaded and _metadata_value(locked, name) != loaded[name]:
            raise MetadataStale(
                f"Someone changed this article's {name.replace('_', ' ')} since "
                f"you opened it (now “{_metadata_value(locked, name)}”). Nothing "
                "was saved; reload to see it."
            )
    changed = [name for name in METADATA_FIELDS if name in values]
    for name in changed:
        setattr(locked, name, values[name])
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    return locked


def _metadata_value(article: SourceArticle, name: str) -> str:
    value = getattr(article, name)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value or ""


def metadata(article: SourceArticle, suggestions: dict) -> dict:
    """
    The article's publication date, outlet and author as stored, each one
    missing filled from what the suggestions read in the text or the page
    (a dateline, <meta> tags), marked as not yet stored.
    """
    found = suggestions.get("metadata") or {}
    values, proposed = {}, []
    for name in METADATA_FIELDS:
        stored = _metadata_value(article, name)
        if not stored and found.get(name):
            values[name] = str(found[name])
            proposed.append(name)
        else:
            values[name] = stored
    dateline = found.get("dateline") or {}
    return {
        "values": values,
        "loaded": {name: _metadata_value(article, name) for name in METADATA_FIELDS},
        "proposed": proposed,
        "proposed_labels": [METADATA_LABELS[name] for name in proposed],
        # A date read without its year ("Aug. 6"), the year guessed.
        "year_assumed": bool(found.get("year_assumed")) and "published_on" in proposed,
        # Where the text dates itself ("BAGHDAD, Aug. 6 (Reuters) —"): a date
        # there is the article's, not an event's.
        "dateline": (
            [dateline["start"], dateline["end"]]
            if isinstance(dateline.get("start"), int)
            and isinstance(dateline.get("end"), int)
            else None
        ),
    }


# --- the screen's state ----------------------------------------------------


def screen_state(
    *,
    article: SourceArticle,
    user: AbstractBaseUser | AnonymousUser,
    published: datetime.date | None = None,
) -> dict:
    """
    What the curation screen shows, as JSON: the article with its findings,
    the cards (the events made from it, then the proposals not yet accepted
    or discarded) and the discarded proposals. Relative dates resolve
    against `published`, or the stored publication date, or the one the
    suggestions read from the article. A fixed number of queries.
    """
    suggestions = suggest_safely(
        article.body, published=published or article.published_on
    )
    meta = metadata(article, suggestions)
    if (
        published is None
        and article.published_on is None
        and not suggestions.get("failed")
    ):
        proposed = meta["values"]["published_on"]
        if proposed:
            suggestions = suggest_safely(article.body, published=_iso_date(proposed))
    events = list(
        Event.objects.visible_to(user)
        .filter(citations__article=article)
        .distinct()
        .select_related("location__parent")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participant.objects.select_related(
                    "actor__parent", "on_behalf_of"
                ).order_by("pk"),
            ),
            Prefetch(
                "citations",
                queryset=Citation.objects.filter(article=article).order_by("start"),
                to_attr="here",
            ),
        )
        .order_by("start_date", "pk")
    )
    handled = set(Citation.objects.filter(article=article).values_list("start", "end"))
    discarded = {tuple(span) for span in article.rejected_spans}
    proposals = suggestions["events"]
    known = {a["actor_id"] for a in suggestions["actors"] if a.get("actor_id")} | {
        a["actor_id"] for e in proposals for a in e["actors"] if a.get("actor_id")
    }
    places = {p["location_id"] for p in suggestions["places"] if p.get("location_id")}
    places |= {
        (e.get("place") or {}).get("location_id")
        for e in proposals
        if (e.get("place") or {}).get("location_id")
    }
    actors = Actor.objects.select_related("parent").in_bulk(known)
    offices = lookup.last_offices(list(known))
    locations = Location.objects.select_related("parent").in_bulk(places)
    cards, set_aside = [], []
    for index, proposal in enumerate(proposals):
        span = (proposal["start"], proposal["end"])
        if span in handled:
            continue
        card = proposal_card(
            index, proposal, actors=actors, offices=offices, locations=locations
        )
        (set_aside if span in discarded else cards).append(card)
    return {
        "article": {
            "id": article.pk,
            "title": article.title,
            "url": article.url or "",
            "body": article.body,
            "metadata": meta,
        },
        "highlights": highlights(suggestions),
        # The assistant failed on this text: the editor builds its events.
        "assistant_failed": bool(suggestions.get("failed")),
        "known": {
            "actors": {
                pk: lookup.actor_choice(actor, offices.get(pk))
                for pk, actor in actors.items()
            },
            "places": {pk: location_ref(place) for pk, place in locations.items()},
        },
        "cards": [event_card(event) for event in events] + cards,
        "discarded": set_aside,
    }


def _iso_date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def highlights(suggestions: dict) -> list[dict]:
    """The findings in the text, without overlaps, each with what it refers to."""
    spans = []
    for item in suggestions["actors"]:
        spans.append(
            {
                "start": item["start"],
                "end": item["end"],
                "kind": "actor",
                "label": item["name"],
                "actor_id": item.get("actor_id"),
                "actor_kind": item.get("kind") or "",
                "country": item.get("country") or "",
            }
        )
    for item in suggestions["places"]:
        hit = None
        if not item.get("location_id") and item.get("lat") is not None:
            hit = lookup.gazetteer_match(item["name"], item["lat"], item["lon"])
        spans.append(
            {
                "start": item["start"],
                "end": item["end"],
                "kind": "place",
                "label": item["name"],
                "location_id": item.get("location_id"),
                "place": lookup.gazetteer_choice(hit) if hit else None,
            }
        )
    for item in suggestions["dates"]:
        spans.append(
            {
                "start": item["start"],
                "end": item["end"],
                "kind": "date",
                "label": item["value"],
                "value": item["value"],
                "precision": item["precision"],
            }
        )
    spans.sort(key=lambda span: (span["start"], -span["end"]))
    kept, position = [], 0
    for span in spans:
        if span["start"] >= position:
            kept.append(span)
            position = span["end"]
    return kept


def location_ref(location: Location | None) -> dict | None:
    return lookup.location_choice(location) if location is not None else None


def proposal_place(place: dict, locations: dict[int, Location]) -> dict | None:
    """A proposal's place as a card holds it: stored, or a gazetteer hit."""
    if not place:
        return None
    if place.get("location_id") in locations:
        return location_ref(locations[place["location_id"]])
    if place.get("lat") is None or place.get("lon") is None:
        return None
    hit = lookup.gazetteer_match(place["name"], place["lat"], place["lon"])
    return lookup.gazetteer_choice(hit) if hit else None


def proposal_card(
    index: int,
    proposal: dict,
    *,
    actors: dict[int, Actor],
    offices: dict[int, dict],
    locations: dict[int, Location],
) -> dict:
    date = proposal.get("date") or {}
    place = proposal_place(proposal.get("place") or {}, locations)
    citations = proposal.get("citations") or [
        {"start": proposal["start"], "end": proposal["end"]}
    ]
    roles, suggested = [], []
    for mention in proposal["actors"]:
        actor = actors.get(mention.get("actor_id"))
        if actor is None:
            suggested.append(
                {
                    "name": mention["name"],
                    "role": mention.get("role") or Participant.Role.MENTIONED,
                    "kind": mention.get("kind") or "",
                    "country": mention.get("country") or "",
                }
            )
            continue
        office = offices.get(actor.pk) or {}
        roles.append(
            {
                "actor": lookup.actor_choice(actor, offices.get(actor.pk)),
                "role": mention.get("role") or Participant.Role.MENTIONED,
                "capacity": mention.get("capacity") or office.get("capacity", ""),
                "on_behalf_of": office.get("on_behalf_of"),
            }
        )
    return {
        "key": f"p{index}",
        "event_id": None,
        "version": None,
        "status": "",
        "title": proposal.get("title", "")[:300],
        "summary": "",
        "event_type": proposal.get("event_type") or Event.Type.OTHER,
        "sub_event_type": proposal.get("sub_event_type") or "",
        "date": date.get("value") or "",
        "end": "",
        "precision": date.get("precision") or DatePrecision.DAY,
        "place": place,
        "geo_precision": "",
        "point": None,
        "fatalities_low": None,
        "fatalities_best": None,
        "fatalities_high": None,
        "confidence": Event.Confidence.MEDIUM,
        "roles": roles,
        "suggested": suggested,
        "citations": [
            {"start": c["start"], "end": c["end"]} for c in citations if "start" in c
        ],
        "spans": [[proposal["start"], proposal["end"]]],
    }


def event_card(event: Event) -> dict:
    """A saved event as a card: the fields it has, its citations of this article."""
    location = event.location
    own_point = event.point is not None and (
        location is None or location.point is None or event.point != location.point
    )
    bounds = period_bounds(event.start_date, event.date_precision)
    single = (event.start_date, event.end_date) == bounds
    return {
        "key": f"e{event.pk}",
        "event_id": event.pk,
        "version": event.version,
        "status": event.status,
        "status_label": event.get_status_display(),
        "url": event.get_absolute_url(),
        "title": event.title,
        "summary": event.summary,
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "date": date_value(event.start_date, event.date_precision),
        "end": "" if single else date_value(event.end_date, event.date_precision),
        "precision": event.date_precision,
        "place": location_ref(location),
        "geo_precision": event.geo_precision,
        "point": ({"lat": event.point.y, "lon": event.point.x} if own_point else None),
        "fatalities_low": event.fatalities_low,
        "fatalities_best": event.fatalities_best,
        "fatalities_high": event.fatalities_high,
        "confidence": event.confidence,
        "roles": [
            {
                "actor": lookup.actor_choice(p.actor, None),
                "role": p.role,
                "capacity": p.capacity,
                "on_behalf_of": lookup.actor_ref(p.on_behalf_of)
                if p.on_behalf_of
                else None,
            }
            for p in event.participations.all()
        ],
        "suggested": [],
        "citations": [{"start": c.start, "end": c.end} for c in event.here],
        "spans": [],
    }
