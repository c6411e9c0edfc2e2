from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext_lazy as _

from accounts.models import AccountEvent, Customer, DataExport, IssuedCustomerNumber, LoginSession
from mandrakeonline.personal_data import (
    CATEGORY_ADDRESS,
    CATEGORY_CONTACT,
    CATEGORY_IDENTITY,
    CATEGORY_PREFERENCES,
    CATEGORY_SECURITY,
    Erasure,
    registry,
)

ACCOUNT_PURPOSE = _("To identify you and link your subscriptions, registrations and purchases to your account.")
CONTACT_PURPOSE = _("To write to you about your account, your lists, your registrations and your orders.")
ADDRESS_PURPOSE = _("To deliver the products you buy and to address your invoices.")

registry.personal_model(
    Customer, customer_path="pk", title=_("Your account"), since="date_joined", manage_url="accounts:overview"
)
registry.personal_model(
    AccountEvent,
    customer_path="customer",
    title=_("History of changes to your account"),
    since="created_at",
    manage_url="accounts:overview",
)
registry.personal_model(
    LoginSession,
    customer_path="customer",
    title=_("Browsers logged in to your account"),
    since="created_at",
    manage_url="accounts:security",
)
registry.personal(
    Customer,
    "customer_number",
    category=CATEGORY_IDENTITY,
    purpose=ACCOUNT_PURPOSE,
    erasure=Erasure.KEEP,
    retention=_("Kept so that the number is never given to anyone else, and to match invoices the law makes us keep."),
    show=lambda customer: customer.formatted_number,
)
for name in ("first_name", "last_name"):
    registry.personal(
        Customer,
        name,
        category=CATEGORY_IDENTITY,
        purpose=ACCOUNT_PURPOSE,
        erasure=Erasure.BLANK,
    )
registry.personal(
    Customer,
    "email",
    category=CATEGORY_CONTACT,
    purpose=CONTACT_PURPOSE,
    erasure=Erasure.ANONYMISE,
    # The column is unique and required: a deleted account gets an address that cannot
    # receive mail (RFC 2606 reserves .invalid).
    anonymise=lambda customer: f"deleted-{customer.pk}@deleted.invalid",
)
registry.personal(
    Customer,
    "email_verified_at",
    category=CATEGORY_CONTACT,
    purpose=CONTACT_PURPOSE,
    erasure=Erasure.BLANK,
)
registry.personal(
    Customer,
    "pending_email",
    category=CATEGORY_CONTACT,
    purpose=_("To confirm that a new email address you gave is yours before using it."),
    erasure=Erasure.BLANK,
)
for name in (
    "address_line1",
    "address_line2",
    "postal_code",
    "city",
    "region",
    "country",
):
    registry.personal(
        Customer,
        name,
        category=CATEGORY_ADDRESS,
        purpose=ADDRESS_PURPOSE,
        erasure=Erasure.BLANK,
    )
registry.personal(
    Customer,
    "language",
    category=CATEGORY_PREFERENCES,
    purpose=_("To show the site and write to you in your language."),
    erasure=Erasure.BLANK,
)
registry.personal(
    Customer,
    "date_joined",
    category=CATEGORY_SECURITY,
    purpose=ACCOUNT_PURPOSE,
    erasure=Erasure.KEEP,
    retention=_("Kept with the closed account to date the invoices the law makes us keep."),
)
registry.personal(
    Customer,
    "last_login",
    category=CATEGORY_SECURITY,
    purpose=_("To show you when your account was last used, so that you notice misuse."),
    erasure=Erasure.BLANK,
)
registry.personal(
    Customer,
    "password",
    category=CATEGORY_SECURITY,
    purpose=_("To check that it is you who logs in. Only a one-way hash is stored."),
    erasure=Erasure.ANONYMISE,
    anonymise=lambda customer: make_password(None),
    show=lambda customer: _("Set") if customer.has_usable_password() else _("Not set"),
    # The hash is useless to the customer and must not leave the system.
    export=lambda customer: "(one-way hash, not exported)",
)
registry.not_personal(Customer, "id", reason="internal key")
registry.not_personal(
    Customer,
    "is_staff",
    "is_superuser",
    "is_active",
    "groups",
    "user_permissions",
    reason="account flags and staff permissions, not information about the person",
)
registry.not_personal(
    IssuedCustomerNumber,
    "number",
    "issued_at",
    reason="the list of numbers ever issued, kept so none is reused; it links to nobody once an account is gone",
)

for name in ("kind", "changed_fields", "created_at"):
    registry.personal(
        AccountEvent,
        name,
        category=CATEGORY_SECURITY,
        purpose=_("To show you, and us, every change made to your account, so that misuse is noticed."),
        erasure=Erasure.DELETE,
    )
registry.not_personal(AccountEvent, "id", reason="internal key")
registry.not_personal(AccountEvent, "customer", reason="links the event to the account it belongs to")
registry.not_personal(
    AccountEvent, "actor", reason="who acted: the customer, a staff member, or nobody (a link from an email)"
)

for name in ("user_agent", "ip_address", "created_at", "last_seen"):
    registry.personal(
        LoginSession,
        name,
        category=CATEGORY_SECURITY,
        purpose=_("To show you where your account is logged in, so that you can log out a browser you do not know."),
        erasure=Erasure.DELETE,
    )
registry.not_personal(LoginSession, "id", reason="internal key")
registry.not_personal(LoginSession, "customer", reason="links the session to the account it belongs to")
registry.not_personal(
    LoginSession, "session_key", reason="the secret of the session cookie; never shown, deleted with the row"
)

registry.personal_model(
    DataExport,
    customer_path="customer",
    title=_("Exports of your data"),
    since="requested_at",
    manage_url="accounts:request_data_export",
)
for name in ("status", "requested_at", "finished_at", "expires_at"):
    registry.personal(
        DataExport,
        name,
        category=CATEGORY_SECURITY,
        purpose=_("To prepare the copy of your data you asked for, and let only you download it."),
        erasure=Erasure.DELETE,
    )
registry.not_personal(DataExport, "id", reason="internal key")
registry.not_personal(DataExport, "customer", reason="links the export to the account it belongs to")
registry.not_personal(
    DataExport,
    "file_name",
    "size",
    "records_done",
    "records_total",
    reason="where and how far the file is built; the file itself is deleted with the account",
)
