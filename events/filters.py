"""
Filters of events, actors, articles, places and agreements, shared by the API,
the pages, the exports and the feeds. Every parameter is parsed
strictly: a malformed value is a 400 naming the parameter and the problem, never
a silently ignored filter or a database error.
"""

import copy
import datetime
import math
import re
from dataclasses import dataclass

import django_filters
from django import forms
from django.contrib.gis.geos import GEOSGeometry, Point, Polygon
from django.contrib.gis.measure import D
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    When,
)
from django.db.models.expressions import Expression
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_filters.fields import MultipleChoiceField
from drf_spectacular.utils import extend_schema_field

from events import actor_identity, workflow
from events.cells import summed_share
from events.http import NAMES_NOTHING
from events.models import (
    EARLIEST_DATE,
    EFFECTIVE_PERIOD,
    LATEST_DATE,
    Actor,
    Agreement,
    AgreementParty,
    Event,
    EventRelation,
    Location,
    Participant,
    Revision,
    SourceArticle,
    TestedOnRows,
)

MAX_ID = 2**63 - 1  # bigint
MAX_IDS = 100
MAX_TEXT = 500
# Half the Earth's circumference: every point is nearer than this.
MAX_NEAR_KM = 20_038
# Points on a shared boundary line sit a rounding error off either polygon.
BOUNDARY_TOLERANCE_DEGREES = 0.0001
# How many events a page's walk of the list's order may expect to test for
# the spatial filters to be tested on each (walked()).
WALKED_EVENTS = 20_000
SEARCH_CONFIG = "english"
# What parse_id accepts, as the schema says it.
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}

# What the fields below accept, as the schema states it (spacing around a
# value is trimmed, so the patterns allow it).
_YEAR = r"(1[89][0-9]{2}|20[0-9]{2}|2100)"
_LON = r"-?(180(\.0+)?|(1[0-7][0-9]|[1-9]?[0-9])(\.[0-9]+)?)"
_LAT = r"-?(90(\.0+)?|[1-8]?[0-9](\.[0-9]+)?)"
_KM = r"([0-9]+(\.[0-9]*)?|\.[0-9]+)"
PARTIAL_DATE_SCHEMA = {
    "anyOf": [
        {"type": "string", "format": "date", "pattern": rf"^{_YEAR}-"},
        {"type": "string", "pattern": rf"^\s*{_YEAR}(-(0[1-9]|1[0-2]))?\s*$"},
        {"type": "string", "pattern": rf"^\s*{_YEAR}-W(0[1-9]|[1-4][0-9]|5[0-3])\s*$"},
    ]
}
BBOX_SCHEMA = {
    "type": "string",
    "pattern": rf"^\s*{_LON}\s*,\s*{_LAT}\s*,\s*{_LON}\s*,\s*{_LAT}\s*$",
}
NEAR_SCHEMA = {
    "type": "string",
    "pattern": rf"^\s*{_LAT}\s*,\s*{_LON}\s*,\s*0*[1-9]{_KM}?\s*$|"
    rf"^\s*{_LAT}\s*,\s*{_LON}\s*,\s*0*\.0*[1-9][0-9]*\s*$",
}
COUNTRY_SCHEMA = {"type": "string", "pattern": r"^\s*[A-Za-z]{3}\s*$"}


def documented(schema: dict, event_filter: django_filters.Filter):
    """A filter with its OpenAPI type, its help text kept as the description."""
    description = str(event_filter.extra.get("help_text", ""))
    return extend_schema_field({**schema, "description": description})(event_filter)


def _text(value: object, *, max_length: int = 200) -> str:
    """A parameter value as text, refusing NUL bytes and absurd lengths."""
    text = str(value).strip()
    ProhibitNullCharactersValidator()(text)
    if len(text) > max_length:
        raise forms.ValidationError(f"Too long: at most {max_length} characters.")
    return text


def invalid(message: str, value: str) -> forms.ValidationError:
    """
    An error that quotes the user's value (as `%(value)r` in `message`). The
    value travels as a parameter, never formatted into the message: the DRF
    backend of django-filter applies `%` to every message, so a `%` typed by
    the user would otherwise break the error itself.
    """
    return forms.ValidationError(message, params={"value": value})


def parse_id(text: str) -> int:
    if not re.fullmatch(r"[0-9]+", text) or int(text[:30]) == 0:
        raise invalid("%(value)r is not an id: expected a positive integer.", text[:30])
    if len(text) > 19 or int(text) > MAX_ID:
        raise invalid("%(value)r is too large for an id.", text[:30])
    return int(text)


def _float(text: str, name: str, low: float, high: float) -> float:
    try:
        number = float(text)
    except ValueError:
        raise invalid(f"{name} %(value)r is not a number.", text[:30]) from None
    if not math.isfinite(number) or not low <= number <= high:
        if high == math.inf:
            raise forms.ValidationError(f"{name} must be at least {low:g}.")
        raise forms.ValidationError(f"{name} must be between {low:g} and {high:g}.")
    return number


def _numbers(value: str, count: int, form: str) -> list[str]:
    parts = [part.strip() for part in _text(value).split(",")]
    if len(parts) != count or not all(parts):
        raise forms.ValidationError(f"Expected {form}.")
    return parts


@dataclass(frozen=True)
class DateBound:
    """A date parameter at the precision it was given: 2022, 2022-11, 2022-11-05."""

    first: datetime.date
    last: datetime.date


