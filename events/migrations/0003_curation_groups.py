from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATED = [
    "sourcearticle",
    "actor",
    "location",
    "event",
    "participant",
    "eventrelation",
    "agreement",
    "agreementparty",
    "provision",
    "citation",
]
# Inline rows (participants, citations, provisions, relations) are removed
# while editing their parent, so editors may delete those but not the parents.
INLINE_ROWS = [
    "participant",
    "eventrelation",
    "agreementparty",
    "provision",
    "citation",
]

GROUPS = {
    "Analyst": [f"view_{model}" for model in CURATED],
    "Editor": [
        *(
            f"{action}_{model}"
            for model in CURATED
            for action in ("view", "add", "change")
        ),
        *(f"delete_{model}" for model in INLINE_ROWS),
    ],
}
GROUPS["Reviewer"] = [*GROUPS["Editor"], "publish_event", "retract_event"]


def create_groups(apps, schema_editor) -> None:
    # Permissions are normally created after all migrations have run; a fresh
    # database needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="events", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        assert not missing, f"permissions not found: {sorted(missing)}"
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor) -> None:
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_citation_quote_trigger"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
