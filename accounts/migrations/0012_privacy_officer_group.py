"""The "Privacy officer" staff role: answers requests about data received by letter, phone
or email (export, deletion, the request log), and reads the audit trails (account
histories, staff actions in the admin, subscriber exports, partner disclosures). Nothing
else: no billing, no registrations, no list management.

Permissions are created by a post-migrate signal, after every migration has run: on a fresh
database they do not exist yet here, so this migration creates the ones it needs itself.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Privacy officer"
PERMISSIONS = {
    "accounts": [
        "view_customer",
        "export_customer_data",
        "delete_customer_account",
        "view_dataexport",
        "view_privacyrequest",
        "add_privacyrequest",
        "change_privacyrequest",
        "view_accountevent",
    ],
    "admin": ["view_logentry"],
    "mailinglists": ["view_subscriberexport"],
    "registrations": ["view_disclosure"],
}


def create_group(apps, schema_editor):
    for label in PERMISSIONS:
        app_config = apps.get_app_config(label)
        # create_permissions skips app configs without a models module, which the historical
        # app configs of a migration never have.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    for label, codenames in PERMISSIONS.items():
        permissions = Permission.objects.filter(content_type__app_label=label, codename__in=codenames)
        if permissions.count() != len(codenames):
            raise RuntimeError(f"The {GROUP_NAME} group needs permissions of {label} that do not exist.")
        group.permissions.add(*permissions)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("accounts", "0011_two_factor_events"),
        ("mailinglists", "0002_list_managers_group"),
        ("registrations", "0002_support_group"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
