"""
The editors' workbench: every curated model in the admin, the review
workflow as permission-aware actions, history with restore, and edits that
are refused rather than silently overwritten.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection, connections
from django.db.models import (
    Count,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _
from leaflet.admin import LeafletGeoAdminMixin

from events import (
    actor_identity,
    actor_merge,
    admin_actors,
    admin_curation,
    intake,
    workflow,
)
from events.models import (
    ARTICLE_EDITABLE_FIELDS,
    EVENT_EDITABLE_FIELDS,
    REVISED_FIELDS,
    Actor,
    ActorMerge,
    Agreement,
    AgreementParty,
    Citation,
    Event,
    EventRelation,
    FeedToken,
    Location,
    Participant,
    Provision,
    Revision,
    SourceArticle,
    locate_quote,
)

admin.site.site_header = "Zagros curation"
admin.site.site_title = "Zagros"
admin.site.index_title = "Curation"

# Up to this many rows a filtered list is counted exactly; beyond it the list
# says "more than" instead of counting a million rows for a page of 100.
EXACT_COUNT_LIMIT = 10_000


class EstimatedCountPaginator(Paginator):
    """
    Pages a large table without a full COUNT: the planner's row estimate for an
    unfiltered list, a count capped at EXACT_COUNT_LIMIT for a filtered one.
    """

    exact_count_limit = EXACT_COUNT_LIMIT
    # How the count was had, for the list to say so (admin/events/pagination.html).
    estimated = False
    more_than_limit = False

    @cached_property
    def count(self) -> int:
        limit = self.exact_count_limit
        queryset = self.object_list
        if not queryset.query.where:
            # Where the list itself is read: a replica while the primary is away.
            with connections[queryset.db].cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [queryset.model._meta.db_table],
                )
                estimate = cursor.fetchone()[0]
            if estimate > limit:
                self.estimated = True
                return estimate
        # The keys alone: annotations for display (a subquery per row) stay
        # out of the count.
        counted = queryset.order_by().values("pk")[: limit + 1].count()
        self.more_than_limit = counted > limit
        return counted


def distinct_values(model, column: str, limit: int = 500) -> list:
    """
    The distinct values of an indexed column, in order, by a loose index scan:
    one index probe per value instead of reading every row, for list filters
    over a column with few values in a large table.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    name = connection.ops.quote_name(model._meta.get_field(column).column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE found(value, n) AS (
                (SELECT {name}, 1 FROM {table} WHERE {name} IS NOT NULL
                 ORDER BY {name} LIMIT 1)
                UNION ALL
                SELECT (SELECT {name} FROM {table} WHERE {name} > found.value
                        ORDER BY {name} LIMIT 1), found.n + 1
                FROM found WHERE found.value IS NOT NULL AND found.n < %s
            )
            SELECT value FROM found WHERE value IS NOT NULL
            """,
            [limit],
        )
        return [row[0] for row in cursor.fetchall()]


class DistinctValuesFilter(admin.AllValuesFieldListFilter):
    """
    Django's filter by each value a column holds, the values read by
    distinct_values() (the column needs a B-tree index) rather than a
    DISTINCT over the whole table.
    """

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.lookup_choices = distinct_values(model, field_path)


class YearFilter(admin.SimpleListFilter):
    """
    Rows by the year of a date column, the years listed by probing the
    column's index for each year between the first and the last date (a
    dozen index probes), where the admin's date hierarchy would read every row.
    """

    title = "year published"
    parameter_name = "year"
    field_name = "published_on"

    def lookups(self, request, model_admin):
        model = model_admin.model
        table = connection.ops.quote_name(model._meta.db_table)
        column = connection.ops.quote_name(
            model._meta.get_field(self.field_name).column
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT y FROM generate_series(
                    (SELECT extract(year FROM min({column}))::int FROM {table}),
                    (SELECT extract(year FROM max({column}))::int FROM {table})) y
                WHERE EXISTS (SELECT 1 FROM {table}
                              WHERE {column} >= make_date(y, 1, 1)
                              AND {column} < make_date(y + 1, 1, 1))
                ORDER BY y DESC
                """
            )
            return [(str(row[0]), str(row[0])) for row in cursor.fetchall()]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= 9999:
            return queryset.none()
        year = int(value)
        return queryset.filter(
            **{
                f"{self.field_name}__gte": datetime.date(year, 1, 1),
                f"{self.field_name}__lt": datetime.date(year + 1, 1, 1)
                if year < 9999
                else datetime.date.max,
            }
        )


