"""
Curation workflow: draft → in review → published → retracted, the gate an
event must pass to be published, changes to published events held for review
(revisions), the reviewers' queue and what tells them of it, and editing
without silent overwrites.
"""

import datetime
from dataclasses import dataclass

import pghistory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone

from events.models import (
    REVISED_FIELDS,
    REVISED_LISTS,
    WORKFLOW_FIELDS,
    Actor,
    Citation,
    Event,
    Location,
    Participant,
    Revision,
    SourceArticle,
    revision_citations,
    revision_participants,
    revision_point,
    revision_value,
    sees_unpublished,
)

# Fields an editor changes; the rest are bookkeeping kept by the system.
BOOKKEEPING = {
    "id", "version", "search_vector", "created_at", "updated_at", "created_by",
    "updated_by", "published_at",
}  # fmt: skip


# Sent inside the transaction that publishes events or changes published
# ones (`event_ids`), so a receiver's writes (a job queued, say) commit or
# roll back with them. Saved searches' alerts listen (searches/).
published = Signal()


def announce(event_ids: list[int]) -> None:
    if event_ids:
        published.send(sender=Event, event_ids=event_ids)


# Status moves only through the transitions below, which check permissions;
# restoring an earlier version leaves it as it is.
WORKFLOW = set(WORKFLOW_FIELDS)


class TransitionError(Exception):
    """A status change the workflow refuses, in words for the editor."""

    def __init__(self, message: str, *, field: str | None = "status") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class TransitionForbidden(TransitionError):
    """The move exists, but this user may not make it."""


class TransitionInvalid(TransitionError):
    """The move does not exist, or the event lacks what it needs for it."""


class RevisionRefused(TransitionError):
    """Someone else's change to the event awaits review: this one must wait."""


class StaleEdit(TransitionError):
    """The event changed since the editor opened it; saving would overwrite that."""


class RevisionConflict(TransitionError):
    """The event changed since the change was proposed; accepting would undo that."""

    def __init__(self, message: str, *, changes: list["Change"]) -> None:
        super().__init__(message, field=None)
        self.changes = changes


def can_publish(user: AbstractBaseUser) -> bool:
    return user.has_perm("events.publish_event")


def can_retract(user: AbstractBaseUser) -> bool:
    return user.has_perm("events.retract_event")


def may_move(user: AbstractBaseUser, old: str, new: str) -> bool:
    """
    Whether `user` may move an event from status `old` to `new`: editors move
    drafts into review and back; publishing and unpublishing are for those who
    may publish; retracting and reopening a retraction for those who may
    retract.
    """
    if old == new:
        return True
    if Event.Status.RETRACTED in (old, new):
        return can_retract(user)
    if Event.Status.PUBLISHED in (old, new):
        return can_publish(user)
    return True


def allowed_statuses(user: AbstractBaseUser, current: str) -> list[str]:
    """The statuses `user` may give an event that now has `current`, in order."""
    return [
        status
        for status in Event.Status.values
        if may_move(user, current, status) and valid_move(current, status)
    ]


def valid_move(old: str, new: str) -> bool:
    # Only what has been published can be retracted.
    return new != Event.Status.RETRACTED or old in (Event.Status.PUBLISHED, new)


def check_status_change(
    *, user: AbstractBaseUser, old: str, new: str, retraction_reason: str = ""
) -> None:
    """Refuse a status change the workflow does not allow, saying why."""
    if not valid_move(old, new):
        raise TransitionInvalid("Only a published event can be retracted.")
    if not may_move(user, old, new):
        raise TransitionForbidden(f"You may not move an event from {old} to {new}.")
    if new == Event.Status.RETRACTED and not retraction_reason.strip():
        raise TransitionInvalid(
            "Say why the event is retracted.", field="retraction_reason"
        )


def missing_for_publication(event: Event, *, citations: int | None = None) -> list[str]:
    """
    What an event lacks before it may be published, in words for the editor.
    `citations` counts the citations it will have once saved, where a form is
    about to change them; otherwise the stored ones count.
    """
    missing = []
    if citations is None:
        citations = 0 if event.pk is None else event.citations.count()
    if citations == 0:
        missing.append("at least one citation")
    if event.location_id is None:
        missing.append("a location")
    if event.start_date is None:
        missing.append("a date")
    return missing


