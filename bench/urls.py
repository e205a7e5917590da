from django.urls import include, path

from bench.drf_gis import DrfGisEventList

urlpatterns = [
    path("bench/drf-gis/events/", DrfGisEventList.as_view()),
    path("", include("tracker.urls")),
]
