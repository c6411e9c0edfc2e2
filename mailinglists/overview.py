"""The "Mailing lists" section of the account overview: the lists the customer receives."""

from accounts.overview import register_section
from mailinglists.models import Subscription


def _mailing_lists(customer) -> dict:
    subscriptions = (
        Subscription.objects.for_customer(customer)
        .receiving()
        .select_related("mailing_list")
        .order_by("mailing_list__position", "mailing_list__slug")
    )
    return {"subscriptions": subscriptions}


register_section("mailinglists/overview_section.html", order=20, queries=_mailing_lists)
