"""Billing's fields in the personal-data registry.

When an account is deleted, orders, invoices and donations are accounting records the law
makes us keep for ten years after the end of their year (Code de commerce, art. L123-22):
what the accounts need is KEPT, the link to the login is BLANKED (the record is detached),
and what the law does not need (addresses on orders, tracking, serial numbers, the donor's
name) is BLANKED. Invoices are frozen documents and are kept whole: the law requires the
buyer's name and address on them. The account deletion (accounts/deletion.py) applies it.
Each record tells until when it is kept with its ``kept_until()`` method.
"""

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from billing import documents
from billing.models import (
    DocumentCopy,
    DocumentCounter,
    Donation,
    Invoice,
    InvoiceLine,
    Order,
    OrderLine,
    OrderStatusChange,
    Payment,
    Refund,
    StoreEvent,
    kept_until,
)
from mandrakeonline.personal_data import Erasure, registry

CATEGORY_ORDERS = _("Orders and invoices")
CATEGORY_DONATIONS = _("Donations")

ORDER_PURPOSE = _("To deliver what you bought in the store, let you follow each order, and bill it.")
PAYMENT_PURPOSE = _("To prove what was paid and refunded, with the payment provider's reference only.")
INVOICE_PURPOSE = _("To issue the invoices and credit notes the law requires for each sale.")
DONATION_PURPOSE = _("To record your donations and give you a receipt for each.")
LINK_PURPOSE = _("To show these records on your account.")

ACCOUNTING = _(
    "An accounting record: French law keeps it ten years after the end of its year, "
    "detached from your account once you delete it."
)
INVOICE_BUYER = _(
    "The law requires the buyer's name and address on an invoice, and the invoice is kept ten years "
    "after the end of its year."
)


def _keep(model, names, *, category, purpose, retention=ACCOUNTING):
    for name in names:
        registry.personal(model, name, category=category, purpose=purpose, erasure=Erasure.KEEP, retention=retention)


def _blank(model, names, *, category, purpose):
    for name in names:
        registry.personal(model, name, category=category, purpose=purpose, erasure=Erasure.BLANK)


def _kept_until(queryset, date_field: str):
    """Until when the latest of these records is kept, or None when there are none."""
    latest = queryset.aggregate(latest=Max(date_field))["latest"]
    return kept_until(latest) if latest else None


# Parents first: the deletion erases in the reverse order, so an order's lines, history,
# payments and invoices are found through the order before the order is detached.
registry.personal_model(
    Order,
    customer_path="customer",
    title=_("Orders from the store"),
    since="placed_at",
    manage_url="billing:overview",
    kept_until=lambda customer: _kept_until(Order.objects.for_customer(customer), "status_changed_at"),
    select_related=("customer",),
)
for model, title in (
    (OrderLine, _("Products of your orders")),
    (OrderStatusChange, _("Progress of your orders")),
    (Payment, _("Payments of your orders")),
    (Refund, _("Refunds of your orders")),
):
    registry.personal_model(
        model,
        customer_path="order__customer",
        title=title,
        manage_url="billing:overview",
        kept_until=lambda customer: _kept_until(Order.objects.for_customer(customer), "status_changed_at"),
    )
registry.personal_model(
    Invoice,
    customer_path="order__customer",
    title=_("Invoices and credit notes"),
    since="issued_at",
    manage_url="billing:overview",
    kept_until=lambda customer: _kept_until(Invoice.objects.for_customer(customer), "issued_at"),
)
registry.personal_model(
    InvoiceLine,
    customer_path="invoice__order__customer",
    title=_("Lines of your invoices and credit notes"),
    manage_url="billing:overview",
    kept_until=lambda customer: _kept_until(Invoice.objects.for_customer(customer), "issued_at"),
)
registry.personal_model(
    Donation,
    customer_path="customer",
    title=_("Donations"),
    since="received_at",
    manage_url="billing:overview",
    kept_until=lambda customer: _kept_until(Donation.objects.for_customer(customer), "received_at"),
    select_related=("customer",),
)


def _documents(customer):
    """The PDFs of the customer's invoices, credit notes and receipts, for the export, in
    their language: the copies drawn when each was issued, after drawing any missing."""
    language = customer.language
    documents.draw_missing_copies(customer, language)
    for file_name, content in documents.copies_of(customer, language):
        yield file_name, [content]


registry.attachments(_documents)

# Orders: kept for the accounts, detached from the login, addresses and delivery erased.
registry.personal(Order, "customer", category=CATEGORY_ORDERS, purpose=LINK_PURPOSE, erasure=Erasure.BLANK)
_keep(
    Order,
    ["number", "currency", "status", "placed_at", "status_changed_at", "total_net", "total_vat", "total_gross"],
    category=CATEGORY_ORDERS,
    purpose=ORDER_PURPOSE,
)
_blank(
    Order,
    [
        "billing_name",
        "billing_address",
        "billing_country",
        "shipping_name",
        "shipping_address",
        "shipping_country",
        "carrier",
        "tracking_number",
        "tracking_url",
    ],
    category=CATEGORY_ORDERS,
    purpose=ORDER_PURPOSE,
)
registry.not_personal(Order, "id", reason="internal key")

