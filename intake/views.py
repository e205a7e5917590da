"""
The editors' inbox: new articles, newest first, each with what the
suggestion engine found in it, duplicates folded under their original; one
step to the curation screen, or to set an article aside with a reason.
"""

import django_filters
from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from events.filters import CountryField, ObjectFilter
from events.models import Actor, Location, SourceArticle
from intake.models import Source

PAGE_SIZE = 50
MAX_PAGE = 200  # 10,000 articles deep; filters narrow further


class CountryFilter(django_filters.Filter):
    field_class = CountryField


class InboxFilterSet(django_filters.FilterSet):
    source = ObjectFilter(model=Source, label="Source")
    country = CountryFilter(
        field_name="stored_suggestions__countries",
        lookup_expr="contains",
        method="filter_array",
        label="Country (ISO 3166-1 alpha-3)",
    )
    place = ObjectFilter(
        model=Location,
        field_name="stored_suggestions__place_ids",
        method="filter_array",
        label="Place id",
    )
    actor = ObjectFilter(
        model=Actor,
        field_name="stored_suggestions__actor_ids",
        method="filter_array",
        label="Actor id",
    )

    class Meta:
        model = SourceArticle
        fields: list[str] = []

    def filter_array(self, queryset: QuerySet, name: str, value) -> QuerySet:
        # One value in the article's array: the GIN indexes answer @>.
        item = value.pk if hasattr(value, "pk") else value
        return queryset.filter(**{f"{name}__contains": [item]})


class DismissForm(forms.Form):
    reason = forms.CharField(max_length=500, strip=True)


def may_curate(user) -> bool:
    """The inbox is for those who turn articles into events."""
    return user.has_perm("events.add_event") and user.has_perm(
        "events.change_sourcearticle"
    )


def inbox(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not may_curate(request.user):
        raise PermissionDenied
    filters = InboxFilterSet(
        data=request.GET, queryset=SourceArticle.objects.inbox(), request=request
    )
    page = page_number(request.GET.get("page", ""))
    if filters.is_valid() and page is not None:
        rows = list(
            filters.qs.select_related("source", "stored_suggestions")
            .defer("body", "rejected_spans", "stored_suggestions__found")
            .prefetch_related(
                Prefetch(
                    "duplicates",
                    queryset=SourceArticle.objects.only(
                        "id", "title", "publisher", "url", "duplicate_of_id"
                    ).order_by("id"),
                )
            )[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1]
        )
        status = 200
    else:
        rows, status = [], 400
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        "articles": rows[:PAGE_SIZE],
        "filters": filters,
        # Values, not objects: a desk polls hundreds of sources.
        "sources": [
            (str(pk), name)
            for pk, name in Source.objects.order_by("name", "id").values_list(
                "id", "name"
            )
        ],
        "selected_source": str(request.GET.get("source", "")),
        "page": page,
        "next_page": page + 1 if len(rows) > PAGE_SIZE and page < MAX_PAGE else None,
        "query": query.urlencode(),
        "here": request.get_full_path(),
        "page_error": page is None,
    }
    return render(request, "intake/inbox.html", ctx, status=status)


def page_number(text: str) -> int | None:
    text = text.strip() or "1"
    if not text.isascii() or not text.isdigit() or len(text) > 4:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_PAGE else None


@require_POST
def dismiss(request: HttpRequest, article_id: int) -> HttpResponse:
    """Set an article aside with a reason: it leaves the inbox, kept in history."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("intake:inbox"), reverse("admin:login"))
    if not may_curate(request.user):
        raise PermissionDenied
    article = get_object_or_404(SourceArticle, pk=article_id)
    form = DismissForm(request.POST)
    if not form.is_valid():
        return HttpResponse("A reason is needed to dismiss an article.", status=400)
    if not article.dismiss(form.cleaned_data["reason"]):
        return HttpResponse(
            "This article is no longer new: an editor has taken it up.", status=409
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("intake:inbox")
    return HttpResponseRedirect(back)
