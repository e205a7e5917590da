"""
The curated record: articles, the actors and places they name, the events and
agreements editors derive from them, and the citations tying each claim to the
exact words of an article.
"""

import calendar
import datetime
import hashlib
import re
import secrets
import unicodedata
from typing import TYPE_CHECKING

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.geos import GEOSGeometry, Point
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, GistIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import transaction
from django.db.models import Case, Exists, F, Func, OuterRef, Q, Subquery, When
from django.db.models.expressions import Expression, RawSQL
from django.db.models.functions import Cast, Coalesce, Length, Lower, Trunc, Upper
from django.db.models.lookups import Exact, GreaterThanOrEqual, LessThanOrEqual
from django.urls import reverse
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def version_bump(name: str) -> pgtrigger.Trigger:
    """Raise `version` on every UPDATE, whatever path the update takes."""
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.Before,
        operation=pgtrigger.Update,
        func="NEW.version := OLD.version + 1; RETURN NEW;",
    )


def tracked(**options):
    """
    Keep a model's full history in a table of snapshots written by database
    triggers, so bulk updates, imports and raw SQL are recorded too. A
    snapshot outlives a deleted object, so its link to the object is unenforced.
    An update is recorded when the row changed at all: compared whole, which
    needs no column's operators at restore time (pg_restore runs with an
    empty search_path, where PostGIS's geometry equality is not found).
    """
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(
            condition=pgtrigger.Condition("OLD.* IS DISTINCT FROM NEW.*")
        ),
        pghistory.DeleteEvent(),
        obj_field=pghistory.ObjForeignKey(
            related_name="history",
            related_query_name="history",
            db_constraint=False,
            db_index=True,  # an object's history
        ),
        level=pghistory.Statement,
        **options,
    )


ISO_ALPHA3 = r"^[A-Z]{3}$"
WIKIDATA_ID = r"^Q[1-9][0-9]*$"


