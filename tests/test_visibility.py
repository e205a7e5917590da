"""
One visibility rule, held to everywhere. Every URL of the site is walked as
each persona, or has a stated reason not to be; each response must show
exactly the events of the shared world that `Event.objects.visible_to(user)`
holds (`addressable_by` for an event's own page), and the counts it prints
must be the rule's counts. Then each page and list makes the same number of
queries with two hundred more events, and reads no row of events it does
not show.
"""

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.urls import URLResolver, get_resolver

from events import actor_merge, workflow
from events.models import Actor, ActorMerge, Event, FeedToken, Revision
from events.ogc.collections import COLLECTIONS
from intake.models import Item, Source
from tests.conftest import (
    PERSONAS,
    WINDOW,
    SharedWorld,
    add_events,
    add_unrelated_events,
    persona_client,
)

pytestmark = pytest.mark.django_db

DATES = {"start": WINDOW[0].isoformat(), "end": WINDOW[1].isoformat()}
# Links that name an event: its page, its API resource, its admin form, its
# OGC feature.
EVENT_LINK = re.compile(r"/events/(?:event/)?(\d+)/|/collections/events/items/(\d+)")


# --- what a response shows -------------------------------------------------------


def no_ids(text: str) -> set[int]:
    return set()


def no_counts(text: str) -> dict:
    return {}


@dataclass
class Probe:
    """A GET and what it must answer: a status and, for a 200, what it shows."""

    path: str
    status: int
    events: set[int] = field(default_factory=set)
    counts: dict = field(default_factory=dict)
    # Event ids a body gives in fields of its own, beside titles and links.
    ids: Callable[[str], set[int]] = no_ids
    read_counts: Callable[[str], dict] = no_counts
    # What of the body is not an event shown (a feed's deleted entries).
    apart: re.Pattern | None = None

    def expected(self) -> dict:
        if self.status != 200:
            return {"status": self.status}
        return {"status": 200, "events": sorted(self.events), **self.counts}

    def observed(self, response: HttpResponse, world: SharedWorld) -> dict:
        if response.status_code != 200:
            return {"status": response.status_code}
        whole = body(response)
        text = self.apart.sub("", whole) if self.apart else whole
        shown = {pk for title, pk in world.titles.items() if title in text}
        shown |= {int(a or b) for a, b in EVENT_LINK.findall(text)}
        shown |= self.ids(text)
        return {
            "status": 200,
            "events": sorted(shown & world.event_ids),
            **self.read_counts(whole),
        }


def body(response: HttpResponse) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def result_ids(text: str) -> set[int]:
    return {row["id"] for row in json.loads(text)["results"]}


def feature_ids(text: str) -> set[int]:
    return {feature["id"] for feature in json.loads(text)["features"]}


def own_id(text: str) -> set[int]:
    return {json.loads(text)["id"]}


def csv_ids(text: str) -> set[int]:
    return {int(row["event_id"]) for row in csv.DictReader(io.StringIO(text))}


def signing_ids(text: str) -> set[int]:
    document = json.loads(text)
    rows = document.get("results", [document])
    return {row["signing_event"] for row in rows} - {None}


def ogc_signing_ids(text: str) -> set[int]:
    document = json.loads(text)
    features = document.get("features", [document])
    return {f["properties"]["signing_event_id"] for f in features} - {None}


def autocomplete_ids(text: str) -> set[int]:
    return {int(row["id"]) for row in json.loads(text)["results"]}


def number(pattern: str) -> Callable[[str], dict]:
    def read(text: str) -> dict:
        match = re.search(pattern, text)
        return {"count": int(match[1]) if match else None}

    return read


def chart_count(text: str) -> dict:
    bars = re.findall(r"<title>[^<]*: (\d+) events?</title>", text)
    return {"count": sum(int(total) for total in bars)}


def actor_counts(text: str) -> dict:
    years = re.findall(r"<li>\d{4}: (\d+)</li>", text)
    roles = re.search(r"<dt>Roles</dt><dd>(.*?)</dd>", text)
    in_roles = re.findall(r"\((\d+)\)", roles[1]) if roles else []
    return {
        "count": sum(int(total) for total in years),
        "roles": sum(int(total) for total in in_roles),
    }


def cluster_count(text: str) -> dict:
    features = json.loads(text)["features"]
    return {"count": sum(f["properties"]["count"] for f in features)}


def timeline_count(text: str) -> dict:
    document = json.loads(text)
    rows = document["results"] + document["imprecise"]
    return {"count": sum(row["count"] for row in rows)}


def matched_count(text: str) -> dict:
    return {"count": json.loads(text).get("numberMatched")}


DELETED_ENTRY = re.compile(r"<at:deleted-entry\b.*?</at:deleted-entry>", re.S)


def deleted_entries(world: SharedWorld) -> Callable[[str], dict]:
    def read(text: str) -> dict:
        refs = {
            int(pk)
            for entry in DELETED_ENTRY.findall(text)
            for pk in re.findall(r'ref="[^"]*/events/(\d+)/"', entry)
        }
        return {"deleted_entries": sorted(refs & world.event_ids)}

    return read


def feed(reader: "Reader") -> list["Probe"]:
    # A reader learns of an event that left publication as a deleted entry,
    # as a sync client does from tombstones; drafts never published stay
    # unknown.
    retracted = reader.world.events[Event.Status.RETRACTED].pk
    return [
        Probe(
            f"/feeds/events/?{window()}",
            200,
            reader.visible,
            counts={"deleted_entries": sorted({retracted} - reader.visible)},
            read_counts=deleted_entries(reader.world),
            apart=DELETED_ENTRY,
        )
    ]


