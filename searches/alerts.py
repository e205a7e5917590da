"""
What a saved search matches and what it sends: its filters checked by the
events' own FilterSet, new matching events recorded once per search (a
Delivery), and the webhook and the mail digest that carry them.

Alerts are for published events: an event is news to a search when it was
first published after the search began watching, and it matches the filters
as the search's owner may see it. The jobs that run these are in tasks.py.
"""

import datetime
import hashlib
import hmac
import json
import logging
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import CharField, Exists, F, OuterRef, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from procrastinate import exceptions as procrastinate_exceptions

from events import features, fetch
from events.filters import EventFilterSet
from events.models import Event
from intake import queue
from searches.models import Delivery, SavedSearch

logger = logging.getLogger(__name__)

# Parameters that select events, which a search keeps; paging, formats and
# `updated_since` (a moment, not a subject) are not part of a search.
NOT_KEPT = {"updated_since", "sort"}
# What a page's or the API's address may hold besides filters: how the
# events are shown, not which. Dropped from a search made from an address.
NOT_FILTERS = {"after", "sort", "ordering", "cursor", "page_size", "format", "zoom"}
MAX_VALUES = 100
MAX_VALUE_LENGTH = 500
# Events one webhook request carries at most; more follow in the next.
WEBHOOK_BATCH = 100
DIGEST_EVENTS = 200
SIGNATURE_HEADER = "X-Zagros-Signature"
DELIVERY_HEADER = "X-Zagros-Delivery"
EVENT_HEADER = "X-Zagros-Event"
# How late a transaction may commit after its writes and still be matched
# by the next run (which would otherwise start past them).
MATCH_MARGIN = datetime.timedelta(minutes=10)
DIGEST_INTERVALS = {
    SavedSearch.Digest.HOURLY: datetime.timedelta(hours=1),
    SavedSearch.Digest.DAILY: datetime.timedelta(days=1),
}


def kept_filters() -> list[str]:
    return [name for name in EventFilterSet.base_filters if name not in NOT_KEPT]


class InvalidFilters(Exception):
    """
    Filters a search cannot keep: each parameter's name with its messages,
    and their codes (an id that names nothing has the API's NAMES_NOTHING).
    """

    def __init__(self, errors: dict[str, list[tuple[str, str]]]) -> None:
        super().__init__("invalid filters")
        self.coded = errors
        self.errors = {
            name: [message for message, _ in problems]
            for name, problems in errors.items()
        }