class PartialDateField(forms.Field):
    """
    A day, a month, an ISO week or a year from 1800 to 2100, the dates events
    may have. Week 53 of a year of 52 weeks is the week after its week 52.
    """

    def to_python(self, value: str | None) -> DateBound | None:
        text = _text(value or "", max_length=20)
        if not text:
            return None
        try:
            bound = self.parse(text)
        except (ValueError, OverflowError):
            bound = None
        if bound is None:
            raise invalid(
                "%(value)r is not a date: use YYYY-MM-DD, YYYY-MM, YYYY-Www or YYYY.",
                text[:30],
            )
        if bound.last < EARLIEST_DATE or bound.first > LATEST_DATE:
            raise forms.ValidationError(
                f"Dates run from {EARLIEST_DATE.year} to {LATEST_DATE.year}."
            )
        return bound

    @staticmethod
    def parse(text: str) -> DateBound | None:
        if m := re.fullmatch(r"(\d{4})", text):
            year = int(m[1])
            return DateBound(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
            first = datetime.date(int(m[1]), int(m[2]), 1)
            following = (first + datetime.timedelta(days=31)).replace(day=1)
            return DateBound(first, following - datetime.timedelta(days=1))
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", text):
            year, week = int(m[1]), int(m[2])
            if week == 53:
                first = datetime.date.fromisocalendar(year, 52, 1)
                first += datetime.timedelta(days=7)
            else:
                first = datetime.date.fromisocalendar(year, week, 1)
            return DateBound(first, first + datetime.timedelta(days=6))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = datetime.date.fromisoformat(text)
            return DateBound(day, day)
        return None


class TimestampField(forms.Field):
    def to_python(self, value: str | None) -> datetime.datetime | None:
        text = _text(value or "", max_length=40)
        if not text:
            return None
        # An unencoded "+" in a query string arrives as a space.
        text = re.sub(r" (\d{2}:?\d{2})$", r"+\1", text)
        try:
            moment = parse_datetime(text)
            if moment is None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is None:
            raise invalid(
                "%(value)r is not a timestamp: use ISO 8601, "
                "e.g. 2024-05-01T12:00:00Z (without a zone, UTC is assumed).",
                text[:40],
            )
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=datetime.UTC)
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError:  # within a day of year 1 or 9999: the ends of time
            end = datetime.datetime.min if moment.year == 1 else datetime.datetime.max
            return end.replace(tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Near:
    point: Point
    km: float


class NearField(forms.Field):
    def to_python(self, value: str | None) -> Near | None:
        if not value:
            return None
        lat, lon, km = _numbers(value, 3, "lat,lon,km, e.g. 36.19,44.01,50")
        return Near(
            Point(
                _float(lon, "Longitude", -180, 180),
                _float(lat, "Latitude", -90, 90),
                srid=4326,
            ),
            # Half the earth's circumference reaches everywhere: no further.
            min(_float(km, "Distance in km", 0, math.inf), MAX_NEAR_KM),
        )

    def validate(self, value: Near | None) -> None:
        super().validate(value)
        if value is not None and value.km <= 0:
            raise forms.ValidationError("Distance in km must be greater than 0.")


class BBoxField(forms.Field):
    def to_python(self, value: str | None) -> list[Polygon] | None:
        if not value:
            return None
        parts = _numbers(value, 4, "minLon,minLat,maxLon,maxLat, e.g. 42,34,47,38")
        west = _float(parts[0], "minLon", -180, 180)
        south = _float(parts[1], "minLat", -90, 90)
        east = _float(parts[2], "maxLon", -180, 180)
        north = _float(parts[3], "maxLat", -90, 90)
        # The box lies between its two latitudes, whichever is given first.
        south, north = min(south, north), max(south, north)
        if west <= east:
            return [box(west, south, east, north)]
        # RFC 7946 5.2: a box whose west edge lies east of its east edge crosses
        # the antimeridian.
        return [box(west, south, 180, north), box(-180, south, east, north)]


def box(west: float, south: float, east: float, north: float) -> Polygon:
    polygon = Polygon.from_bbox((west, south, east, north))
    polygon.srid = 4326
    return polygon


class IdListField(forms.Field):
    """
    Ids of stored objects from a repeated parameter (?actor=1&actor=2), commas
    allowed too; an id that names nothing is an error, not an empty result
    (code NAMES_NOTHING: the API answers 404, naming the parameter).
    """

    widget = forms.MultipleHiddenInput

    def __init__(self, *args, model: type, **kwargs) -> None:
        self.model = model
        super().__init__(*args, **kwargs)

    def to_python(self, value: list[str] | None) -> list[int]:
        ids = [
            parse_id(part.strip())
            for item in value or []
            for part in _text(item, max_length=MAX_TEXT).split(",")
            if part.strip()
        ]
        if len(ids) > MAX_IDS:
            raise forms.ValidationError(f"At most {MAX_IDS} ids.")
        if not ids:
            return ids
        known = set(
            self.model._default_manager.filter(pk__in=ids).values_list("pk", flat=True)
        )
        if missing := [pk for pk in ids if pk not in known]:
            raise forms.ValidationError(
                f"No {self.model._meta.verbose_name} with id {missing[0]}.",
                code=NAMES_NOTHING,
            )
        return ids


class ObjectField(forms.Field):
    """An id parameter naming a stored object, loaded once for the filter."""

    def __init__(self, *args, model: type, **kwargs) -> None:
        self.model = model
        super().__init__(*args, **kwargs)

    def to_python(self, value: str | None) -> object | None:
        text = _text(value or "", max_length=30)
        if not text:
            return None
        pk = parse_id(text)
        found = self.model._default_manager.filter(pk=pk).first()
        if found is None:
            raise forms.ValidationError(
                f"No {self.model._meta.verbose_name} with id {pk}.", code=NAMES_NOTHING
            )
        return found


class CountryField(forms.Field):
    def to_python(self, value: str | None) -> str | None:
        text = _text(value or "", max_length=10).upper()
        if not text:
            return None
        if not re.fullmatch(r"[A-Z]{3}", text):
            raise invalid(
                "%(value)r is not an ISO 3166-1 alpha-3 code such as IRQ.", text[:10]
            )
        return text


class StrictBooleanField(forms.Field):
    """true or false (1 or 0); anything else is an error, not an ignored filter."""

    def to_python(self, value: str | None) -> bool | None:
        text = _text(value or "", max_length=10).lower()
        if not text:
            return None
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise forms.ValidationError(f"{text!r} is not a boolean: use true or false.")


class SearchField(forms.CharField):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, max_length=MAX_TEXT, **kwargs)