def check_publishable(event: Event, *, citations: int | None = None) -> None:
    """The publication gate: refuse a published event that lacks what it needs."""
    if event.status != Event.Status.PUBLISHED:
        return
    missing = missing_for_publication(event, citations=citations)
    if missing:
        raise TransitionInvalid("A published event needs " + ", ".join(missing) + ".")


def status_fields(
    *, status: str, published_at: datetime.datetime | None, retraction_reason: str
) -> dict:
    """
    The bookkeeping that follows from a status: the time of the first
    publication, kept when an event is published again (so feeds and alerts
    see one publication per event; a republication changes `updated_at`), and
    a retraction reason only while retracted.
    """
    if status == Event.Status.PUBLISHED:
        return {
            "published_at": published_at or timezone.now(),
            "retraction_reason": "",
        }
    if status == Event.Status.RETRACTED:
        return {"published_at": published_at, "retraction_reason": retraction_reason}
    return {"published_at": published_at, "retraction_reason": ""}


def apply_status(event: Event, status: str, *, retraction_reason: str = "") -> None:
    """Give an unsaved event `status` and the bookkeeping that goes with it."""
    event.status = status
    for name, value in status_fields(
        status=status,
        published_at=event.published_at,
        retraction_reason=retraction_reason or event.retraction_reason,
    ).items():
        setattr(event, name, value)


@dataclass
class Outcome:
    done: list[Event]
    refused: list[tuple[Event, str]]


def _move(
    event: Event, user: AbstractBaseUser, status: str, *, retraction_reason: str = ""
) -> None:
    # A queryset update keeps the row lock short and leaves other fields as the
    # database has them; the history triggers record it like any save.
    current = Event.objects.select_for_update().only("published_at").get(pk=event.pk)
    Event.objects.filter(pk=event.pk).update(
        status=status,
        updated_by=user,
        updated_at=timezone.now(),
        **status_fields(
            status=status,
            published_at=current.published_at,
            retraction_reason=retraction_reason,
        ),
    )


@transaction.atomic
def submit_for_review(*, events: list[Event], user: AbstractBaseUser) -> Outcome:
    outcome = Outcome([], [])
    for event in events:
        if event.status != Event.Status.DRAFT:
            outcome.refused.append((event, f"is {event.get_status_display().lower()}"))
            continue
        _move(event, user, Event.Status.IN_REVIEW)
        outcome.done.append(event)
    if outcome.done:
        notify_reviewers(user=user, submitted=outcome.done)
    return outcome


def record_move(*, event: Event, old: str | None, user: AbstractBaseUser) -> None:
    """
    What follows a status change saved by a form or the API (`old` is None
    for a new event): reviewers hear of an event just submitted for review.
    """
    if event.status == Event.Status.IN_REVIEW and old != Event.Status.IN_REVIEW:
        notify_reviewers(user=user, submitted=[event])
    if event.status == Event.Status.PUBLISHED:
        announce([event.pk])


@transaction.atomic
def publish(*, events: list[Event], user: AbstractBaseUser) -> Outcome:
    if not can_publish(user):
        raise TransitionForbidden("Only reviewers may publish events.")
    outcome = Outcome([], [])
    for event in events:
        if event.status == Event.Status.PUBLISHED:
            outcome.refused.append((event, "is already published"))
            continue
        missing = missing_for_publication(event)
        if missing:
            outcome.refused.append((event, "needs " + ", ".join(missing)))
            continue
        _move(event, user, Event.Status.PUBLISHED)
        outcome.done.append(event)
    announce([event.pk for event in outcome.done])
    return outcome


@transaction.atomic
def retract(*, events: list[Event], user: AbstractBaseUser, reason: str) -> Outcome:
    if not can_retract(user):
        raise TransitionForbidden("Only reviewers may retract events.")
    reason = reason.strip()
    if not reason:
        raise TransitionInvalid("A retraction needs a reason.")
    outcome = Outcome([], [])
    for event in events:
        if event.status != Event.Status.PUBLISHED:
            outcome.refused.append((event, "is not published"))
            continue
        _move(event, user, Event.Status.RETRACTED, retraction_reason=reason)
        outcome.done.append(event)
    return outcome


