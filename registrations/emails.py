"""Every email the registrations app sends, one function each, in the customer's language."""

from django.urls import reverse

from accounts.models import Customer
from mandrakeonline.mail import absolute_url, send_templated_email
from registrations.models import Disclosure


def send_disclosure_notice(customer: Customer, disclosure_id: int) -> None:
    # Fetched through the customer: a notice only ever describes their own data.
    disclosure = (
        Disclosure.objects.for_customer(customer).select_related("partner", "product").filter(pk=disclosure_id).first()
    )
    if disclosure is None:
        return
    if disclosure.registration_id is not None:
        page = reverse("registrations:detail", args=[disclosure.registration_id])
    else:
        page = reverse("registrations:list")
    send_templated_email(
        to=customer.email,
        template="registrations_disclosure_notice",
        context={"customer": customer, "disclosure": disclosure, "page_url": absolute_url(page)},
        language=customer.language,
    )


MESSAGES = {
    "disclosure_notice": send_disclosure_notice,
}
