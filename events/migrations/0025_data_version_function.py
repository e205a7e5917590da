"""
The data version's function (events/queries.py VERSION_FUNCTION), so that it
is part of the schema: listed by `migrate --plan` and `sqlmigrate`, there
before the first request of a release that reads it. It is created again
after every `migrate` (events/apps.py), so that it follows TRACKED_TABLES as
they change; this migration is the first of those.
"""

from django.db import migrations

from events.queries import VERSION_FUNCTION, create_version_function


def create(apps, schema_editor) -> None:
    create_version_function(using=schema_editor.connection.alias)


def drop(apps, schema_editor) -> None:
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {VERSION_FUNCTION}()")


class Migration(migrations.Migration):
    dependencies = [("events", "0024_tile_cells_deferred")]

    operations = [migrations.RunPython(create, drop)]