def tombstones(world: SharedWorld) -> Callable[[str], dict]:
    def read(text: str) -> dict:
        removed = {row["id"] for row in json.loads(text)["tombstones"]}
        return {"tombstones": sorted(removed & world.event_ids)}

    return read


# --- what the rule lets each reader see -------------------------------------------


@dataclass
class Reader:
    world: SharedWorld
    user: User | AnonymousUser
    # Of the shared world's events: those the rule shows the reader, and
    # those whose own page the reader may open.
    visible: set[int]
    addressable: set[int]
    # Of the whole table: how many the reader may see.
    visible_total: int

    @classmethod
    def of(cls, world: SharedWorld, user: User | AnonymousUser) -> "Reader":
        mine = Event.objects.filter(pk__in=world.event_ids)
        return cls(
            world=world,
            user=user,
            visible=set(mine.visible_to(user).values_list("pk", flat=True)),
            addressable=set(mine.addressable_by(user).values_list("pk", flat=True)),
            visible_total=Event.objects.visible_to(user).count(),
        )

    def shown(self, pk: int | None) -> set[int]:
        """The event, if the rule lets this reader see it."""
        return {pk} & self.visible


# --- the site's URLs, filled in for a reader, or left out with a reason -----------


def window(**more: str) -> str:
    return urlencode({**DATES, **more})


def events_by_id(
    path: str, shows: Callable[[Reader, int], set[int]], ids: Callable = no_ids
) -> Callable[[Reader], list[Probe]]:
    """An event's own address: found only when the rule lets the reader see it."""

    def probes(reader: Reader) -> list[Probe]:
        return [
            Probe(
                path.format(pk=pk),
                200 if pk in reader.visible else 404,
                shows(reader, pk),
                ids=ids,
            )
            for pk in reader.world.event_ids
        ]

    return probes


def event_pages(reader: Reader) -> list[Probe]:
    # A retracted event keeps its page; the page lists the related events
    # the reader may see.
    return [
        Probe(
            f"/events/{pk}/",
            200 if pk in reader.addressable else 404,
            reader.visible | {pk},
        )
        for pk in reader.world.event_ids
    ]


def home(reader: Reader) -> list[Probe]:
    return [
        Probe(
            "/",
            200,
            reader.visible,
            counts={"count": reader.visible_total},
            read_counts=number(r"<dt>Published events</dt><dd>(\d+)</dd>"),
        )
    ]


def about(reader: Reader) -> list[Probe]:
    return [
        Probe(
            "/about/",
            200,
            counts={"count": reader.visible_total},
            read_counts=number(r"It holds (\d+) published event"),
        )
    ]


def timeline(reader: Reader) -> list[Probe]:
    return [
        Probe(
            f"/timeline/?{window()}",
            200,
            reader.visible,
            counts={"count": len(reader.visible)},
            read_counts=chart_count,
        )
    ]


def map_data(reader: Reader) -> list[Probe]:
    box = reader.world.bbox()
    return [
        Probe(
            f"/maps/events.geojson?{window(zoom='12', bbox=box)}",
            200,
            reader.visible,
            ids=feature_ids,
        ),
        Probe(
            f"/maps/events.geojson?{window(zoom='5', bbox=box)}",
            200,
            counts={"count": len(reader.visible)},
            read_counts=cluster_count,
        ),
    ]


def actor_page(reader: Reader) -> list[Probe]:
    count = len(reader.visible)  # one role each
    return [
        Probe(
            f"/actors/{reader.world.actor.pk}/",
            200,
            reader.visible,
            counts={"count": count, "roles": count},
            read_counts=actor_counts,
        )
    ]


def agreement_pages(reader: Reader) -> list[Probe]:
    # The signing event, and the events near the border since the signing.
    return [
        Probe(f"/agreements/{agreement.pk}/", 200, reader.visible)
        for agreement in reader.world.agreements.values()
    ]


def now(reader: Reader) -> list[Probe]:
    # The live view lists published events only, whoever reads it.
    published = set(
        Event.objects.filter(
            pk__in=reader.visible, status=Event.Status.PUBLISHED
        ).values_list("pk", flat=True)
    )
    return [Probe(f"/now/?{window()}", 200, published)]


def shows_visible(path: str) -> Callable[[Reader], list[Probe]]:
    def probes(reader: Reader) -> list[Probe]:
        return [Probe(path.format(world=reader.world), 200, reader.visible)]

    return probes


def shows_none(*paths: str) -> Callable[[Reader], list[Probe]]:
    def probes(reader: Reader) -> list[Probe]:
        return [Probe(path.format(world=reader.world), 200) for path in paths]

    return probes


def event_list(reader: Reader) -> list[Probe]:
    world = reader.world
    since = world.since.isoformat()
    retracted = world.events[Event.Status.RETRACTED].pk
    return [
        Probe(f"/api/v1/events/?{window()}", 200, reader.visible, ids=result_ids),
        Probe(
            f"/api/v1/events/?{window(format='geojson')}",
            200,
            reader.visible,
            ids=feature_ids,
        ),
        Probe(
            f"/api/v1/events/?{window(format='csv')}", 200, reader.visible, ids=csv_ids
        ),
        # A sync client learns of an event that left publication, when the
        # rule no longer shows it; drafts never published stay unknown.
        Probe(
            f"/api/v1/events/?{window(updated_since=since)}",
            200,
            reader.visible,
            counts={"tombstones": sorted({retracted} - reader.visible)},
            ids=result_ids,
            read_counts=tombstones(world),
        ),
    ]