class PartialDateFilter(django_filters.Filter):
    field_class = PartialDateField


class IdListFilter(django_filters.Filter):
    field_class = IdListField


class CountryFilter(django_filters.Filter):
    field_class = CountryField


class ObjectFilter(django_filters.Filter):
    field_class = ObjectField


class BBoxFilter(django_filters.Filter):
    field_class = BBoxField


class NearFilter(django_filters.Filter):
    field_class = NearField


class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


class SearchFilter(django_filters.Filter):
    field_class = SearchField


class TimestampFilter(django_filters.Filter):
    field_class = TimestampField


class ChoicesField(MultipleChoiceField):
    """Several choices; an empty value (?type=) filters nothing, as elsewhere."""

    def to_python(self, value: list[str] | None) -> list[str]:
        return [item for item in super().to_python(value) if item]


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    """
    Any of several values of a column of the row itself, as one IN condition.
    django-filter's default ORs the values and makes the query DISTINCT (for
    to-many relations, which a column is not); DISTINCT makes PostgreSQL read
    and sort every matching row before the first page, and adds the ORDER BY
    columns to the SELECT, which breaks the statements that select one column.
    """

    field_class = ChoicesField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, distinct=False, **kwargs)

    def filter(self, qs: QuerySet, value: list[str]) -> QuerySet:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": sorted(set(value))})


OVERLAPS, STARTS = "overlaps", "starts"
DATE_RULES = [
    (OVERLAPS, "Overlaps the period"),
    (STARTS, "Starts in the period"),
]
OLDEST, NEWEST = "oldest", "newest"
SORTS = [(OLDEST, "Oldest first"), (NEWEST, "Newest first")]
# Parameters of EventFilterSet that select no events by themselves.
NOT_NARROWING = {"updated_since", "sort", "date_rule"}


@dataclass(frozen=True)
class EventOrder:
    """
    The order of a list of events: (field or annotation, descending) pairs
    ending in the primary key, and the annotations they need. `explicit`:
    asked for with `sort`, rather than the default.
    """

    name: str
    keys: tuple[tuple[str, bool], ...]
    annotations: dict
    explicit: bool = False

    def order_by(self) -> list[str]:
        return [f"-{field}" if desc else field for field, desc in self.keys]

    def apply(self, queryset: QuerySet) -> QuerySet:
        return queryset.annotate(**self.annotations).order_by(*self.order_by())


def event_order(
    *,
    sort: str,
    window: tuple[datetime.date | None, datetime.date | None] | None,
    explicit: bool = False,
) -> EventOrder:
    """
    Events by start date, oldest or newest first (ties by id, the same way).
    In a date window, the events known precisely within it come first, then
    those whose vaguer date merely overlaps it: filtered to one day, the
    day's events are not pushed off the first page by the year's.
    """
    desc = sort == NEWEST
    keys: tuple[tuple[str, bool], ...] = (("start_date", desc), ("id", desc))
    name = "date-newest" if desc else "date"
    if window is None:
        return EventOrder(name, keys, {}, explicit)
    return EventOrder(
        f"{name}-precise",
        (("vague", False), *keys),
        {"vague": vague_in(*window)},
        explicit,
    )


class PeriodSQL(Expression):
    """
    SQL about an event's period widened to its precision: `template` with
    `{period}` for EFFECTIVE_PERIOD and `{start}` for the start date, read
    from the event under whatever alias the query gives it (inside a
    subquery of a query on events too, where the table's own name would
    name the outer query's row).
    """

    output_field = BooleanField()
    COLUMNS = ("start_date", "end_date", "date_precision")

    def __init__(self, template: str, params: list) -> None:
        super().__init__()
        self.template, self.params = template, list(params)
        self.columns = [F(name) for name in self.COLUMNS]

    def get_source_expressions(self) -> list:
        return self.columns

    def set_source_expressions(self, expressions: list) -> None:
        self.columns = list(expressions)

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        period = EFFECTIVE_PERIOD
        for name, column in zip(self.COLUMNS, self.columns, strict=True):
            sql, _ = compiler.compile(column)
            period = period.replace(f'"events_event"."{name}"', sql)
        start, _ = compiler.compile(self.columns[0])
        sql = self.template.format(period=period, start=start)
        return f"({sql})", self.params


class VagueIn(PeriodSQL):
    """
    Whether an event's period, widened to its precision, reaches outside
    first to last (None: open): it overlaps the window but is not within it.
    Its `parts()` select each of its two values among the events that
    overlap the window by conditions an index answers (queries.narrowed).
    """

    def __init__(self, first: datetime.date | None, last: datetime.date | None):
        super().__init__(
            "NOT ({period} <@ daterange(%s::date, %s::date, '[]'))", [first, last]
        )
        self.first, self.last = first, last

    def parts(self) -> tuple[Q, Q]:
        """
        Among events overlapping the window: those within it (False), and
        those reaching outside it (True). An event within the window starts
        in it, so a walk of the start-date index starts at its first day
        and stops at its last. One reaching outside holds the window's first
        day and the day before, or its last day and the day after (a period
        is one piece): event_period_idx finds those, a few thousand at most.
        """
        first, last = self.first, self.last
        within = Q(
            PeriodSQL("{period} <@ daterange(%s::date, %s::date, '[]')", [first, last])
        )
        if first is not None:
            within &= Q(start_date__gte=first)
        if last is not None:
            within &= Q(start_date__lte=last)
        edges, params = [], []
        if first is not None:
            edges.append("{period} @> daterange(%s::date - 1, %s::date, '[]')")
            params += [first, first]
        if last is not None:
            edges.append("{period} @> daterange(%s::date, %s::date + 1, '[]')")
            params += [last, last]
        outside = Q(PeriodSQL(f"({' OR '.join(edges)})", params))
        return within, outside

    def implied_by_within(self, condition: object) -> bool:
        """
        Whether the first of `parts()` implies `condition`: the window's own
        condition (overlapping) for the same window, which the part then
        goes without (queries.narrowed). PostgreSQL multiplies the
        estimates of conditions as if each told something new: the window's
        overlap, the part's containment and both start-date bounds, which
        say one thing, made it expect 33,913 of 2023's 183,005 events at a
        million, and 952 of its 25,425 battles, so it read them all and
        sorted them rather than walk the date index: 130-230 ms for
        `start=2023&type=battle` and `bbox&start=2023`, under 5 ms walked.
        """
        return isinstance(condition, Overlapping) and condition.window == (
            self.first,
            self.last,
        )