@dataclass
class Change:
    field: str
    label: str
    before: object
    after: object


def changes_since(event: Event, version: int) -> list[Change]:
    """Field by field, how the event differs now from the given earlier version."""
    earlier = event.history.filter(version=version).order_by("-pgh_id").first()
    current = Event.objects.get(pk=event.pk)
    if earlier is None:
        return []
    changes = []
    for field in Event._meta.concrete_fields:
        if field.name in BOOKKEEPING:
            continue
        before = getattr(earlier, field.attname)
        after = getattr(current, field.attname)
        if before != after:
            changes.append(Change(field.name, str(field.verbose_name), before, after))
    return changes


def describe_change(change: Change) -> str:
    return f"{change.label}: “{change.before}” → “{change.after}”"


@transaction.atomic
def restore(*, obj: models.Model, snapshot_id: int, user: AbstractBaseUser):
    """
    Put an event, actor, place or agreement back as an earlier snapshot had
    it; the restore is itself a new version in the history. Restoring a
    published event for someone who may not publish proposes it instead
    (a Revision, returned; None when it would change nothing).
    """
    model = type(obj)
    snapshot = obj.history.get(pgh_id=snapshot_id)
    if isinstance(obj, Event) and needs_review(user=user, event=obj):
        earlier = {
            name: getattr(snapshot, Event._meta.get_field(name).attname)
            for name in REVISED_FIELDS
        }
        return propose(event=obj, user=user, changes=earlier)
    names = {field.name for field in model._meta.concrete_fields}
    fields = {
        field.attname: getattr(snapshot, field.attname)
        for field in model._meta.concrete_fields
        if field.name not in BOOKKEEPING | WORKFLOW
    }
    if "updated_by" in names:
        fields["updated_by"] = user
    if "updated_at" in names:
        fields["updated_at"] = timezone.now()
    model.objects.filter(pk=obj.pk).update(**fields)
    return model.objects.get(pk=obj.pk)


def last_changed_by(event: Event) -> tuple[str, datetime.datetime | None]:
    user = event.updated_by
    return (user.get_username() if user else "someone", event.updated_at)


def check_version(event_id: int, loaded_version: int | None) -> Event:
    """
    The stale-save guard: the event, its row locked until the transaction
    ends (so two saves cannot both pass), or StaleEdit saying who changed it,
    when and what, if it changed since `loaded_version` was opened. Call it
    inside the transaction that saves.
    """
    current = Event.objects.select_for_update().get(pk=event_id)
    if loaded_version is None or loaded_version == current.version:
        return current
    who, when = last_changed_by(current)
    changes = changes_since(current, loaded_version)
    detail = "; ".join(describe_change(c) for c in changes) or (
        "participants, citations or workflow status"
    )
    raise StaleEdit(
        f"{who} changed this event at {when:%Y-%m-%d %H:%M} UTC since you opened "
        f"it ({detail}). Your changes were not saved. Reload the page to see the "
        "current version, then make your changes again.",
        field=None,
    )


# --- changes to published events, held for review ----------------------------


def needs_review(*, user: AbstractBaseUser, event: Event) -> bool:
    """
    The rule: a change to a published event by someone who may not publish
    becomes a Revision, and the event stays as published until a reviewer
    accepts it. Those who may publish change published events directly.
    """
    return event.status == Event.Status.PUBLISHED and not can_publish(user)


def check_proposal(*, event: Event, user: AbstractBaseUser) -> Revision | None:
    """
    Refuse a change while someone else's change to the event awaits review,
    naming them; otherwise the user's own pending change, if any, which the
    new one updates.
    """
    pending = event.revisions.pending().select_related("author").first()
    if pending is None or pending.author_id == user.pk:
        return pending
    who = pending.author.get_username() if pending.author else "someone"
    raise RevisionRefused(
        f"{who}'s change to this event, proposed at "
        f"{pending.created_at:%Y-%m-%d %H:%M} UTC, awaits review. Yours can "
        "be made once a reviewer has accepted it or sent it back; nothing was "
        "saved.",
        field=None,
    )