def api_tombstones(reader: Reader) -> list[Probe]:
    # The pages of tombstones past the first: the same rule as the list's.
    since = reader.world.since.isoformat()
    retracted = reader.world.events[Event.Status.RETRACTED].pk
    return [
        Probe(
            f"/api/v1/events/tombstones/?{window(updated_since=since)}",
            200,
            counts={"tombstones": sorted({retracted} - reader.visible)},
            read_counts=tombstones(reader.world),
        )
    ]


def api_timeline(reader: Reader) -> list[Probe]:
    return [
        Probe(
            f"/api/v1/events/timeline/?{window(interval='day')}",
            200,
            counts={"count": len(reader.visible)},
            read_counts=timeline_count,
        )
    ]


def api_event(reader: Reader) -> list[Probe]:
    probes = []
    for suffix in ("", "?format=geojson"):
        probes += events_by_id(
            "/api/v1/events/{pk}/" + suffix, lambda r, pk: {pk}, ids=own_id
        )(reader)
    return probes


def api_agreements(reader: Reader) -> list[Probe]:
    return [Probe("/api/v1/agreements/", 200, reader.visible, ids=signing_ids)]


def api_agreement(reader: Reader) -> list[Probe]:
    return [
        Probe(
            f"/api/v1/agreements/{agreement.pk}/",
            200,
            reader.shown(agreement.signing_event_id),
            ids=signing_ids,
        )
        for agreement in reader.world.agreements.values()
    ]


def ogc_items(reader: Reader) -> list[Probe]:
    box = reader.world.bbox()
    period = f"{DATES['start']}/{DATES['end']}"
    query = urlencode({"bbox": box, "datetime": period})
    return [
        Probe(
            f"/ogc/collections/events/items?{query}",
            200,
            reader.visible,
            counts={"count": len(reader.visible)},
            ids=feature_ids,
            read_counts=matched_count,
        ),
        Probe("/ogc/collections/locations/items?code=VIS-CROSSING", 200),
        Probe(
            f"/ogc/collections/agreements/items?datetime={DATES['start']}",
            200,
            reader.visible,
            ids=ogc_signing_ids,
        ),
    ]


def ogc_item(reader: Reader) -> list[Probe]:
    world = reader.world
    probes = events_by_id(
        "/ogc/collections/events/items/{pk}", lambda r, pk: {pk}, ids=own_id
    )(reader)
    probes.append(Probe(f"/ogc/collections/locations/items/{world.place.pk}", 200))
    probes += [
        Probe(
            f"/ogc/collections/agreements/items/{agreement.pk}",
            200,
            reader.shown(agreement.signing_event_id),
            ids=ogc_signing_ids,
        )
        for agreement in world.agreements.values()
    ]
    return probes


def ogc_collections(suffix: str) -> Callable[[Reader], list[Probe]]:
    return shows_none(*(f"/ogc/collections/{name}{suffix}" for name in COLLECTIONS))


# --- the review queue -------------------------------------------------------------


def pending_change(world: SharedWorld) -> Revision:
    """A change to the world's published event, awaiting review (made once)."""
    event = world.events[Event.Status.PUBLISHED]
    pending = event.revisions.pending().first()
    if pending is not None:
        return pending
    values = event.revision_values()
    return Revision.objects.create(
        event=event,
        values={**values, "title": "Retitled border protest"},
        base_values=values,
        base_version=event.version,
    )


def queue_status(reader: Reader) -> int:
    if not reader.user.is_authenticated:
        return 302
    return 200 if workflow.may_see_queue(reader.user) else 403


def review_page(reader: Reader) -> list[Probe]:
    # Events in review, and the published event with a change pending; the
    # queue is the same whoever of its readers reads it.
    pending_change(reader.world)
    queue = {
        reader.world.events[Event.Status.IN_REVIEW].pk,
        reader.world.events[Event.Status.PUBLISHED].pk,
    }
    status = queue_status(reader)
    return [Probe("/review/", status, queue if status == 200 else set())]


def review_feed(reader: Reader) -> list[Probe]:
    # The address holds the reader's own key; a reader with none, or one the
    # queue is not for, finds nothing there.
    pending_change(reader.world)
    user = reader.user
    key = (
        FeedToken.objects.get_or_create(user=user)[0].key
        if user.is_authenticated
        else "no-such-key-" + "x" * 40
    )
    readable = user.is_authenticated and workflow.may_see_queue(user)
    queue = {
        reader.world.events[Event.Status.IN_REVIEW].pk,
        reader.world.events[Event.Status.PUBLISHED].pk,
    }
    return [
        Probe(
            f"/feeds/review/{key}/",
            200 if readable else 404,
            queue if readable else set(),
        )
    ]


def revision_event_ids(text: str) -> set[int]:
    document = json.loads(text)
    return {row["event"] for row in document.get("results", [document])}


def api_revisions(suffix: str) -> Callable[[Reader], list[Probe]]:
    def probes(reader: Reader) -> list[Probe]:
        change = pending_change(reader.world)
        user = reader.user
        if not user.is_authenticated:
            status = 401
        else:
            status = 200 if workflow.may_see_queue(user) else 403
        shown = {change.event_id} if status == 200 else set()
        path = "/api/v1/revisions/" + suffix.format(pk=change.pk)
        return [Probe(path, status, shown, ids=revision_event_ids)]

    return probes


