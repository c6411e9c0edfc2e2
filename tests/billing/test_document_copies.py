"""PDFs of invoices and receipts are drawn once per language and read back afterwards."""

import datetime
import io
import zipfile

import pytest
from django.utils import timezone
from pypdf import PdfReader

from accounts import deletion, export, retention
from accounts.models import DataExport, PrivacyRequest
from billing import documents, pdf
from billing.models import DocumentCopy, Donation, Invoice
from tests.billing.conftest import apply, donation, paid, placed, refund

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    return " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def drawings(monkeypatch):
    """Counts the PDFs reportlab draws."""
    drawn = []
    for name in ("render_invoice", "render_receipt"):
        original = getattr(pdf, name)

        def counted(document, original=original):
            drawn.append(document)
            return original(document)

        monkeypatch.setattr(pdf, name, counted)
    return drawn


def test_an_issued_invoice_and_receipt_are_drawn_in_the_customers_language_when_issued(
    customer, client, drawings, django_capture_on_commit_callbacks
):
    customer.language = "fr"
    customer.save()
    with django_capture_on_commit_callbacks(execute=True):
        apply(placed(customer), paid(), donation(customer))

    invoice, receipt = Invoice.objects.get(), Donation.objects.get()
    assert len(drawings) == 2
    assert {(copy.invoice_id, copy.donation_id, copy.language) for copy in DocumentCopy.objects.all()} == {
        (invoice.pk, None, "fr"),
        (None, receipt.pk, "fr"),
    }

    client.force_login(customer)
    response = client.get(f"/account/billing/invoices/{invoice.number}/pdf/", HTTP_ACCEPT_LANGUAGE="fr")
    receipt_response = client.get(
        f"/account/billing/donations/{receipt.receipt_number}/pdf/", HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert len(drawings) == 2, "the downloads read the copies, nothing drawn again"
    assert "Facture" in text_of(response.content)
    assert receipt.receipt_number in text_of(receipt_response.content)


def test_a_copy_in_another_language_is_drawn_on_first_use_and_kept(customer_client, customer, drawings):
    apply(placed(customer), paid())
    url = f"/account/billing/invoices/{Invoice.objects.get().number}/pdf/"

    english = customer_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content
    again = customer_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content
    french = customer_client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content

    assert len(drawings) == 2
    assert english == again
    assert "Invoice" in text_of(english)
    assert "Facture" in text_of(french)
    assert sorted(DocumentCopy.objects.values_list("language", flat=True)) == ["en", "fr"]


def test_the_export_reads_the_copies_stored_uncompressed_and_draws_the_missing_ones(
    customer, settings, tmp_path, drawings
):
    settings.EXPORT_ROOT = tmp_path
    customer.language = "en"
    customer.save()
    apply(placed(customer), paid(), donation(customer), placed(customer, number="WEB-1002"), paid("WEB-1002"))
    first = Invoice.objects.order_by("issued_at").first()
    kept = documents.invoice_pdf(first, "en")
    assert len(drawings) == 1

    data_export = DataExport.objects.create(customer=customer)
    export.build_export(data_export)

    # The second invoice and the receipt had no copy yet: drawn once, by the export.
    assert len(drawings) == 3
    assert DocumentCopy.objects.filter(customer=customer, language="en").count() == 3
    with zipfile.ZipFile(export.export_path(data_export)) as archive:
        pdfs = {info.filename: info for info in archive.infolist() if info.filename.endswith(".pdf")}
        assert set(pdfs) == {
            *(f"attachments/invoices/{number}.pdf" for number in Invoice.objects.values_list("number", flat=True)),
            f"attachments/receipts/{Donation.objects.get().receipt_number}.pdf",
        }
        assert {info.compress_type for info in pdfs.values()} == {zipfile.ZIP_STORED}
        assert archive.read(f"attachments/invoices/{first.number}.pdf") == kept


def test_copies_go_with_the_account_while_the_invoices_stay(customer, other_customer):
    apply(placed(customer), paid(), donation(customer), placed(other_customer, number="WEB-2"), paid("WEB-2"))
    for invoice in Invoice.objects.all():
        documents.invoice_pdf(invoice, "en")
    documents.receipt_pdf(Donation.objects.get(), "fr")

    deletion.account_delete(customer=customer, actor=customer, channel=PrivacyRequest.Channel.ONLINE)

    assert Invoice.objects.count() == 2
    assert list(DocumentCopy.objects.values_list("customer", flat=True)) == [other_customer.pk]


def test_copies_go_with_invoices_past_their_legal_period(customer):
    apply(placed(customer), paid(), refund(), donation(customer))
    for invoice in Invoice.objects.all():
        documents.invoice_pdf(invoice, "en")
    documents.receipt_pdf(Donation.objects.get(), "en")
    assert DocumentCopy.objects.count() == 3

    after = timezone.make_aware(datetime.datetime(timezone.localdate().year + 11, 1, 2))
    dict(retention.apply_all(dry_run=False, now=after))

    assert not Invoice.objects.exists()
    assert not DocumentCopy.objects.exists()