def normalize_text(text: str) -> str:
    """Text reduced to what identifies an article: NFC, single spaces, casefolded."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalize_text(text).encode()).hexdigest()


# Dates an event may carry: generous for history, and no further ahead than a
# planned event could be. Beyond them a date is a typo or an attack.
EARLIEST_DATE = datetime.date(1800, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
DATE_VALIDATORS = [MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)]
# More vertices than any boundary here has (a country: under 6,000).
MAX_VERTICES = 100_000


def validate_geometry(geometry: GEOSGeometry) -> None:
    """A shape the database accepts: valid, lon/lat, of a sensible size."""
    if geometry.num_coords > MAX_VERTICES:
        raise ValidationError(
            f"The shape has {geometry.num_coords:,} vertices; at most "
            f"{MAX_VERTICES:,} are accepted."
        )
    west, south, east, north = geometry.extent
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise ValidationError(
            "Every coordinate must be a longitude and latitude (EPSG:4326)."
        )
    if not geometry.valid:
        raise ValidationError(
            f"The shape crosses itself or is malformed ({geometry.valid_reason})."
        )


def in_lonlat_range(field: str) -> Q:
    """A check that every coordinate of a geometry is a valid longitude/latitude."""
    bounds = [("ST_XMin", -180, "ST_XMax", 180), ("ST_YMin", -90, "ST_YMax", 90)]
    real = {"output_field": models.FloatField()}
    condition = Q()
    for low_func, low, high_func, high in bounds:
        condition &= Q(GreaterThanOrEqual(Func(field, function=low_func, **real), low))
        condition &= Q(LessThanOrEqual(Func(field, function=high_func, **real), high))
    return condition


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    WEEK = "week", "Week"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class GeoPrecision(models.TextChoices):
    EXACT = "exact", "Exact (the named town or site)"
    NEAR = "near", "Near the named place"
    REGION = "region", "Somewhere in a region or along a border"
    COUNTRY = "country", "Country only"


def period_bounds(
    day: datetime.date, precision: str
) -> tuple[datetime.date, datetime.date]:
    """First and last day of the period at `precision` that contains `day`."""
    if precision == DatePrecision.YEAR:
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
    if precision == DatePrecision.MONTH:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    if precision == DatePrecision.WEEK:
        monday = day - datetime.timedelta(days=day.weekday())
        return monday, monday + datetime.timedelta(days=6)
    return day, day


# An event's range widened to whole periods at its date precision (SQL for
# period_bounds), so an event known only to November 2022 overlaps 1-5 November
# even if it was stored with a single day. date_precision values are
# date_trunc() field names. The periods' lengths are spelled out, not cast from
# text, so that the expression is immutable and can be indexed.
EFFECTIVE_START = (
    'LEAST("events_event"."start_date", '
    'date_trunc("events_event"."date_precision", '
    '"events_event"."start_date"::timestamp)::date)'
)
EFFECTIVE_END = (
    'GREATEST("events_event"."end_date", '
    '(date_trunc("events_event"."date_precision", '
    '"events_event"."end_date"::timestamp) '
    '+ CASE "events_event"."date_precision" '
    "WHEN 'week' THEN interval '1 week' WHEN 'month' THEN interval '1 month' "
    "WHEN 'year' THEN interval '1 year' ELSE interval '1 day' END "
    "- interval '1 day')::date)"
)
# Both as one inclusive range: "the event's period overlaps these dates" is
# `EFFECTIVE_PERIOD && daterange(:first, :last, '[]')`, which event_period_idx
# answers.
EFFECTIVE_PERIOD = f"daterange({EFFECTIVE_START}, {EFFECTIVE_END}, '[]')"


# Languages written right to left (ISO 639 codes): Arabic, Persian, Sorani
# Kurdish, Urdu, Pashto, Hebrew, and the like met in the region's press.
RTL_LANGUAGES = {"ar", "fa", "ckb", "ur", "ps", "he", "yi", "dv", "sd", "ug"}


class SourceArticleQuerySet(models.QuerySet):
    def inbox(self) -> "SourceArticleQuerySet":
        """New articles waiting for an editor: originals only, as duplicates
        are folded under theirs."""
        return self.filter(
            state=SourceArticle.State.NEW, duplicate_of__isnull=True
        ).order_by("-published_on", "-id")


@tracked()
class SourceArticle(models.Model):
    class State(models.TextChoices):
        NEW = "new", "New"
        IN_PROGRESS = "in_progress", "Being curated"
        CURATED = "curated", "Curated"
        DISMISSED = "dismissed", "Dismissed"

    # Unique through Meta.constraints, which adds no pattern-matching index.
    url = models.URLField(max_length=2000, null=True, blank=True)
    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(
        null=True, blank=True, help_text="Relative dates in the text resolve from this."
    )
    language = models.CharField(max_length=12, default="en")
    body = models.TextField(
        help_text="Plain text; citations point into it by character offset."
    )
    content_hash = models.CharField(
        max_length=64,
        editable=False,
        help_text="SHA-256 of the normalised body, to catch the same text twice.",
    )
    state = models.CharField(max_length=20, choices=State, default=State.NEW)
    rejected_spans = ArrayField(
        ArrayField(models.PositiveIntegerField(), size=2),
        default=list,
        blank=True,
        help_text="[start, end] of suggested events an editor rejected.",
    )
    # A default in the database too: COPY-based writers (the importer, the
    # synthetic generator) name only the columns they fill.
    dismissed_reason = models.CharField(
        max_length=500,
        blank=True,
        default="",
        db_default="",
        help_text="Why an editor set it aside.",
    )
    source = models.ForeignKey(
        "intake.Source",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
        help_text="The feed or sitemap it came from; none when added by hand.",
    )
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        help_text="The article first held of the same story (a reprint, a copy).",
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

    objects = SourceArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["url"], name="article_unique_url"),
            # One original per text: a copy is held only as a duplicate of it.
            models.UniqueConstraint(
                fields=["content_hash"],
                condition=Q(duplicate_of__isnull=True),
                name="article_unique_content_hash",
            ),
            models.CheckConstraint(
                condition=~Q(duplicate_of=F("pk")), name="article_not_own_duplicate"
            ),
        ]
        indexes = [
            # Article list in the admin and API, newest first.
            models.Index(fields=["-published_on", "-id"], name="article_published_idx"),
            # Articles by their text: the same text coming in again.
            models.Index(fields=["content_hash"], name="article_content_hash_idx"),
            # The editors' inbox: new originals, newest first.
            models.Index(
                fields=["-published_on", "-id"],
                condition=Q(state="new", duplicate_of__isnull=True),
                name="article_inbox_idx",
            ),
            # A source's articles, newest first (the API's ?source=).
            models.Index(fields=["source", "-id"], name="article_source_idx"),
            # The admin's filters by outlet and language list their values by
            # probing these (events.admin.distinct_values).
            models.Index(fields=["publisher"], name="article_publisher_idx"),
            models.Index(fields=["language"], name="article_language_idx"),
            # Substring search (the admin's search, the API's ?q=): trigrams
            # of the upper-cased text, as icontains compares it.
            *(
                GinIndex(
                    OpClass(Upper(name), name="gin_trgm_ops"),
                    name=f"article_search_{name}_idx",
                )
                for name in ("title", "publisher", "url")
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.content_hash = content_hash(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("events:article", args=[self.pk])

    @property
    def direction(self) -> str:
        """How its text runs: "rtl" for Arabic, Persian, Sorani Kurdish and
        the other right-to-left languages, else "ltr"."""
        return "rtl" if self.language.lower() in RTL_LANGUAGES else "ltr"

    def dismiss(self, reason: str) -> bool:
        """
        Set a new article aside, with the reason: it leaves the inbox. False,
        and nothing changed, when it is no longer new (an editor took it up).
        """
        changed = SourceArticle.objects.filter(
            pk=self.pk, state=SourceArticle.State.NEW
        ).update(
            state=SourceArticle.State.DISMISSED,
            dismissed_reason=reason[:500],
            updated_at=timezone.now(),
        )
        if changed:
            self.state = SourceArticle.State.DISMISSED
            self.dismissed_reason = reason[:500]
        return bool(changed)


class ActorQuerySet(models.QuerySet):
    """
    Actors, with `match_keys` kept in step with names and aliases on the
    paths that skip `Actor.save` (bulk inserts and updates); the keys and
    their rules are in events/actor_identity.py.
    """

    def bulk_create(self, objs, *args, **kwargs):
        from events.actor_identity import match_keys

        objs = list(objs)
        for actor in objs:
            actor.match_keys = match_keys(actor.name, actor.aliases, actor.kind)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        from events.actor_identity import match_keys

        objs = list(objs)
        if {"name", "aliases", "kind"} & set(fields):
            for actor in objs:
                actor.match_keys = match_keys(actor.name, actor.aliases, actor.kind)
            fields = [*fields, "match_keys"]
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs) -> int:
        if not {"name", "aliases", "kind"} & set(kwargs):
            return super().update(**kwargs)
        from events.actor_identity import refresh_match_keys

        with transaction.atomic(using=self.db):
            ids = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            refresh_match_keys(Actor.objects.filter(pk__in=ids))
        return count


@tracked()
class Actor(models.Model):
    class Kind(models.TextChoices):
        STATE = "state", "State"
        GOVERNMENT_BODY = "government_body", "Government body"
        SECURITY_FORCE = "security_force", "Military or security force"
        PERSON = "person", "Person"
        ARMED_GROUP = "armed_group", "Armed group"
        POLITICAL_PARTY = "political_party", "Political party"
        MEDIA = "media", "Media"
        INTERNATIONAL_ORG = "international_org", "International organisation"
        CIVILIANS = "civilians", "Civilians"
        OTHER = "other", "Other"

    name = models.CharField(max_length=300)
    aliases = ArrayField(
        models.CharField(max_length=300),
        default=list,
        blank=True,
        help_text="Other names and spellings found in articles.",
    )
    kind = models.CharField(max_length=30, choices=Kind)
    country = models.CharField(
        max_length=3, blank=True, help_text="ISO 3166-1 alpha-3, e.g. IRQ."
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        help_text="Current affiliation: a person's body, a body's state.",
    )
    wikidata_id = models.CharField(max_length=20, blank=True)
    description = models.TextField(blank=True)
    match_keys = ArrayField(
        models.TextField(),
        default=list,
        editable=False,
        help_text="The normalised forms of the name and aliases the actor is "
        "found by (events/actor_identity.py), computed on save.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "country", name="actor_unique_name_per_country"
            ),
            # Every actor can be found: whatever writes one computes its keys.
            models.CheckConstraint(
                condition=Q(match_keys__len__gt=0), name="actor_has_match_keys"
            ),
            models.CheckConstraint(
                condition=Q(country="") | Q(country__regex=ISO_ALPHA3),
                name="actor_country_iso_alpha3",
            ),
            models.CheckConstraint(
                condition=Q(wikidata_id="") | Q(wikidata_id__regex=WIKIDATA_ID),
                name="actor_wikidata_id_format",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="actor_not_own_parent"
            ),
        ]
        indexes = [
            # Matching names and aliases when suggesting actors for an article.
            GinIndex(fields=["aliases"], name="actor_aliases_idx"),
            # Which actor a name denotes: "match_keys && ARRAY[...]"
            # (actor_identity.matches), for imports, forms and suggestions.
            # Without a pending list: actors are written rarely and looked
            # up often, and a lookup would read the whole list.
            GinIndex(
                fields=["match_keys"],
                name="actor_match_keys_idx",
                fastupdate=False,
            ),
            # The actor of a Wikidata id.
            models.Index(
                fields=["wikidata_id"],
                condition=~Q(wikidata_id=""),
                name="actor_wikidata_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})" if self.country else self.name

    def save(self, *args, **kwargs) -> None:
        from events.actor_identity import match_keys

        self.match_keys = match_keys(self.name, self.aliases, self.kind)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "aliases", "kind"} & set(
            update_fields
        ):
            kwargs["update_fields"] = [*update_fields, "match_keys"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("events:actor", args=[self.pk])


@tracked()
class Location(models.Model):
    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        ADMIN1 = "admin1", "Province or governorate"
        REGION = "region", "Region"
        BORDER = "border", "Border"
        CITY = "city", "City or town"
        SITE = "site", "Site"

    name = models.CharField(max_length=200)
    alternate_names = ArrayField(
        models.CharField(max_length=200), default=list, blank=True
    )
    kind = models.CharField(max_length=20, choices=Kind)
    code = models.CharField(  # unique through Meta.constraints
        max_length=40,
        null=True,
        blank=True,
        help_text="Stable key: ISO 3166 code for countries and provinces, "
        "a project code for computed places (IQ-KR, IRN-IRQ).",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    country_code = models.CharField(
        max_length=3, blank=True, help_text="ISO 3166-1 alpha-3."
    )
    geometry = models.GeometryField(
        srid=4326,
        null=True,
        blank=True,
        validators=[validate_geometry],
        help_text="EPSG:4326, lon/lat; any type.",
    )
    point = models.PointField(
        srid=4326,
        null=True,
        blank=True,
        validators=[validate_geometry],
        help_text="EPSG:4326, lon/lat. Where a marker goes; defaults to a point "
        "on the geometry's surface.",
    )
    geonames_id = models.PositiveIntegerField(unique=True, null=True, blank=True)
    wikidata_id = models.CharField(max_length=20, blank=True)
    source = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="location_unique_code"),
            models.CheckConstraint(
                condition=Q(country_code="") | Q(country_code__regex=ISO_ALPHA3),
                name="location_country_iso_alpha3",
            ),
            models.CheckConstraint(
                condition=Q(wikidata_id="") | Q(wikidata_id__regex=WIKIDATA_ID),
                name="location_wikidata_id_format",
            ),
            models.CheckConstraint(
                condition=Q(point__isnull=True) | in_lonlat_range("point"),
                name="location_point_in_range",
            ),
            models.CheckConstraint(
                condition=Q(geometry__isnull=True) | Q(geometry__isvalid=True),
                name="location_geometry_valid",
            ),
            models.CheckConstraint(
                condition=Q(geometry__isnull=True) | in_lonlat_range("geometry"),
                name="location_geometry_in_range",
            ),
        ]
        # The geometry and point fields carry GiST indexes (GeoDjango's
        # spatial_index): bbox, "near" and "inside a region" filters use them.
        indexes = [
            # Place lookup by name when suggesting places for an article.
            models.Index(Lower("name"), name="location_name_lower_idx"),
            # The provinces every imported place is tested against
            # ("kind = 'admin1'"), found without reading every town.
            models.Index(
                fields=["id"], condition=Q(kind="admin1"), name="location_province_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.point is None and self.geometry is not None:
            if self.geometry.geom_type == "Point":
                self.point = self.geometry
            else:
                self.point = self.geometry.point_on_surface
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("events:location", args=[self.pk])


# Fields holding the same event's id in other datasets.
EXTERNAL_IDS = ("acled_id", "ucdp_id", "gdelt_id")
# What an editor writes on an event, in the admin and through the API; the
# rest (versions, timestamps, authors, published_at) is kept by the system
# and the workflow. Participants and citations are edited beside it.
EVENT_EDITABLE_FIELDS = [
    "title", "summary", "event_type", "sub_event_type", "start_date", "end_date",
    "date_precision", "location", "geo_precision", "point", "fatalities_low",
    "fatalities_best", "fatalities_high", "status", "retraction_reason",
    "confidence", *EXTERNAL_IDS,
]  # fmt: skip
# What a change to a published event proposes for review (a Revision): the
# editable fields but the workflow's own, which move only through publishing
# and retracting, then the lists edited beside them.
WORKFLOW_FIELDS = ("status", "retraction_reason")
REVISED_FIELDS = [name for name in EVENT_EDITABLE_FIELDS if name not in WORKFLOW_FIELDS]
REVISED_LISTS = ["participants", "citations"]
# What an editor writes on an article; its hash, state and author are kept
# by the system.
ARTICLE_EDITABLE_FIELDS = [
    "url", "title", "publisher", "author", "published_on", "language", "body"
]  # fmt: skip


def sees_unpublished(user: "AbstractBaseUser | AnonymousUser") -> bool:
    """Editors and reviewers (and superusers) work on drafts, so they see them."""
    return user.is_active and user.has_perm("events.change_event")


class Published(Expression):
    """
    Whether an event is published: the condition visible_to gives readers
    who see published events only, as `status = 'published'`, which
    event_published_start_idx's predicate matches. `tested()`: the same
    condition in a form no index answers, for a statement that reads a few
    thousand events by another index (queries.conditions_tested_on_rows).
    There, PostgreSQL took a bitmap of every published event from
    event_status_start_idx (920,140 at a million, 40-60 ms) to AND with
    the other index's, as it saves testing the area filters (costly by
    their functions' cost) on the unpublished tenth; the form keeps its
    estimate (PostgreSQL takes `x IS TRUE` to hold where `x` does).
    """

    output_field = models.BooleanField()
    conditional = True

    def __init__(self) -> None:
        super().__init__()
        self.status = F("status")

    def get_source_expressions(self) -> list:
        return [self.status]

    def set_source_expressions(self, expressions: list) -> None:
        (self.status,) = expressions

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        return compiler.compile(Exact(self.status, Event.Status.PUBLISHED))

    def tested(self) -> "TestedOnRows":
        return TestedOnRows(self)


class TestedOnRows(Func):
    """
    A condition as `(condition) IS TRUE`: true for the same rows, in a form
    no index answers, whose estimate PostgreSQL keeps (it takes `x IS TRUE`
    to hold where `x` does). What a condition's `tested()` gives
    (queries.conditions_tested_on_rows).
    """

    template = "((%(expressions)s) IS TRUE)"
    output_field = models.BooleanField()
    conditional = True


class EventQuerySet(models.QuerySet):
    def published(self) -> "EventQuerySet":
        return self.filter(Published())

    def visible_to(self, user: "AbstractBaseUser | AnonymousUser") -> "EventQuerySet":
        """
        The one rule of who may read which events, in lists, feeds, exports,
        the map, OGC and the API: published ones, or every status for those
        who edit events. Drafts, events in review and retracted events reach
        no one else; retractions reach sync clients as tombstones and keep
        their own page (`addressable_by`).
        """
        if sees_unpublished(user):
            return self.all()
        return self.published()

    def addressable_by(
        self, user: "AbstractBaseUser | AnonymousUser"
    ) -> "EventQuerySet":
        """
        Events whose own page `user` may open by its address: the visible
        ones, and retracted ones, which stay readable, marked with the reason,
        so that a link once shared does not break.
        """
        if sees_unpublished(user):
            return self.all()
        return self.filter(status__in=[Event.Status.PUBLISHED, Event.Status.RETRACTED])

    def counts_by_period(self, interval: str) -> "models.QuerySet":
        """
        The timeline's one rule: counts of events per `interval` (a date
        precision: day, week, month or year) by start date, and per type.
        An event dated less precisely than the interval (a year-precision
        event on a monthly chart) belongs to no single interval: it is
        counted apart, over the whole period it is known to fall in. Each
        row has `period` (the interval's first day, or the vague period's),
        `precision` ("" when counted in its interval, else the event's own),
        `period_end` (the vague period's last day), `event_type` and `count`.
        """
        precisions = list(DatePrecision.values)  # finest first
        precise = Q(date_precision__in=precisions[: precisions.index(interval) + 1])
        return (
            self.order_by()
            .annotate(
                period=models.Case(
                    # date_trunc() gives a timestamp: back to a date.
                    models.When(
                        precise,
                        then=Cast(Trunc("start_date", interval), models.DateField()),
                    ),
                    default=RawSQL(EFFECTIVE_START, []),
                    output_field=models.DateField(),
                ),
                precision=models.Case(
                    models.When(precise, then=models.Value("")),
                    default=F("date_precision"),
                ),
            )
            .values("period", "precision", "event_type")
            .annotate(
                count=models.Count("id"),
                period_end=models.Max(
                    models.Case(
                        models.When(precise, then=None),
                        default=RawSQL(EFFECTIVE_END, []),
                        output_field=models.DateField(),
                    )
                ),
            )
            .order_by("period", "precision", "event_type")
        )

    def awaiting_review(self) -> "EventQuerySet":
        """
        The reviewers' queue, as events: those in review, and published ones
        with a change awaiting review (a pending Revision).
        """
        pending = Revision.objects.pending().filter(event=OuterRef("pk"))
        return self.filter(Q(status=Event.Status.IN_REVIEW) | Exists(pending))

    def with_review_since(self) -> "EventQuerySet":
        """
        Events with `review_since`: when each last entered review, read from
        its history (the first snapshot in review after the last one that
        was not), so that an edit during review keeps its place in the queue.
        Probed per event through the history's index on the event.
        """
        history = EventEvent.objects.filter(pgh_obj=OuterRef("pk"))  # noqa: F821
        left = (
            history.exclude(status=Event.Status.IN_REVIEW)
            .order_by("-pgh_id")
            .values("pgh_id")[:1]
        )
        entered = (
            history.filter(status=Event.Status.IN_REVIEW)
            .filter(pgh_id__gt=Coalesce(Subquery(left), 0))
            .order_by("pgh_id")
            .values("pgh_created_at")[:1]
        )
        return self.annotate(review_since=Coalesce(Subquery(entered), F("updated_at")))

    def between(
        self, start: datetime.date | None, end: datetime.date | None
    ) -> "EventQuerySet":
        """Events whose date range overlaps [start, end]."""
        qs = self
        if start is not None:
            qs = qs.filter(end_date__gte=start)
        if end is not None:
            qs = qs.filter(start_date__lte=end)
        return qs


@tracked(
    exclude=["search_vector"],
    # Tombstones for sync clients: the history of removals since a time.
    meta={
        "indexes": [models.Index(fields=["pgh_created_at"], name="eventevent_at_idx")]
    },
)
class Event(models.Model):
    class Type(models.TextChoices):
        # Conflict events follow ACLED's event types; the rest are the
        # political and diplomatic events that ACLED files under strategic
        # developments, kept apart because analysts filter on them.
        BATTLE = "battle", "Battle"
        REMOTE_VIOLENCE = "remote_violence", "Explosion / remote violence"
        VIOLENCE_AGAINST_CIVILIANS = (
            "violence_against_civilians",
            "Violence against civilians",
        )
        PROTEST = "protest", "Protest"
        RIOT = "riot", "Riot"
        ARREST = "arrest", "Arrest or detention"
        DEPLOYMENT = "deployment", "Deployment"
        AGREEMENT = "agreement", "Agreement signed"
        STATEMENT = "statement", "Statement"
        MEETING = "meeting", "Meeting"
        APPOINTMENT = "appointment", "Appointment"
        DEATH = "death", "Death in custody or unexplained death"
        OTHER = "other", "Other strategic development"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        RETRACTED = "retracted", "Retracted"

    class Confidence(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    event_type = models.CharField(max_length=40, choices=Type)
    sub_event_type = models.CharField(
        max_length=100, blank=True, help_text="ACLED sub-event type where one fits."
    )
    start_date = models.DateField(
        validators=DATE_VALIDATORS,
        help_text="First day of the period the event is known to fall in.",
    )
    end_date = models.DateField(
        validators=DATE_VALIDATORS,
        help_text="Last day of that period (inclusive); the start date for a "
        "one-day event.",
    )
    date_precision = models.CharField(
        max_length=10, choices=DatePrecision, default=DatePrecision.DAY
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    geo_precision = models.CharField(
        max_length=10, choices=GeoPrecision, default=GeoPrecision.EXACT
    )
    point = models.PointField(
        srid=4326,
        null=True,
        blank=True,
        validators=[validate_geometry],
        help_text="EPSG:4326, lon/lat. The event's own coordinates; the location's "
        "point when not given.",
    )
    participants = models.ManyToManyField(
        Actor,
        through="Participant",
        through_fields=("event", "actor"),
        related_name="events",
        blank=True,
    )
    fatalities_low = models.PositiveIntegerField(null=True, blank=True)
    fatalities_best = models.PositiveIntegerField(null=True, blank=True)
    fatalities_high = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)
    retraction_reason = models.TextField(blank=True)
    confidence = models.CharField(
        max_length=10, choices=Confidence, default=Confidence.MEDIUM
    )
    search_vector = models.GeneratedField(
        expression=SearchVector("title", "summary", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    version = models.PositiveIntegerField(
        default=1,
        help_text="Raised by a trigger on every update, to refuse a stale edit.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    acled_id = models.CharField(
        "ACLED id", max_length=40, blank=True, help_text="ACLED's event_id_cnty."
    )
    ucdp_id = models.CharField("UCDP GED id", max_length=40, blank=True)
    gdelt_id = models.CharField(
        "GDELT id", max_length=40, blank=True, help_text="GDELT's GLOBALEVENTID."
    )
    is_synthetic = models.BooleanField(
        default=False,
        help_text="Generated for load tests and benchmarks; removed by "
        "generate_events --delete.",
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "id"]
        permissions = [
            ("publish_event", "Can publish events"),
            ("retract_event", "Can retract published events"),
        ]
        triggers = [
            version_bump("event_version_bump"),
            # A change awaiting review applies to a published event only:
            # once the event leaves publication, whatever moved it, the
            # change is closed unreviewed, and editors edit the event itself.
            pgtrigger.Trigger(
                name="event_closes_pending_revisions",
                when=pgtrigger.After,
                operation=pgtrigger.Update,
                condition=pgtrigger.Condition(
                    "OLD.status = 'published' AND NEW.status <> 'published'"
                ),
                func="UPDATE events_revision SET state = 'superseded', "
                "decided_at = now(), updated_at = now(), reason = 'Closed "
                "unreviewed: the event was moved from published to ' "
                "|| replace(NEW.status, '_', ' ') || '.' "
                "WHERE event_id = NEW.id AND state = 'pending'; RETURN NULL;",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="event_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(start_date__gte=EARLIEST_DATE, end_date__lte=LATEST_DATE),
                name="event_dates_in_range",
            ),
            models.CheckConstraint(
                condition=Q(fatalities_low__isnull=True)
                | Q(fatalities_best__isnull=True)
                | Q(fatalities_low__lte=F("fatalities_best")),
                name="event_fatalities_low_le_best",
            ),
            models.CheckConstraint(
                condition=Q(fatalities_best__isnull=True)
                | Q(fatalities_high__isnull=True)
                | Q(fatalities_best__lte=F("fatalities_high")),
                name="event_fatalities_best_le_high",
            ),
            models.CheckConstraint(
                condition=Q(fatalities_low__isnull=True)
                | Q(fatalities_high__isnull=True)
                | Q(fatalities_low__lte=F("fatalities_high")),
                name="event_fatalities_low_le_high",
            ),
            models.CheckConstraint(
                condition=~Q(status="retracted") | ~Q(retraction_reason=""),
                name="event_retraction_has_reason",
            ),
            # One event per id of each dataset it came from (imports update it).
            *(
                models.UniqueConstraint(
                    fields=[field],
                    condition=~Q(**{field: ""}),
                    name=f"event_unique_{field}",
                )
                for field in ("acled_id", "ucdp_id", "gdelt_id")
            ),
            models.CheckConstraint(
                condition=Q(point__isnull=True) | in_lonlat_range("point"),
                name="event_point_in_range",
            ),
        ]
        indexes = [
            # Timeline and cursor pagination of published events, ordered by
            # (start_date, id), with date-range filters on the same columns.
            # updated_at as a key too: `updated_since` is then tested in the
            # index as a page walks it, not on each event read from the
            # table (the events changed lately are the last in date order:
            # a year back at a million, 910,000 events read for a page).
            models.Index(
                fields=["start_date", "id", "updated_at"],
                condition=Q(status="published"),
                name="event_published_start_idx",
            ),
            # The admin's event list, newest first, across all statuses; and
            # the same walk as above for editors, who see every status.
            models.Index(
                fields=["start_date", "id", "updated_at"], name="event_start_idx"
            ),
            # Editors' lists of drafts and review queues by date.
            models.Index(
                fields=["status", "start_date"], name="event_status_start_idx"
            ),
            # Type filter with a date range (timeline per type, feeds by type).
            models.Index(
                fields=["event_type", "start_date"], name="event_type_start_idx"
            ),
            # Date-range overlap: the end side of "start <= :end AND end >= :start".
            models.Index(fields=["end_date"], name="event_end_idx"),
            # The API's, feeds' and pages' `start`/`end` filters, alone or with a
            # bbox: "EFFECTIVE_PERIOD && daterange(:start, :end, '[]')
            # [AND point && :bbox]", both ends of the window and the box in one
            # index scan.
            GistIndex(
                RawSQL(EFFECTIVE_PERIOD, []), F("point"), name="event_period_idx"
            ),
            # Incremental sync: "changed since" for REST clients.
            models.Index(fields=["updated_at", "id"], name="event_updated_idx"),
            # Full-text search (`q`), ranked.
            GinIndex(fields=["search_vector"], name="event_search_idx"),
            # Removing synthetic data in one statement.
            models.Index(
                fields=["id"],
                condition=Q(is_synthetic=True),
                name="event_synthetic_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if self.point is None and self.location_id is not None:
            self.point = self.location.point
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("events:event", args=[self.pk])

    def date_display(self) -> str:
        """The date as precisely as it is known: "19 Mar 2023", "Nov 2022", "2022"."""
        start, end = self.start_date, self.end_date
        if self.date_precision == DatePrecision.YEAR:
            text = str(start.year)
            return text if start.year == end.year else f"{text}–{end.year}"
        if self.date_precision == DatePrecision.MONTH:
            text = start.strftime("%b %Y")
            last = end.strftime("%b %Y")
            return text if text == last else f"{text} – {last}"
        if self.date_precision == DatePrecision.WEEK:
            return f"week of {start.day} {start.strftime('%b %Y')}"
        text = f"{start.day} {start.strftime('%b %Y')}"
        if start == end:
            return text
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}–{end.day} {end.strftime('%b %Y')}"
        return f"{text} – {end.day} {end.strftime('%b %Y')}"

    def cite(
        self, article: SourceArticle, quote: str, *, field: str = ""
    ) -> "Citation":
        """Cite the first occurrence of `quote` in `article`."""
        return Citation.objects.create(
            article=article, event=self, field=field, **locate_quote(article, quote)
        )

    def revision_values(self) -> dict:
        """The event as stored, in the shape a Revision proposes it."""
        values = {
            name: revision_value(getattr(self, self._meta.get_field(name).attname))
            for name in REVISED_FIELDS
        }
        values["participants"] = revision_participants(
            self.participations.values(*PARTICIPANT_KEYS)
        )
        values["citations"] = revision_citations(self.citations.values(*CITATION_KEYS))
        return values


@tracked()
class Participant(models.Model):
    class Role(models.TextChoices):
        INITIATOR = "initiator", "Initiator"
        TARGET = "target", "Target"
        PARTICIPANT = "participant", "Participant"
        SIGNATORY = "signatory", "Signatory"
        MEDIATOR = "mediator", "Mediator"
        WITNESS = "witness", "Witness"
        MENTIONED = "mentioned", "Mentioned"

    # Both served by the composite indexes below, which lead with them.
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="participations", db_index=False
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="participations", db_index=False
    )
    role = models.CharField(max_length=20, choices=Role)
    capacity = models.CharField(
        max_length=200,
        blank=True,
        help_text="The actor's office at the time, e.g. 'Secretary of the "
        "Supreme National Security Council'.",
    )
    on_behalf_of = models.ForeignKey(
        Actor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="represented_in",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "actor", "role"], name="participant_unique_role"
            ),
        ]
        indexes = [
            # Events of an actor in a role (actor filter with `role`).
            models.Index(fields=["actor", "role"], name="participant_actor_role_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor} ({self.get_role_display()})"


@tracked()
class EventRelation(models.Model):
    class Kind(models.TextChoices):
        CAUSED_BY = "caused_by", "Caused by"
        RESPONSE_TO = "response_to", "Response to"
        PART_OF = "part_of", "Part of"

    from_event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="relations"
    )
    to_event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="inverse_relations"
    )
    kind = models.CharField(max_length=20, choices=Kind)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_event", "to_event", "kind"], name="event_relation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_event=F("to_event")), name="event_relation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_event} — {self.get_kind_display()} — {self.to_event}"


class AgreementQuerySet(models.QuerySet):
    def with_visible_signing_event(
        self, user: "AbstractBaseUser | AnonymousUser"
    ) -> "AgreementQuerySet":
        """
        Agreements with `visible_signing_event_id`: the signing event's id
        when `user` may see that event (`visible_to`), else None. Probed per
        agreement, so the events table is never read whole.
        """
        visible = Event.objects.visible_to(user).filter(pk=OuterRef("signing_event_id"))
        return self.annotate(
            visible_signing_event_id=Case(
                When(Exists(visible), then=F("signing_event_id")), default=None
            )
        )


@tracked()
class Agreement(models.Model):
    class Kind(models.TextChoices):
        SECURITY = "security", "Security"
        BORDER = "border", "Border"
        TRADE = "trade", "Trade"
        CEASEFIRE = "ceasefire", "Ceasefire"
        PEACE = "peace", "Peace"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        SIGNED = "signed", "Signed"
        IN_FORCE = "in_force", "In force"
        SUSPENDED = "suspended", "Suspended"
        EXPIRED = "expired", "Expired"
        TERMINATED = "terminated", "Terminated"

    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind)
    summary = models.TextField(blank=True)
    signed_on = models.DateField(null=True, blank=True)
    signed_at = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements_signed",
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.SIGNED)
    status_since = models.DateField(
        null=True, blank=True, help_text="When the agreement took its current status."
    )
    signing_event = models.OneToOneField(
        Event,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreement_signed",
    )
    parties = models.ManyToManyField(
        Actor,
        through="AgreementParty",
        through_fields=("agreement", "actor"),
        related_name="agreements",
        blank=True,
    )
    version = models.PositiveIntegerField(
        default=1,
        help_text="Raised by a trigger on every update, to refuse a stale edit.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "title"]
        triggers = [version_bump("agreement_version_bump")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status_since__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(status_since__gte=F("signed_on")),
                name="agreement_status_not_before_signing",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:agreement", args=[self.pk])

    def cite(
        self, article: SourceArticle, quote: str, *, field: str = ""
    ) -> "Citation":
        """Cite the first occurrence of `quote` in `article`."""
        return Citation.objects.create(
            article=article, agreement=self, field=field, **locate_quote(article, quote)
        )


@tracked()
class AgreementParty(models.Model):
    class Role(models.TextChoices):
        PARTY = "party", "Party"
        SIGNATORY = "signatory", "Signatory"
        WITNESS = "witness", "Witness"
        GUARANTOR = "guarantor", "Guarantor"

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="party_roles"
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="agreement_roles"
    )
    role = models.CharField(max_length=20, choices=Role)
    represents = models.ForeignKey(
        Actor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="represented_by",
        help_text="For a signatory: the party signed for.",
    )
    capacity = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name_plural = "agreement parties"
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "actor", "role"], name="agreement_party_unique"
            ),
            models.CheckConstraint(
                condition=Q(represents__isnull=True) | Q(role="signatory"),
                name="agreement_party_only_signatory_represents",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} ({self.get_role_display()})"


@tracked()
class Provision(models.Model):
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="provisions"
    )
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    tags = ArrayField(
        models.CharField(max_length=50),
        default=list,
        blank=True,
        help_text="Topics, e.g. border_security, armed_groups.",
    )

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="provision_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="provision_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


def locate_quote(article: SourceArticle, quote: str) -> dict:
    """Offsets of the first occurrence of `quote` in the article body."""
    start = article.body.find(quote)
    if start < 0:
        raise ValueError(f"Quote not found in article {article.pk}: {quote[:60]!r}")
    return {"quote": quote, "start": start, "end": start + len(quote)}


class CitationQuerySet(models.QuerySet):
    def visible_to(
        self, user: "AbstractBaseUser | AnonymousUser"
    ) -> "CitationQuerySet":
        """
        Citations `user` may read: those of agreements, and those of the
        events `Event.objects.visible_to(user)` holds, each probed by its
        event's key, so the events table is never read whole. For those who
        may read every event, every citation, with no condition at all (a
        large list is then paged on the planner's estimate, never counted).
        """
        events = Event.objects.visible_to(user)
        if not events.query.where:
            return self.all()
        visible = events.filter(pk=OuterRef("event_id"))
        return self.filter(Q(event__isnull=True) | Exists(visible))


@tracked()
class Citation(models.Model):
    """A claim's provenance: the exact words of an article that support it."""

    article = models.ForeignKey(
        SourceArticle, on_delete=models.PROTECT, related_name="citations"
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    agreement = models.ForeignKey(
        Agreement,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
    )
    field = models.CharField(
        max_length=50,
        blank=True,
        help_text="The field the quote supports (start_date, location, "
        "participants, provisions, ...); blank for the claim as a whole.",
    )
    quote = models.TextField()
    start = models.PositiveIntegerField(help_text="Character offset into the body.")
    end = models.PositiveIntegerField(help_text="Offset just past the quote.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CitationQuerySet.as_manager()

    class Meta:
        ordering = ["article", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(event__isnull=False, agreement__isnull=True)
                | Q(event__isnull=True, agreement__isnull=False),
                name="citation_cites_one_object",
            ),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="citation_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(end=F("start") + Length("quote")),
                name="citation_length_matches_offsets",
            ),
        ]
        indexes = [
            # The admin's filter by field lists the values by probing this.
            models.Index(fields=["field"], name="citation_field_idx"),
        ]
        # That the quote is the article's text at those offsets spans two
        # tables, so a trigger enforces it (migration 0002).

    def __str__(self) -> str:
        return f"“{self.quote[:60]}” ({self.article})"


# --- changes to published events, awaiting review ---------------------------

PARTICIPANT_KEYS = ["actor", "role", "capacity", "on_behalf_of"]
CITATION_KEYS = ["article", "field", "quote", "start", "end"]


def revision_value(value: object) -> object:
    """A value as a Revision keeps it in JSON: ids, ISO dates, GeoJSON points."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Point):
        return {"type": "Point", "coordinates": [value.x, value.y]}
    return value


def revision_point(value: dict | None) -> Point | None:
    if value is None:
        return None
    return Point(*value["coordinates"], srid=4326)


def revision_participants(rows) -> list[dict]:
    """Participants (dicts of PARTICIPANT_KEYS, objects or ids) as JSON, in order."""
    defaults = {"capacity": "", "on_behalf_of": None}
    encoded = [
        {key: revision_value({**defaults, **row}[key]) for key in PARTICIPANT_KEYS}
        for row in rows
    ]
    # In one order whatever order they were given in, so that equal lists
    # compare equal.
    return sorted(encoded, key=lambda row: (row["actor"], row["role"]))


def revision_citations(rows) -> list[dict]:
    """Citations (dicts of CITATION_KEYS, objects or ids) as JSON, in order."""
    encoded = [
        {key: revision_value({"field": "", **row}[key]) for key in CITATION_KEYS}
        for row in rows
    ]
    return sorted(
        encoded,
        key=lambda row: (row["article"], row["start"], row["end"], row["field"]),
    )


class RevisionQuerySet(models.QuerySet):
    def pending(self) -> "RevisionQuerySet":
        return self.filter(state=Revision.State.PENDING)


@tracked()
class Revision(models.Model):
    """
    A change to a published event proposed by someone who may not publish,
    held apart until a reviewer accepts it or sends it back. The event's row
    stays the published version meanwhile, so no page, feed, tile or export
    shows the change before it is reviewed (workflow.propose, accept_revision,
    send_back).
    """

    class State(models.TextChoices):
        PENDING = "pending", "Awaiting review"
        ACCEPTED = "accepted", "Accepted"
        SENT_BACK = "sent_back", "Sent back"
        SUPERSEDED = "superseded", "Superseded"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="revisions")
    values = models.JSONField(
        help_text="The event as proposed: REVISED_FIELDS, participants and "
        "citations, with ids for related objects and GeoJSON for the point."
    )
    base_values = models.JSONField(
        help_text="The same fields as the event had when the change was first "
        "proposed: what the change is a change from."
    )
    base_version = models.PositiveIntegerField(
        help_text="The event's version the change was made on; a change to an "
        "event changed since is refused on review."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(max_length=20, choices=State, default=State.PENDING)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(
        blank=True, help_text="Why the change was sent back or closed."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # A second change waits for the first: its author updates it,
            # anyone else is refused (workflow.check_proposal).
            models.UniqueConstraint(
                fields=["event"],
                condition=Q(state="pending"),
                name="revision_one_pending_per_event",
            ),
            models.CheckConstraint(
                condition=Q(state="pending", decided_at__isnull=True)
                | (~Q(state="pending") & Q(decided_at__isnull=False)),
                name="revision_decided_unless_pending",
            ),
            models.CheckConstraint(
                condition=~Q(state="sent_back") | ~Q(reason=""),
                name="revision_sent_back_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state="accepted") | Q(reviewer__isnull=False),
                name="revision_accepted_by_a_reviewer",
            ),
        ]
        indexes = [
            # The review queue: pending changes, oldest first.
            models.Index(
                fields=["created_at", "id"],
                condition=Q(state="pending"),
                name="revision_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Change to “{self.event}” ({self.get_state_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("admin:events_revision_change", args=[self.pk])


def new_feed_key() -> str:
    return secrets.token_urlsafe(32)


class FeedTokenQuerySet(models.QuerySet):
    def user_for(self, key: str) -> "AbstractBaseUser | None":
        """The active user whose private feeds `key` opens, or None."""
        if not 32 <= len(key) <= 64:
            return None
        token = self.filter(key=key, user__is_active=True).select_related("user")
        found = token.first()
        return found.user if found else None


class FeedToken(models.Model):
    """
    The secret in the addresses of a user's private feeds (the review queue;
    any later private feed takes the same key): feed readers cannot sign in,
    so the address itself authenticates. One per user, random; rotating it
    retires every address that held the old key. Not kept in history, which
    would keep the retired keys readable.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_token"
    )
    key = models.CharField(max_length=64, unique=True, default=new_feed_key)
    created_at = models.DateTimeField(
        default=timezone.now, help_text="When the key was made or last rotated."
    )

    objects = FeedTokenQuerySet.as_manager()

    class Meta:
        constraints = [
            # Long enough not to be guessed: 32 random bytes give 43 characters.
            models.CheckConstraint(
                condition=Q(GreaterThanOrEqual(Length("key"), 40)),
                name="feed_token_key_long",
            ),
        ]

    def __str__(self) -> str:
        return f"Feed address of {self.user}"

    def rotate(self) -> None:
        """A new key: addresses holding the old one answer 404 from now on."""
        self.key = new_feed_key()
        self.created_at = timezone.now()
        self.save(update_fields=["key", "created_at"])


@tracked()
class ActorMerge(models.Model):
    """
    One actor merged into another by an editor, kept so that it can be undone
    (events/actor_merge.py): the merged actor as it was, and exactly which
    rows were re-pointed or removed. Actors are named by id rather than by
    foreign key: the merged one no longer exists, and undoing a later merge
    brings an actor back under its old id.
    """

    survivor_id = models.PositiveIntegerField(help_text="The actor kept.")
    survivor_name = models.CharField(max_length=300)
    merged_id = models.PositiveIntegerField(
        help_text="The actor merged away; undoing the merge recreates it under this id."
    )
    merged = models.JSONField(help_text="Every field of the merged actor, as it was.")
    survivor_before = models.JSONField(
        help_text="The survivor's aliases and Wikidata id before the merge."
    )
    added_aliases = ArrayField(
        models.CharField(max_length=300),
        default=list,
        blank=True,
        help_text="Names the survivor took from the merged actor as aliases.",
    )
    added_wikidata_id = models.CharField(max_length=20, blank=True)
    moved = models.JSONField(
        default=dict,
        help_text='Ids of the rows re-pointed, by relation: {"events.participant.'
        'actor": [ids], ...}.',
    )
    removed = models.JSONField(
        default=dict,
        help_text="Rows removed because the survivor already had their like "
        '(the same event and role, say), whole: {"events.participant": '
        "[{field: value}], ...}.",
    )
    revisions = models.JSONField(
        default=list,
        help_text="Pending changes that named the merged actor: their values "
        "before and after the merge.",
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(survivor_id=F("merged_id")),
                name="actor_merge_not_into_itself",
            ),
        ]
        indexes = [
            # The merges an actor took part in, on its page in the admin.
            models.Index(fields=["survivor_id"], name="actor_merge_survivor_idx"),
            models.Index(fields=["merged_id"], name="actor_merge_merged_idx"),
        ]

    def __str__(self) -> str:
        merged = self.merged.get("name", f"actor {self.merged_id}")
        return f"{merged} merged into {self.survivor_name}"

    def get_absolute_url(self) -> str:
        return reverse("admin:events_actormerge_change", args=[self.pk])


