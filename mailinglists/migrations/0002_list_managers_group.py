"""The "List managers" staff role: lists, subscriptions (read, bulk unsubscribe), exports."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "List managers"
CODENAMES = [
    "add_mailinglist",
    "change_mailinglist",
    "view_mailinglist",
    "view_subscription",
    "change_subscription",  # the bulk unsubscribe action
    "view_subscriptionevent",
    "export_subscribers",
    "view_subscriberexport",
]


def create_group(apps, schema_editor):
    # On a fresh database, permissions are only created after every migration has run
    # (post_migrate). Create this app's now, so that the group can hold them.
    app_config = apps.get_app_config("mailinglists")
    app_config.models_module = True  # create_permissions skips apps without models
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="mailinglists", codename__in=CODENAMES)
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mailinglists", "0001_lists_subscriptions_events"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
