from django_tasks import task

from mailinglists import emails
from mailinglists.models import Subscription


@task()
def send_list_welcome(subscription_id: int) -> None:
    """Send a new member the list's welcome message, from the worker."""
    subscription = (
        Subscription.objects.active().select_related("customer", "mailing_list").filter(pk=subscription_id).first()
    )
    if subscription is None:
        return  # left the list, or erased with the account, between the request and the send
    emails.send_welcome(subscription)
