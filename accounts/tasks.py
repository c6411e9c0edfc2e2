from django_tasks import task

from accounts import emails
from accounts.models import Customer


@task()
def send_account_email(message: str, customer_id: int, **kwargs) -> None:
    """Send one of accounts.emails.MESSAGES to a customer, from the worker."""
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        return  # the account was deleted between the request and the send
    emails.MESSAGES[message](customer, **kwargs)