class TallyQuerySet(models.QuerySet):
    """Counts of events kept by status, read by the events' own rule."""

    def visible_to(self, user: "AbstractBaseUser | AnonymousUser") -> "TallyQuerySet":
        """The counts of `Event.objects.visible_to(user)`, by the same rule."""
        if sees_unpublished(user):
            return self.filter(count__gt=0)
        return self.filter(status=Event.Status.PUBLISHED, count__gt=0)

    def total(self) -> int:
        return self.aggregate(total=models.Sum("count"))["total"] or 0


class EventMonthQuerySet(TallyQuerySet):
    def counts_by_period(self, interval: str) -> "models.QuerySet":
        """
        `EventQuerySet.counts_by_period` for every event counted here, without
        the vague periods' bounds: rows of `period`, `precision` and
        `event_type` with their `count`, summed from the monthly counts (the
        vague events' rows without their period, which the chart does not use).
        """
        precisions = list(DatePrecision.values)  # finest first
        precise = Q(date_precision__in=precisions[: precisions.index(interval) + 1])
        return (
            self.order_by()
            .annotate(
                period=models.Case(
                    models.When(
                        precise, then=Cast(Trunc("month", interval), models.DateField())
                    ),
                    default=None,
                    output_field=models.DateField(),
                ),
                precision=models.Case(
                    models.When(precise, then=models.Value("")),
                    default=F("date_precision"),
                ),
            )
            .values("period", "precision", "event_type")
            .annotate(count=models.Sum("count"))
        )