def admin_revision(view: str) -> Callable[[Reader], list[Probe]]:
    """A change awaiting review in the admin: for editors and reviewers."""

    def probes(reader: Reader) -> list[Probe]:
        change = pending_change(reader.world)
        user = reader.user
        suffix = {"changelist": "", "add": "add/", "change": "{pk}/change/",
                  "history": "{pk}/history/", "delete": "{pk}/delete/",
                  "restore": "{pk}/history/1/restore/", "redirect": "{pk}/",
                  "feed": "feed/"}[view]  # fmt: skip
        if not user.is_authenticated or view == "redirect":
            status = 302
        elif view == "delete":
            # Kept once made: only a superuser deletes, with its event.
            status = 200 if user.is_superuser else 403
        elif view in ("add", "restore"):
            status = 403  # made by saving a change; a POST
        else:
            status = 200 if workflow.may_see_queue(user) else 403
        shows = {"changelist", "change", "history", "delete"}
        shown = {change.event_id} if status == 200 and view in shows else set()
        return [
            Probe(
                "/admin/events/revision/" + suffix.format(pk=change.pk),
                status,
                shown,
            )
        ]

    return probes


def merge_record(world: SharedWorld) -> ActorMerge:
    """A duplicate of the world's actor merged into it (made once)."""
    record = ActorMerge.objects.filter(survivor_id=world.actor.pk).first()
    if record is not None:
        return record
    twin = Actor.objects.create(name="Visibility Front (Iraq)", kind="armed_group")
    return actor_merge.merge(merged=twin, into=world.actor, user=None)


def admin_actor_merge(view: str) -> Callable[[Reader], list[Probe]]:
    """Merging actors and their records: for editors and reviewers; no events."""

    def probes(reader: Reader) -> list[Probe]:
        user = reader.user
        if view == "merge":
            path = f"/admin/events/actor/{reader.world.actor.pk}/merge/"
        else:
            suffix = {"changelist": "", "add": "add/", "change": "{pk}/change/",
                      "history": "{pk}/history/", "delete": "{pk}/delete/",
                      "redirect": "{pk}/", "undo": "{pk}/undo/"}[view]  # fmt: skip
            record = merge_record(reader.world)
            path = "/admin/events/actormerge/" + suffix.format(pk=record.pk)
        if not user.is_authenticated or view == "redirect":
            status = 302
        elif view in ("add", "delete", "undo"):
            status = 403  # records are made by merging, kept, and undone by POST
        else:
            status = 200 if actor_merge.may_merge(user) else 403
        return [Probe(path, status)]

    return probes


# --- the admin -------------------------------------------------------------------

# The admin's views of each model, by their route below the model's address.
ADMIN_VIEWS = {
    "": "changelist",
    "add/": "add",
    "<path:object_id>/change/": "change",
    "<path:object_id>/history/": "history",
    "<path:object_id>/delete/": "delete",
    "<path:object_id>/history/<int:snapshot_id>/restore/": "restore",
    "<path:object_id>/": "redirect",
}


def admin_objects(world: SharedWorld, model: str) -> list:
    return {
        "event": list(world.events.values()),
        "citation": list(world.citations.values()),
        "agreement": list(world.agreements.values()),
        "actor": [world.actor],
        "location": [world.place],
        "sourcearticle": [world.article],
    }[model]


def admin_shows(reader: Reader, model: str, view: str, obj) -> set[int]:
    """The shared world's events an admin view shows, by the rule."""
    if view == "changelist":
        return reader.visible if model in ("event", "citation") else set()
    if model == "event" and view in ("change", "delete"):
        # The form's related events; what deleting it would delete.
        return reader.visible | {obj.pk}
    if model == "event" and view == "history":
        return {obj.pk}
    if model == "citation" and view == "change":
        return reader.shown(obj.event_id)
    if model == "agreement" and view == "change":
        return reader.shown(obj.signing_event_id)
    if model == "location" and view == "delete":
        return reader.visible  # the events that keep it from being deleted
    return set()


def admin_hides(reader: Reader, model: str, obj) -> bool:
    """Whether the rule hides an admin object: an event, or a citation of one."""
    attribute = {"event": "pk", "citation": "event_id"}.get(model)
    if obj is None or attribute is None:
        return False
    return getattr(obj, attribute) not in reader.visible


def admin_status(reader: Reader, model: str, view: str, obj) -> int:
    user = reader.user
    if not user.is_authenticated or view == "redirect":
        return 302
    if view == "restore":
        return 403  # a POST
    action = {"add": "add", "delete": "delete"}.get(view, "view")
    if not user.has_perm(f"events.{action}_{model}"):
        return 403
    if not admin_hides(reader, model, obj):
        return 200
    # As for an object that does not exist: the history of this project's
    # admins is a 404, Django's views redirect to the list.
    return 404 if view == "history" and model != "citation" else 302


def admin_model(model: str, view: str) -> Callable[[Reader], list[Probe]]:
    def probes(reader: Reader) -> list[Probe]:
        base = f"/admin/events/{model}/"
        if view in ("changelist", "add"):
            objects, suffix = [None], "" if view == "changelist" else "add/"
        else:
            objects = admin_objects(reader.world, model)
            suffix = {"change": "{pk}/change/", "history": "{pk}/history/",
                      "delete": "{pk}/delete/", "restore": "{pk}/history/1/restore/",
                      "redirect": "{pk}/"}[view]  # fmt: skip
        result = []
        for obj in objects:
            status = admin_status(reader, model, view, obj)
            result.append(
                Probe(
                    base + suffix.format(pk=obj.pk if obj else ""),
                    status,
                    admin_shows(reader, model, view, obj) if status == 200 else set(),
                )
            )
        return result

    return probes