class QuickCheckboxes:
    """
    A long list's row checkboxes written directly, the same markup Django
    renders through a form widget and its template for each row (a third of
    the time of a page of 100).
    """

    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" '
            'aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(_("Select this object for an action - {}"), str(obj)),
        )


class MapMedia:
    """The project's boundaries drawn under every map widget; works offline."""

    class Media:
        js = ["events/js/basemap.js"]
        css = {"all": ["events/css/admin-map.css"]}


class HistoryMixin:
    """The object's history from the trigger-written snapshots, with restore."""

    history_template = "admin/events/history.html"
    # Articles show their history but are not restored: a cited body is fixed,
    # and its content hash follows the body on save.
    restorable = True

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        urls = [
            path(
                "<path:object_id>/history/<int:snapshot_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="{}_{}_restore".format(*info),
            )
        ]
        return urls + super().get_urls()

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404("No such object, or not one you may see.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        snapshots = list(
            obj.history.select_related("pgh_context").order_by("-pgh_id")[:200]
        )
        rows = []
        # A model may keep some of its fields only (a source's polling state
        # is not history).
        kept = {f.attname for f in obj.history.model._meta.concrete_fields}
        fields = [
            f
            for f in self.model._meta.concrete_fields
            if f.name not in {"id", "search_vector", "match_keys"} and f.attname in kept
        ]
        for index, snapshot in enumerate(snapshots):
            older = snapshots[index + 1] if index + 1 < len(snapshots) else None
            changes = [
                (
                    str(f.verbose_name),
                    getattr(older, f.attname),
                    getattr(snapshot, f.attname),
                )
                for f in fields
                if older is not None
                and f.name not in {"updated_at", "version"}
                and getattr(older, f.attname) != getattr(snapshot, f.attname)
            ]
            metadata = snapshot.pgh_context.metadata if snapshot.pgh_context else {}
            rows.append(
                {
                    "snapshot": snapshot,
                    "changes": changes,
                    "user": _username(metadata.get("user")),
                    "url": metadata.get("url", ""),
                }
            )
        ctx = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "title": f"History: {obj}",
            "rows": rows,
            "can_restore": self.restorable and self.has_change_permission(request, obj),
            "restore_url_name": f"admin:{self.opts.app_label}_"
            f"{self.opts.model_name}_restore",
        }
        return render(request, self.history_template, ctx)

    def restore_view(self, request: HttpRequest, object_id: str, snapshot_id: int):
        obj = self.get_object(request, object_id)
        if (
            request.method != "POST"
            or obj is None
            or not self.restorable
            or not self.has_change_permission(request, obj)
        ):
            raise PermissionDenied
        if not obj.history.filter(pgh_id=snapshot_id).exists():
            raise Http404("No such earlier version.")
        proposing = isinstance(obj, Event) and workflow.needs_review(
            user=request.user, event=obj
        )
        try:
            restored = workflow.restore(
                obj=obj, snapshot_id=snapshot_id, user=request.user
            )
        except workflow.TransitionError as refused:
            self.message_user(request, refused.message, messages.ERROR)
        else:
            if not proposing:
                message = "The earlier version was restored."
            elif restored is None:
                message = "The earlier version is the published one: nothing changed."
            else:
                message = (
                    "The earlier version awaits review; the event stays as "
                    "published until a reviewer accepts it."
                )
            self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=[obj.pk],
            )
        )


def _username(user_id: int | None) -> str:
    if user_id is None:
        return "system"
    user = get_user_model().objects.filter(pk=user_id).first()
    return user.get_username() if user else f"user {user_id}"


class CountryFilter(admin.SimpleListFilter):
    title = "country"
    parameter_name = "country"

    def lookups(self, request, model_admin):
        return Location.objects.filter(kind=Location.Kind.COUNTRY).values_list(
            "code", "name"
        )

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(location__country_code=self.value())
        return queryset


# --- articles -------------------------------------------------------------


