from django.urls import path

from events.http import read_only
from searches import views
from searches.feeds import SavedSearchFeed

app_name = "searches"

urlpatterns = [
    path("searches/", views.search_list, name="list"),
    path("searches/new/", views.search_new, name="new"),
    path("searches/feed-address/", views.new_feed_address, name="feed_address"),
    path("searches/<int:search_id>/", views.search_edit, name="edit"),
    path("searches/<int:search_id>/delete/", views.search_delete, name="delete"),
    path(
        "feeds/searches/<str:key>/<int:search_id>/",
        read_only(SavedSearchFeed()),
        name="feed",
    ),
]