def admin_page(
    path: str, shows: Callable[[Reader], set[int]], ids: Callable = no_ids
) -> Callable[[Reader], list[Probe]]:
    def probes(reader: Reader) -> list[Probe]:
        status = 200 if reader.user.is_authenticated else 302
        return [Probe(path.format(world=reader.world), status, shows(reader), ids=ids)]

    return probes


def curation(
    path: str, shows: Callable[[Reader], set[int]]
) -> Callable[[Reader], list[Probe]]:
    """The curation screen and its JSON: editors and reviewers only."""

    def probes(reader: Reader) -> list[Probe]:
        user = reader.user
        if not user.is_authenticated:
            status = 302
        elif user.has_perms(["events.add_event", "events.change_event"]):
            status = 200
        else:
            status = 403
        return [Probe(path.format(world=reader.world), status, shows(reader))]

    return probes


ADMIN_MODELS = ["sourcearticle", "actor", "location", "event", "agreement", "citation"]


# --- intake: sources, their items, the inbox ----------------------------------------


def intake_source(world: SharedWorld) -> Source:
    """A source whose one item became the world's article (made once)."""
    source, created = Source.objects.get_or_create(
        url="https://wire.example/visibility.xml",
        defaults={"name": "Visibility wire", "kind": Source.Kind.RSS},
    )
    if created:
        Item.objects.create(
            source=source,
            key="0" * 64,
            url="https://wire.example/visibility",
            title="Visibility report",
            state=Item.State.ADDED,
            article=world.article,
        )
    return source


def intake_admin(model: str, view: str) -> Callable[[Reader], list[Probe]]:
    """Sources and items in the admin: they hold no events."""

    def probes(reader: Reader) -> list[Probe]:
        source = intake_source(reader.world)
        obj = source if model == "source" else source.items.get()
        user = reader.user
        routes_by_view = {name: route for route, name in ADMIN_VIEWS.items()}
        suffix = (
            routes_by_view[view]
            .replace("<path:object_id>", "{pk}")
            .replace("<int:snapshot_id>", "1")
        )
        action = {"add": "add", "delete": "delete"}.get(view, "view")
        if not user.is_authenticated or view == "redirect":
            status = 302
        elif view == "restore" or (model == "item" and view == "add"):
            status = 403  # a POST; items come only from polls
        else:
            status = 200 if user.has_perm(f"intake.{action}_{model}") else 403
        return [Probe(f"/admin/intake/{model}/" + suffix.format(pk=obj.pk), status)]

    return probes


def inbox(reader: Reader) -> list[Probe]:
    # New articles, not events: the world's article is one.
    user = reader.user
    if not user.is_authenticated:
        status = 302
    else:
        status = 200 if user.has_perm("events.add_event") else 403
    return [Probe("/inbox/", status)]


def api_sources(suffix: str) -> Callable[[Reader], list[Probe]]:
    def probes(reader: Reader) -> list[Probe]:
        source = intake_source(reader.world)
        user = reader.user
        if not user.is_authenticated:
            status = 401
        else:
            status = 200 if user.has_perm("intake.view_source") else 403
        return [Probe("/api/v1/sources/" + suffix.format(pk=source.pk), status)]

    return probes


def api_article_suggestions(reader: Reader) -> list[Probe]:
    # Proposals read from the text, not events held.
    user = reader.user
    if not user.is_authenticated:
        status = 401
    else:
        status = 200 if user.has_perm("events.add_event") else 403
    path = f"/api/v1/articles/{reader.world.article.pk}/suggestions/"
    return [Probe(path, status)]