def encode_changes(changes: dict) -> dict:
    """Changed values (model objects, dates, points) in a Revision's JSON shape."""
    encoded = {
        name: revision_value(value)
        for name, value in changes.items()
        if name in REVISED_FIELDS
    }
    if "participants" in changes:
        encoded["participants"] = revision_participants(changes["participants"])
    if "citations" in changes:
        encoded["citations"] = revision_citations(changes["citations"])
    return encoded


@transaction.atomic
def propose(*, event: Event, user: AbstractBaseUser, changes: dict) -> Revision | None:
    """
    An editor's change to a published event, held as a Revision awaiting
    review: `changes` (any of REVISED_FIELDS, participants, citations) laid
    over the user's pending change, or over the event as published. The
    event's row is not touched. The change must apply (it is tried, then
    undone); reviewers hear of a new one. None when the result is the event
    as published, which withdraws the user's pending change.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not needs_review(user=user, event=event):
        raise TransitionInvalid(
            "Only a change to a published event by someone who may not publish "
            "waits for review.",
            field=None,
        )
    own = check_proposal(event=event, user=user)
    current = event.revision_values()
    values = {**(own.values if own else current), **encode_changes(changes)}
    if values["point"] is None and values["location"] is not None:
        # As saving would: the place's own point.
        place = Location.objects.only("point").get(pk=values["location"])
        values["point"] = revision_value(place.point)
    if values == current:
        if own is not None:
            own.state = Revision.State.SUPERSEDED
            own.decided_at = timezone.now()
            own.reason = "Withdrawn by its author: the event is left as published."
            own.save()
        return None
    _try_applying(event, values)
    if own is not None:
        own.values = values
        own.save()
        return own
    revision = Revision.objects.create(
        event=event,
        values=values,
        base_values=current,
        base_version=event.version,
        author=user,
    )
    notify_reviewers(user=user, revision=revision)
    return revision


class _TriedOnly(Exception):
    """Undoes a change applied only to see that it applies."""


def _try_applying(event: Event, values: dict) -> None:
    # The same code as accepting, in a savepoint rolled back: every rule the
    # database and the publication gate hold is met now, not found broken
    # when a reviewer accepts.
    try:
        with transaction.atomic():
            _apply(Event.objects.get(pk=event.pk), values, user=None)
            raise _TriedOnly
    except _TriedOnly:
        pass


def _apply(event: Event, values: dict, *, user: AbstractBaseUser | None) -> None:
    """Write a Revision's values onto the event, then hold it to the gate."""
    current = event.revision_values()
    for name in REVISED_FIELDS:
        field = Event._meta.get_field(name)
        value = values[name]
        if name == "point":
            value = revision_point(value)
        elif not field.is_relation:
            value = field.to_python(value)
        setattr(event, field.attname, value)
    event.updated_by = user
    try:
        with transaction.atomic():
            # published_at and status are not among the values: the first
            # publication time stays, updated_at moves.
            event.save()
            if values["participants"] != current["participants"]:
                event.participations.all().delete()
                Participant.objects.bulk_create(
                    Participant(
                        event=event,
                        actor_id=row["actor"],
                        role=row["role"],
                        capacity=row["capacity"],
                        on_behalf_of_id=row["on_behalf_of"],
                    )
                    for row in values["participants"]
                )
            if values["citations"] != current["citations"]:
                event.citations.all().delete()
                Citation.objects.bulk_create(
                    Citation(
                        event=event,
                        article_id=row["article"],
                        field=row["field"],
                        quote=row["quote"],
                        start=row["start"],
                        end=row["end"],
                    )
                    for row in values["citations"]
                )
    except IntegrityError as error:
        diag = getattr(error.__cause__, "diag", None)
        rule = getattr(diag, "constraint_name", None) or "a rule of the data"
        raise TransitionInvalid(
            f"The change cannot be stored: it breaks {rule}.", field=None
        ) from None
    check_publishable(event)


def _check_pending(revision: Revision) -> None:
    if revision.state != Revision.State.PENDING:
        raise TransitionInvalid(
            f"This change is no longer awaiting review: it is "
            f"{revision.get_state_display().lower()}.",
            field=None,
        )


