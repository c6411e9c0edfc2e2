"""The billing section of the account overview (/account/): the latest orders and donations."""

from accounts.overview import register_section
from billing.models import Donation, Order

RECENT = 3


def _billing(customer) -> dict:
    return {
        "orders": Order.objects.for_customer(customer)[:RECENT],
        "donations": Donation.objects.for_customer(customer)[:RECENT],
    }


register_section("billing/overview_section.html", order=60, queries=_billing)
