"""List managers also write, send and moderate posts, and follow their delivery."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "List managers"
CODENAMES = [
    "add_post",
    "change_post",
    "view_post",
    "delete_post",  # drafts only: the admin refuses to delete anything that went out
    "send_post",
    "moderate_post",
    "view_delivery",
]


def extend_group(apps, schema_editor):
    # As in 0002: the new models' permissions only exist after post_migrate otherwise.
    app_config = apps.get_app_config("mailinglists")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="mailinglists", codename__in=CODENAMES)
    )


def shrink_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="mailinglists", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("mailinglists", "0003_posts_and_deliveries"),
    ]

    operations = [migrations.RunPython(extend_group, shrink_group)]
