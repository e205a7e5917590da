from django.db import migrations, models


def first_mentions(mentions: list, key: str) -> list:
    found = {}
    for mention in mentions or []:
        if isinstance(mention, dict) and mention.get("name"):
            found.setdefault(str(mention["name"])[:200], mention.get(key))
    return [{"id": pk, "name": name} for name, pk in list(found.items())[:20]]


def chips_from_found(apps, schema_editor) -> None:
    """The inbox's chips with their ids, read again from the stored answers."""
    StoredSuggestions = apps.get_model("intake", "StoredSuggestions")
    for stored in StoredSuggestions.objects.only("pk", "found").iterator():
        found = stored.found if isinstance(stored.found, dict) else {}
        stored.actors = first_mentions(found.get("actors"), "actor_id")
        stored.places = first_mentions(found.get("places"), "location_id")
        stored.save(update_fields=["actors", "places"])


def names_from_chips(apps, schema_editor) -> None:
    StoredSuggestions = apps.get_model("intake", "StoredSuggestions")
    for stored in StoredSuggestions.objects.only("pk", "actors", "places").iterator():
        stored.actor_names = [chip["name"] for chip in stored.actors]
        stored.place_names = [chip["name"] for chip in stored.places]
        stored.save(update_fields=["actor_names", "place_names"])


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0002_curation_groups'),
    ]

    operations = [
        migrations.AddField(
            model_name='storedsuggestions',
            name='actors',
            field=models.JSONField(default=list),
        ),
        migrations.AddField(
            model_name='storedsuggestions',
            name='places',
            field=models.JSONField(default=list),
        ),
        migrations.RunPython(chips_from_found, names_from_chips),
        migrations.RemoveField(
            model_name='storedsuggestions',
            name='actor_names',
        ),
        migrations.RemoveField(
            model_name='storedsuggestions',
            name='place_names',
        ),
    ]