# Route -> the probes that fill it in, or why it is not walked.
ROUTES: dict[str, Callable[[Reader], list[Probe]] | str] = {
    "": home,
    "maps/basemap.geojson": shows_none("/maps/basemap.geojson"),
    "events/<int:event_id>/": event_pages,
    "actors/<int:actor_id>/": actor_page,
    "agreements/<int:agreement_id>/": agreement_pages,
    "places/<int:location_id>/": shows_visible("/places/{world.place.pk}/"),
    "articles/<int:article_id>/": shows_visible("/articles/{world.article.pk}/"),
    "about/": about,
    "favicon.ico": "redirects to a static file",
    "health/": 'answers {"status": "ok"} from SELECT 1; reads no events',
    "metrics": (
        "counts of requests, connections and queue jobs for operators, never "
        "an event's content; behind METRICS_TOKEN or METRICS_NETWORKS "
        "(tests/test_metrics.py walks who may read it)"
    ),
    "timeline/": timeline,
    "now/": now,
    "actors/lookup/": (
        "actors by name for the filters' autocomplete: names, never events "
        "(tests/test_filters_hold.py)"
    ),
    **{
        route: (
            "a signed-in reader's own saved searches: names and filters, no "
            "event; tests/test_searches.py walks every role, and no one "
            "reaches another's"
        )
        for route in (
            "searches/",
            "searches/new/",
            "searches/feed-address/",
            "searches/<int:search_id>/",
            "searches/<int:search_id>/delete/",
            "api/v1/^searches/$",
            "api/v1/^searches/(?P<pk>[0-9]+)/$",
        )
    },
    "feeds/searches/<str:key>/<int:search_id>/": (
        "a saved search's private feed: the events matched as its owner sees "
        "them, walked in tests/test_searches.py and "
        "tests/test_searches_alerts.py (feedparser)"
    ),
    "map/": shows_none("/map/"),  # its events come from map_data
    "maps/events.geojson": map_data,
    "tiles/events.json": shows_none("/tiles/events.json?type=battle"),
    "tiles/events/<int:z>/<int:x>/<int:y>.mvt": (
        "binary vector tiles: walked by every persona in tests/test_tiles.py, "
        "read by GDAL"
    ),
    "tiles/boundaries.json": shows_none("/tiles/boundaries.json"),
    "tiles/boundaries/<int:z>/<int:x>/<int:y>.mvt": (
        "binary tiles of the boundaries; hold no events"
    ),
    "feeds/events/": feed,
    "api/v1/": shows_none("/api/v1/"),
    "api/v1/schema/": "describes the API; holds no records",
    "api/v1/docs/": "describes the API; holds no records",
    "api/v1/suggestions/": "a POST: findings in the text it is sent",
    "api/v1/^events/$": event_list,
    "api/v1/^events/timeline/$": api_timeline,
    "api/v1/^events/tombstones/$": api_tombstones,
    "api/v1/^events/(?P<pk>[0-9]+)/$": api_event,
    "api/v1/^actors/$": shows_none("/api/v1/actors/?q=Visibility"),
    "api/v1/^actors/(?P<pk>[0-9]+)/$": shows_none("/api/v1/actors/{world.actor.pk}/"),
    "api/v1/^agreements/$": api_agreements,
    "api/v1/^agreements/(?P<pk>[0-9]+)/$": api_agreement,
    "api/v1/^locations/$": shows_none("/api/v1/locations/?code=VIS-CROSSING"),
    "api/v1/^locations/(?P<pk>[0-9]+)/$": shows_none(
        "/api/v1/locations/{world.place.pk}/"
    ),
    "api/v1/^articles/$": shows_none("/api/v1/articles/"),
    "api/v1/^articles/(?P<pk>[0-9]+)/$": shows_none(
        "/api/v1/articles/{world.article.pk}/"
    ),
    "api/v1/^.*/$": "a JSON 404 for any other address under the API",
    "ogc/": shows_none("/ogc/"),
    "ogc/conformance": shows_none("/ogc/conformance"),
    "ogc/api": shows_none("/ogc/api"),
    "ogc/collections": shows_none("/ogc/collections"),
    "ogc/collections/<str:collection_id>": ogc_collections(""),
    "ogc/collections/<str:collection_id>/schema": ogc_collections("/schema"),
    "ogc/collections/<str:collection_id>/geojson-schema": ogc_collections(
        "/geojson-schema"
    ),
    "ogc/collections/<str:collection_id>/queryables": ogc_collections("/queryables"),
    "ogc/collections/<str:collection_id>/items": ogc_items,
    "ogc/collections/<str:collection_id>/items/<str:feature_id>": ogc_item,
    "admin/": admin_page("/admin/", lambda reader: set()),
    "admin/^(?P<app_label>auth|authtoken|axes|events|intake|procrastinate)/$": (
        admin_page("/admin/events/", lambda reader: set())
    ),
    "inbox/": inbox,
    "inbox/<int:article_id>/dismiss/": (
        "a POST: walked by every persona in tests/test_intake_api.py"
    ),
    "api/v1/^sources/$": api_sources(""),
    "api/v1/^sources/(?P<pk>[0-9]+)/$": api_sources("{pk}/"),
    "api/v1/^articles/(?P<pk>[0-9]+)/suggestions/$": api_article_suggestions,
    **{
        f"admin/intake/{model}/{route}": intake_admin(model, view)
        for model in ("source", "item")
        for route, view in ADMIN_VIEWS.items()
        if not (model == "item" and view == "restore")
    },
    "admin/autocomplete/": admin_page(
        "/admin/autocomplete/?"
        + urlencode(
            {
                "app_label": "events",
                "model_name": "citation",
                "field_name": "event",
                "term": "Visibility",
            }
        ),
        lambda reader: reader.visible,
        ids=autocomplete_ids,
    ),
    # The events made from the article's sentences, as cards.
    "admin/events/sourcearticle/<int:article_id>/curate/": curation(
        "/admin/events/sourcearticle/{world.article.pk}/curate/",
        lambda reader: reader.visible,
    ),
    "admin/events/sourcearticle/<int:article_id>/curate/state/": curation(
        "/admin/events/sourcearticle/{world.article.pk}/curate/state/",
        lambda reader: reader.visible,
    ),
    "admin/events/sourcearticle/curate/places/": curation(
        "/admin/events/sourcearticle/curate/places/?q=Visibility", lambda r: set()
    ),
    "admin/events/sourcearticle/curate/actors/": curation(
        "/admin/events/sourcearticle/curate/actors/?q=Visibility", lambda r: set()
    ),
    "admin/events/sourcearticle/<int:article_id>/curate/save/": (
        "a POST: saves cards, walked by each persona in tests/test_curation.py"
    ),
    "admin/events/sourcearticle/<int:article_id>/curate/metadata/": (
        "a POST: saves an article's metadata, answered with the curate state above"
    ),
    "admin/events/sourcearticle/<int:article_id>/suggestions/": (
        "redirects to the article's curation screen, which applies the rule"
    ),
    "admin/events/sourcearticle/<int:article_id>/curate/discard/": (
        "a POST: sets a proposal aside; names no event"
    ),
    "review/": review_page,
    "feeds/review/<str:key>/": review_feed,
    "api/v1/^revisions/$": api_revisions(""),
    "api/v1/^revisions/(?P<pk>[0-9]+)/$": api_revisions("{pk}/"),
    "api/v1/^revisions/(?P<pk>[0-9]+)/accept/$": (
        "a POST: a reviewer's decision, walked by every persona in tests/test_review.py"
    ),
    "api/v1/^revisions/(?P<pk>[0-9]+)/send-back/$": (
        "a POST: a reviewer's decision, walked by every persona in tests/test_review.py"
    ),
    **{
        f"admin/events/revision/{route}": admin_revision(view)
        for route, view in {**ADMIN_VIEWS, "feed/": "feed"}.items()
    },
    "admin/events/actor/<path:object_id>/merge/": admin_actor_merge("merge"),
    **{
        f"admin/events/actormerge/{route}": admin_actor_merge(view)
        for route, view in {**ADMIN_VIEWS, "<path:object_id>/undo/": "undo"}.items()
        if view != "restore"
    },
    "admin/login/": "signing in",
    "admin/logout/": "signing out",
    "admin/password_change/": "changing one's password",
    "admin/password_change/done/": "changing one's password",
    "admin/jsi18n/": "translations for the admin's scripts",
    "admin/r/<path:content_type_id>/<path:object_id>/": (
        "redirects to an object's own page, which applies the rule"
    ),
    "admin/(?P<url>.*)$": "the admin's catch-all: a 404, or a redirect adding a slash",
    **{
        f"admin/events/{model}/{route}": admin_model(model, view)
        for model in ADMIN_MODELS
        for route, view in ADMIN_VIEWS.items()
    },
}
# Models of other applications, which hold no events.
# procrastinate's jobs are for superusers only.
OTHER_ADMIN = ("admin/auth/", "admin/authtoken/", "admin/axes/", "admin/procrastinate/")


