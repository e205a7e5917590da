"""Who may see which events: the one place every API output asks."""

from django.contrib.auth.models import AnonymousUser, User

from events.models import Event, EventQuerySet


def sees_unpublished(user: User | AnonymousUser) -> bool:
    """Editors and reviewers (and superusers) work on drafts, so they see them."""
    return user.is_active and user.has_perm("events.change_event")


def visible_events(user: User | AnonymousUser) -> EventQuerySet:
    """
    Events `user` may read: published ones only, unless the user may edit
    events. Drafts, events in review and retracted events never reach anyone
    else; retractions reach sync clients as tombstones (see `sync.py`).
    """
    if sees_unpublished(user):
        return Event.objects.all()
    return Event.objects.published()