def as_text(value: object) -> str | None:
    """A filter's value as a query string has it; None if it cannot be one."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and is_unicode(value):
        return value
    return None


def is_unicode(text: str) -> bool:
    """Whether `text` is Unicode text (JSON's escapes can spell lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clean_filters(data: Mapping[str, object]) -> dict[str, list[str]]:
    """
    The filters in `data` (a QueryDict, or a mapping of names to a value or
    a list of values: strings, and numbers or booleans for the filters that
    take them) as a search keeps them: known parameters only, blank values
    dropped, each checked by EventFilterSet as the API's list checks it.
    InvalidFilters names each parameter that is wrong, and why.
    """
    errors: dict[str, list[tuple[str, str]]] = {}
    cleaned: dict[str, list[str]] = {}
    known = set(kept_filters())
    for name in sorted(data.keys(), key=str):
        raw = data.getlist(name) if isinstance(data, QueryDict) else data[name]
        values = [as_text(value) for value in (raw if isinstance(raw, list) else [raw])]
        if name in NOT_FILTERS:
            continue
        if name not in known:
            message = "Not a filter of events; the filters are: {}.".format(
                ", ".join(sorted(known))
            )
            errors[str(name)[:100]] = [(message, "invalid")]
        elif None in values:
            message = "Expected a value or a list of values, as text."
            errors[name] = [(message, "invalid")]
        elif len(values) > MAX_VALUES:
            errors[name] = [(f"At most {MAX_VALUES} values.", "invalid")]
        elif any(len(value) > MAX_VALUE_LENGTH for value in values):
            message = f"Too long: at most {MAX_VALUE_LENGTH} characters."
            errors[name] = [(message, "invalid")]
        elif values := [value.strip() for value in values if value.strip()]:
            cleaned[name] = values
    if errors:
        raise InvalidFilters(errors)
    query = QueryDict(mutable=True)
    for name, values in cleaned.items():
        query.setlist(name, values)
    filterset = EventFilterSet(data=query, queryset=Event.objects.none())
    if not filterset.is_valid():
        raise InvalidFilters(
            {
                name: [
                    (" ".join(error.messages), error.code or "invalid")
                    for error in problems
                ]
                for name, problems in filterset.errors.as_data().items()
            }
        )
    return cleaned


def matching(search: SavedSearch, user=None) -> QuerySet:
    """The events that match `search` as its owner (or `user`) sees them."""
    filterset = EventFilterSet(
        data=search.query(),
        queryset=Event.objects.visible_to(user or search.owner),
    )
    if not filterset.is_valid():
        # A filter that names something since removed (an actor merged away)
        # matches nothing rather than everything.
        return Event.objects.none()
    return filterset.qs


def news(search: SavedSearch) -> QuerySet:
    """Matching events published since the search began watching, not yet delivered."""
    delivered = Delivery.objects.filter(search=search, event=OuterRef("pk"))
    return (
        matching(search)
        .filter(status=Event.Status.PUBLISHED, published_at__gte=search.watching_since)
        .filter(~Exists(delivered))
    )


# --- matching -----------------------------------------------------------------------


def on_published(sender, event_ids: list[int], **kwargs) -> None:
    """Events were published or changed: match them, once the change commits
    (if anyone has a saved search to match them against)."""
    if SavedSearch.objects.exists():
        defer_match()


def defer_once(task: str, lock: str, **kwargs) -> None:
    """
    Queue a job of `task` in the current transaction, unless one holding
    `lock` already waits (it will do this job's work too). Jobs holding the
    same lock never run at once.
    """
    try:
        with transaction.atomic():  # a refusal leaves the caller's transaction usable
            queue.deferrer(task, lock=lock, queueing_lock=lock).defer(**kwargs)
    except procrastinate_exceptions.AlreadyEnqueued:
        pass


def defer_match() -> None:
    defer_once("searches.match", "searches-match")


def match(search_ids: Iterable[int] | None = None) -> int:
    """
    Record every search's new matching events (one Delivery each; a second
    run finds none), and queue the webhooks that have some to send. The
    number of deliveries made.
    """
    searches = SavedSearch.objects.select_related("owner").filter(owner__is_active=True)
    if search_ids is not None:
        searches = searches.filter(pk__in=list(search_ids))
    made = 0
    for search in searches.order_by("pk"):
        made += match_one(search)
    return made


def match_one(search: SavedSearch) -> int:
    now = timezone.now()
    candidates = news(search)
    if search.matched_until is not None:
        # Only what changed since the last match began, less a margin for a
        # transaction that wrote before then but committed after it read: a
        # publication sets `updated_at`, so nothing new is older than that.
        candidates = candidates.filter(
            updated_at__gte=search.matched_until - MATCH_MARGIN
        )
    webhook = Delivery.State.PENDING if search.webhook_url else Delivery.State.NONE
    mail = (
        Delivery.State.PENDING
        if search.digest != SavedSearch.Digest.OFF
        else Delivery.State.NONE
    )
    with transaction.atomic():
        ids = list(
            candidates.order_by("published_at", "id").values_list("pk", flat=True)
        )
        # Two runs at once (the lock keeps them apart, but a worker lost
        # mid-job may be retried) make each pair once: the unique constraint.
        made = Delivery.objects.bulk_create(
            [
                Delivery(
                    search=search,
                    event_id=pk,
                    matched_at=now,
                    webhook=webhook,
                    mail=mail,
                )
                for pk in ids
            ],
            ignore_conflicts=True,
        )
        if ids and search.webhook_url:
            defer_webhook(search.pk)
        SavedSearch.objects.filter(pk=search.pk).update(matched_until=now)
    return len(made)


# --- webhooks -----------------------------------------------------------------------


def defer_webhook(search_id: int) -> None:
    defer_once("searches.send_webhook", f"webhook-{search_id}", search_id=search_id)


def sign(secret: str, body: bytes) -> str:
    """The signature header's value: sha256= and the HMAC-SHA256 of the body, in hex."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def event_features(event_ids: list[int]) -> list[dict]:
    """The events as GeoJSON Features, as the API's full records, with their page."""
    site = settings.SITE_URL.rstrip("/")
    properties = {
        **features.FULL_PROPERTIES,
        "url": Concat(
            Value(f"{site}/events/"),
            Cast(F("id"), CharField()),
            Value("/"),
            output_field=CharField(),
        ),
    }
    rows = features.features(
        Event.objects.filter(pk__in=event_ids).order_by("published_at", "id"),
        properties=properties,
    )
    return [json.loads(row) for row in rows]


def search_summary(search: SavedSearch) -> dict:
    site = settings.SITE_URL.rstrip("/")
    return {
        "id": search.pk,
        "name": search.name,
        "filters": search.filters,
        "timeline": site + search.timeline_url(),
    }


def webhook_body(search: SavedSearch, deliveries: list[Delivery]) -> bytes:
    """A GeoJSON FeatureCollection of the new events, naming the search."""
    document = {
        "type": "FeatureCollection",
        "search": search_summary(search),
        "deliveries": [delivery.pk for delivery in deliveries],
        "sent_at": timezone.now().isoformat(),
        "features": event_features([delivery.event_id for delivery in deliveries]),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


class WebhookFailed(Exception):
    """The receiver did not take the events; the job is tried again later."""


def send_webhook(search_id: int, *, last_attempt: bool) -> int:
    """
    POST the search's pending events to its webhook, WEBHOOK_BATCH at a
    time, each request signed; the number sent. A refusal (an answer other
    than 2xx, or no answer) raises WebhookFailed after recording it on the
    search; on the last attempt the events it held are given up (state
    failed) rather than sent again forever.
    """
    search = SavedSearch.objects.filter(pk=search_id).first()
    if search is None:
        return 0
    sent = 0
    while True:
        deliveries = list(
            Delivery.objects.filter(
                search=search, webhook=Delivery.State.PENDING
            ).order_by("id")[:WEBHOOK_BATCH]
        )
        if not deliveries:
            return sent
        if not search.webhook_url:
            Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
                webhook=Delivery.State.NONE
            )
            continue
        body = webhook_body(search, deliveries)
        headers = {
            "Content-Type": "application/geo+json",
            SIGNATURE_HEADER: sign(search.webhook_secret, body),
            # The same for every attempt at these events, so a receiver can
            # tell a retry from news.
            DELIVERY_HEADER: f"{search.pk}-{deliveries[0].pk}-{deliveries[-1].pk}",
            EVENT_HEADER: "events.matched",
        }
        try:
            status = fetch.post(
                search.webhook_url,
                body,
                headers=headers,
                timeout=settings.WEBHOOK_TIMEOUT,
            )
            error = "" if 200 <= status < 300 else f"The receiver answered {status}."
        except fetch.FetchError as exc:
            error = str(exc)
        ids = [delivery.pk for delivery in deliveries]
        now = timezone.now()
        if not error:
            Delivery.objects.filter(pk__in=ids).update(
                webhook=Delivery.State.SENT, webhook_sent_at=now
            )
            SavedSearch.objects.filter(pk=search.pk).update(
                webhook_failures=0, webhook_error="", webhook_succeeded_at=now
            )
            sent += len(ids)
            continue
        SavedSearch.objects.filter(pk=search.pk).update(
            webhook_failures=F("webhook_failures") + 1,
            webhook_error=f"{now:%Y-%m-%d %H:%M:%S} UTC: {error}"[:2000],
        )
        if last_attempt:
            Delivery.objects.filter(
                search=search, webhook=Delivery.State.PENDING
            ).update(webhook=Delivery.State.FAILED)
            logger.warning("Search %s: webhook given up: %s", search.pk, error)
            return sent
        raise WebhookFailed(error)


def retry_wait(attempts: int) -> float:
    """Seconds before attempt `attempts + 1`: WEBHOOK_BACKOFF, doubling each time."""
    return settings.WEBHOOK_BACKOFF * 2 ** max(attempts - 1, 0)


# --- mail ---------------------------------------------------------------------------


def digests_due(now: datetime.datetime) -> list[int]:
    """Searches with events waiting for a digest whose interval has passed."""
    pending = Delivery.objects.filter(
        search=OuterRef("pk"), mail=Delivery.State.PENDING
    )
    due = []
    searches = (
        SavedSearch.objects.exclude(digest=SavedSearch.Digest.OFF)
        .filter(Exists(pending), owner__is_active=True)
        .exclude(owner__email="")
        .only("pk", "digest", "digested_at")
    )
    for search in searches:
        interval = DIGEST_INTERVALS[search.digest]
        # A little early is on time: the hourly task does not run to the second.
        if search.digested_at is None or now - search.digested_at >= interval * 0.95:
            due.append(search.pk)
    return due


def defer_digest(search_id: int) -> None:
    defer_once("searches.send_digest", f"digest-{search_id}", search_id=search_id)


def send_digest(search_id: int) -> int:
    """Mail the owner the search's events that wait for a digest; how many."""
    search = SavedSearch.objects.select_related("owner").filter(pk=search_id).first()
    if search is None or not search.owner.email:
        return 0
    with transaction.atomic():
        deliveries = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(search=search, mail=Delivery.State.PENDING)
            .select_related("event", "event__location")
            .order_by("id")[:DIGEST_EVENTS]
        )
        if not deliveries:
            return 0
        site = settings.SITE_URL.rstrip("/")
        count = len(deliveries)
        lines = []
        for delivery in deliveries:
            event = delivery.event
            place = f" — {event.location.name}" if event.location else ""
            lines.append(
                f"- {event.date_display()}{place}: {event.title}\n"
                f"  {site}{event.get_absolute_url()}"
            )
        subject = (
            f"Zagros: {count} new event{'s' if count != 1 else ''} for “{search.name}”"
        )
        body = (
            f"New events matching your saved search “{search.name}”:\n\n"
            + "\n".join(lines)
            + f"\n\nAll of them on the timeline: {site}{search.timeline_url()}\n"
            f"Your saved searches: {site}{reverse('searches:list')}\n"
        )
        now = timezone.now()
        Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
            mail=Delivery.State.SENT, mailed_at=now
        )
        SavedSearch.objects.filter(pk=search.pk).update(digested_at=now)
        # Inside the transaction: a mail server that refuses leaves the
        # events waiting for the next digest.
        send_mail(subject, body, None, [search.owner.email])
    return count