def vague_in(first: datetime.date | None, last: datetime.date | None) -> VagueIn:
    """Whether an event's period, widened to its precision, reaches outside
    first to last (None: open): it overlaps the window but is not within it."""
    return VagueIn(first, last)


def in_period(
    first: datetime.date | None, last: datetime.date | None, *, rule: str = OVERLAPS
) -> Q:
    """
    The events a period selects (None: open at that end): those whose date
    range, widened to its precision, shares a day with it (`overlaps`), or
    those whose start date falls in it (`starts`).
    """
    if rule == STARTS:
        condition = Q()
        if first is not None:
            condition &= Q(start_date__gte=first)
        if last is not None:
            condition &= Q(start_date__lte=last)
        return condition
    return Q(overlapping(first, last))


class Filters(dict):
    """
    A filter set's declared filters, copied for each filter set made: each
    filter copied alone, its method bound to the copy (the copy's parent is
    the filter set that uses it), where django-filter deep-copies every
    filter with its choices, help text and schema, the same for every
    request.
    """

    def __deepcopy__(self, memo: dict) -> "Filters":
        return Filters((name, _copied(each)) for name, each in self.items())


class SharedFields(dict):
    """
    A filter set's form fields (`base_fields`), shared by every form made
    from them: Django deep-copies each field, with its widget and choices,
    for each form, so that a form may change its own. Nothing changes a
    filter form's fields, and none is built from the request or the
    database (FilterSet), so each form takes them as they are.
    """

    def __deepcopy__(self, memo: dict) -> dict:
        return dict(self)


def _copied(each: django_filters.Filter) -> django_filters.Filter:
    copied = copy.copy(each)
    if each.method is not None:
        copied.method = each.method  # a FilterMethod of the copy, not of `each`
    return copied


class FilterSet(django_filters.FilterSet):
    """
    A filter set that costs less to make for each request: its filters are
    copied one by one (Filters) and its form class is built once, as its
    fields depend on the declared filters alone (django-filter builds the
    class again for every filter set, looking up each field's label), its
    fields shared by every form (SharedFields). So no
    filter of these may build its field from the request or the database
    (django-filter's ModelChoiceFilter with a queryset of the request,
    AllValuesFilter): those are refused when the class is made.
    """

    @classmethod
    def get_filters(cls) -> Filters:
        filters = Filters(super().get_filters())
        for name, each in filters.items():
            if isinstance(
                each,
                django_filters.filters.QuerySetRequestMixin
                | django_filters.AllValuesFilter
                | django_filters.AllValuesMultipleFilter,
            ):
                raise TypeError(f"{cls.__name__}.{name}: a field built per request")
        return filters

    def get_form_class(self) -> type[forms.Form]:
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            form_class.base_fields = SharedFields(form_class.base_fields)
            type(self)._form_class = form_class
        return form_class


class EventFilterForm(forms.Form):
    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end.last < start.first:
            self.add_error("end", "The end must not be before the start.")
        return cleaned


