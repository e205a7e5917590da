from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class EventsConfig(AppConfig):
    default = True
    name = "events"
    verbose_name = "Events"


class ZagrosAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the project's site (events/admin_site.py)."""

    default = False
    default_site = "events.admin_site.ZagrosAdminSite"