@transaction.atomic
def accept_revision(*, revision: Revision, user: AbstractBaseUser) -> Event:
    """
    A reviewer accepts a change: its values are written onto the event in
    one transaction, recorded in the history under the reviewer's name, and
    held to the publication gate again; `published_at` keeps the first
    publication. Refused, showing what changed, when the event changed since
    the change was proposed.
    """
    if not can_publish(user):
        raise TransitionForbidden("Only reviewers may accept a change.", field=None)
    revision = Revision.objects.select_for_update().get(pk=revision.pk)
    _check_pending(revision)
    event = Event.objects.select_for_update().get(pk=revision.event_id)
    meanwhile = changed_since_proposed(revision, event=event)
    if meanwhile:
        who, when = last_changed_by(event)
        detail = "; ".join(describe_change(c) for c in readable(meanwhile))
        raise RevisionConflict(
            f"{who} changed this event at {when:%Y-%m-%d %H:%M} UTC, after "
            f"this change was proposed ({detail}). Accepting it would undo "
            "that: send it back, and it can be proposed again on the "
            "current version.",
            changes=meanwhile,
        )
    with pghistory.context(user=user.pk):
        _apply(event, revision.values, user=user)
        revision.state = Revision.State.ACCEPTED
        revision.reviewer = user
        revision.decided_at = timezone.now()
        revision.save()
    announce([event.pk])
    return event


@transaction.atomic
def send_back(*, revision: Revision, user: AbstractBaseUser, reason: str) -> Revision:
    """A reviewer turns a change down, saying why; the event stays as it is."""
    if not can_publish(user):
        raise TransitionForbidden("Only reviewers may send a change back.", field=None)
    reason = reason.strip()
    if not reason:
        raise TransitionInvalid("Say why the change is sent back.", field="reason")
    revision = Revision.objects.select_for_update().get(pk=revision.pk)
    _check_pending(revision)
    revision.state = Revision.State.SENT_BACK
    revision.reviewer = user
    revision.decided_at = timezone.now()
    revision.reason = reason
    revision.save()
    return revision


def changed_since_proposed(
    revision: Revision, *, event: Event | None = None
) -> list[Change]:
    """
    How the event differs now from what the change was made on: nothing
    while its version is the change's base (or a later save left its values
    as they were), else the changes that accepting would undo.
    """
    event = event or revision.event
    if event.version == revision.base_version:
        return []
    return diff(revision.base_values, event.revision_values())


def queue_counts() -> dict[str, int]:
    """How much awaits review: events in review, and changes to published ones."""
    return {
        "events": Event.objects.filter(status=Event.Status.IN_REVIEW).count(),
        "revisions": Revision.objects.pending().count(),
    }


def _label(name: str) -> str:
    if name in REVISED_LISTS:
        return name
    return str(Event._meta.get_field(name).verbose_name)


def diff(before: dict, after: dict) -> list[Change]:
    """Field by field, how two sets of a Revision's values differ."""
    return [
        Change(name, _label(name), before.get(name), after.get(name))
        for name in [*REVISED_FIELDS, *REVISED_LISTS]
        if before.get(name) != after.get(name)
    ]


def revision_changes(revision: Revision) -> list[Change]:
    """What a change changes: the event as it was proposed from, and as proposed."""
    return diff(revision.base_values, revision.values)


def readable(changes: list[Change]) -> list[Change]:
    """The same changes with names for ids, one query per kind of object named."""
    ids: dict[type, set] = {Location: set(), Actor: set(), SourceArticle: set()}
    for change in changes:
        for value in (change.before, change.after):
            if change.field == "location" and value is not None:
                ids[Location].add(value)
            elif change.field == "participants":
                for row in value or []:
                    ids[Actor] |= {row["actor"], row["on_behalf_of"]} - {None}
            elif change.field == "citations":
                ids[SourceArticle] |= {row["article"] for row in value or []}
    names = {
        Location: dict(
            Location.objects.filter(pk__in=ids[Location]).values_list("pk", "name")
        ),
        Actor: {
            actor.pk: str(actor)
            for actor in Actor.objects.filter(pk__in=ids[Actor]).only("name", "country")
        },
        SourceArticle: dict(
            SourceArticle.objects.filter(pk__in=ids[SourceArticle]).values_list(
                "pk", "title"
            )
        ),
    }

    def show(name: str, value: object) -> object:
        if value is None:
            return ""
        if name == "location":
            return names[Location].get(value, f"place {value}")
        if name == "point":
            return "{:.5f}, {:.5f}".format(*value["coordinates"])
        if name == "participants":
            return "; ".join(
                f"{names[Actor].get(row['actor'], row['actor'])} ({row['role']})"
                for row in value
            )
        if name == "citations":
            return "; ".join(
                f"“{row['quote']}” ({names[SourceArticle].get(row['article'])})"
                for row in value
            )
        return value

    return [
        Change(c.field, c.label, show(c.field, c.before), show(c.field, c.after))
        for c in changes
    ]