class EventFilterSet(FilterSet):
    start = documented(
        PARTIAL_DATE_SCHEMA,
        PartialDateFilter(
            method="filter_start",
            help_text="Events whose date range (widened to its precision) ends on "
            "or after this date. YYYY-MM-DD, YYYY-MM, YYYY-Www or YYYY.",
        ),
    )
    end = documented(
        PARTIAL_DATE_SCHEMA,
        PartialDateFilter(
            method="filter_end",
            help_text="Events whose date range (widened to its precision) starts on "
            "or before this date (a month or year means its last day).",
        ),
    )
    date_rule = django_filters.ChoiceFilter(
        choices=DATE_RULES,
        method="filter_date_rule",
        help_text="How `start` and `end` select: `overlaps` (the default), "
        "events whose date range, widened to its precision, shares a day with "
        "the period; `starts`, events whose start date is in the period.",
    )
    sort = django_filters.ChoiceFilter(
        choices=SORTS,
        method="filter_sort",
        help_text="`oldest` (the default) or `newest` first, by start date. "
        "With `start` or `end` (and the `overlaps` rule), events known "
        "precisely within the period come before the vaguer ones that only "
        "overlap it (a year-precision event in a one-day window). With `q` "
        "and no `sort`, the most relevant first.",
    )
    type = ChoicesFilter(
        field_name="event_type",
        choices=Event.Type.choices,
        help_text="Event type; repeat for any of several.",
    )
    status = ChoicesFilter(
        choices=Event.Status.choices,
        help_text="Curation status; repeat for several. Only editors see "
        "anything but published events.",
    )
    actor = documented(
        {"type": "array", "items": ID_SCHEMA, "maxItems": MAX_IDS},
        IdListFilter(
            method="filter_actor",
            help_text="Actor id; repeat for events involving any of several.",
            model=Actor,
        ),
    )
    role = django_filters.ChoiceFilter(
        choices=Participant.Role.choices,
        method="filter_role",
        help_text="With `actor`: only where that actor has this role. Alone: "
        "events with any participant in this role.",
    )
    country = documented(
        COUNTRY_SCHEMA,
        CountryFilter(
            method="filter_country",
            help_text="ISO 3166-1 alpha-3 code: events placed in that country or "
            "inside its boundary.",
        ),
    )
    location = documented(
        ID_SCHEMA,
        ObjectFilter(
            method="filter_location",
            help_text="Location id: events at it or inside its geometry "
            "(e.g. the Kurdistan Region).",
            model=Location,
        ),
    )
    bbox = documented(
        BBOX_SCHEMA,
        BBoxFilter(
            method="filter_bbox",
            help_text="minLon,minLat,maxLon,maxLat (EPSG:4326); minLon > maxLon "
            "crosses the antimeridian.",
        ),
    )
    near = documented(
        NEAR_SCHEMA,
        NearFilter(
            method="filter_near",
            help_text="lat,lon,km: events within km kilometres of the point.",
        ),
    )
    q = SearchFilter(
        method="filter_q",
        help_text="Full-text search of titles and summaries (web search syntax: "
        '"phrase", or, -word); results are ranked by relevance.',
    )
    agreement = documented(
        ID_SCHEMA,
        ObjectFilter(
            method="filter_agreement",
            help_text="Agreement id: its signing event and the events directly "
            "related to it.",
            model=Agreement,
        ),
    )
    acled_id = django_filters.CharFilter(
        max_length=40, help_text="ACLED event id (event_id_cnty), exactly."
    )
    ucdp_id = django_filters.CharFilter(
        max_length=40, help_text="UCDP GED event id, exactly."
    )
    gdelt_id = django_filters.CharFilter(
        max_length=40, help_text="GDELT GLOBALEVENTID, exactly."
    )
    updated_since = documented(
        # As TimestampField reads it: a date alone too.
        {
            "anyOf": [
                {"type": "string", "format": "date-time"},
                {"type": "string", "format": "date"},
            ]
        },
        TimestampFilter(
            method="filter_updated_since",
            help_text="Events changed at or after this time (ISO 8601). Adds "
            "`tombstones` for events removed from view since then.",
        ),
    )
    awaiting_review = documented(
        {"type": "boolean"},
        StrictBooleanFilter(
            method="filter_awaiting_review",
            help_text="true: events in review, and published events with a "
            "change awaiting review (the reviewers' queue); false: the others. "
            "Only editors and reviewers see the queue: for anyone else true "
            "selects nothing.",
        ),
    )

    class Meta:
        model = Event
        fields: list[str] = []
        form = EventFilterForm

    def filter_queryset(self, queryset):
        """
        Apply the filters; `self.matching` keeps the result before
        `updated_since`, for telling a sync client which changed events no
        longer match. The spatial filters (`country`, `location`, `bbox`,
        `near`) are gathered and applied together, last (in_areas).
        """
        data = self.form.cleaned_data
        self.areas: list[Area] = []
        for name, value in data.items():
            if name != "updated_since":
                queryset = self.filters[name].filter(queryset, value)
        walkable = self.window() is None and data.get("updated_since") is None
        queryset = in_areas(queryset, self.areas, walkable=walkable)
        self.matching = queryset
        return self.filters["updated_since"].filter(queryset, data["updated_since"])

    def selects_subset(self) -> bool:
        """Whether any filter narrows the events (`updated_since`, a moment,
        and `sort` and `date_rule`, which select nothing alone, aside)."""
        return any(
            value not in (None, "", [])
            for name, value in self.form.cleaned_data.items()
            if name not in NOT_NARROWING
        )

    def window(self) -> tuple[datetime.date | None, datetime.date | None] | None:
        """The period `start` and `end` give (None at an open end), or None."""
        start, end = (
            self.form.cleaned_data.get("start"),
            self.form.cleaned_data.get("end"),
        )
        if start is None and end is None:
            return None
        return (start.first if start else None, end.last if end else None)

    def period_rule(self) -> str:
        return self.form.cleaned_data.get("date_rule") or OVERLAPS

    def order(self) -> "EventOrder":
        """How the selected events are listed: `sort`, precise ones first."""
        sort = self.form.cleaned_data.get("sort") or ""
        return event_order(
            sort=sort or OLDEST,
            window=self.window() if self.period_rule() == OVERLAPS else None,
            explicit=bool(sort),
        )

    def filter_start(self, queryset, name: str, value: DateBound):
        window = self.window()
        return queryset.filter(in_period(*window, rule=self.period_rule()))

    def filter_end(self, queryset, name: str, value: DateBound):
        if self.form.cleaned_data.get("start"):
            return queryset  # applied together with the start
        return queryset.filter(in_period(*self.window(), rule=self.period_rule()))

    def filter_date_rule(self, queryset, name: str, value: str):
        return queryset  # read by filter_start and filter_end

    def filter_sort(self, queryset, name: str, value: str):
        return queryset  # the views order the events (order())

    # Conditions on related rows are semi-joins (EXISTS): an event is selected
    # once however many rows match, so no filter needs DISTINCT.

    def filter_actor(self, queryset, name: str, value: list[int]):
        participants = Participant.objects.filter(event=OuterRef("pk"), actor__in=value)
        if role := self.form.cleaned_data.get("role"):
            participants = participants.filter(role=role)
        return queryset.filter(Exists(participants))

    def filter_role(self, queryset, name: str, value: str):
        if self.form.cleaned_data.get("actor"):
            return queryset  # applied together with the actor
        return queryset.filter(
            Exists(Participant.objects.filter(event=OuterRef("pk"), role=value))
        )

    def filter_country(self, queryset, name: str, value: str):
        # The places in the country as a set of ids, a condition on the
        # event's own column: joined to the places, the planner could not
        # tell how many events it keeps and read them all before the first
        # page, where walking the date index stops after a page's worth.
        places = Location.objects.filter(country_code=value).values("pk")
        condition = Q(location__in=places)
        boundary = (
            Location.objects.filter(kind=Location.Kind.COUNTRY, code=value)
            .values_list("geometry", flat=True)
            .first()
        )
        if boundary is None:
            return queryset.filter(condition)
        # Events placed in the country lie inside its boundary but for a few
        # whose point strays: its extent is the area's for its estimate.
        self.areas.append(
            Area(condition | within_boundary(boundary), boundary_boxes(boundary))
        )
        return queryset

    def filter_location(self, queryset, name: str, value: Location):
        condition = Q(location=value)
        if value.geometry is None:
            return queryset.filter(condition)
        self.areas.append(
            Area(
                condition | within_boundary(value.geometry),
                boundary_boxes(value.geometry),
            )
        )
        return queryset

    def filter_bbox(self, queryset, name: str, value: list[Polygon]):
        # Points against axis-aligned boxes: the bounding-box operator (&&)
        # gives the same answer as ST_Intersects, straight from the index.
        condition = Q()
        for polygon in value:
            condition |= Q(point__bboverlaps=polygon)
        self.areas.append(Area(condition, [polygon.extent for polygon in value]))
        return queryset

    def filter_near(self, queryset, name: str, value: Near):
        # The bounding boxes let the spatial index narrow the candidates; the
        # distance on the sphere then decides. The boxes are axis-aligned, so
        # && (which compares boxes rounded outward, a few metres wider) lets
        # through what ST_Intersects would and the distance decides the
        # same; as an operator of no declared cost, PostgreSQL tests it on a
        # walk's events before the window's period (`end=2023-06&near` 5.6 ms
        # a page's walk with ST_Intersects after the period, 3.5 with &&).
        boxes = near_boxes(value)
        condition = Q()
        for polygon in boxes:
            condition |= Q(point__bboverlaps=polygon)
        condition &= Q(point__distance_lte=(value.point, D(km=value.km)))
        self.areas.append(Area(condition, [polygon.extent for polygon in boxes]))
        return queryset

    def filter_q(self, queryset, name: str, value: str):
        return queryset.filter(TextMatch(value))

    def filter_agreement(self, queryset, name: str, value: Agreement):
        signing = value.signing_event_id
        if signing is None:
            return queryset.none()
        # One set of ids, the signing event's and its neighbours', which
        # PostgreSQL joins by primary key. Conditions ORed together would be
        # tested on every event in turn, as no index answers an OR of subqueries.
        neighbours = (
            EventRelation.objects.filter(Q(from_event=signing) | Q(to_event=signing))
            .order_by()
            .values(
                other=Case(
                    When(from_event=signing, then=F("to_event")),
                    default=F("from_event"),
                )
            )
        )
        signing_event = Event.objects.filter(pk=signing).order_by().values("pk")
        return queryset.filter(pk__in=signing_event.union(neighbours))

    def filter_updated_since(self, queryset, name: str, value: datetime.datetime):
        return queryset.filter(updated_at__gte=value)

    def filter_awaiting_review(self, queryset, name: str, value: bool | None):
        if value is None:
            return queryset
        user = getattr(self.request, "user", None)
        if user is None or not workflow.may_see_queue(user):
            # Which published events have a change pending is the editors'
            # business: the filter tells anyone else nothing.
            return queryset.none() if value else queryset
        awaiting = queryset.awaiting_review()
        return awaiting if value else queryset.exclude(pk__in=awaiting.values("pk"))