class EventMonth(models.Model):
    """
    How many events start in each month, by status, type and date precision:
    the timeline's chart of the whole record without reading every event.
    Kept exact by statement triggers on events_event (migration 0018), in the
    writing transaction, whatever writes the events: forms, the API, imports,
    COPY, the synthetic generator, deletes and TRUNCATE.
    """

    month = models.DateField(
        help_text="The first day of the month the events start in."
    )
    status = models.CharField(max_length=20, choices=Event.Status)
    event_type = models.CharField(max_length=40)
    date_precision = models.CharField(max_length=10, choices=DatePrecision)
    count = models.BigIntegerField(default=0)

    objects = EventMonthQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "status", "event_type", "date_precision"],
                name="event_month_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.status} {self.event_type}: {self.count}"


class ActorYear(models.Model):
    """
    How many events an actor took part in, by the year they start in and
    their status (each event once, whatever roles the actor had in it): the
    chart on the actor's page. Kept exact by statement triggers on
    events_participant and events_event (migration 0019), in the writing
    transaction.
    """

    # A plain number, not a reference: merging actors re-points references,
    # and these counts follow the participants by trigger.
    actor_id = models.BigIntegerField()
    year = models.IntegerField()
    status = models.CharField(max_length=20, choices=Event.Status)
    count = models.BigIntegerField(default=0)

    objects = TallyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["actor_id", "year", "status"], name="actor_year_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.year} {self.status}: {self.count}"


