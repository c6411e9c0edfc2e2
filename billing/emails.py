"""Every email the billing app sends, one function each, in the customer's language.

Each takes the id of the record it is about, because it runs in the worker after the
transaction that made the record has committed. Nothing is sent for a record that has no
active customer any more (the account was deleted in between).
"""

from django.urls import reverse

from billing.models import Donation, Invoice, Order
from mandrakeonline.mail import absolute_url, send_templated_email


def _send(customer, template: str, context: dict) -> None:
    if customer is None or not customer.is_active:
        return
    send_templated_email(
        to=customer.email,
        template=f"billing_{template}",
        context={"customer": customer, **context},
        language=customer.language,
    )


def send_invoice_issued(invoice_id: int) -> None:
    invoice = Invoice.objects.select_related("order__customer").get(pk=invoice_id)
    _send(
        invoice.order.customer,
        "invoice_issued",
        {
            "invoice": invoice,
            "order": invoice.order,
            "invoice_url": absolute_url(reverse("billing:invoice", args=[invoice.number])),
        },
    )


def send_credit_note_issued(invoice_id: int) -> None:
    credit_note = Invoice.objects.select_related("order__customer", "corrects").get(pk=invoice_id)
    _send(
        credit_note.order.customer,
        "credit_note_issued",
        {
            "credit_note": credit_note,
            "order": credit_note.order,
            "credit_note_url": absolute_url(reverse("billing:invoice", args=[credit_note.number])),
        },
    )


def send_order_shipped(order_id: int) -> None:
    order = Order.objects.select_related("customer").get(pk=order_id)
    _send(
        order.customer,
        "order_shipped",
        {"order": order, "order_url": absolute_url(reverse("billing:order", args=[order.number]))},
    )


def send_order_delivered(order_id: int) -> None:
    order = Order.objects.select_related("customer").get(pk=order_id)
    _send(
        order.customer,
        "order_delivered",
        {"order": order, "order_url": absolute_url(reverse("billing:order", args=[order.number]))},
    )


def send_donation_received(donation_id: int) -> None:
    donation = Donation.objects.select_related("customer").get(pk=donation_id)
    _send(
        donation.customer,
        "donation_received",
        {
            "donation": donation,
            "receipt_url": absolute_url(reverse("billing:donation_receipt", args=[donation.receipt_number])),
        },
    )


MESSAGES = {
    "invoice_issued": send_invoice_issued,
    "credit_note_issued": send_credit_note_issued,
    "order_shipped": send_order_shipped,
    "order_delivered": send_order_delivered,
    "donation_received": send_donation_received,
}