class ActorFilterSet(FilterSet):
    q = django_filters.CharFilter(
        method="filter_names",
        max_length=200,
        label="Name",
        help_text="Any of the actor's names or aliases contains this, in any "
        "spelling (case, accents, hyphens, al-), or it is their acronym.",
    )
    kind = django_filters.ChoiceFilter(choices=Actor.Kind.choices)
    country = django_filters.CharFilter(max_length=3, help_text="ISO 3166-1 alpha-3.")
    wikidata_id = django_filters.CharFilter(
        max_length=20, help_text="Wikidata id, e.g. Q794."
    )

    class Meta:
        model = Actor
        fields: list[str] = []

    def filter_names(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return actor_identity.search(queryset, value) if value.strip() else queryset


class ArticleFilterSet(FilterSet):
    q = django_filters.CharFilter(
        field_name="title", lookup_expr="icontains", max_length=200, label="Title"
    )
    state = django_filters.ChoiceFilter(choices=SourceArticle.State.choices)
    publisher = django_filters.CharFilter(max_length=200)
    source = documented(
        ID_SCHEMA,
        ObjectFilter(
            model=SourceArticle._meta.get_field("source").related_model,
            help_text="Source id: the articles its polls brought in.",
        ),
    )
    duplicate_of = documented(
        ID_SCHEMA,
        ObjectFilter(
            model=SourceArticle,
            help_text="Article id: the duplicates held of that article.",
        ),
    )
    duplicate = documented(
        {"type": "boolean"},
        StrictBooleanFilter(
            field_name="duplicate_of",
            lookup_expr="isnull",
            exclude=True,
            help_text="Only duplicates (true) or only originals (false).",
        ),
    )

    class Meta:
        model = SourceArticle
        fields: list[str] = []


class LocationFilterSet(FilterSet):
    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", max_length=200, label="Name"
    )
    kind = django_filters.ChoiceFilter(choices=Location.Kind.choices)
    code = django_filters.CharFilter(max_length=40)
    country = django_filters.CharFilter(
        field_name="country_code", max_length=3, help_text="ISO 3166-1 alpha-3."
    )

    class Meta:
        model = Location
        fields: list[str] = []