class ActorRole(models.Model):
    """
    How many times an actor took each role, by the status of the events: the
    roles on the actor's page. Kept like ActorYear.
    """

    # A plain number, not a reference: merging actors re-points references,
    # and these counts follow the participants by trigger.
    actor_id = models.BigIntegerField()
    role = models.CharField(max_length=20, choices=Participant.Role)
    status = models.CharField(max_length=20, choices=Event.Status)
    count = models.BigIntegerField(default=0)

    objects = TallyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["actor_id", "role", "status"], name="actor_role_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.role} {self.status}: {self.count}"


class TileCell(models.Model):
    """
    The events of one cell of the map's grid, by type and status, summed:
    how many, the sums of their positions and of their best fatality
    estimates. Every cell of each zoom from 0 to 14 (16 cells to a tile's
    side, a zoom's cell four of the next one's) that holds an event: tiles
    in cells read a few hundred rows here instead of every event under them
    (events/tiles.py); migration 0023 added zooms 9 to 14. Positions are on
    the world's grid of 2^32 units to a side (events_world_x and
    events_world_y, migration 0022), so that
    sums are exact whatever order they are added in. Kept exact by statement
    triggers on events_event, in the writing transaction, whatever writes
    the events.
    """

    zoom = models.SmallIntegerField()
    cx = models.IntegerField(help_text="The cell's column at its zoom.")
    cy = models.IntegerField(help_text="The cell's row at its zoom, from the north.")
    event_type = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=Event.Status)
    count = models.BigIntegerField(default=0)
    sx = models.BigIntegerField(default=0, help_text="The events' x, summed.")
    sy = models.BigIntegerField(default=0, help_text="The events' y, summed.")
    fatalities = models.BigIntegerField(default=0)

    objects = TallyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["zoom", "cx", "cy", "event_type", "status"],
                name="tile_cell_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zoom}/{self.cx}/{self.cy} {self.status} {self.event_type}"


class RowCount(models.Model):
    """
    How many rows a large table holds, for pages that show the number: kept
    by statement triggers on the table (migration 0020) in the writing
    transaction, in a few shards (by the writing connection) so concurrent
    writers seldom wait on one counter. The table's count is the shards' sum.
    """

    table = models.CharField(max_length=63)
    shard = models.SmallIntegerField()
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["table", "shard"], name="row_count_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.table}[{self.shard}]: {self.count}"

    @classmethod
    def of(cls, model: type[models.Model], *, using: str | None = None) -> int:
        """The number of rows of `model`'s table (in the database `using`)."""
        counted = cls.objects.using(using).filter(table=model._meta.db_table)
        return counted.aggregate(total=models.Sum("count"))["total"] or 0


# History snapshots are read by object, context and time, never by place: the
# copies of geometry columns in the history tables go without spatial indexes,
# which would only slow every write.
for history in (EventEvent, LocationEvent):  # noqa: F821 (made by @tracked)
    for field in history._meta.fields:
        if isinstance(field, models.GeometryField):
            field.spatial_index = False
