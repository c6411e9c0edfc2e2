"""The customer's billing pages: their own records only, in constant queries."""

import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from pypdf import PdfReader

from accounts.overview import sections_for
from billing import overview
from billing.models import Donation, Invoice
from tests.billing.conftest import apply, delivered, donation, paid, placed, refund, shipped
from tests.conftest import log_in_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(customer):
    """An order followed to delivery and partly refunded, and a donation."""
    apply(
        placed(customer),
        paid(),
        shipped(),
        delivered(deliveries=[{"sku": "MDK-BOX", "serial_number": "PP-7Q2K-93XM"}]),
        refund(amount="18.00", lines=[{"sku": "MDK-TSHIRT", "quantity": 1}]),
        donation(customer),
    )
    invoice = Invoice.objects.get(kind=Invoice.Kind.INVOICE)
    credit_note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    receipt = Donation.objects.get().receipt_number
    return {
        "overview": "/account/billing/",
        "order": "/account/billing/orders/WEB-1001/",
        "invoice": f"/account/billing/invoices/{invoice.number}/",
        "invoice_pdf": f"/account/billing/invoices/{invoice.number}/pdf/",
        "credit_note": f"/account/billing/invoices/{credit_note.number}/",
        "credit_note_pdf": f"/account/billing/invoices/{credit_note.number}/pdf/",
        "receipt": f"/account/billing/donations/{receipt}/",
        "receipt_pdf": f"/account/billing/donations/{receipt}/pdf/",
    }


OWNED = ["order", "invoice", "invoice_pdf", "credit_note", "credit_note_pdf", "receipt", "receipt_pdf"]


@pytest.mark.parametrize("name", ["overview", *OWNED])
def test_anonymous_visitors_are_sent_to_log_in(client, records, name):
    url = records[name]

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


@pytest.mark.parametrize("name", OWNED)
def test_another_customer_gets_404(client, records, other_customer, name):
    client.force_login(other_customer)

    response = client.get(records[name])

    assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/account/billing/orders/WEB-9999/",
        "/account/billing/orders/%27%20OR%201=1--/",
        "/account/billing/invoices/MO-1999-000001/pdf/",
        "/account/billing/donations/DON-2026-99999999999999999999/",
    ],
)
def test_a_tampered_address_gets_404(customer_client, records, url):
    assert customer_client.get(url).status_code == 404


@pytest.mark.parametrize("name", ["overview", *[name for name in OWNED if not name.endswith("pdf")]])
def test_the_owner_sees_each_page_without_inline_code(customer_client, records, name):
    response = customer_client.get(records[name], HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "style=" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)