class AgreementFilterSet(FilterSet):
    kind = django_filters.ChoiceFilter(choices=Agreement.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Agreement.Status.choices)
    party = documented(
        ID_SCHEMA,
        ObjectFilter(
            method="filter_party",
            model=Actor,
            help_text="Actor id of a party or signatory.",
        ),
    )

    class Meta:
        model = Agreement
        fields: list[str] = []

    def filter_party(self, queryset, name: str, value: Actor):
        # A semi-join: an actor who is both party and signatory selects the
        # agreement once, without DISTINCT.
        return queryset.filter(
            Exists(AgreementParty.objects.filter(agreement=OuterRef("pk"), actor=value))
        )


class RevisionFilterSet(FilterSet):
    state = ChoicesFilter(
        choices=Revision.State.choices,
        help_text="State of the change; repeat for several.",
    )
    event = documented(
        ID_SCHEMA,
        ObjectFilter(model=Event, help_text="Event id: the changes to that event."),
    )

    class Meta:
        model = Revision
        fields: list[str] = []


def overlapping(
    first: datetime.date | None, last: datetime.date | None
) -> "Overlapping":
    """
    Events whose range, widened to its precision, shares a day with first to
    last (None: unbounded). Both ends in one range condition, which
    event_period_idx answers without reading the events outside the window.

    With a first day, also a lower bound on the start date, which changes
    nothing (an event that starts before `first` and overlaps the window
    holds the day before `first` and `first`, so it starts no earlier than
    the earliest event that holds both, found by event_period_idx) but lets
    a page in date order start its walk of the date index there: without
    it, PostgreSQL walked from 1990 expecting the window's events anywhere
    (751,619 events read and dropped for `start=2023` at a million, 3 s).
    Both days, not `first` alone: the events that start on `first` (every
    "2023" event for `start=2023`) are not read for it.
    """
    condition = "{period} && daterange(%s::date, %s::date, '[]')"
    if first is None:
        return Overlapping(condition, [first, last], window=(first, last))
    # The subquery's own events_event: inside it, the name is its table.
    # "+ 0": min() of an indexed column becomes a walk of that index in
    # order, testing each event until one holds the day (800,000 of them).
    earliest = (
        f"(SELECT LEAST(%s::date, min(start_date + 0)) FROM events_event "
        f"WHERE {EFFECTIVE_PERIOD} @> daterange(%s::date - 1, %s::date, '[]'))"
    )
    return Overlapping(
        f"({condition} AND {{start}} >= {earliest})",
        [first, last, first, first, first],
        window=(first, last),
    )


class Overlapping(PeriodSQL):
    """
    overlapping()'s condition, which knows its window (first, last).
    `tested()`: the same in a form no index answers, for the events that
    reach outside the window (the second of VagueIn.parts()), which imply
    it and which event_period_idx finds: PostgreSQL otherwise ANDed a
    bitmap of every event from the earliest start on (event_start_idx,
    183,818 events for 2023 at a million, 30 ms) with the few it finds.
    """

    def __init__(
        self,
        template: str,
        params: list,
        *,
        window: tuple[datetime.date | None, datetime.date | None],
    ) -> None:
        super().__init__(template, params)
        self.window = window

    def tested(self) -> TestedOnRows:
        return TestedOnRows(self)


@dataclass(frozen=True)
class Area:
    """
    A spatial filter's condition, and boxes (west, south, east, north in
    degrees) that hold every point it selects: the events of a place or a
    country may also be placed there with a point elsewhere, a few.
    """

    condition: Q
    boxes: list[tuple[float, float, float, float]]


class InAreas(Expression):
    """
    The spatial filters' conditions together, and `boxes` that hold every
    event they select (None: not to be walked, see in_areas). As PostgreSQL
    sees them, or, `walked`, in a form it cannot estimate (a CASE, which it
    takes to hold half the events): see for_rows().
    """

    output_field = BooleanField()

    def __init__(
        self,
        condition: Q,
        boxes: list[tuple[float, float, float, float]] | None = None,
        *,
        using: str | None = None,
        walked: bool = False,
    ) -> None:
        super().__init__()
        self.condition, self.boxes, self.using = condition, boxes, using
        self.walked = walked
        self._share: float | None = None

    def get_source_expressions(self) -> list:
        return [self.condition]

    def set_source_expressions(self, expressions: list) -> None:
        (self.condition,) = expressions

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        sql, params = compiler.compile(self.condition)
        if self.walked:
            return f"(CASE WHEN {sql} THEN true ELSE false END)", params
        return f"({sql})", params

    def for_rows(self, rows: int) -> "InAreas | None":
        """
        The form for a statement that reads the first `rows` rows of a list
        in an index's order (queries.walked): walked, if the areas hold so
        many events that a walk of the index finds those rows within
        WALKED_EVENTS events; else None (as it is).

        PostgreSQL cannot tell how many events a circle or a boundary holds
        (it takes the box's estimate, itself a twentieth of the events in
        it, times a default), so it expects a few hundred, reads every one
        with its point, tests it and sorts them all: 0.5-0.8 s for a page of
        the Kurdistan Region within 50 km of Erbil (27,445 events) at a
        million, where a walk of the date index tests 3,400 events for it.
        Taken to hold half the events, the areas are tested on each event
        of the walk. Rows further down the list (a stream's next 10,000)
        keep the form it estimates: reading every event in the areas and
        sorting them then costs less than the walk.
        """
        if self.walked or self.boxes is None or rows > self.share() * WALKED_EVENTS:
            return None
        return InAreas(self.condition, self.boxes, using=self.using, walked=True)

    def share(self) -> float:
        """
        At most what share of the events the boxes hold, by the summed cells
        (cells.summed_share: the boxes' cells over every cell of zoom 0, in
        one statement): counted when a statement first asks (for_rows), not
        for every filtered request. Not over RowCount, which keeps no count
        of events: the share would be the boxes' count itself (62,092 for
        `near`'s circle at a million), and a stream's next 10,000 rows would
        be walked too (3 s for `near`, 323,950 events tested).
        """
        if self._share is None:
            self._share = summed_share(self.boxes or [], using=self.using)
        return self._share


