import pytest
from django.utils import timezone

from registrations.models import Disclosure, RegistrationEvent
from tests.conftest import CommittingClient, link_in, log_in_staff, make_customer
from tests.registrations.conftest import make_disclosure, page_text

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/registrations/disclosure/add/"


def staff_client(member) -> CommittingClient:
    client = CommittingClient()
    log_in_staff(client, member)
    return client


def disclosure_form(registration, partner, **overrides):
    return {
        "registration": registration.pk,
        "partner": partner.pk,
        "data": ["identity", "postal_address", "hardware"],
        "reason": "You asked for a technician to install Mandrake Linux at home.",
        "disclosed_at_0": "2026-01-10",
        "disclosed_at_1": "14:30:00",
        **overrides,
    }


def test_support_records_a_disclosure_and_the_customer_is_told(support, registration, partner, customer, mailoutbox):
    response = staff_client(support).post(ADD_URL, disclosure_form(registration, partner), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    disclosure = Disclosure.objects.get()
    assert disclosure.customer == customer
    assert disclosure.product == registration.product
    assert disclosure.recorded_by == support
    assert disclosure.data == ["identity", "postal_address", "hardware"]
    event = RegistrationEvent.objects.get()
    assert (event.kind, event.actor, event.registration) == (RegistrationEvent.Kind.DISCLOSED, support, registration)
    (message,) = mailoutbox
    assert message.to == [customer.email]
    assert message.subject == "We gave some of your registration data to Pingouin Services"
    assert "You asked for a technician to install Mandrake Linux at home." in message.body
    assert "- Postal address" in message.body
    assert link_in(message) == f"/account/registrations/{registration.pk}/"


def test_the_notice_is_written_in_the_customers_language(support, other_registration, partner, mailoutbox):
    staff_client(support).post(ADD_URL, disclosure_form(other_registration, partner))

    (message,) = mailoutbox
    # other_customer speaks French; the partner's name comes from our data.
    assert 'lang="fr"' in message.alternatives[0][0]
    assert "Pingouin Services" in message.subject


def test_the_customer_sees_the_disclosure_on_the_registration_page_and_the_overview(
    customer_client, registration, partner, staff
):
    make_disclosure(registration, partner, staff, reason="You asked for on-site installation.")

    detail = page_text(customer_client.get(f"/account/registrations/{registration.pk}/", HTTP_ACCEPT_LANGUAGE="en"))
    overview = page_text(customer_client.get("/account/", HTTP_ACCEPT_LANGUAGE="en"))

    for text in (detail, overview):
        assert "Pingouin Services (France)" in text
        assert "You asked for on-site installation." in text
        assert "Name and customer number" in text
        assert "Hardware (processor, memory, disks, cards, printer, device list)" in text
    assert "We have never given" not in detail


def test_disclosures_are_shown_only_to_the_customer_concerned(
    client, other_customer, registration, other_registration, partner, staff
):
    make_disclosure(registration, partner, staff, reason="Secret reason about Alice.")
    client.force_login(other_customer)

    overview = client.get("/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    own_page = client.get(f"/account/registrations/{other_registration.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert "Secret reason about Alice." not in overview
    assert "Pingouin Services" not in overview
    assert "We have never given your registration data to a partner." in overview
    assert "Pingouin Services" not in own_page.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"data": []}, "This field is required."),
        ({"data": ["bank_account"]}, "Select a valid choice."),
        ({"reason": ""}, "This field is required."),
        ({"registration": "999999"}, "Select a valid choice."),
        # The page no longer marks the field required (see DisclosureForm); the form still does.
        ({"registration": ""}, "This field is required."),
        ({"disclosed_at_0": "2999-01-01"}, "A disclosure is recorded once it has happened, not before."),
        ({"reason": "card 4111 1111 1111 1111"}, "This looks like a payment card number."),
    ],
)
def test_an_incomplete_disclosure_is_refused(support, registration, partner, overrides, message, mailoutbox):
    data = {**disclosure_form(registration, partner), **overrides}

    response = staff_client(support).post(ADD_URL, data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Disclosure.objects.exists()
    assert mailoutbox == []


def test_staff_without_the_permission_cannot_record_a_disclosure(registration, partner, mailoutbox):
    clerk = make_customer("clerk@example.com", is_staff=True)

    response = staff_client(clerk).post(ADD_URL, disclosure_form(registration, partner))

    assert response.status_code == 403
    assert not Disclosure.objects.exists()


def test_a_recorded_disclosure_cannot_be_changed_or_deleted_in_the_admin(staff, registration, partner):
    disclosure = make_disclosure(registration, partner, staff)
    admin = staff_client(staff)

    change = admin.post(
        f"/admin/registrations/disclosure/{disclosure.pk}/change/", disclosure_form(registration, partner, reason="x")
    )
    delete = admin.post(f"/admin/registrations/disclosure/{disclosure.pk}/delete/", {"post": "yes"})
    bulk = admin.post(
        "/admin/registrations/disclosure/", {"action": "delete_selected", "_selected_action": [disclosure.pk]}
    )

    assert change.status_code == 403
    assert delete.status_code == 403
    assert "delete_selected" not in admin.get("/admin/registrations/disclosure/").content.decode()
    assert bulk.status_code == 200  # the admin answers "no action selected"
    disclosure.refresh_from_db()
    assert disclosure.reason == "You asked for on-site installation."
    assert Disclosure.objects.count() == 1


def test_the_recorded_disclosure_reads_in_the_admin(staff, registration, partner):
    disclosure = make_disclosure(registration, partner, staff)

    page = staff_client(staff).get(
        f"/admin/registrations/disclosure/{disclosure.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"
    )

    text = page_text(page)
    assert page.status_code == 200
    assert "Name and customer number; Hardware" in text
    assert registration.customer.formatted_number in text


def test_the_registration_admin_links_to_a_prefilled_disclosure_form(staff, registration):
    admin = staff_client(staff)

    change = admin.get(f"/admin/registrations/registration/{registration.pk}/change/").content.decode()
    add = admin.get(f"{ADD_URL}?registration={registration.pk}").content.decode()

    assert f"{ADD_URL}?registration={registration.pk}" in change
    assert f'<option value="{registration.pk}" selected>' in add


def test_a_disclosure_outlives_the_account_but_no_longer_names_the_person(customer, registration, partner, staff):
    disclosure = make_disclosure(registration, partner, staff)

    customer.delete()

    disclosure.refresh_from_db()
    assert disclosure.customer is None
    assert disclosure.registration is None
    assert disclosure.partner == partner
    assert disclosure.product == registration.product
    assert disclosure.disclosed_at <= timezone.now()


def test_the_admin_list_says_when_the_account_is_gone(staff, customer, registration, partner):
    make_disclosure(registration, partner, staff)
    customer.delete()

    page = staff_client(staff).get("/admin/registrations/disclosure/", HTTP_ACCEPT_LANGUAGE="en")

    assert "(account deleted)" in page.content.decode()
