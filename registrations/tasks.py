from django_tasks import task

from accounts.models import Customer
from registrations import emails


@task()
def send_registration_email(message: str, customer_id: int, **kwargs) -> None:
    """Send one of registrations.emails.MESSAGES to a customer, from the worker."""
    customer = Customer.objects.filter(pk=customer_id, is_active=True).first()
    if customer is None:
        return  # the account was deleted between the request and the send
    emails.MESSAGES[message](customer, **kwargs)