def in_areas(queryset: QuerySet, areas: list[Area], *, walkable: bool) -> QuerySet:
    """
    `queryset` within every one of `areas` (the spatial filters given), with
    the boxes that hold their events together, whose share of the events
    InAreas.for_rows() counts.

    Not `walkable` (no boxes, never counted) with a date window or
    `updated_since`: a page's walk then reads the window's part of the list
    (or the events changed since), whose share of the areas' events the
    share of all events does not tell: the events within 50 km of Erbil are
    6% of all, but few of 2023's, and walked for a page they took 270 ms,
    where PostgreSQL's own plan, the circle's events read and sorted, took 50.
    """
    if not areas:
        return queryset
    condition, boxes = Q(), [(-180.0, -90.0, 180.0, 90.0)]
    for area in areas:
        condition &= area.condition
    if not walkable:
        return queryset.filter(InAreas(condition))
    for area in areas:
        boxes = [
            (max(w1, w2), max(s1, s2), min(e1, e2), min(n1, n2))
            for w1, s1, e1, n1 in boxes
            for w2, s2, e2, n2 in area.boxes
            if max(w1, w2) <= min(e1, e2) and max(s1, s2) <= min(n1, n2)
        ]

    return queryset.filter(InAreas(condition, boxes, using=queryset.db))


def boundary_boxes(geometry: GEOSGeometry) -> list[tuple[float, float, float, float]]:
    """The box that holds every point within_boundary selects."""
    west, south, east, north = geometry.extent
    margin = 2 * BOUNDARY_TOLERANCE_DEGREES
    return [(west - margin, south - margin, east + margin, north + margin)]


def within_boundary(geometry: GEOSGeometry) -> Q:
    """
    Events whose point lies within BOUNDARY_TOLERANCE_DEGREES of `geometry`
    (a country's or a region's boundary, hundreds of vertices), as two tests
    PostGIS answers from a prepared geometry, point in polygon, before the
    distance: inside a slightly wider buffer of the boundary, and inside the
    boundary itself or near its edge. The same events as the distance
    alone, which PostGIS measures to every edge for each event (ten times
    the time), and with estimates the planner can trust: those of a
    distance to a boundary were a few hundredths of the events found.

    The second test is a CASE, which PostgreSQL takes to hold half the
    events the buffer holds (about what a boundary fills of its box: 18,408
    of the 34,599 events of 2023 in the Kurdistan Region's box at a
    million). As plain conditions, each test's box (`&&`, the boundary's
    and the buffer's, nearly the same) was estimated apart and the two
    multiplied, as if each told something new: PostgreSQL expected 1,265
    of 2023's events in the region (3,301 with the CASE), read every event
    of the box in the window and sorted them (24,470 heap blocks, 250-400
    ms for `location&start=2023`) rather than walk the date index (10-20
    ms).
    """
    near = Q(point__dwithin=(geometry, BOUNDARY_TOLERANCE_DEGREES))
    if not geometry.valid:
        return near  # a buffer of an invalid shape can lose parts of it
    # GEOS draws a buffer's rounded corners with chords inside the circle,
    # less than 2% of the distance inside: twice the distance holds it all.
    wider = geometry.buffer(2 * BOUNDARY_TOLERANCE_DEGREES)
    inside = Case(
        When(Q(point__intersects=geometry) | near, then=True),
        default=False,
        output_field=BooleanField(),
    )
    return Q(point__intersects=wider) & Q(inside)


def search_query(text: str) -> SearchQuery:
    return SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")


class TextMatch(Expression):
    """
    Whether an event's text matches `text` (`q`): `search_vector @@` the
    query, which event_search_idx answers with the matching events in no
    order, so a page of them is every match read and sorted whatever the
    order (`sorted_whole`, which queries.narrowed reads).
    """

    output_field = BooleanField()
    conditional = True
    sorted_whole = True

    def __init__(self, text: str) -> None:
        super().__init__()
        self.vector, self.query = F("search_vector"), search_query(text)

    def get_source_expressions(self) -> list:
        return [self.vector, self.query]

    def set_source_expressions(self, expressions: list) -> None:
        self.vector, self.query = expressions

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        vector, vector_params = compiler.compile(self.vector)
        query, query_params = compiler.compile(self.query)
        return f"{vector} @@ ({query})", [*vector_params, *query_params]


class TextRank(Cast):
    """
    How well an event's text matches `text` (`q`), as double precision so
    that the rank a cursor carries compares exactly. No index holds it:
    every match is ranked and sorted for a page (`sorted_whole`, which
    queries.narrowed reads).
    """

    sorted_whole = True

    def __init__(self, text: str) -> None:
        super().__init__(
            SearchRank(F("search_vector"), search_query(text)), FloatField()
        )


def near_boxes(near: Near) -> list[Polygon]:
    """Boxes in degrees that hold every point within `near.km` of `near.point`."""
    lon, lat = near.point.x, near.point.y
    # Generous: degrees of latitude are at least 110.5 km long.
    dlat = near.km / 110.5 * 1.01 + 0.01
    south, north = max(lat - dlat, -90.0), min(lat + dlat, 90.0)
    widest = max(abs(south), abs(north))
    if widest >= 89.0:
        return [box(-180, south, 180, north)]
    dlon = dlat / math.cos(math.radians(widest))
    if dlon >= 180:
        return [box(-180, south, 180, north)]
    west, east = lon - dlon, lon + dlon
    if west < -180:
        return [box(west + 360, south, 180, north), box(-180, south, east, north)]
    if east > 180:
        return [box(west, south, 180, north), box(-180, south, east - 360, north)]
    return [box(west, south, east, north)]
