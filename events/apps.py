from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class EventsConfig(AppConfig):
    default = True
    name = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        from events.queries import create_version_function

        # After every `migrate`, on the database migrated: the data version's
        # function follows the tables it reads (events/queries.py).
        post_migrate.connect(
            create_version_function, sender=self, dispatch_uid="version_function"
        )


class ZagrosAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the project's site (events/admin_site.py)."""

    default = False
    default_site = "events.admin_site.ZagrosAdminSite"
