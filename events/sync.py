"""
Tombstones for incremental sync: what a client holding events from an earlier
`updated_since` request must drop. Removals are read from the history
snapshots the database keeps for every event, so a deleted event is still known.

Who learns what: a reader who sees only published events gets a tombstone
for an event that left publication (retracted, sent back to draft, deleted)
only if that event was ever published, so drafts stay invisible even in
their removal. Editors, who see every event, get tombstones for deletions.
"""

import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, QuerySet

from events.models import Event, sees_unpublished

# A history snapshot is stamped with the start of its transaction, which can
# precede the commit by the length of that transaction (an import, an admin
# save with many inlines); removals are looked for this much further back than
# `updated_since`. Repeating a tombstone is harmless to a client that deletes
# by id.
LOOKBACK = datetime.timedelta(minutes=10)

EventHistory = Event._meta.get_field("history").related_model


def tombstones(
    *,
    user: User | AnonymousUser,
    since: datetime.datetime,
    matching: QuerySet | None = None,
) -> list[dict]:
    """
    Events removed from `user`'s view since `since`, oldest change first:
    `change` is "deleted", "retracted" (with its reason) or "unpublished".
    With `matching` (the events that pass the other filters), also the
    visible events changed since then that do not: "no_longer_matches".
    """
    visible = Event.objects.visible_to(user)
    changed = EventHistory.objects.filter(pgh_created_at__gte=since - LOOKBACK).values(
        "pgh_obj_id"
    )
    # NOT EXISTS, never NOT IN: PostgreSQL answers the first with an anti-join
    # that probes the primary key, the second by hashing every visible event
    # or, past work_mem, by scanning them again for each row.
    latest = (
        EventHistory.objects.filter(pgh_obj_id__in=changed)
        .exclude(Exists(visible.filter(pk=OuterRef("pgh_obj_id"))))
        .order_by("pgh_obj_id", "-pgh_id")
        .distinct("pgh_obj_id")
    )
    if not sees_unpublished(user):
        latest = latest.filter(
            Exists(
                EventHistory.objects.filter(
                    pgh_obj_id=OuterRef("pgh_obj_id"),
                    status=Event.Status.PUBLISHED,
                )
            )
        )
    removed = []
    for snapshot in latest.values(
        "pgh_obj_id", "pgh_label", "pgh_created_at", "status", "retraction_reason"
    ):
        if snapshot["pgh_label"] == "delete":
            change, reason = "deleted", ""
        elif snapshot["status"] == Event.Status.RETRACTED:
            change, reason = "retracted", snapshot["retraction_reason"]
        else:
            change, reason = "unpublished", ""
        removed.append(
            {
                "id": snapshot["pgh_obj_id"],
                "change": change,
                "retraction_reason": reason,
                "changed_at": snapshot["pgh_created_at"],
            }
        )
    if matching is not None:
        for event in (
            visible.filter(updated_at__gte=since)
            .exclude(Exists(matching.filter(pk=OuterRef("pk"))))
            .values("pk", "updated_at")
        ):
            removed.append(
                {
                    "id": event["pk"],
                    "change": "no_longer_matches",
                    "retraction_reason": "",
                    "changed_at": event["updated_at"],
                }
            )
    removed.sort(key=lambda tombstone: (tombstone["changed_at"], tombstone["id"]))
    return removed
