import pytest
from django.urls import reverse

from accounts.models import AccountEvent, Customer
from mandrakeonline.personal_data import registry
from tests.conftest import link_in, log_in_staff

pytestmark = pytest.mark.django_db

ACCOUNT_URLS = ["/account/", "/account/profile/", "/account/address/", "/account/email/"]


@pytest.mark.parametrize("url", ACCOUNT_URLS)
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_the_overview_shows_every_registered_personal_field(customer_client, customer):
    customer.address_line1 = "3 Penny Lane"
    customer.city = "Liverpool"
    customer.country = "GB"
    customer.save()

    page = customer_client.get("/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    for entry in registry.fields_of(Customer):
        assert str(entry.label).capitalize() in page
    for value in ("3 Penny Lane", "Liverpool", "United Kingdom", "alice@example.com", customer.formatted_number):
        assert value in page


@pytest.mark.parametrize("history_length", [0, 40])
def test_the_overview_runs_a_constant_number_of_queries(
    customer_client, customer, django_assert_num_queries, history_length
):
    AccountEvent.objects.bulk_create(
        AccountEvent(customer=customer, kind=AccountEvent.Kind.DETAILS_CORRECTED, changed_fields=["city"])
        for _ in range(history_length)
    )

    # Session, customer, and every section's rows (recent history, mailing lists,
    # registrations and their disclosures, orders and donations) in one query.
    with django_assert_num_queries(3):
        customer_client.get("/account/")


def test_the_overview_lists_recent_changes_and_who_made_them(customer_client, customer, staff, client):
    customer_client.post("/account/profile/", {"first_name": "Alicia", "last_name": "Durand", "language": "en"})
    staff_client = client.__class__()
    log_in_staff(staff_client, staff)
    staff_client.post(
        f"/admin/accounts/customer/{customer.pk}/change/",
        {
            "first_name": "Alicia",
            "last_name": "Durand",
            "email": customer.email,
            "language": "en",
            "city": "Cork",
            "country": "IE",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00",
        },
    )

    page = " ".join(customer_client.get("/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode().split())

    assert "Personal details corrected (first name), by you" in page
    assert "Personal details corrected (city, country), by Mandrake staff" in page
    assert [event.actor for event in AccountEvent.objects.for_customer(customer).order_by("created_at")] == [
        customer,
        staff,
    ]


def test_other_customers_history_is_not_shown(customer_client, other_customer):
    AccountEvent.objects.create(customer=other_customer, kind=AccountEvent.Kind.PASSWORD_CHANGED)

    page = customer_client.get("/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Password changed" not in page


def test_correcting_the_name_and_language(customer_client, customer):
    response = customer_client.post(
        "/account/profile/", {"first_name": " Alicia ", "last_name": "Durand-Smith", "language": "fr"}
    )

    assert response["Location"] == "/account/"
    assert response.cookies["django_language"].value == "fr"
    customer.refresh_from_db()
    assert (customer.first_name, customer.last_name, customer.language) == ("Alicia", "Durand-Smith", "fr")


def test_a_blank_name_is_refused_and_nothing_changes(customer_client, customer):
    response = customer_client.post(
        "/account/profile/", {"first_name": "", "last_name": "Else", "language": "fr"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    customer.refresh_from_db()
    assert (customer.last_name, customer.language) == ("Durand", "en")


def test_correcting_the_postal_address(customer_client, customer):
    response = customer_client.post(
        "/account/address/",
        {
            "address_line1": "Rua Augusta 100",
            "address_line2": "3º esq.",
            "postal_code": "1100-053",
            "city": "Lisboa",
            "region": "",
            "country": "PT",
        },
    )

    assert response["Location"] == "/account/"
    customer.refresh_from_db()
    assert customer.address_lines() == ["Rua Augusta 100", "3º esq.", "1100-053 Lisboa", "Portugal"]


def test_a_partial_address_is_refused_and_nothing_changes(customer_client, customer):
    response = customer_client.post(
        "/account/address/", {"address_line1": "Rua Augusta 100", "country": "ZZ"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    page = response.content.decode()
    assert "Enter the city." in page
    assert "Select a valid choice. ZZ is not one of the available choices." in page
    customer.refresh_from_db()
    assert customer.address_line1 == ""


def test_the_address_can_be_removed(customer_client, customer):
    customer.address_line1, customer.city, customer.country = "1 Main St", "Springfield", "US"
    customer.save()

    customer_client.post("/account/address/", {})

    customer.refresh_from_db()
    assert not customer.has_address


def test_an_unverified_address_can_ask_for_a_new_link(customer_client, customer, mailoutbox):
    customer.email_verified_at = None
    customer.save()

    customer_client.post("/account/email/verify/")

    assert [message.subject for message in mailoutbox] == ["Confirm your email address"]
    customer_client.post(link_in(mailoutbox[0], "/verify-email/"))
    customer.refresh_from_db()
    assert customer.email_verified