class ArticleIntakeForm(forms.ModelForm):
    """Paste text or HTML, or give a URL to fetch; duplicates are refused."""

    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 20}),
        required=False,
        help_text="Plain text or HTML. HTML is cleaned: scripts, styles, event "
        "handlers and all markup are removed; paragraphs are kept.",
    )
    title = forms.CharField(max_length=500, required=False)
    url = forms.URLField(max_length=2000, required=False, assume_scheme="https")

    class Meta:
        model = SourceArticle
        fields = list(ARTICLE_EDITABLE_FIELDS)

    def clean(self):
        data = super().clean()
        url = data.get("url") or None
        raw = data.get("body") or ""
        if not raw.strip():
            if not url:
                raise ValidationError("Paste the article's text, or give its URL.")
            try:
                fetched = intake.fetch_article(url)
            except intake.FetchError as exc:
                raise ValidationError({"url": str(exc)}) from exc
            data["body"] = fetched.body
            for name in ("title", "publisher", "author", "published_on"):
                if not data.get(name) and getattr(fetched, name):
                    data[name] = getattr(fetched, name)
        else:
            data["body"] = intake.body_from_input(raw)
            # A pasted wire story carries its date and agency in its dateline.
            found = intake.metadata_from_text(data["body"])
            for name in ("publisher", "author", "published_on"):
                if not data.get(name) and getattr(found, name):
                    data[name] = getattr(found, name)
        if not data["body"]:
            raise ValidationError(
                {"body": "No text is left once the markup is removed."}
            )
        if not data.get("title"):
            first_line = data["body"].split("\n", 1)[0]
            data["title"] = first_line[:500]
        duplicate = intake.find_duplicate(url=url, body=data["body"])
        if duplicate is not None and duplicate.pk != self.instance.pk:
            link = reverse("admin:events_sourcearticle_change", args=[duplicate.pk])
            field = "url" if url and duplicate.url == url else "body"
            raise ValidationError(
                {
                    field: format_html(
                        'This article is already stored: <a href="{}">{}</a>.',
                        link,
                        duplicate,
                    )
                }
            )
        data["url"] = url
        return data


class ArticleCountPaginator(EstimatedCountPaginator):
    """
    Counted up to a thousand: a search by substring finds its matches through
    the trigram indexes but must read each one to check it, and past a
    thousand the count would cost more than the page it is shown beside.
    """

    exact_count_limit = 1_000


class ArticleChangeList(ChangeList):
    """
    The article list with each row's citations counted by a subquery, after
    the filters: PostgreSQL counts them for the page's hundred rows, where a
    COUNT with GROUP BY over the join would count them for every article
    (and slow every filter's query that starts from the admin's queryset).
    """

    def get_queryset(self, request, exclude_parameters=None):
        return (
            super()
            .get_queryset(request, exclude_parameters)
            .defer("body", "rejected_spans")
            .annotate(
                citation_total=Coalesce(
                    Subquery(
                        Citation.objects.filter(article=OuterRef("pk"))
                        .order_by()
                        .values("article")
                        .annotate(total=Count("pk"))
                        .values("total")
                    ),
                    0,
                )
            )
        )


