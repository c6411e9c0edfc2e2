"""The registrations section of the account overview: registrations and disclosures to partners."""

from accounts.overview import register_section
from registrations.models import Disclosure, Registration


def _registrations(customer) -> dict:
    return {
        "registrations": Registration.objects.for_customer(customer).select_related("product"),
        "disclosures": Disclosure.objects.for_customer(customer).select_related("partner", "product"),
    }


register_section("registrations/overview_section.html", order=40, queries=_registrations)
