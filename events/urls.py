from django.urls import path

from events import tile_views, views

app_name = "events"

urlpatterns = [
    path("", views.index, name="index"),
    path("maps/basemap.geojson", views.basemap, name="basemap"),
    path("events/<int:event_id>/", views.event_detail, name="event"),
    path("actors/<int:actor_id>/", views.actor_detail, name="actor"),
    path("actors/lookup/", views.actor_lookup, name="actor_lookup"),
    path("agreements/<int:agreement_id>/", views.agreement_detail, name="agreement"),
    path("places/<int:location_id>/", views.location_detail, name="location"),
    path("articles/<int:article_id>/", views.article_detail, name="article"),
    path("about/", views.about, name="about"),
    path("review/", views.review, name="review"),
    path("favicon.ico", views.favicon),
    path("timeline/", views.timeline, name="timeline"),
    path("now/", views.now, name="now"),
    path("map/", views.event_map, name="map"),
    path("maps/events.geojson", views.map_data, name="map_data"),
    path("tiles/events.json", tile_views.events_tilejson, name="events_tilejson"),
    path(
        "tiles/events/<int:z>/<int:x>/<int:y>.mvt",
        tile_views.event_tile,
        name="event_tile",
    ),
    path(
        "tiles/boundaries.json",
        tile_views.basemap_tilejson,
        name="basemap_tilejson",
    ),
    path(
        "tiles/boundaries/<int:z>/<int:x>/<int:y>.mvt",
        tile_views.basemap_tile,
        name="basemap_tile",
    ),
]