@admin.register(SourceArticle)
class SourceArticleAdmin(QuickCheckboxes, HistoryMixin, admin.ModelAdmin):
    restorable = False
    form = ArticleIntakeForm
    # Half a million articles: no full COUNT, filters from index probes, and
    # the citations counted for the page's rows only (get_changelist).
    paginator = ArticleCountPaginator
    show_full_result_count = False
    list_display = [
        "title",
        "publisher",
        "published_on",
        "state",
        "citation_count",
        "created_at",
        "curate_link",
    ]
    list_filter = [
        "state",
        ("language", DistinctValuesFilter),
        ("publisher", DistinctValuesFilter),
        "source",
        ("duplicate_of", admin.EmptyFieldListFilter),
        YearFilter,
    ]
    # Trigram indexes on each (article_search_*_idx) answer the search.
    search_fields = ["title", "publisher", "url"]
    readonly_fields = [
        "content_hash",
        "added_by",
        "created_at",
        "updated_at",
        "curate_link",
        "source",
        "duplicate_of",
        "dismissed_reason",
    ]

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        if admin_curation.may_curate(request.user):
            return shown
        return [name for name in shown if name != "curate_link"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.citations.exists():
            fields.append("body")  # cited text is fixed; the database refuses changes
        return fields

    def get_fields(self, request, obj=None):
        fields = list(ARTICLE_EDITABLE_FIELDS)
        if obj is not None:
            fields = [
                "state",
                "dismissed_reason",
                *fields,
                "content_hash",
                "source",
                "duplicate_of",
                "added_by",
            ]
            if admin_curation.may_curate(request.user):
                fields.insert(0, "curate_link")
        return fields

    @admin.display(description="citations", ordering="citation_total")
    def citation_count(self, obj: SourceArticle) -> int:
        return obj.citation_total

    @admin.display(description="curation")
    def curate_link(self, obj: SourceArticle) -> str:
        if obj.pk is None:
            return "-"
        return format_html(
            '<a class="button curate-link" href="{}">Curate</a>',
            reverse("admin:events_sourcearticle_curate", args=[obj.pk]),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        # Straight on to curating it: the next thing an editor does.
        if "_addanother" not in request.POST and "_continue" not in request.POST:
            return HttpResponseRedirect(
                reverse("admin:events_sourcearticle_curate", args=[obj.pk])
            )
        return super().response_add(request, obj, post_url_continue)

    def get_urls(self):
        return admin_curation.urls(self) + super().get_urls()


# --- actors and locations ------------------------------------------------


class NamesSearchMixin:
    """Search that also looks inside a list of other names (aliases)."""

    names_field: str

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        if not search_term:
            return found, may_have_duplicates
        names = Func(
            F(self.names_field),
            Value(" "),
            function="array_to_string",
            output_field=TextField(),
        )
        in_names = queryset.annotate(names_text=names).filter(
            names_text__icontains=search_term
        )
        # Within the list's own filters: either match, never a widening.
        either = Q(pk__in=found.values("pk")) | Q(pk__in=in_names.values("pk"))
        return queryset.filter(either), may_have_duplicates


@admin.register(Actor)
class ActorAdmin(HistoryMixin, admin.ModelAdmin):
    form = admin_actors.ActorForm
    change_form_template = "admin/events/actor/change_form.html"
    list_display = ["name", "kind", "country", "parent", "wikidata_id"]
    list_filter = ["kind", "country"]
    list_select_related = ["parent"]
    # Required of a model others pick by autocomplete; the search itself is
    # actor_identity's (get_search_results).
    search_fields = ["name"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["merge_selected"]

    def get_search_results(self, request, queryset, search_term):
        """Names, aliases and acronyms in any spelling; each actor once."""
        if not search_term.strip():
            return queryset, False
        return actor_identity.search(queryset, search_term), False

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/merge/",
                self.admin_site.admin_view(self.merge_view),
                name="events_actor_merge",
            )
        ]
        return urls + super().get_urls()

    def merge_view(self, request: HttpRequest, object_id: str):
        return admin_actors.merge_view(self, request, object_id)

    @admin.action(description="Merge selected actors…", permissions=["merge"])
    def merge_selected(self, request, queryset):
        return admin_actors.merge_selected(self, request, queryset)

    def has_merge_permission(self, request) -> bool:
        return actor_merge.may_merge(request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        merges = []
        if object_id.isdigit() and actor_merge.may_merge(request.user):
            merges = ActorMerge.objects.filter(
                survivor_id=object_id, undone_at__isnull=True
            ).order_by("-merged_at")[:20]
        extra_context = {
            **(extra_context or {}),
            "can_merge": actor_merge.may_merge(request.user),
            "merges": merges,
        }
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ActorMerge)
class ActorMergeAdmin(admin.ModelAdmin):
    """Merges of actors, each with what it moved, and its undo."""

    record_template = "admin/events/actormerge/record.html"
    list_display = ["__str__", "merged_by", "merged_at", "undone_at"]
    list_select_related = ["merged_by"]

    def has_view_permission(self, request, obj=None) -> bool:
        return actor_merge.may_merge(request.user)

    def has_add_permission(self, request) -> bool:
        return False  # made by merging two actors

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a record; undone, not edited

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # kept, undone or not, as the account of what moved

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/undo/",
                self.admin_site.admin_view(self.undo_view),
                name="events_actormerge_undo",
            )
        ]
        return urls + super().get_urls()

    def undo_view(self, request: HttpRequest, object_id: str):
        return admin_actors.undo_view(self, request, object_id)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = self.get_object(request, unquote(object_id))
        if record is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, record):
            raise PermissionDenied
        ctx = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(record),
            "record": record,
            "survivor": Actor.objects.filter(pk=record.survivor_id).first(),
            "merged_fields": [
                (name, record.merged.get(name)) for name in actor_merge.ACTOR_FIELDS
            ],
            "moved": {
                actor_merge.readable(name): len(ids)
                for name, ids in record.moved.items()
            },
            "removed": {
                actor_merge.readable(name): len(rows)
                for name, rows in record.removed.items()
            },
            "can_undo": record.undone_at is None
            and actor_merge.may_merge(request.user),
        }
        return render(request, self.record_template, ctx)


