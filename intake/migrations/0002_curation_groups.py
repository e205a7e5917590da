from django.contrib.auth.management import create_permissions
from django.db import migrations

# Analysts read the sources and what became of their items; editors and
# reviewers also add and change sources and retry an item. Only a superuser
# deletes a source (an editor deactivates it instead).
GROUPS = {
    "Analyst": ["view_source", "view_item"],
    "Editor": ["view_source", "add_source", "change_source", "view_item", "change_item"],
}
GROUPS["Reviewer"] = GROUPS["Editor"]


def grant(apps, schema_editor) -> None:
    # Permissions are normally created after all migrations have run; a fresh
    # database needs them now.
    app_config = apps.get_app_config("intake")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="intake", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        assert not missing, f"permissions not found: {sorted(missing)}"
        group.permissions.add(*permissions)


def revoke(apps, schema_editor) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="intake")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0001_initial"),
        ("events", "0003_curation_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
