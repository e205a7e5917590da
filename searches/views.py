"""
The pages where a signed-in user manages their saved searches: the list,
saving the timeline's current filters with one button, editing, deleting,
and a new private feed address.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from events.models import FeedToken
from searches import alerts
from searches.forms import SavedSearchForm
from searches.models import MAX_SEARCHES_PER_USER, SavedSearch, new_secret

MAX_NAME = 200


def signed_in(view):
    return login_required(view, login_url="admin:login")


def own_search(request: HttpRequest, search_id: int) -> SavedSearch:
    # Another's search is a 404, as one that does not exist.
    return get_object_or_404(SavedSearch, pk=search_id, owner=request.user)


def feed_key(user) -> str:
    return FeedToken.objects.get_or_create(user=user)[0].key


@signed_in
def search_list(request: HttpRequest) -> HttpResponse:
    searches = list(SavedSearch.objects.filter(owner=request.user).order_by("name"))
    token = FeedToken.objects.filter(user=request.user).first()
    for search in searches:
        search.feed_url = (
            request.build_absolute_uri(search.feed_path(token.key)) if token else None
        )
        search.summary = describe(search.filters)
    ctx = {
        "searches": searches,
        "has_email": bool(request.user.email),
        "signature_header": alerts.SIGNATURE_HEADER,
    }
    return render(request, "searches/list.html", ctx)


@signed_in
@require_http_methods(["GET", "POST"])
def search_new(request: HttpRequest) -> HttpResponse:
    """
    GET: a form holding the filters of the address (the timeline's). POST
    with `from_page`: saved at once under the name given, or one made of
    the filters, and the search's page opens to refine it.
    """
    if request.method == "POST" and request.POST.get("from_page"):
        return save_from_page(request)
    if request.method == "POST":
        form = SavedSearchForm(request.POST, owner=request.user)
        if form.is_valid() and within_limit(request):
            with transaction.atomic():
                search = form.save()
                feed_key(request.user)
            messages.success(request, f"“{search.name}” is saved.")
            return HttpResponseRedirect(search.get_absolute_url())
    else:
        query = QueryDict(mutable=True)
        for name, values in request.GET.lists():
            if name not in alerts.NOT_FILTERS:
                query.setlist(name, values)
        form = SavedSearchForm(
            initial={"query": query.urlencode(), "name": ""}, owner=request.user
        )
    return render(request, "searches/edit.html", {"form": form, "search": None})


def within_limit(request: HttpRequest) -> bool:
    if SavedSearch.objects.filter(owner=request.user).count() < MAX_SEARCHES_PER_USER:
        return True
    messages.error(request, f"At most {MAX_SEARCHES_PER_USER} saved searches each.")
    return False


def save_from_page(request: HttpRequest) -> HttpResponse:
    """The timeline's "Save this search": its filters, saved with one button."""
    back = reverse("events:timeline")
    text = request.POST.get("query", "")[:5000]
    try:
        filters = alerts.clean_filters(QueryDict(text))
    except alerts.InvalidFilters as invalid:
        for name, problems in invalid.errors.items():
            messages.error(request, f"{name}: {' '.join(problems)}")
        return HttpResponseRedirect(back + (f"?{text}" if text else ""))
    if not within_limit(request):
        return HttpResponseRedirect(reverse("searches:list"))
    name = free_name(
        request.user,
        request.POST.get("name", "").strip()[:MAX_NAME] or describe(filters),
    )
    with transaction.atomic():
        search = SavedSearch.objects.create(
            owner=request.user, name=name, filters=filters
        )
        feed_key(request.user)
    messages.success(
        request,
        f"“{search.name}” is saved: new events that match it reach its feed. "
        "Rename it or ask for alerts here.",
    )
    return HttpResponseRedirect(search.get_absolute_url())


def describe(filters: dict[str, list[str]]) -> str:
    """A name for filters: their values, or "All events"."""
    parts = [f"{name} {', '.join(values)}" for name, values in sorted(filters.items())]
    text = "; ".join(parts) or "All events"
    return text if len(text) <= 80 else text[:79] + "…"


def free_name(user, name: str) -> str:
    """`name`, or `name (2)`, `name (3)`… if the user has a search of that name."""
    taken = set(
        SavedSearch.objects.filter(owner=user, name__startswith=name[:150]).values_list(
            "name", flat=True
        )
    )
    candidate, number = name, 2
    while candidate in taken:
        candidate = f"{name[: MAX_NAME - 8]} ({number})"
        number += 1
    return candidate


@signed_in
@require_http_methods(["GET", "POST"])
def search_edit(request: HttpRequest, search_id: int) -> HttpResponse:
    search = own_search(request, search_id)
    if request.method == "POST":
        form = SavedSearchForm(request.POST, instance=search, owner=request.user)
        if form.is_valid():
            if request.POST.get("new_secret"):
                search.webhook_secret = new_secret()
            form.save()
            messages.success(request, f"“{search.name}” is saved.")
            return HttpResponseRedirect(search.get_absolute_url())
    else:
        form = SavedSearchForm(instance=search, owner=request.user)
    ctx = {
        "form": form,
        "search": search,
        "feed_url": request.build_absolute_uri(
            search.feed_path(feed_key(request.user))
        ),
        "signature_header": alerts.SIGNATURE_HEADER,
        "delivery_header": alerts.DELIVERY_HEADER,
        "recent": search.deliveries.select_related("event").order_by("-id")[:20],
        "has_email": bool(request.user.email),
    }
    return render(request, "searches/edit.html", ctx)


@signed_in
@require_http_methods(["GET", "POST"])
def search_delete(request: HttpRequest, search_id: int) -> HttpResponse:
    search = own_search(request, search_id)
    if request.method == "POST":
        search.delete()
        messages.success(request, f"“{search.name}” is deleted.")
        return HttpResponseRedirect(reverse("searches:list"))
    return render(request, "searches/delete.html", {"search": search})


@signed_in
@require_POST
def new_feed_address(request: HttpRequest) -> HttpResponse:
    """A new key for the user's private feeds; every old address stops working."""
    token, made = FeedToken.objects.get_or_create(user=request.user)
    if not made:
        token.rotate()
    messages.success(
        request,
        "Your private feeds have new addresses; the old ones no longer work.",
    )
    return HttpResponseRedirect(reverse("searches:list"))
