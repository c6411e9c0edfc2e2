"""The registrations section of the account overview: two queries, whatever the customer holds."""

from accounts.overview import register_section
from registrations.models import Disclosure, Registration


def _registrations(customer) -> dict:
    return {
        "registrations": list(Registration.objects.for_customer(customer).select_related("product")),
        "disclosures": list(Disclosure.objects.for_customer(customer).select_related("partner", "product")),
    }


register_section("registrations/overview_section.html", order=40, context=_registrations)
