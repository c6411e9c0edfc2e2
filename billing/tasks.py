from django_tasks import task

from billing import emails


@task()
def send_billing_email(message: str, object_id: int) -> None:
    """Send one of billing.emails.MESSAGES about an order, invoice or donation, from the worker."""
    emails.MESSAGES[message](object_id)
