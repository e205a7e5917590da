"""
A saved search's own Atom feed: the events that match it, most recently
changed first, as its owner sees them. Its address holds the owner's
FeedToken key, the one scheme of every private feed (events/feeds.py).
"""

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse

from events.feeds import EventFeed, Selection, kept_private
from events.models import FeedToken
from searches import alerts
from searches.models import SavedSearch


@dataclass
class SearchSelection(Selection):
    search: SavedSearch | None = None


class SavedSearchFeed(EventFeed):
    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return kept_private(super().__call__(request, *args, **kwargs))

    def get_object(
        self, request: HttpRequest, key: str, search_id: int
    ) -> SearchSelection:
        # An unknown key, or a search of someone else's: the same 404.
        user = FeedToken.objects.user_for(key)
        search = (
            SavedSearch.objects.filter(pk=search_id, owner=user).first()
            if user is not None
            else None
        )
        if search is None:
            raise Http404("No feed at this address.")
        return SearchSelection(
            alerts.matching(search, user), user, request, search=search
        )

    def title(self, selection: SearchSelection) -> str:
        return f"Zagros: {selection.search.name}"

    def subtitle(self, selection: SearchSelection) -> str:
        return (
            "Events matching a saved search, most recently changed first. "
            "This address is private: it opens this feed to whoever holds it."
        )

    def link(self, selection: SearchSelection) -> str:
        return selection.search.timeline_url()
