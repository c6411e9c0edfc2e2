"""The "Support" staff role: reads customers (never changes them), registrations,
configurations, partners and disclosures, and records disclosures. Nothing of billing.

Permissions are created by a post-migrate signal, after every migration has run: on a fresh
database they do not exist yet here, so this migration creates the ones it needs itself.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SUPPORT_GROUP = "Support"
SUPPORT_PERMISSIONS = [
    ("accounts", "view_customer"),
    ("registrations", "view_product"),
    ("registrations", "view_registration"),
    ("registrations", "view_configuration"),
    ("registrations", "view_partner"),
    ("registrations", "view_disclosure"),
    ("registrations", "record_disclosure"),
]


def create_support_group(apps, schema_editor):
    for app_label in {app_label for app_label, _ in SUPPORT_PERMISSIONS}:
        app_config = apps.get_app_config(app_label)
        # create_permissions skips app configs without a models module, which is what the
        # historical app registry gives; it only needs the flag to be true.
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps, using=schema_editor.connection.alias)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=SUPPORT_GROUP)
    for app_label, codename in SUPPORT_PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_support_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=SUPPORT_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0003_card_number_guard"),
        ("registrations", "0001_products_registrations_disclosures"),
    ]

    operations = [migrations.RunPython(create_support_group, remove_support_group)]
