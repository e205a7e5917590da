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
    pass


def missing_for_publication(event: Event) -> list[str]:
    """What an event lacks before it may be published, in words for the editor."""
    missing = []
    if event.pk is None or not event.citations.exists():
        missing.append("at least one citation")
    if event.location_id is None:
        missing.append("a location")
    if event.start_date is None:
        missing.append("a date")
    return missing


def can_publish(user: AbstractBaseUser) -> bool:
    return user.has_perm("events.publish_event")


def can_retract(user: AbstractBaseUser) -> bool:
    return user.has_perm("events.retract_event")


@dataclass
class Outcome:
    done: list[Event]
    refused: list[tuple[Event, str]]


def _save_status(event: Event, user: AbstractBaseUser, **fields) -> None:
    # A queryset update keeps the row lock short and leaves other fields as the
    # database has them; the history triggers record it like any save.
    Event.objects.filter(pk=event.pk).update(
        updated_by=user, updated_at=timezone.now(), **fields
    )


@transaction.atomic
def submit_for_review(*, events: list[Event], user: AbstractBaseUser) -> Outcome:
    outcome = Outcome([], [])
    for event in events:
        if event.status != Event.Status.DRAFT:
            outcome.refused.append((event, f"is {event.get_status_display().lower()}"))
            continue
        _save_status(event, user, status=Event.Status.IN_REVIEW)
        outcome.done.append(event)
    return outcome


@transaction.atomic
def publish(*, events: list[Event], user: AbstractBaseUser) -> Outcome:
    if not can_publish(user):
        raise TransitionError("Only reviewers may publish events.")
    outcome = Outcome([], [])
    for event in events:
        if event.status == Event.Status.PUBLISHED:
            outcome.refused.append((event, "is already published"))
            continue
        missing = missing_for_publication(event)
        if missing:
            outcome.refused.append((event, "needs " + ", ".join(missing)))
            continue
        _save_status(
            event,
            user,
            status=Event.Status.PUBLISHED,
            published_at=timezone.now(),
            retraction_reason="",
        )
        outcome.done.append(event)
    return outcome


@transaction.atomic
def retract(*, events: list[Event], user: AbstractBaseUser, reason: str) -> Outcome:
    if not can_retract(user):
        raise TransitionError("Only reviewers may retract events.")
    reason = reason.strip()
    if not reason:
        raise TransitionError("A retraction needs a reason.")
    outcome = Outcome([], [])
    for event in events:
        if event.status != Event.Status.PUBLISHED:
            outcome.refused.append((event, "is not published"))
            continue
        _save_status(
            event, user, status=Event.Status.RETRACTED, retraction_reason=reason
        )
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
