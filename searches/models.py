"""
Saved searches: a named set of the events' filters kept by one user, with a
private Atom feed and, if asked, a mail digest and a signed webhook of the
events that come to match it. Each event is delivered to a search once: a
Delivery row per search and event, unique, records it and what was sent.
"""

import secrets

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

MAX_SEARCHES_PER_USER = 100


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class SavedSearch(models.Model):
    class Digest(models.TextChoices):
        OFF = "off", "No mail"
        HOURLY = "hourly", "Hourly"
        DAILY = "daily", "Daily"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="searches"
    )
    name = models.CharField(max_length=200)
    filters = models.JSONField(
        default=dict,
        blank=True,
        help_text="The events' filters, as the API and pages take them: each "
        "parameter's name with its list of values.",
    )
    digest = models.CharField(
        max_length=10,
        choices=Digest.choices,
        default=Digest.OFF,
        help_text="A mail of the new matching events, at most this often.",
    )
    webhook_url = models.URLField(
        max_length=2000,
        validators=[URLValidator(schemes=["http", "https"])],
        blank=True,
        help_text="New matching events are POSTed here as JSON, signed.",
    )
    webhook_secret = models.CharField(
        max_length=64,
        default=new_secret,
        help_text="The key of the webhook's HMAC-SHA256 signature.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Events published before this are not news to the search.
    watching_since = models.DateTimeField(default=timezone.now)
    # When the last match began: the next reads only the events changed
    # since (less a margin for transactions that commit late).
    matched_until = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True)
    webhook_failures = models.PositiveIntegerField(default=0)
    webhook_error = models.TextField(blank=True)
    webhook_succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"], name="saved_search_name_unique_per_owner"
            ),
            models.CheckConstraint(
                # Equalities joined by OR, not IN: PostgreSQL prints IN on a
                # varchar differently once a dump is restored, and the backup
                # test compares the constraints' definitions.
                condition=models.Q(digest="off")
                | models.Q(digest="hourly")
                | models.Q(digest="daily"),
                name="saved_search_digest_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # New filters watch from now: the events published before they were
        # set are not news to them.
        loaded = getattr(self, "_loaded_filters", None)
        if self.pk and loaded is not None and loaded != self.filters:
            self.watching_since = timezone.now()
            self.matched_until = None
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {
                    *kwargs["update_fields"],
                    "watching_since",
                    "matched_until",
                }
        super().save(*args, **kwargs)
        self._loaded_filters = self.filters

    def get_absolute_url(self) -> str:
        return reverse("searches:edit", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values) -> "SavedSearch":
        search = super().from_db(db, field_names, values)
        search._loaded_filters = search.__dict__.get("filters")
        return search

    def query(self) -> QueryDict:
        """The filters as a query string's parameters."""
        query = QueryDict(mutable=True)
        for name, values in sorted(self.filters.items()):
            query.setlist(name, list(values))
        return query

    def timeline_url(self) -> str:
        query = self.query().urlencode()
        return reverse("events:timeline") + (f"?{query}" if query else "")

    def feed_path(self, key: str) -> str:
        return reverse("searches:feed", args=[key, self.pk])


class Delivery(models.Model):
    """One event that came to match one search, and what was sent of it."""

    class State(models.TextChoices):
        NONE = "none", "Not asked for"
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Given up"

    search = models.ForeignKey(
        SavedSearch, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="+"
    )
    matched_at = models.DateTimeField(default=timezone.now)
    webhook = models.CharField(max_length=10, choices=State.choices, default=State.NONE)
    webhook_sent_at = models.DateTimeField(null=True, blank=True)
    mail = models.CharField(max_length=10, choices=State.choices, default=State.NONE)
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["search", "event"], name="delivery_once_per_search_and_event"
            ),
        ]
        indexes = [
            models.Index(
                fields=["search", "id"],
                condition=models.Q(webhook="pending"),
                name="delivery_webhook_pending_idx",
            ),
            models.Index(
                fields=["search", "id"],
                condition=models.Q(mail="pending"),
                name="delivery_mail_pending_idx",
            ),
        ]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"Event {self.event_id} for “{self.search}”"
