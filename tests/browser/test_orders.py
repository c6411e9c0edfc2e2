"""Journey 6: a customer follows an order from "paid" to "delivered", as the store reports
it through the signed webhook, and opens the invoice PDF."""

import json
import time

import requests
from django.conf import settings
from playwright.sync_api import expect
from pypdf import PdfReader

from billing import signing
from billing.models import Invoice, Order
from tests.billing.conftest import delivered, paid, placed, shipped
from tests.browser.visit import JOURNEY_MARKS, in_both_languages
from tests.conftest import PASSWORD, link_in, make_customer

pytestmark = JOURNEY_MARKS


def store_reports(live_server, event: dict) -> None:
    """What the store does: POST the event, signed, to the running site's webhook."""
    body = json.dumps(event).encode()
    timestamp = str(int(time.time()))
    signature = signing.signature(secret=settings.STORE_WEBHOOK_SECRET, timestamp=timestamp, body=body)
    response = requests.post(
        f"{live_server.url}/webhooks/store/",
        data=body,
        headers={"Content-Type": "application/json", "X-Store-Timestamp": timestamp, "X-Store-Signature": signature},
        timeout=10,
    )
    assert response.json()["status"] == "processed", response.text


@in_both_languages(desktop="en")
def test_orders(visit, live_server, mailoutbox):
    customer = make_customer(
        "colette@example.fr",
        first_name="Colette",
        language=visit.language,
        address_line1="8 place Bellecour",
        postal_code="69002",
        city="Lyon",
        country="FR",
    )
    store_reports(live_server, placed(customer, "WEB-1001"))
    store_reports(live_server, paid("WEB-1001"))
    invoice = Invoice.objects.get()
    visit.start_logged_in(customer.formatted_number, PASSWORD)

    visit.follow(visit.tr("Orders and donations"), within=visit.account_navigation)
    orders = visit.main.get_by_role("table", name=visit.tr("Your orders, newest first"))
    expect(orders.get_by_role("row", name="WEB-1001")).to_contain_text(visit.tr("Paid"))
    visit.follow("WEB-1001", within=orders)
    expect(visit.main.locator(".lead")).to_contain_text(visit.tr("Paid"))

    store_reports(live_server, shipped("WEB-1001"))
    on_its_way = mailoutbox[-1]
    assert on_its_way.subject == visit.tr("Your order %(number)s is on its way", number="WEB-1001")
    visit.open(link_in(on_its_way, "/account/billing/orders/"))
    expect(visit.main.locator(".lead")).to_contain_text(visit.tr("Shipped"))
    expect(visit.main).to_contain_text("Colissimo")

    store_reports(
        live_server, delivered("WEB-1001", deliveries=[{"sku": "MDK-BOX", "serial_number": "MDK-7F3K-92QX-L0PA"}])
    )
    arrived = mailoutbox[-1]
    assert arrived.subject == visit.tr("Your order %(number)s is delivered", number="WEB-1001")
    visit.open(link_in(arrived, "/account/billing/orders/"))
    expect(visit.main.locator(".lead")).to_contain_text(visit.tr("Delivered"))
    expect(visit.main).to_contain_text("MDK-7F3K-92QX-L0PA")
    assert Order.objects.get().status == Order.Status.DELIVERED

    pdf = visit.download(visit.link(visit.tr("Download %(number)s (PDF)", number=invoice.number)))
    assert pdf.suggested_filename == invoice.pdf_filename()
    text = PdfReader(pdf.path()).pages[0].extract_text()
    assert invoice.number in text
    assert "118.80" in text or "118,80" in text