def test_the_overview_lists_orders_invoices_and_donations(customer_client, records):
    page = customer_client.get("/account/billing/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "WEB-1001" in page
    assert "Delivered" in page
    assert "118.80\xa0EUR" in page
    for invoice in Invoice.objects.all():
        assert invoice.number in page
    assert "Credit note" in page
    assert Donation.objects.get().receipt_number in page
    assert "25.00\xa0EUR" in page


def test_another_customers_records_are_not_listed(client, records, other_customer):
    client.force_login(other_customer)

    page = client.get("/account/billing/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "WEB-1001" not in page
    assert "No order yet." in page


def test_the_order_page_shows_the_timeline_tracking_and_serial(customer_client, records):
    page = customer_client.get(records["order"], HTTP_ACCEPT_LANGUAGE="en").content.decode()

    timeline = page[page.index('id="order-timeline"') : page.index("</ol>")]
    assert [status for status in ("Placed", "Paid", "Shipped", "Delivered") if status in timeline] == [
        "Placed",
        "Paid",
        "Shipped",
        "Delivered",
    ]
    assert "Colissimo" in page
    assert 'href="https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901"' in page
    assert "PP-7Q2K-93XM" in page
    assert "Refunded: 1" in page
    assert "Paid 118.80\xa0EUR" in page
    assert "(reference pi_WEB-1001)" in page


def test_the_invoice_page_shows_what_the_law_asks(customer_client, records, customer):
    page = customer_client.get(records["invoice"], HTTP_ACCEPT_LANGUAGE="en").content.decode()

    invoice = Invoice.objects.get(kind=Invoice.Kind.INVOICE)
    for text in (
        invoice.number,
        "Mandrake S.A.",
        "VAT number: FR 43 432 198 765",
        "Alice Durand",
        customer.formatted_number,
        "VAT at 20.00\xa0% on 99.00\xa0EUR",
        "118.80\xa0EUR",
        "Paid in full on",
    ):
        assert text in page, text


def test_the_credit_note_page_names_the_invoice_it_corrects(customer_client, records):
    page = customer_client.get(records["credit_note"], HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert Invoice.objects.get(kind=Invoice.Kind.INVOICE).number in page
    assert "Total credited incl. VAT" in page
    assert "18.00\xa0EUR" in page


def test_amounts_are_written_the_french_way_in_french(customer_client, records):
    page = customer_client.get(records["invoice"], HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "118,80\xa0EUR" in page


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_invoice_pdf_opens_and_holds_the_number_and_totals(customer_client, records):
    invoice = Invoice.objects.get(kind=Invoice.Kind.INVOICE)

    response = customer_client.get(records["invoice_pdf"], HTTP_ACCEPT_LANGUAGE="en")

    assert response["Content-Disposition"] == f'attachment; filename="{invoice.number}.pdf"'
    text = pdf_text(response)
    for expected in (
        invoice.number,
        "Invoice",
        "Alice Durand",
        "Mandrake Linux PowerPack (boxed)",
        "99.00 EUR",
        "19.80 EUR",
        "118.80 EUR",
        "FR 43 432 198 765",
    ):
        assert expected in text, expected


def test_the_credit_note_pdf_names_the_invoice_and_the_amount(customer_client, records):
    text = pdf_text(customer_client.get(records["credit_note_pdf"], HTTP_ACCEPT_LANGUAGE="en"))

    assert Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE).number in text
    assert Invoice.objects.get(kind=Invoice.Kind.INVOICE).number in text
    assert "18.00 EUR" in text


def test_an_accented_name_prints_in_the_pdf(client, customer):
    customer.first_name, customer.last_name = "Zoé", "Lefèvre-Œuvray"
    customer.save()
    apply(placed(customer), paid())
    client.force_login(customer)

    text = pdf_text(client.get(f"/account/billing/invoices/{Invoice.objects.get().number}/pdf/"))

    assert "Zoé Lefèvre-Œuvray" in text


def test_the_receipt_pdf_opens_and_holds_the_number_and_amount(customer_client, records):
    text = pdf_text(customer_client.get(records["receipt_pdf"], HTTP_ACCEPT_LANGUAGE="en"))

    assert Donation.objects.get().receipt_number in text
    assert "25.00 EUR" in text
    assert "Alice Durand" in text


@pytest.mark.parametrize("orders", [0, 1, 6])
def test_the_billing_overview_runs_a_constant_number_of_queries(
    customer_client, customer, django_assert_num_queries, orders
):
    for index in range(orders):
        apply(placed(customer, number=f"WEB-{index}"), paid(f"WEB-{index}"), donation(customer))

    # Session, customer, orders, invoices, donations.
    with django_assert_num_queries(5):
        response = customer_client.get("/account/billing/")

    assert response.content.decode().count("/account/billing/orders/WEB-") == orders


@pytest.mark.parametrize("lines", [1, 6])
def test_the_invoice_page_runs_a_constant_number_of_queries(
    customer_client, customer, django_assert_num_queries, lines
):
    items = [
        {"sku": f"SKU-{index}", "name": "Thing", "quantity": 1, "unit_price": "1.00", "vat_rate": "20.00"}
        for index in range(lines)
    ]
    apply(placed(customer, lines=items), paid(amount=f"{Decimal('1.20') * lines}"))
    url = f"/account/billing/invoices/{Invoice.objects.get().number}/"

    # Session, customer, invoice with its order, its lines.
    with django_assert_num_queries(4):
        customer_client.get(url)


@pytest.mark.parametrize("orders", [0, 5])
def test_the_account_overview_section_is_read_in_the_overviews_one_query(customer, django_assert_num_queries, orders):
    for index in range(orders):
        apply(placed(customer, number=f"WEB-{index}"), donation(customer))

    # The latest orders and donations, in the one query of every section of the overview.
    with django_assert_num_queries(1):
        context = dict(sections_for(customer))["billing/overview_section.html"]

    assert len(context["orders"]) == min(orders, overview.RECENT)


def test_the_account_overview_shows_the_latest_orders(customer_client, records):
    page = customer_client.get("/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Orders and donations" in page
    assert 'href="/account/billing/orders/WEB-1001/"' in page
    assert 'href="/account/billing/"' in page


def test_staff_cannot_read_customer_pages_of_someone_else(records, staff):
    staff_client = Client()
    log_in_staff(staff_client, staff)

    assert staff_client.get(records["invoice_pdf"]).status_code == 404
