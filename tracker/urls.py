from django.contrib import admin
from django.urls import include, path

from tracker.health import health
from tracker.metrics import metrics

urlpatterns = [
    path("health/", health, name="health"),
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("events.api.urls")),
    path("feeds/", include("events.feeds")),
    path("ogc/", include("events.ogc_urls")),
    path("", include("intake.urls")),
    path("", include("searches.urls")),
    path("", include("events.urls")),
]

# Under /api/, /ogc/, /feeds/ and /tiles/ errors are JSON documents; elsewhere
# pages.
handler400 = "events.http.bad_request"
handler403 = "events.http.permission_denied"
handler404 = "events.http.page_not_found"
handler500 = "events.http.server_error"