def routes(patterns: list | None = None, prefix: str = "") -> list[str]:
    """Every URL pattern of the site, as its route from the root."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            found += routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            found.append(prefix + str(pattern.pattern))
    return found


def test_every_url_is_walked_or_says_why_not() -> None:
    # A new page fails here until it is filled in above, or given a reason.
    unknown = [
        route
        for route in routes()
        if route not in ROUTES and not route.startswith(OTHER_ADMIN)
    ]
    assert unknown == []
    # So does a new OGC collection, until ogc_items and ogc_item fill it in.
    assert sorted(COLLECTIONS) == ["agreements", "events", "locations"]


def test_the_rule_shows_readers_published_events_and_editors_every_status(
    shared_world: SharedWorld,
) -> None:
    by_id = {event.pk: status for status, event in shared_world.events.items()}
    seen = {}
    for persona in PERSONAS:
        reader = Reader.of(shared_world, persona_client(persona)[1])
        seen[persona] = {
            "visible": sorted(by_id[pk] for pk in reader.visible),
            "addressable": sorted(by_id[pk] for pk in reader.addressable),
        }
    every = sorted(Event.Status)
    assert seen == {
        "anonymous": {
            "visible": ["published"],
            "addressable": ["published", "retracted"],
        },
        "analyst": {
            "visible": ["published"],
            "addressable": ["published", "retracted"],
        },
        "editor": {"visible": every, "addressable": every},
        "reviewer": {"visible": every, "addressable": every},
        "admin": {"visible": every, "addressable": every},
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_sees_exactly_the_events_the_rule_shows(
    persona: str, shared_world: SharedWorld
) -> None:
    cache.clear()  # the anonymous API throttle counts across tests
    client, user = persona_client(persona)
    reader = Reader.of(shared_world, user)
    probes = [
        probe
        for route in routes()
        if callable(ROUTES.get(route))
        for probe in ROUTES[route](reader)
    ]
    observed = {p.path: p.observed(client.get(p.path), shared_world) for p in probes}
    expected = {p.path: p.expected() for p in probes}
    assert observed == expected


# --- what each page costs --------------------------------------------------------

# Each page and list, with the queries it makes for two readers: one who sees
# published events, one who sees every status. The same before and after
# add_events(): a query per row, or a Python loop over a queryset, shows here.
# A large read (the timeline's counts, the map's layer) sets its planner
# settings in one query (events.queries.bulk_read); a page's list needs none
# (the connection's own).
QUERIES = [
    ("/", {"anonymous": 6, "editor": 10}),
    ("/timeline/?{window}", {"anonymous": 8, "editor": 12}),
    ("/map/", {"anonymous": 3, "editor": 7}),
    ("/maps/events.geojson?zoom=12&bbox={bbox}&{window}",
     {"anonymous": 4, "editor": 8}),
    ("/maps/events.geojson?zoom=5&bbox={bbox}&{window}",
     {"anonymous": 5, "editor": 9}),
    ("/events/{published}/", {"anonymous": 5, "editor": 10}),
    ("/events/{retracted}/", {"anonymous": 5, "editor": 10}),
    ("/actors/{actor}/", {"anonymous": 5, "editor": 9}),
    ("/agreements/{agreement}/", {"anonymous": 6, "editor": 10}),
    ("/places/{place}/", {"anonymous": 3, "editor": 7}),
    # The article, its citations, its copies held as duplicates.
    ("/articles/{article}/", {"anonymous": 3, "editor": 7}),
    ("/about/", {"anonymous": 2, "editor": 6}),
    ("/feeds/events/?{window}", {"anonymous": 3, "editor": 7}),
    ("/api/v1/events/?{window}", {"anonymous": 1, "editor": 5}),
    # Streamed exports read their rows through psycopg's stream, which Django
    # does not count: what is pinned is every other query (the data version
    # for the ETag); tests/test_filter_matrix.py checks the rows themselves.
    ("/api/v1/events/?format=geojson&{window}", {"anonymous": 1, "editor": 5}),
    ("/api/v1/events/?format=csv&{window}", {"anonymous": 1, "editor": 5}),
    ("/api/v1/events/?updated_since={since}&{window}",
     {"anonymous": 3, "editor": 7}),
    ("/api/v1/events/timeline/?{window}", {"anonymous": 4, "editor": 8}),
    ("/api/v1/events/{published}/", {"anonymous": 4, "editor": 8}),
    ("/api/v1/agreements/", {"anonymous": 4, "editor": 8}),
    ("/api/v1/agreements/{agreement}/", {"anonymous": 4, "editor": 8}),
    # A first page: the page, its count, and the data version the count's
    # token is signed with.
    ("/ogc/collections/events/items?bbox={bbox}&datetime={period}",
     {"anonymous": 3, "editor": 7}),
    ("/ogc/collections/events/items/{published}", {"anonymous": 1, "editor": 5}),
    ("/ogc/collections/agreements/items", {"anonymous": 3, "editor": 7}),
    ("/admin/events/event/?start_date__year=2031", {"analyst": 8, "editor": 8}),
    # One count, capped, never the full count beside it; an editor reads
    # every citation, so the planner's estimate is asked first (and is the
    # answer once the table is large).
    ("/admin/events/citation/", {"analyst": 7, "editor": 8}),
    # An editor's form gives each related event and cited article an
    # autocomplete widget, which Django fills with a query of its own: that
    # form costs a query per row; the analyst's read-only one does not. One
    # query looks for a change awaiting review, named above the form.
    ("/admin/events/event/{published}/change/", {"analyst": 12}),
    ("/admin/events/agreement/{agreement}/change/", {"analyst": 10, "editor": 10}),
    # The screen: the article, the actors and places its text names (their
    # versions), its events with participants and citations, and in one
    # query the places the suggested cards point at.
    ("/admin/events/sourcearticle/{article}/curate/", {"editor": 12, "reviewer": 12}),
    ("/admin/events/sourcearticle/{article}/curate/state/",
     {"editor": 12, "reviewer": 12}),
    ("/review/", {"editor": 8, "reviewer": 8}),
    ("/inbox/", {"editor": 7, "reviewer": 7}),
    ("/api/v1/revisions/", {"editor": 5, "reviewer": 5}),
]  # fmt: skip


def names(world: SharedWorld) -> dict[str, object]:
    return {
        "window": window(),
        "bbox": world.bbox(),
        "period": f"{DATES['start']}/{DATES['end']}",
        "since": quote(world.since.isoformat()),
        "published": world.events[Event.Status.PUBLISHED].pk,
        "retracted": world.events[Event.Status.RETRACTED].pk,
        "actor": world.actor.pk,
        "agreement": world.agreements[Event.Status.PUBLISHED].pk,
        "place": world.place.pk,
        "article": world.article.pk,
    }


@contextmanager
def rows_read() -> Iterator[list[int]]:
    """The number of rows each statement returns to Django, as they run."""
    counts: list[int] = []

    def count(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        counts.append(max(context["cursor"].rowcount, 0))
        return result

    with connection.execute_wrapper(count):
        yield counts


def measure(client, url: str, queries: int, django_assert_num_queries) -> int:
    """Fetch `url` in exactly `queries` queries, and say how many rows they read."""
    cache.clear()  # cached layers must not hide the work
    with django_assert_num_queries(queries), rows_read() as counts:
        response = client.get(url)
        body(response)  # a stream reads its rows as it is sent
    assert response.status_code == 200
    return sum(counts)


@pytest.mark.parametrize(("path", "queries"), QUERIES, ids=[p for p, _ in QUERIES])
def test_a_page_costs_the_same_queries_with_two_hundred_more_events(
    path: str,
    queries: dict[str, int],
    shared_world: SharedWorld,
    django_assert_num_queries,
) -> None:
    url = path.format(**names(shared_world))
    clients = {persona: persona_client(persona)[0] for persona in queries}
    for client in clients.values():
        client.get(url)  # once unmeasured: Django's own caches fill
    for persona, client in clients.items():
        measure(client, url, queries[persona], django_assert_num_queries)
    add_events(shared_world, 200)
    for persona, client in clients.items():
        measure(client, url, queries[persona], django_assert_num_queries)


@pytest.mark.parametrize(("path", "queries"), QUERIES, ids=[p for p, _ in QUERIES])
def test_a_page_reads_no_row_of_the_events_it_does_not_show(
    path: str,
    queries: dict[str, int],
    shared_world: SharedWorld,
    django_assert_num_queries,
) -> None:
    # A page that loads every visible event to test membership in Python
    # makes one query however large the table: the rows it reads grow.
    url = path.format(**names(shared_world))
    clients = {persona: persona_client(persona)[0] for persona in queries}
    for client in clients.values():
        client.get(url)
    before = {
        persona: measure(client, url, queries[persona], django_assert_num_queries)
        for persona, client in clients.items()
    }
    add_unrelated_events(shared_world, 200)
    after = {
        persona: measure(client, url, queries[persona], django_assert_num_queries)
        for persona, client in clients.items()
    }
    assert after == before
