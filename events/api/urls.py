from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from events.api import views
from events.api.http import not_found
from events.api.suggestions import SuggestionsView
from intake.api import SourceViewSet
from searches.api import SavedSearchViewSet


class Router(DefaultRouter):
    root_view_name = "root"
    include_format_suffixes = False  # one way to ask for a format: ?format=
    APIRootView = views.RootView


router = Router()
router.register("events", views.EventViewSet, basename="event")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("locations", views.LocationViewSet, basename="location")
router.register("articles", views.ArticleViewSet, basename="article")
router.register("revisions", views.RevisionViewSet, basename="revision")
router.register("sources", SourceViewSet, basename="source")
router.register("searches", SavedSearchViewSet, basename="search")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script,
    # as the Content-Security-Policy requires.
    path(
        "docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"
    ),
    path("suggestions/", SuggestionsView.as_view(), name="suggestions"),
    *router.urls,
    # Anything else under /api/v1/ ending in a slash is a JSON 404; without
    # the slash, CommonMiddleware first redirects to it.
    re_path(r"^.*/$", not_found),
]
