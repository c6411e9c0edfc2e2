"""The PDFs of invoices, credit notes and donation receipts: drawn once per language, then
read back from their DocumentCopy.

A copy in the customer's language is drawn by a task as soon as the document is issued, so
that downloads and exports only read it; a copy in another language (a customer reading the
site in French, an English invoice) is drawn the first time it is asked for.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation

from billing import pdf
from billing.models import DocumentCopy, Donation, Invoice


def _invoices():
    return Invoice.objects.select_related("order", "corrects").prefetch_related("lines")


def _store(document, language: str, content: bytes) -> None:
    if isinstance(document, Invoice):
        copy = DocumentCopy(invoice=document, customer_id=document.order.customer_id)
    else:
        copy = DocumentCopy(donation=document, customer_id=document.customer_id)
    copy.language, copy.pdf = language, content
    try:
        # Savepoint: two requests drawing the same copy at once, the second one's insert
        # fails on the unique constraint and must not spoil the caller's transaction.
        with transaction.atomic():
            copy.save()
    except IntegrityError:
        pass


def _drawn(document, language: str) -> bytes:
    render = pdf.render_invoice if isinstance(document, Invoice) else pdf.render_receipt
    with translation.override(language):
        content = render(document)
    _store(document, language, content)
    return content


def _stored(filters: dict) -> bytes | None:
    found = DocumentCopy.objects.filter(**filters).values_list("pdf", flat=True).first()
    return None if found is None else bytes(found)


def _active_language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def invoice_pdf(invoice: Invoice, language: str | None = None) -> bytes:
    """The invoice's PDF in the language (by default, the active one)."""
    language = language or _active_language()
    return _stored({"invoice": invoice, "language": language}) or _drawn(invoice, language)


def receipt_pdf(donation: Donation, language: str | None = None) -> bytes:
    """The donation receipt's PDF in the language (by default, the active one)."""
    language = language or _active_language()
    return _stored({"donation": donation, "language": language}) or _drawn(donation, language)


def draw_missing_copies(customer, language: str) -> int:
    """Draw and keep the customer's documents that have no copy in the language yet (issued
    before copies were kept, or while the worker was behind); how many were drawn."""
    invoices = _invoices().filter(order__customer=customer).exclude(copies__language=language)
    donations = Donation.objects.for_customer(customer).exclude(copies__language=language)
    drawn = 0
    for document in [*invoices.order_by("issued_at", "pk"), *donations.order_by("received_at", "pk")]:
        _drawn(document, language)
        drawn += 1
    return drawn


def copies_of(customer, language: str):
    """(file name, PDF) of each of the customer's copies in the language, read a few at a
    time (each is tens of kilobytes), with no more of their documents than the names."""
    rows = (
        DocumentCopy.objects.filter(customer=customer, language=language)
        .order_by("invoice__issued_at", "donation__received_at", "pk")
        .values_list("invoice__number", "donation__receipt_number", "pdf")
        .iterator(chunk_size=50)
    )
    for invoice_number, receipt_number, content in rows:
        yield DocumentCopy.name_for(invoice_number, receipt_number), bytes(content)


def draw_copy(*, invoice_id: int | None = None, donation_id: int | None = None) -> None:
    """Draw the copy of a newly issued document in its customer's language."""
    if invoice_id is not None:
        document = _invoices().select_related("order__customer").filter(pk=invoice_id).first()
        customer = document and document.order.customer
    else:
        document = Donation.objects.select_related("customer").filter(pk=donation_id).first()
        customer = document and document.customer
    if document is None:
        return  # purged before the worker came to it
    language = customer.language if customer else settings.LANGUAGE_CODE
    if invoice_id is not None:
        invoice_pdf(document, language)
    else:
        receipt_pdf(document, language)
