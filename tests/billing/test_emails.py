"""What the customer is told by email, in their language, once the change is committed."""

import pytest

from billing.models import Donation, Invoice
from tests.billing.conftest import delivered, donation, paid, placed, post_event, refund, shipped
from tests.conftest import link_in

pytestmark = pytest.mark.django_db


def test_the_invoice_is_announced_with_a_link_to_it(client, customer, mailoutbox):
    post_event(client, placed(customer))
    assert mailoutbox == []

    post_event(client, paid())

    invoice = Invoice.objects.get()
    [message] = mailoutbox
    assert message.to == [customer.email]
    assert message.subject == f"Your invoice {invoice.number}"
    assert "118.80\xa0EUR" in message.body
    client.force_login(customer)
    page = client.get(link_in(message, "/account/billing/invoices/"), HTTP_ACCEPT_LANGUAGE="en")
    assert invoice.number in page.content.decode()


def test_the_email_speaks_the_customers_language(client, other_customer, mailoutbox):
    post_event(client, placed(other_customer))

    post_event(client, paid())

    assert "118,80\xa0EUR" in mailoutbox[0].body


def test_the_shipment_is_announced_with_its_tracking(client, customer, mailoutbox):
    post_event(client, placed(customer))
    post_event(client, paid())

    post_event(client, shipped())

    message = mailoutbox[-1]
    assert message.subject == "Your order WEB-1001 is on its way"
    assert "Colissimo" in message.body
    assert "6A12345678901" in message.body
    assert "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901" in message.body
    assert link_in(message, "/account/billing/orders/") == "/account/billing/orders/WEB-1001/"


def test_the_delivery_is_announced(client, customer, mailoutbox):
    for payload in (placed(customer), paid(), delivered()):
        post_event(client, payload)

    assert mailoutbox[-1].subject == "Your order WEB-1001 is delivered"


def test_the_credit_note_is_announced(client, customer, mailoutbox):
    for payload in (placed(customer), paid(), refund()):
        post_event(client, payload)

    credit_note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    message = mailoutbox[-1]
    assert message.subject == f"Your credit note {credit_note.number}"
    assert credit_note.corrects.number in message.body


def test_the_donation_is_thanked_with_its_receipt(client, customer, mailoutbox):
    post_event(client, donation(customer))

    [message] = mailoutbox
    assert message.subject == "Thank you for your donation"
    assert link_in(message) == f"/account/billing/donations/{Donation.objects.get().receipt_number}/"


def test_a_refused_event_sends_nothing(client, customer, mailoutbox):
    post_event(client, placed(customer))

    post_event(client, paid(amount="1.00"))

    assert mailoutbox == []


def test_a_closed_account_is_sent_nothing(client, customer, mailoutbox):
    post_event(client, placed(customer))
    customer.is_active = False
    customer.save()

    post_event(client, paid())

    assert Invoice.objects.exists()
    assert mailoutbox == []
