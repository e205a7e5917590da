"""
Continuous intake: the sources polled, each item they listed and what became
of it, and what the jobs computed about an article (its fingerprint for
finding reprints, its suggestions). Articles themselves are
events.SourceArticle; this app is the way they come in.
"""

import datetime

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from events.models import Location, SourceArticle

# Poll intervals, in minutes: from every minute to once a week.
MIN_INTERVAL = 1
MAX_INTERVAL = 7 * 24 * 60
# A failing source waits twice as long after each failure, up to a day.
MAX_BACKOFF = datetime.timedelta(days=1)

# What an editor sets on a source, and what its history keeps; the polling
# state beside it changes on every poll and is not history.
SOURCE_SETTINGS = [
    "name",
    "url",
    "kind",
    "active",
    "poll_interval",
    "keywords",
    "region",
    "language",
]


class SourceQuerySet(models.QuerySet):
    def due(self, now: datetime.datetime) -> "SourceQuerySet":
        """Active sources whose next poll has come."""
        return self.filter(active=True, next_poll_at__lte=now)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(condition=pghistory.AnyChange(*SOURCE_SETTINGS)),
    pghistory.DeleteEvent(),
    fields=SOURCE_SETTINGS,
    model_name="SourceEvent",
    obj_field=pghistory.ObjForeignKey(
        related_name="history", related_query_name="history", db_constraint=False
    ),
)
class Source(models.Model):
    class Kind(models.TextChoices):
        RSS = "rss", "RSS"
        ATOM = "atom", "Atom"
        JSON_FEED = "json_feed", "JSON Feed"
        SITEMAP = "sitemap", "Sitemap"

    name = models.CharField(max_length=200)
    # Unique through Meta.constraints.
    url = models.URLField(max_length=2000, help_text="The feed's or sitemap's URL.")
    kind = models.CharField(max_length=20, choices=Kind)
    active = models.BooleanField(default=True, help_text="Polled while active.")
    poll_interval = models.PositiveIntegerField(
        default=15,
        validators=[MinValueValidator(MIN_INTERVAL), MaxValueValidator(MAX_INTERVAL)],
        help_text="Minutes between polls.",
    )
    keywords = ArrayField(
        models.CharField(max_length=100),
        default=list,
        blank=True,
        size=50,
        help_text="Keep only items whose text has one of these words; "
        "none: keep every item (unless a region is set).",
    )
    region = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Keep only items naming a place in this region.",
    )
    language = models.CharField(
        max_length=12,
        blank=True,
        help_text="The language when neither feed nor page says (ar, fa, en…).",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Polling state, written by the jobs.
    next_poll_at = models.DateTimeField(default=timezone.now)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    failures = models.PositiveIntegerField(
        default=0, help_text="Polls failed in a row; each doubles the wait."
    )
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)

    # What polling found, counted as it goes.
    items_seen = models.PositiveIntegerField(default=0)
    articles_added = models.PositiveIntegerField(default=0)
    duplicates_found = models.PositiveIntegerField(default=0)
    items_skipped = models.PositiveIntegerField(default=0)
    items_failed = models.PositiveIntegerField(default=0)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["url"], name="source_unique_url"),
            models.CheckConstraint(
                condition=Q(poll_interval__gte=MIN_INTERVAL)
                & Q(poll_interval__lte=MAX_INTERVAL),
                name="source_poll_interval_range",
            ),
        ]
        indexes = [
            # The scheduler's question every minute: which active sources are due.
            models.Index(
                fields=["next_poll_at"],
                condition=Q(active=True),
                name="source_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:intake_source_change", args=[self.pk])

    def polled(self, now: datetime.datetime) -> None:
        """A poll that worked: the next one on the interval, the error gone."""
        self.last_polled_at = now
        self.last_success_at = now
        self.failures = 0
        self.last_error = ""
        self.next_poll_at = now + datetime.timedelta(minutes=self.poll_interval)

    def failed(self, now: datetime.datetime, error: str) -> None:
        """
        A poll that failed: the error kept for editors, and the next try after
        twice the interval, four times after two failures in a row, and so on,
        up to MAX_BACKOFF.
        """
        self.last_polled_at = now
        self.failures += 1
        self.last_error = error[:2000]
        wait = datetime.timedelta(minutes=self.poll_interval) * 2 ** min(
            self.failures, 20
        )
        self.next_poll_at = now + min(wait, MAX_BACKOFF)

    def count(self, **increments: int) -> None:
        """Add to the counters in the database, safe beside other workers."""
        Source.objects.filter(pk=self.pk).update(
            **{name: F(name) + value for name, value in increments.items()}
        )


class Item(models.Model):
    """One entry of a source's feed or sitemap, and what became of it."""

    class State(models.TextChoices):
        NEW = "new", "Waiting"
        ADDED = "added", "Added as an article"
        DUPLICATE = "duplicate", "Duplicate"
        SKIPPED = "skipped", "Skipped (keywords or region)"
        FAILED = "failed", "Failed"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(
        max_length=64,
        help_text="SHA-256 of the entry's id (or link): polling again finds it known.",
    )
    url = models.URLField(max_length=2000)
    title = models.CharField(max_length=500, blank=True)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="The feed's date."
    )
    author = models.CharField(max_length=200, blank=True)
    publisher = models.CharField(
        max_length=200, blank=True, help_text="The outlet, as the feed names it."
    )
    language = models.CharField(max_length=12, blank=True)
    feed_text = models.TextField(
        blank=True,
        help_text="The article's text when the feed carries it; cleared once taken.",
    )
    state = models.CharField(max_length=20, choices=State, default=State.NEW)
    article = models.ForeignKey(
        SourceArticle,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="intake_items",
        help_text="The article it became, or the one it repeats.",
    )
    note = models.TextField(blank=True, help_text="Why it was skipped or failed.")
    similarity = models.FloatField(
        null=True, blank=True, help_text="Of a near-duplicate to its original."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    seen_at = models.DateTimeField(auto_now_add=True)
    taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "key"], name="item_unique_key_per_source"
            ),
        ]
        indexes = [
            # A source's items by what became of them (the admin's filter).
            models.Index(fields=["source", "state"], name="item_source_state_idx"),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class Fingerprint(models.Model):
    """
    An article's text as MinHash values over its five-word shingles, and the
    bands of those values that an index finds reprints by.
    """

    article = models.OneToOneField(
        SourceArticle,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="fingerprint",
    )
    content_hash = models.CharField(
        max_length=64, help_text="The article's content_hash when this was computed."
    )
    minhash = ArrayField(models.BigIntegerField())
    bands = ArrayField(models.BigIntegerField())
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # Candidates for a new text: articles sharing a band (&&).
            GinIndex(fields=["bands"], name="fingerprint_bands_idx"),
        ]

    def __str__(self) -> str:
        return f"Fingerprint of article {self.article_id}"


