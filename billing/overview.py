"""The billing section of the account overview (/account/): the latest orders and
donations, in two queries whatever the customer holds."""

from accounts.overview import register_section
from billing.models import Donation, Order

RECENT = 3


def _billing(customer) -> dict:
    return {
        "orders": list(Order.objects.for_customer(customer)[:RECENT]),
        "donations": list(Donation.objects.for_customer(customer)[:RECENT]),
    }


register_section("billing/overview_section.html", order=60, context=_billing)
