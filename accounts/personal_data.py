from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import (
    AccountEvent,
    Customer,
    DataExport,
    IssuedCustomerNumber,
    LoginSession,
    MarketingProfile,
    PrivacyRequest,
)
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
# Deleting the account deletes the customer's row itself (and with it every row that
# cascades from it); only the number survives, in IssuedCustomerNumber.
registry.personal(
    Customer,
    "customer_number",
    category=CATEGORY_IDENTITY,
    purpose=ACCOUNT_PURPOSE,
    erasure=Erasure.KEEP,
    retention=_(
        "Your customer number stays on the list of numbers already given, so that it is never given to anyone "
        "else; nothing else about you stays attached to it, except on the invoices the law makes us keep."
    ),
    show=lambda customer: customer.formatted_number,
)
for name in ("first_name", "last_name"):
    registry.personal(
        Customer,
        name,
        category=CATEGORY_IDENTITY,
        purpose=ACCOUNT_PURPOSE,
        erasure=Erasure.DELETE,
    )
registry.personal(
    Customer,
    "email",
    category=CATEGORY_CONTACT,
    purpose=CONTACT_PURPOSE,
    erasure=Erasure.DELETE,
)
registry.personal(
    Customer,
    "email_verified_at",
    category=CATEGORY_CONTACT,
    purpose=CONTACT_PURPOSE,
    erasure=Erasure.DELETE,
)
registry.personal(
    Customer,
    "pending_email",
    category=CATEGORY_CONTACT,
    purpose=_("To confirm that a new email address you gave is yours before using it."),
    erasure=Erasure.DELETE,
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
        erasure=Erasure.DELETE,
    )
registry.personal(
    Customer,
    "language",
    category=CATEGORY_PREFERENCES,
    purpose=_("To show the site and write to you in your language."),
    erasure=Erasure.DELETE,
)
registry.personal(
    Customer,
    "date_joined",
    category=CATEGORY_SECURITY,
    purpose=ACCOUNT_PURPOSE,
    erasure=Erasure.DELETE,
)
registry.personal(
    Customer,
    "last_login",
    category=CATEGORY_SECURITY,
    purpose=_("To show you when your account was last used, so that you notice misuse."),
    erasure=Erasure.DELETE,
)
registry.personal(
    Customer,
    "inactivity_warned_at",
    category=CATEGORY_SECURITY,
    purpose=_("To warn you a month before we delete an account unused for years."),
    erasure=Erasure.DELETE,
)
registry.personal(
    Customer,
    "password",
    category=CATEGORY_SECURITY,
    purpose=_("To check that it is you who logs in. Only a one-way hash is stored."),
    erasure=Erasure.DELETE,
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

registry.personal_model(
    PrivacyRequest,
    customer_path="customer_number",
    match_on="customer_number",
    title=_("Your requests about your data"),
    since="received_on",
)
REQUEST_RETENTION = _("Kept three years after the answer, to prove that your request was answered in time.")
for name in ("customer_number", "kind", "channel", "received_on", "due_on", "completed_at", "notes"):
    registry.personal(
        PrivacyRequest,
        name,
        category=CATEGORY_SECURITY,
        purpose=_("To answer your requests about your data within the month the law allows, and prove it."),
        erasure=Erasure.KEEP,
        retention=REQUEST_RETENTION,
    )
registry.not_personal(PrivacyRequest, "id", reason="internal key")
registry.not_personal(PrivacyRequest, "handled_by", reason="the staff member who answered")

registry.personal_model(
    MarketingProfile,
    customer_path="customer",
    title=_("Your answers to our marketing questions"),
    since="consent_at",
    manage_url="accounts:marketing",
)
for name in ("usage", "interests", "organisation_size", "heard_from", "consent_at"):
    registry.personal(
        MarketingProfile,
        name,
        category=_("Marketing (internal use only)"),
        purpose=_("For our own use only, to make our products closer to your needs. Never shared."),
        erasure=Erasure.DELETE,
        show=(lambda profile: ", ".join(profile.interest_labels())) if name == "interests" else None,
    )
registry.not_personal(MarketingProfile, "id", reason="internal key")
registry.not_personal(MarketingProfile, "customer", reason="links the answers to the account they belong to")

# Two-factor authentication (django-otp): when it was set up and last used. The secrets
# themselves are credentials, like the password hash: never shown again, never exported.
TWO_FACTOR_PURPOSE = _("To ask for a code from your phone when you log in, because you turned this protection on.")
registry.personal_model(
    TOTPDevice,
    customer_path="user",
    title=_("Your two-factor authentication"),
    since="created_at",
    manage_url="accounts:security",
)
registry.personal_model(
    StaticDevice,
    customer_path="user",
    title=_("Your recovery codes"),
    since="created_at",
    manage_url="accounts:security",
)
for model in (TOTPDevice, StaticDevice):
    for name in ("created_at", "last_used_at"):
        registry.personal(model, name, category=CATEGORY_SECURITY, purpose=TWO_FACTOR_PURPOSE, erasure=Erasure.DELETE)
    registry.not_personal(model, "id", reason="internal key")
    registry.not_personal(model, "user", reason="links the device to the account it belongs to")
    registry.not_personal(model, "name", "confirmed", reason="which kind of device it is, and whether set up")
    registry.not_personal(
        model,
        "throttling_failure_timestamp",
        "throttling_failure_count",
        reason="counts wrong codes in a row, to slow down guessing",
    )
registry.not_personal(
    TOTPDevice,
    "key",
    reason="the secret shared with the authenticator app, a credential like the password hash: never shown again "
    "or exported, deleted with the account",
)
registry.not_personal(
    TOTPDevice,
    "step",
    "t0",
    "digits",
    "tolerance",
    "drift",
    "last_t",
    reason="how codes are computed and which was used last (so none is accepted twice)",
)
registry.not_personal(StaticToken, "id", reason="internal key")
registry.not_personal(StaticToken, "device", reason="links the code to its set")
registry.not_personal(
    StaticToken, "token", reason="a single-use credential, shown once when made, deleted when used or with the account"
)
