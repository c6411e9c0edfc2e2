# The "Billing" staff role: sees customers (read-only) and every billing record, nothing
# else (no registrations, no mailing lists). Billing records come from the store and are
# never edited by hand, so the role only views.

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Billing"
PERMISSIONS = {
    "accounts": ["view_customer"],
    "billing": [
        "view_order",
        "view_orderline",
        "view_orderstatuschange",
        "view_payment",
        "view_refund",
        "view_invoice",
        "view_invoiceline",
        "view_donation",
        "view_storeevent",
    ],
}


def create_group(apps, schema_editor):
    # On a fresh database the permissions are created only after all migrations ran
    # (post_migrate); create them now. create_permissions skips app configs without a
    # models module, which the historical app configs of a migration never have.
    for label in PERMISSIONS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    for label, codenames in PERMISSIONS.items():
        permissions = Permission.objects.filter(content_type__app_label=label, codename__in=codenames)
        if permissions.count() != len(codenames):
            raise RuntimeError(f"The Billing group needs permissions of {label} that do not exist.")
        group.permissions.add(*permissions)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0003_card_number_guard"),
        ("billing", "0002_frozen_invoices"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