@admin.register(Location)
class LocationAdmin(
    NamesSearchMixin, HistoryMixin, MapMedia, LeafletGeoAdminMixin, admin.ModelAdmin
):
    names_field = "alternate_names"
    list_display = ["name", "kind", "code", "country_code", "parent", "geonames_id"]
    list_filter = ["kind", "country_code"]
    list_select_related = ["parent"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["source", "created_at", "updated_at"]
    ordering = ["kind", "name"]

    def get_queryset(self, request):
        # Lookups label each place with its province (events/admin_site.py).
        return super().get_queryset(request).select_related("parent")


# --- events ---------------------------------------------------------------


class ParticipantInline(admin.TabularInline):
    model = Participant
    fk_name = "event"
    extra = 1
    autocomplete_fields = ["actor", "on_behalf_of"]


class CitationForm(forms.ModelForm):
    start = forms.IntegerField(min_value=0, required=False)
    end = forms.IntegerField(min_value=0, required=False)

    class Meta:
        model = Citation
        fields = ["article", "quote", "field", "start", "end"]
        widgets = {"quote": forms.Textarea(attrs={"rows": 2, "cols": 60})}

    def clean(self):
        data = super().clean()
        article, quote = data.get("article"), data.get("quote")
        if article is None or not quote:
            return data
        start, end = data.get("start"), data.get("end")
        if start is None or end is None:
            try:
                data.update(locate_quote(article, quote))
            except ValueError:
                raise ValidationError(
                    {"quote": "This text does not occur in the article; copy it."}
                ) from None
        elif article.body[start:end] != quote:
            raise ValidationError(
                {"quote": f"The article's text at {start}–{end} is not this quote."}
            )
        self.instance.start, self.instance.end = data["start"], data["end"]
        return data


class CitationFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        # The publication gate, with the event as the form leaves it and its
        # citations as they will be after this save, so the editor learns
        # now, with nothing lost.
        if self.fk.name != "event":
            return
        kept = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not self._should_delete_form(form)
        ]
        try:
            workflow.check_publishable(self.instance, citations=len(kept))
        except workflow.TransitionError as refused:
            raise ValidationError(refused.message) from None


class CitationInline(admin.StackedInline):
    model = Citation
    form = CitationForm
    formset = CitationFormSet
    fk_name = "event"
    extra = 0
    autocomplete_fields = ["article"]
    fields = [("article", "field"), "quote", ("start", "end")]

    def get_queryset(self, request):
        # Each row names its article: joined, not fetched row by row.
        return (
            super()
            .get_queryset(request)
            .select_related("article")
            .defer("article__body", "article__rejected_spans")
        )


class AgreementCitationInline(CitationInline):
    fk_name = "agreement"