# --- the reviewers' queue -----------------------------------------------------


@dataclass
class QueueItem:
    """Something awaiting review: an event in review, or a change to a published one."""

    event: Event
    since: datetime.datetime
    who: str
    what: list[str]
    revision: Revision | None = None

    @property
    def kind(self) -> str:
        return "change" if self.revision else "event"

    @property
    def review_url(self) -> str:
        if self.revision is not None:
            return reverse("admin:events_revision_change", args=[self.revision.pk])
        return reverse("admin:events_event_change", args=[self.event.pk])


def may_see_queue(user: AbstractBaseUser) -> bool:
    """Those who work on drafts (editors and reviewers) read the review queue."""
    return sees_unpublished(user)


def _username(user: AbstractBaseUser | None) -> str:
    return user.get_username() if user else "someone"


def review_queue() -> list[QueueItem]:
    """
    Everything awaiting review, oldest first: events in review (since they
    entered it) and pending changes to published events (since first
    proposed), each with who and what. Two queries, whatever the length.
    """
    events = (
        Event.objects.filter(status=Event.Status.IN_REVIEW)
        .with_review_since()
        .select_related("updated_by")
    )
    revisions = Revision.objects.pending().select_related("author", "event")
    items = [
        QueueItem(
            event=event,
            since=event.review_since,
            who=_username(event.updated_by),
            what=["the whole event, published before"]
            if event.published_at
            else ["the whole event, new"],
        )
        for event in events
    ] + [
        QueueItem(
            event=revision.event,
            since=revision.created_at,
            who=_username(revision.author),
            what=[change.label for change in revision_changes(revision)],
            revision=revision,
        )
        for revision in revisions
    ]
    return sorted(items, key=lambda item: (item.since, item.event.pk))


def notify_reviewers(
    *,
    user: AbstractBaseUser,
    submitted: list[Event] | None = None,
    revision: Revision | None = None,
) -> None:
    """
    Mail every reviewer (each who may publish) but the one who acted, once
    the transaction commits: events submitted for review, or a change
    proposed. Django's mail sends it: the console unless EMAIL_BACKEND says
    otherwise.
    """
    site = settings.SITE_URL.rstrip("/")
    who = user.get_username()
    if revision is not None:
        event = revision.event
        fields = ", ".join(change.label for change in revision_changes(revision))
        subject = f"Zagros: a change to “{event}” awaits review"
        body = (
            f"{who} proposed a change to the published event “{event}” "
            f"({fields}).\n\nReview it: {site}{revision.get_absolute_url()}\n"
        )
    else:
        events = submitted or []
        subject = (
            f"Zagros: “{events[0]}” awaits review"
            if len(events) == 1
            else f"Zagros: {len(events)} events await review"
        )
        lines = "".join(
            f"- {event}: {site}"
            f"{reverse('admin:events_event_change', args=[event.pk])}\n"
            for event in events
        )
        body = f"{who} submitted for review:\n\n{lines}"
        articles = SourceArticle.objects.filter(
            citations__event__in=[event.pk for event in events]
        ).distinct()
        for article in articles.order_by("pk").only("pk", "title"):
            screen = reverse("admin:events_sourcearticle_curate", args=[article.pk])
            body += f"\nAll of “{article}” at once: {site}{screen}\n"
    body += f"\nEverything awaiting review: {site}{reverse('events:review')}\n"

    def send() -> None:
        reviewers = (
            get_user_model()
            .objects.with_perm(
                "events.publish_event",
                backend="django.contrib.auth.backends.ModelBackend",
            )
            .exclude(pk=user.pk)
            .exclude(email="")
            .order_by("pk")
        )
        recipients = [reviewer.email for reviewer in reviewers]
        if recipients:
            send_mail(subject, body, None, recipients)

    transaction.on_commit(send)