_keep(
    OrderLine,
    ["sku", "name", "quantity", "unit_price", "vat_rate", "net_amount", "vat_amount", "gross_amount"],
    category=CATEGORY_ORDERS,
    purpose=ORDER_PURPOSE,
)
registry.personal(
    OrderLine,
    "refunded_quantity",
    category=CATEGORY_ORDERS,
    purpose=PAYMENT_PURPOSE,
    erasure=Erasure.KEEP,
    retention=ACCOUNTING,
)
_blank(OrderLine, ["serial_number", "download_url"], category=CATEGORY_ORDERS, purpose=ORDER_PURPOSE)
registry.not_personal(OrderLine, "id", "position", reason="internal key and the line's place in its order")
registry.not_personal(OrderLine, "order", reason="links the line to its order")

_keep(OrderStatusChange, ["status", "changed_at"], category=CATEGORY_ORDERS, purpose=ORDER_PURPOSE)
registry.not_personal(OrderStatusChange, "id", reason="internal key")
registry.not_personal(OrderStatusChange, "order", reason="links the change to its order")
registry.not_personal(
    OrderStatusChange, "event", reason="the store event that made the change: an id and a type, nothing personal"
)

for model, moment in ((Payment, "paid_at"), (Refund, "refunded_at")):
    _keep(
        model,
        ["provider", "reference", "amount", "currency", moment],
        category=CATEGORY_ORDERS,
        purpose=PAYMENT_PURPOSE,
    )
    registry.not_personal(model, "id", reason="internal key")
    registry.not_personal(model, "order", reason="links the payment or refund to its order")
registry.not_personal(Refund, "credit_note", reason="links the refund to the credit note issued for it")

# Invoices and credit notes: frozen documents, kept whole.
_keep(
    Invoice,
    [
        "kind",
        "series",
        "sequence",
        "number",
        "issued_at",
        "paid_at",
        "reason",
        "currency",
        "total_net",
        "total_vat",
        "total_gross",
    ],
    category=CATEGORY_ORDERS,
    purpose=INVOICE_PURPOSE,
)
_keep(
    Invoice,
    ["buyer_name", "buyer_address", "buyer_country", "buyer_customer_number"],
    category=CATEGORY_ORDERS,
    purpose=INVOICE_PURPOSE,
    retention=INVOICE_BUYER,
)
registry.not_personal(
    Invoice,
    "seller_name",
    "seller_address",
    "seller_vat_number",
    "seller_registration",
    "seller_legal_notice",
    reason="the seller's (Mandrake's) details, frozen on the invoice",
)
registry.not_personal(Invoice, "id", reason="internal key")
registry.not_personal(
    Invoice, "order", "corrects", reason="links the invoice to its order, a credit note to its invoice"
)

_keep(
    InvoiceLine,
    ["sku", "name", "quantity", "unit_price", "vat_rate", "net_amount", "vat_amount", "gross_amount"],
    category=CATEGORY_ORDERS,
    purpose=INVOICE_PURPOSE,
)
registry.not_personal(InvoiceLine, "id", "position", reason="internal key and the line's place on its invoice")
registry.not_personal(InvoiceLine, "invoice", reason="links the line to its invoice")

# Donations: kept for the accounts, detached, the donor's name erased.
registry.personal(Donation, "customer", category=CATEGORY_DONATIONS, purpose=LINK_PURPOSE, erasure=Erasure.BLANK)
registry.personal(Donation, "donor_name", category=CATEGORY_DONATIONS, purpose=DONATION_PURPOSE, erasure=Erasure.BLANK)
_keep(
    Donation,
    ["receipt_number", "amount", "currency", "campaign", "provider", "reference", "received_at"],
    category=CATEGORY_DONATIONS,
    purpose=DONATION_PURPOSE,
)
registry.not_personal(Donation, "id", reason="internal key")

registry.not_personal(
    DocumentCounter, "series", "last_number", reason="the last number given in each series of documents"
)
registry.not_personal(
    StoreEvent,
    "id",
    "event_id",
    "type",
    "via",
    "occurred_at",
    "processed_at",
    reason="ids and types of the store's events already processed (never their content), so none is applied twice",
)

# Copies of the PDFs above: what they show is the invoice's or receipt's, so they are listed
# with the documents and go with the account (the copy shows the customer number that
# deletion takes off the invoice; a new one can be drawn from what is kept).
registry.personal_model(
    DocumentCopy,
    customer_path="customer",
    title=_("PDF copies of your invoices and receipts"),
    since="created_at",
    manage_url="billing:overview",
    select_related=("invoice", "donation"),
    defer=("pdf",),
)
registry.personal(
    DocumentCopy,
    "pdf",
    category=CATEGORY_ORDERS,
    purpose=_("To give you your invoices and receipts at once, without drawing them again."),
    erasure=Erasure.DELETE,
    show=lambda copy: copy.file_name,
    export=lambda copy: f"attachments/{copy.file_name}",
)
for name in ("language", "created_at"):
    registry.personal(DocumentCopy, name, category=CATEGORY_ORDERS, purpose=INVOICE_PURPOSE, erasure=Erasure.DELETE)
registry.not_personal(DocumentCopy, "id", reason="internal key")
registry.not_personal(DocumentCopy, "customer", reason="links the copy to the account it belongs to")
registry.not_personal(DocumentCopy, "invoice", reason="links the copy to its invoice, listed above")
registry.not_personal(DocumentCopy, "donation", reason="links the copy to its donation, listed above")