class StoredSuggestions(models.Model):
    """
    The suggestion engine's findings for an article, computed by a job before
    an editor opens it, in the shape POST /api/v1/suggestions/ answers; with
    the actors, places and countries found, as ids the inbox filters on.
    """

    article = models.OneToOneField(
        SourceArticle,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="stored_suggestions",
    )
    found = models.JSONField()
    content_hash = models.CharField(
        max_length=64, help_text="The article's content_hash they were read from."
    )
    published_on = models.DateField(
        null=True, blank=True, help_text="The date relative dates resolved from."
    )
    engine = models.CharField(
        max_length=16, help_text="The suggestion engine's version (its code's hash)."
    )
    actor_ids = ArrayField(models.BigIntegerField(), default=list)
    place_ids = ArrayField(models.BigIntegerField(), default=list)
    # What the inbox shows, in order of first mention: [{"id": …, "name": …}],
    # the id null for a name not yet stored.
    actors = models.JSONField(default=list)
    places = models.JSONField(default=list)
    countries = ArrayField(models.CharField(max_length=3), default=list)
    computed_at = models.DateTimeField(default=timezone.now)
    seconds = models.FloatField(help_text="How long the engine took.")

    class Meta:
        verbose_name_plural = "stored suggestions"
        indexes = [
            # The inbox's filters by actor, place and country (@>).
            GinIndex(fields=["actor_ids"], name="suggestions_actor_ids_idx"),
            GinIndex(fields=["place_ids"], name="suggestions_place_ids_idx"),
            GinIndex(fields=["countries"], name="suggestions_countries_idx"),
        ]

    def __str__(self) -> str:
        return f"Suggestions for article {self.article_id}"

    def is_current(self, article: SourceArticle, engine: str) -> bool:
        """Read from the article's text and date as they are now, by `engine`."""
        return (
            self.content_hash == article.content_hash
            and self.published_on == article.published_on
            and self.engine == engine
        )


class HostSlot(models.Model):
    """When the next request to a host may start: the per-host rate limit,
    shared by every worker."""

    host = models.CharField(max_length=255, primary_key=True)
    # The next free slot: reserved ahead by whoever asks next.
    next_at = models.DateTimeField()
    # When the last request to the host actually started: a request whose
    # worker was woken late moves the one after it, not the host's load.
    started_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.host
