from django.utils.translation import gettext_lazy as _

from mandrakeonline.personal_data import CATEGORY_SECURITY, Erasure, registry
from registrations.models import (
    CONFIGURATION_FIELDS,
    Configuration,
    Disclosure,
    Partner,
    Product,
    Registration,
    RegistrationEvent,
)

CATEGORY_REGISTRATIONS = _("Product registrations")
CATEGORY_CONFIGURATION = _("Computer configuration")
CATEGORY_DISCLOSURES = _("Disclosures to partners")

HISTORY_PURPOSE = _("To show you, and us, every change made to your registrations, so that misuse is noticed.")
SUPPORT_PURPOSE = _("To check what support your purchase includes and to give it to you.")
CONFIGURATION_PURPOSE = _("To give you support that fits your computer.")
DISCLOSURE_RETENTION = _(
    "The record that we gave data to a partner is kept as proof of what was shared, why and when. "
    "Once your account is deleted it no longer says whom it was about."
)

registry.personal_model(
    Registration,
    customer_path="customer",
    title=CATEGORY_REGISTRATIONS,
    since="registered_at",
    manage_url="registrations:list",
    select_related=("product",),
)
registry.personal_model(
    Configuration,
    customer_path="registration__customer",
    title=_("Configurations of your computers"),
    since="updated_at",
    manage_url="registrations:list",
)
registry.personal_model(
    Disclosure,
    customer_path="customer",
    title=CATEGORY_DISCLOSURES,
    since="disclosed_at",
    manage_url="accounts:overview",
    select_related=("partner", "product", "customer", "registration__product"),
)
registry.personal_model(
    RegistrationEvent,
    customer_path="customer",
    title=_("History of changes to your registrations"),
    since="created_at",
    manage_url="registrations:list",
    select_related=("product",),
)

registry.personal(
    Registration,
    "product",
    category=CATEGORY_REGISTRATIONS,
    purpose=SUPPORT_PURPOSE,
    erasure=Erasure.DELETE,
    # The product's name, not the catalogue's internal number.
    export=lambda registration: str(registration.product),
)
for name in ("serial", "purchase_date", "place_of_purchase", "registered_at"):
    registry.personal(
        Registration, name, category=CATEGORY_REGISTRATIONS, purpose=SUPPORT_PURPOSE, erasure=Erasure.DELETE
    )
for name in ("support_contact_name", "support_contact_email", "support_contact_phone"):
    registry.personal(
        Registration,
        name,
        category=CATEGORY_REGISTRATIONS,
        purpose=_("To reach the person you chose when you ask for support."),
        erasure=Erasure.DELETE,
    )
registry.not_personal(Registration, "id", reason="internal key")
registry.not_personal(Registration, "customer", reason="links the registration to the account it belongs to")

_CONFIGURATION_DISPLAY = {
    "memory_mib": lambda configuration: configuration.memory_display,
    "disks": lambda configuration: ", ".join(configuration.disks_display()),
    "other_systems": lambda configuration: ", ".join(configuration.other_systems_display()),
}
for name in [*CONFIGURATION_FIELDS, "devices", "updated_at"]:
    registry.personal(
        Configuration,
        name,
        category=CATEGORY_CONFIGURATION,
        purpose=CONFIGURATION_PURPOSE,
        erasure=Erasure.DELETE,
        show=_CONFIGURATION_DISPLAY.get(name),
    )
registry.not_personal(Configuration, "id", reason="internal key")
registry.not_personal(Configuration, "registration", reason="links the configuration to its registration")

# Detached, not deleted: erasing empties the links to the person and keeps the record.
DISCLOSURE_PURPOSE = _("To show you every time we gave some of your data to a partner.")
for name in ("customer", "registration"):
    registry.personal(
        Disclosure, name, category=CATEGORY_DISCLOSURES, purpose=DISCLOSURE_PURPOSE, erasure=Erasure.BLANK
    )
_DISCLOSURE_DISPLAY = {
    # To whom and about what, by name: what the customer needs to know about the recipient.
    "partner": lambda disclosure: str(disclosure.partner),
    "product": lambda disclosure: str(disclosure.product),
    "data": lambda disclosure: "; ".join(disclosure.data_display()),
}
for name in ("product", "partner", "data", "reason", "disclosed_at", "recorded_at"):
    registry.personal(
        Disclosure,
        name,
        category=CATEGORY_DISCLOSURES,
        purpose=DISCLOSURE_PURPOSE,
        erasure=Erasure.KEEP,
        retention=DISCLOSURE_RETENTION,
        show=_DISCLOSURE_DISPLAY.get(name),
        export=_DISCLOSURE_DISPLAY.get(name) if name in ("partner", "product") else None,
    )
registry.not_personal(Disclosure, "id", reason="internal key")
registry.not_personal(Disclosure, "recorded_by", reason="the staff member who recorded the disclosure")

registry.personal(
    RegistrationEvent,
    "product",
    category=CATEGORY_SECURITY,
    purpose=HISTORY_PURPOSE,
    erasure=Erasure.DELETE,
    export=lambda event: str(event.product),
)
for name in ("kind", "changed_fields", "created_at"):
    registry.personal(
        RegistrationEvent, name, category=CATEGORY_SECURITY, purpose=HISTORY_PURPOSE, erasure=Erasure.DELETE
    )
registry.not_personal(RegistrationEvent, "id", reason="internal key")
registry.not_personal(RegistrationEvent, "customer", reason="links the event to the account it belongs to")
registry.not_personal(RegistrationEvent, "registration", reason="links the event to the registration it is about")
registry.not_personal(
    RegistrationEvent, "actor", reason="who acted: the customer or a staff member, never their details"
)

registry.not_personal(
    Product,
    "id",
    "name",
    "edition",
    "version",
    "release_date",
    "serial_pattern",
    "serial_example",
    "support_days",
    "open_for_registration",
    reason="the product catalogue, the same for everyone",
)
registry.not_personal(
    Partner,
    "id",
    "name",
    "country",
    "purpose",
    "contact_name",
    "contact_email",
    "contact_phone",
    reason="a partner company and its business contact, not information about a customer",
)
