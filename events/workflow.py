"""
Curation workflow: draft → in review → published → retracted, the gate an
event must pass to be published, and editing without silent overwrites.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.utils import timezone

from events.models import Event

# Fields an editor changes; the rest are bookkeeping kept by the system.
BOOKKEEPING = {
    "id", "version", "search_vector", "created_at", "updated_at", "created_by",
    "updated_by", "published_at",
}  # fmt: skip


# Status moves only through the transitions below, which check permissions;
# restoring an earlier version leaves it as it is.
WORKFLOW = {"status", "retraction_reason"}


class TransitionError(Exception):
    """A status change the workflow refuses, in words for the editor."""

    def __init__(self, message: str, *, field: str = "status") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class TransitionForbidden(TransitionError):
    """The move exists, but this user may not make it."""


class TransitionInvalid(TransitionError):
    """The move does not exist, or the event lacks what it needs for it."""


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
    return outcome


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
    it; the restore is itself a new version in the history.
    """
    model = type(obj)
    snapshot = obj.history.get(pgh_id=snapshot_id)
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
