"""
Sources and their items in the admin: editors add and change sources, see
each poll's outcome and each item's fate, poll a source now and try a
failed item again.
"""

from collections import Counter

from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from events.admin import HistoryMixin
from intake import queue
from intake.models import Item, Source


@admin.register(Source)
class SourceAdmin(HistoryMixin, admin.ModelAdmin):
    restorable = False
    list_display = [
        "name",
        "kind",
        "active",
        "poll_interval",
        "last_polled_at",
        "status",
        "items_seen",
        "articles_added",
        "duplicates_found",
    ]
    list_filter = ["active", "kind"]
    search_fields = ["name", "url"]
    autocomplete_fields = ["region"]
    # A feed's address given without a scheme is taken as https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["poll_now"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "url",
                    "kind",
                    "active",
                    "poll_interval",
                    "keywords",
                    "region",
                    "language",
                ]
            },
        ),
        (
            "Polling",
            {
                "fields": [
                    "last_polled_at",
                    "last_success_at",
                    "next_poll_at",
                    "failures",
                    "last_error",
                    "etag",
                    "last_modified",
                ]
            },
        ),
        (
            "Found",
            {
                "fields": [
                    "items_seen",
                    "articles_added",
                    "duplicates_found",
                    "items_skipped",
                    "items_failed",
                    "items_link",
                ]
            },
        ),
    ]
    readonly_fields = [
        "last_polled_at",
        "last_success_at",
        "next_poll_at",
        "failures",
        "last_error",
        "etag",
        "last_modified",
        "items_seen",
        "articles_added",
        "duplicates_found",
        "items_skipped",
        "items_failed",
        "items_link",
    ]

    @admin.display(description="status")
    def status(self, source: Source) -> str:
        if source.last_error:
            return format_html(
                '<span class="error" title="{}">failing ({})</span>',
                source.last_error,
                source.failures,
            )
        return "ok" if source.last_success_at else "not polled yet"

    @admin.display(description="items")
    def items_link(self, source: Source) -> str:
        if source.pk is None:
            return "-"
        return format_html(
            '<a href="{}?source__id__exact={}">What became of each item</a>',
            reverse("admin:intake_item_changelist"),
            source.pk,
        )

    def save_model(self, request: HttpRequest, obj: Source, form, change) -> None:
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            # In the admin's transaction: the poll is queued if the source is saved.
            queue.defer_poll(obj.pk)

    @admin.action(description="Poll the selected sources now", permissions=["change"])
    def poll_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        with transaction.atomic():
            queued = sum(
                queue.defer_poll(pk) for pk in queryset.values_list("pk", flat=True)
            )
        self.message_user(
            request, f"{queued} polls queued (a poll already waiting is not repeated)."
        )


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = [
        "title_or_url",
        "source",
        "state",
        "article_link",
        "note",
        "seen_at",
    ]
    list_filter = ["state", "source"]
    list_select_related = ["source", "article"]
    search_fields = ["title", "url"]
    date_hierarchy = "seen_at"
    actions = ["try_again"]
    fields = [
        "source",
        "url",
        "title",
        "published_at",
        "author",
        "publisher",
        "language",
        "state",
        "article_link",
        "note",
        "similarity",
        "attempts",
        "seen_at",
        "taken_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # items come from polls

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    @admin.display(description="item", ordering="title")
    def title_or_url(self, item: Item) -> str:
        return item.title or item.url

    @admin.display(description="article")
    def article_link(self, item: Item) -> str:
        if item.article_id is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:events_sourcearticle_change", args=[item.article_id]),
            item.article_id,
        )

    @admin.action(
        description="Try the selected failed items again", permissions=["change"]
    )
    def try_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        with transaction.atomic():
            failed = list(
                queryset.filter(state=Item.State.FAILED)
                .select_for_update()
                .values_list("pk", flat=True)
            )
            by_source = Counter(
                Item.objects.filter(pk__in=failed).values_list("source_id", flat=True)
            )
            Item.objects.filter(pk__in=failed).update(state=Item.State.NEW, note="")
            for source_id, count in by_source.items():
                Source(pk=source_id).count(items_failed=-count)
            queue.defer_takes(failed)
        self.message_user(
            request, f"{len(failed)} items queued again.", messages.SUCCESS
        )
