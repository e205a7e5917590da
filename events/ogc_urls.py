"""OGC API – Features at /ogc/; the paths are the standard's, without slashes."""

from django.urls import path

from events import ogc

app_name = "ogc"

urlpatterns = [
    path("", ogc.landing, name="landing"),
    path("conformance", ogc.conformance, name="conformance"),
    path("api", ogc.api_definition, name="api"),
    path("collections", ogc.collections, name="collections"),
    path("collections/<str:collection_id>", ogc.collection, name="collection"),
    path("collections/<str:collection_id>/schema", ogc.schema, name="schema"),
    path("collections/<str:collection_id>/items", ogc.items, name="items"),
    path(
        "collections/<str:collection_id>/items/<str:feature_id>",
        ogc.item,
        name="item",
    ),
]