class RelationInline(admin.TabularInline):
    model = EventRelation
    fk_name = "from_event"
    extra = 0
    autocomplete_fields = ["to_event"]
    verbose_name = "related event"

    # Related events are not part of a change held for review: an editor
    # sees a published event's relations but leaves them to reviewers.
    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and not _proposes(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not _proposes(
            request, obj
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not _proposes(
            request, obj
        )

    def get_queryset(self, request):
        # Related events as the event pages show them: those the rule shows.
        visible = Event.objects.visible_to(request.user)
        return (
            super()
            .get_queryset(request)
            .filter(to_event__in=visible)
            .select_related("from_event", "to_event")
        )


def _proposes(request: HttpRequest, event: Event | None) -> bool:
    """Whether this user's save of this event is a change held for review."""
    return event is not None and workflow.needs_review(user=request.user, event=event)


class EventForm(forms.ModelForm):
    """
    Carries the version the editor opened, so a stale save is refused. For
    an editor, a saved change to a published event is held for review.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Event
        fields = EVENT_EDITABLE_FIELDS

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
        self.loaded_status = self.instance.status or Event.Status.DRAFT
        self.proposes = (
            self.instance.pk is not None
            and user is not None
            and workflow.needs_review(user=user, event=self.instance)
        )
        if "status" in self.fields and user is not None:
            allowed = workflow.allowed_statuses(user, self.loaded_status)
            self.fields["status"].choices = [
                choice for choice in Event.Status.choices if choice[0] in allowed
            ]

    def clean(self):
        data = super().clean()
        place = data.get("location")
        if (
            place is not None
            and "location" in self.changed_data
            and "point" not in self.changed_data
        ):
            # The event's point follows its new place, unless moved with it.
            data["point"] = place.point
        if self.instance.pk:
            self._refuse_stale_edit(data.get("loaded_version"))
        if self.user is not None and data.get("status"):
            try:
                workflow.check_status_change(
                    user=self.user,
                    old=self.loaded_status,
                    new=data["status"],
                    retraction_reason=data.get("retraction_reason") or "",
                )
            except workflow.TransitionError as refused:
                self.add_error(refused.field, refused.message)
        if self.proposes:
            try:
                workflow.check_proposal(event=self.instance, user=self.user)
            except workflow.TransitionError as refused:
                self.add_error(None, refused.message)
        return data

    def _refuse_stale_edit(self, loaded_version: int | None) -> None:
        # The admin saves inside a transaction: the row lock holds until the
        # save, so two editors cannot both pass this check.
        try:
            workflow.check_version(self.instance.pk, loaded_version)
        except workflow.StaleEdit as stale:
            raise ValidationError(stale.message, code="stale") from None


@admin.register(Event)
class EventAdmin(
    QuickCheckboxes, HistoryMixin, MapMedia, LeafletGeoAdminMixin, admin.ModelAdmin
):
    form = EventForm
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    list_display = [
        "title", "event_type", "date", "location", "status", "updated_at", "updated_by"
    ]  # fmt: skip
    list_select_related = ["location", "updated_by"]
    list_filter = [
        "status", "event_type", CountryFilter, "date_precision", "geo_precision",
        "confidence",
    ]  # fmt: skip
    date_hierarchy = "start_date"
    ordering = ["-start_date", "-id"]
    search_fields = ["title"]
    search_help_text = "Full-text search over titles and summaries."
    autocomplete_fields = ["location"]
    inlines = [ParticipantInline, CitationInline, RelationInline]
    readonly_fields = [
        "version", "created_by", "created_at", "updated_by", "updated_at",
        "published_at", "publication_check",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["title", "summary", ("event_type", "sub_event_type")]}),
        ("When", {"fields": [("start_date", "end_date", "date_precision")]}),
        ("Where", {"fields": [("location", "geo_precision"), "point"]}),
        ("Casualties", {"fields": [
            ("fatalities_low", "fatalities_best", "fatalities_high"),
        ]}),
        (
            "Other datasets",
            {"fields": [("acled_id", "ucdp_id", "gdelt_id")], "classes": ["collapse"]},
        ),
        (
            "Curation",
            {
                "fields": [
                    "publication_check", ("status", "confidence"), "retraction_reason",
                    "loaded_version", ("version", "published_at"),
                    ("created_by", "created_at"), ("updated_by", "updated_at"),
                ]
            },
        ),
    ]  # fmt: skip
    actions = ["submit_for_review", "publish", "retract"]

    def get_queryset(self, request):
        # The one visibility rule: an analyst sees here what the site shows.
        return super().get_queryset(request).visible_to(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class RequestEventForm(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, user=request.user, **inner)

        return RequestEventForm

    def get_search_results(self, request, queryset, search_term):
        # Full-text search on the indexed search_vector, not ILIKE over a
        # million titles.
        if not search_term:
            return queryset, False
        query = SearchQuery(search_term, config="english", search_type="websearch")
        return queryset.filter(search_vector=query), False

    @admin.display(description="date", ordering="start_date")
    def date(self, obj: Event) -> str:
        return obj.date_display()

    @admin.display(description="ready to publish?")
    def publication_check(self, obj: Event) -> str:
        if obj.pk is None:
            return "Save the event, then add a citation."
        missing = workflow.missing_for_publication(obj)
        return "Yes" if not missing else "Needs " + ", ".join(missing) + "."

    def change_view(self, request, object_id, form_url="", extra_context=None):
        pending = None
        if object_id.isdigit():
            pending = (
                Revision.objects.pending()
                .filter(event_id=int(object_id))
                .select_related("author")
                .first()
            )
        ctx = {
            **(extra_context or {}),
            "pending_revision": pending,
            "pending_changes": (
                [c.label for c in workflow.revision_changes(pending)] if pending else []
            ),
        }
        return super().change_view(request, object_id, form_url, ctx)

    def save_model(self, request, obj, form, change):
        if form.proposes:
            return  # held for review in save_related, with the inlines
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        workflow.apply_status(obj, obj.status, retraction_reason=obj.retraction_reason)
        super().save_model(request, obj, form, change)
        workflow.record_move(
            event=obj, old=form.loaded_status if change else None, user=request.user
        )

    def save_related(self, request, form, formsets, change):
        if not form.proposes:
            super().save_related(request, form, formsets, change)
            return
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in REVISED_FIELDS
        }
        lists = {Participant: "participants", Citation: "citations"}
        for formset in formsets:
            if formset.model in lists and formset.has_changed():
                changes[lists[formset.model]] = [
                    row.cleaned_data
                    for row in formset.forms
                    if row.cleaned_data
                    and (row.has_changed() or row.instance.pk)
                    and not formset._should_delete_form(row)
                ]
        try:
            revision = workflow.propose(
                event=form.instance, user=request.user, changes=changes
            )
        except workflow.TransitionError as refused:
            request.proposal = {"refused": refused.message}
        else:
            request.proposal = {"revision": revision}

    # A change held for review is no change to the event: the revision and
    # its history record it, and the inlines were not saved to describe.
    def construct_change_message(self, request, form, formsets, add=False):
        if hasattr(request, "proposal"):
            return []
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        if hasattr(request, "proposal"):
            return None
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        proposal = getattr(request, "proposal", None)
        if proposal is None:
            return super().response_change(request, obj)
        revision = proposal.get("revision")
        if "refused" in proposal:
            self.message_user(request, proposal["refused"], messages.ERROR)
        elif revision is None:
            self.message_user(
                request,
                "Nothing differs from the published event: no change awaits review.",
                messages.INFO,
            )
        else:
            self.message_user(
                request,
                "Your change awaits review. The event stays as published, "
                "everywhere, until a reviewer accepts it.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:events_event_change", args=[obj.pk]))

    # Bulk actions: each checks the user's permission and reports what it
    # could not do and why.

    def _report(self, request, outcome: workflow.Outcome, verb: str) -> None:
        if outcome.done:
            self.message_user(
                request, f"{len(outcome.done)} event(s) {verb}.", messages.SUCCESS
            )
        for event, reason in outcome.refused:
            self.message_user(
                request, f"“{event}” was not {verb}: it {reason}.", messages.WARNING
            )

    @admin.action(
        description="Submit selected events for review", permissions=["change"]
    )
    def submit_for_review(self, request, queryset):
        outcome = workflow.submit_for_review(events=list(queryset), user=request.user)
        self._report(request, outcome, "submitted for review")

    @admin.action(description="Publish selected events", permissions=["publish"])
    def publish(self, request, queryset):
        outcome = workflow.publish(events=list(queryset), user=request.user)
        self._report(request, outcome, "published")

    @admin.action(description="Retract selected events…", permissions=["retract"])
    def retract(self, request, queryset):
        if "reason" in request.POST:
            form = RetractForm(request.POST)
            if form.is_valid():
                outcome = workflow.retract(
                    events=list(queryset),
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                )
                self._report(request, outcome, "retracted")
                return None
        else:
            form = RetractForm()
        ctx = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Retract events",
            "events": queryset,
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return render(request, "admin/events/retract.html", ctx)

    def has_publish_permission(self, request) -> bool:
        return workflow.can_publish(request.user)

    def has_retract_permission(self, request) -> bool:
        return workflow.can_retract(request.user)


# --- changes held for review ------------------------------------------------


class SendBackForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The editor reads this: what to fix, or why the change is "
        "not wanted.",
    )


@admin.register(Revision)
class RevisionAdmin(HistoryMixin, admin.ModelAdmin):
    """
    Changes to published events awaiting review: a reviewer sees each field
    before and after, and accepts the change or sends it back with a reason.
    """

    restorable = False  # a decided change stays decided
    review_template = "admin/events/revision/review.html"
    list_display = [
        "event", "author", "changed_fields", "state", "created_at", "reviewer",
        "decided_at",
    ]  # fmt: skip
    list_filter = ["state"]
    list_select_related = ["event", "author", "reviewer"]
    ordering = ["created_at", "id"]

    def has_view_permission(self, request, obj=None) -> bool:
        return workflow.may_see_queue(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return workflow.can_publish(request.user)

    def has_add_permission(self, request) -> bool:
        return False  # made by saving a change to a published event

    # Deleting is left to Django's own permission, which no group holds: a
    # decision is kept, and only whoever may delete an event with everything
    # under it (a superuser) deletes its changes with it.

    @admin.display(description="changes")
    def changed_fields(self, revision: Revision) -> str:
        return ", ".join(c.label for c in workflow.revision_changes(revision))

    def get_urls(self):
        urls = [
            path(
                "feed/",
                self.admin_site.admin_view(self.feed_view),
                name="events_revision_feed",
            )
        ]
        return urls + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        revision = self.get_object(request, unquote(object_id))
        if revision is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, revision):
            raise PermissionDenied
        form = SendBackForm()
        if request.method == "POST":
            if not self.has_change_permission(request, revision):
                raise PermissionDenied
            if "_send_back" in request.POST:
                form = SendBackForm(request.POST)
            decided = self._decide(request, revision, form)
            if decided:
                return HttpResponseRedirect(reverse("events:review"))
        event = revision.event
        ctx = {
            **self.admin_site.each_context(request),
            **(extra_context or {}),
            "opts": self.opts,
            "title": f"Change to “{event}”",
            "revision": revision,
            "event": event,
            "changes": workflow.readable(workflow.revision_changes(revision)),
            "conflict": (
                workflow.readable(workflow.changed_since_proposed(revision))
                if revision.state == Revision.State.PENDING
                else []
            ),
            "form": form,
            "can_decide": revision.state == Revision.State.PENDING
            and self.has_change_permission(request, revision),
        }
        return render(request, self.review_template, ctx)

    def _decide(self, request, revision: Revision, form: SendBackForm) -> bool:
        """Accept or send back as the POST asks; whether it was done."""
        try:
            if "_accept" in request.POST:
                workflow.accept_revision(revision=revision, user=request.user)
                self.message_user(
                    request,
                    f"The change to “{revision.event}” is accepted and published.",
                    messages.SUCCESS,
                )
                return True
            if "_send_back" in request.POST and form.is_valid():
                workflow.send_back(
                    revision=revision,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                )
                self.message_user(
                    request,
                    f"The change to “{revision.event}” is sent back.",
                    messages.SUCCESS,
                )
                return True
        except workflow.TransitionError as refused:
            if refused.field == "reason":
                form.add_error("reason", refused.message)
            else:
                self.message_user(request, refused.message, messages.ERROR)
        return False

    def feed_view(self, request: HttpRequest):
        """The user's private feed address of the queue; made or renewed by POST."""
        if not workflow.may_see_queue(request.user):
            raise PermissionDenied
        token = FeedToken.objects.filter(user=request.user).first()
        if request.method == "POST":
            if token is None:
                FeedToken.objects.create(user=request.user)
                message = "Your feed address is made."
            else:
                token.rotate()
                message = "Your feed has a new address; the old one no longer works."
            self.message_user(request, message, messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:events_revision_feed"))
        ctx = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Your feed of the review queue",
            "feed_url": (
                request.build_absolute_uri(reverse("feeds:review", args=[token.key]))
                if token
                else None
            ),
            "token": token,
        }
        return render(request, "admin/events/revision/feed.html", ctx)


class RetractForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Retracted events stay, marked, with this reason.",
    )


# --- agreements -----------------------------------------------------------


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0
    autocomplete_fields = ["actor", "represents"]


class ProvisionInline(admin.TabularInline):
    model = Provision
    extra = 0
    ordering = ["number"]


@admin.register(Agreement)
class AgreementAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "signed_on", "signed_at", "status"]
    list_filter = ["kind", "status"]
    list_select_related = ["signed_at"]
    search_fields = ["title", "summary"]
    date_hierarchy = "signed_on"
    autocomplete_fields = ["signed_at", "signing_event"]
    inlines = [AgreementPartyInline, ProvisionInline, AgreementCitationInline]
    readonly_fields = ["version", "created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_visible_signing_event(request.user)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and obj.signing_event_id != obj.visible_signing_event_id:
            # A signing event the rule hides from this reader is neither shown
            # nor, being out of the form, changed.
            fields = [name for name in fields if name != "signing_event"]
        return fields


@admin.register(Citation)
class CitationAdmin(QuickCheckboxes, admin.ModelAdmin):
    form = CitationForm
    list_display = ["short_quote", "article", "event", "agreement", "field"]
    list_select_related = ["article", "event", "agreement"]
    list_filter = [("field", DistinctValuesFilter)]
    # Over a million citations: the newest first by the primary key (the
    # model's order, by article, sorts the whole join), no full COUNT.
    ordering = ["-id"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    search_fields = ["quote"]
    autocomplete_fields = ["article", "event", "agreement"]
    fields = ["article", ("event", "agreement"), "field", "quote", ("start", "end")]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    @admin.display(description="quote")
    def short_quote(self, obj: Citation) -> str:
        return obj.quote if len(obj.quote) <= 90 else obj.quote[:87] + "…"
