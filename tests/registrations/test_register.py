import datetime

import pytest

from registrations.models import Registration, RegistrationEvent
from tests.registrations.conftest import days_ago, make_product

pytestmark = pytest.mark.django_db

URL = "/account/registrations/new/"


def form_data(product, **overrides):
    return {
        "product": product.pk,
        "serial": "MDK-4B7Q-2KD9-XW31",
        "purchase_date": "2001-10-15",
        "place_of_purchase": "Fnac Paris",
        **overrides,
    }


def post(client, data):
    return client.post(URL, data, HTTP_ACCEPT_LANGUAGE="en")


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={URL}"


def test_the_form_lists_open_products_with_their_key_example(customer_client, product):
    make_product(version="7.2", edition="Standard", open_for_registration=False)

    page = customer_client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Mandrake Linux 8.1 PowerPack" in page
    assert "MDK-7F3K-92QX-L0PA" in page
    assert "7.2" not in page


def test_a_customer_registers_a_product_and_is_asked_for_the_configuration(customer_client, customer, product):
    response = post(customer_client, form_data(product))

    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/account/registrations/{registration.pk}/configuration/"
    assert registration.customer == customer
    assert registration.serial == "MDK-4B7Q-2KD9-XW31"
    assert registration.purchase_date == datetime.date(2001, 10, 15)
    assert registration.support_ends_on == datetime.date(2001, 12, 14)
    event = RegistrationEvent.objects.get()
    assert (event.kind, event.actor, event.registration) == (RegistrationEvent.Kind.REGISTERED, customer, registration)


def test_keys_are_stored_in_capitals_without_spaces(customer_client, product):
    post(customer_client, form_data(product, serial="  mdk-4b7q-2kd9-xw31 "))

    assert Registration.objects.get().serial == "MDK-4B7Q-2KD9-XW31"


@pytest.mark.parametrize(
    "serial", ["MDK-4B7Q-2KD9", "ABC-4B7Q-2KD9-XW31", "MDK-4B7Q-2KD9-XW31-0000", "MDK_4B7Q_2KD9_XW31"]
)
def test_a_key_in_the_wrong_format_is_refused_with_the_expected_format(customer_client, product, serial):
    response = post(customer_client, form_data(product, serial=serial))

    assert response.status_code == 200
    page = response.content.decode()
    assert "This is not a key of Mandrake Linux 8.1 PowerPack: its keys look like MDK-7F3K-92QX-L0PA." in page
    assert not Registration.objects.exists()


def test_a_key_registered_by_someone_else_is_refused_without_saying_who(
    customer_client, product, other_customer, other_registration
):
    response = post(customer_client, form_data(product, serial=" mdk-zzzz-yyyy-xxxx"))

    page = response.content.decode()
    assert "This key is already registered." in page
    assert other_customer.email not in page
    assert other_customer.formatted_number not in page
    assert other_customer.last_name not in page
    assert Registration.objects.count() == 1


def test_registering_ones_own_key_twice_says_so(customer_client, customer, product, registration):
    response = post(customer_client, form_data(product, serial=registration.serial.lower()))

    assert "You have already registered this key." in response.content.decode()
    assert Registration.objects.count() == 1


def test_the_same_key_may_belong_to_two_different_products(customer_client, product, other_registration):
    other_product = make_product(edition="ProSuite")

    post(customer_client, form_data(other_product, serial=other_registration.serial))

    assert Registration.objects.filter(serial=other_registration.serial).count() == 2


def test_a_purchase_date_in_the_future_is_refused(customer_client, product):
    tomorrow = days_ago(-1).isoformat()

    response = post(customer_client, form_data(product, purchase_date=tomorrow))

    assert "The purchase date cannot be in the future." in response.content.decode()
    assert not Registration.objects.exists()


def test_a_purchase_before_the_release_is_refused(customer_client, product):
    response = post(customer_client, form_data(product, purchase_date="2001-09-27"))

    assert "Mandrake Linux 8.1 PowerPack came out on Sept. 28, 2001: it cannot have been bought before." in (
        response.content.decode()
    )
    assert not Registration.objects.exists()


def test_a_purchase_on_the_release_day_and_today_are_accepted(customer_client, product):
    post(customer_client, form_data(product, purchase_date="2001-09-28"))
    post(customer_client, form_data(product, serial="MDK-0000-0000-0001", purchase_date=days_ago(0).isoformat()))

    assert Registration.objects.count() == 2


@pytest.mark.parametrize("purchase_date", ["15/10/2001", "2001-02-30", "yesterday", ""])
def test_a_purchase_date_that_is_not_a_date_is_refused(customer_client, product, purchase_date):
    response = post(customer_client, form_data(product, purchase_date=purchase_date))

    assert response.status_code == 200
    assert "Purchase date:" in response.content.decode()
    assert not Registration.objects.exists()


def test_a_product_closed_for_registration_cannot_be_chosen_even_by_a_tampered_form(customer_client, product):
    product.open_for_registration = False
    product.save()

    response = post(customer_client, form_data(product))

    assert "Select a valid choice." in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.parametrize("product_id", ["999999", "abc", "-1", "1 OR 1=1"])
def test_a_tampered_product_is_refused(customer_client, product, product_id):
    response = customer_client.post(URL, {**form_data(product), "product": product_id}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert not Registration.objects.exists()


def test_a_card_number_is_refused_in_the_place_of_purchase(customer_client, product):
    response = post(customer_client, form_data(product, place_of_purchase="paid with 4111 1111 1111 1111"))

    assert "This looks like a payment card number." in response.content.decode()
    assert not Registration.objects.exists()


def test_support_contact_details_are_checked(customer_client, product):
    response = post(
        customer_client,
        form_data(product, support_contact_email="not-an-email", support_contact_phone="call me maybe"),
    )

    page = response.content.decode()
    assert "Enter a valid email address." in page
    assert "Enter a phone number with digits, spaces and an optional + in front." in page
    assert not Registration.objects.exists()


def test_a_race_on_the_same_key_ends_in_the_form_message_not_an_error(
    customer_client, product, other_customer, other_registration, monkeypatch
):
    # As if the other customer's registration had committed between the form's checks and
    # this save: the checks see nothing, the unique constraint decides.
    monkeypatch.setattr(Registration, "_serial_taken", lambda self: False)
    monkeypatch.setattr(Registration, "validate_constraints", lambda self, exclude=None: None)

    response = post(customer_client, form_data(product, serial=other_registration.serial))

    assert response.status_code == 200
    assert "This key is already registered." in response.content.decode()
    assert Registration.objects.get().customer == other_customer
    assert not RegistrationEvent.objects.exists()
