"""OGC API – Features at /ogc/; the paths are the standard's, without slashes."""

from django.urls import path

from events.ogc import views

app_name = "ogc"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("conformance", views.conformance, name="conformance"),
    path("api", views.api_definition, name="api"),
    path("collections", views.collections, name="collections"),
    path("collections/<str:collection_id>", views.collection, name="collection"),
    path(
        "collections/<str:collection_id>/queryables",
        views.queryables,
        name="queryables",
    ),
    path("collections/<str:collection_id>/schema", views.schema, name="schema"),
    path(
        "collections/<str:collection_id>/geojson-schema",
        views.geojson_feature_schema,
        name="geojson_schema",
    ),
    path("collections/<str:collection_id>/items", views.items, name="items"),
    path(
        "collections/<str:collection_id>/items/<str:feature_id>",
        views.item,
        name="item",
    ),
]
