from django_tasks import task

from billing import documents, emails


@task()
def send_billing_email(message: str, object_id: int) -> None:
    """Send one of billing.emails.MESSAGES about an order, invoice or donation, from the worker."""
    emails.MESSAGES[message](object_id)


@task()
def draw_document_copy(invoice_id: int | None = None, donation_id: int | None = None) -> None:
    """Draw the PDF of a newly issued invoice, credit note or receipt, so that downloads and
    exports only read it."""
    documents.draw_copy(invoice_id=invoice_id, donation_id=donation_id)
