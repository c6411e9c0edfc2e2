import pytest
from django.utils import translation
from django.utils.formats import date_format

from registrations.models import Configuration, Disclosure, Registration, RegistrationEvent
from tests.registrations.conftest import days_ago, make_disclosure, make_product, make_registration, page_text

pytestmark = pytest.mark.django_db


def owned_urls(pk: int) -> list[str]:
    return [
        f"/account/registrations/{pk}/",
        f"/account/registrations/{pk}/edit/",
        f"/account/registrations/{pk}/configuration/",
        f"/account/registrations/{pk}/delete/",
    ]


@pytest.mark.parametrize("url", ["/account/registrations/", *owned_urls(1)])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


@pytest.mark.parametrize("index", range(4))
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_customer_gets_404_on_every_registration_url(
    client, other_customer, registration, configuration, index, method
):
    client.force_login(other_customer)
    url = owned_urls(registration.pk)[index]

    response = getattr(client, method)(url, {"serial": "MDK-ZZZZ-ZZZZ-ZZZZ", "processor": "hijacked"})

    assert response.status_code == 404
    registration.refresh_from_db()
    configuration.refresh_from_db()
    assert registration.serial == "MDK-AAAA-BBBB-CCCC"
    assert configuration.processor == "AMD Athlon"
    assert not RegistrationEvent.objects.exists()


@pytest.mark.parametrize("url", [*owned_urls(987654), *owned_urls(10**30), "/account/registrations/-1/"])
def test_a_registration_that_does_not_exist_is_a_404(customer_client, url):
    assert customer_client.get(url).status_code == 404
    assert customer_client.post(url).status_code == 404


def test_the_list_shows_only_the_customers_registrations(customer_client, registration, other_registration):
    page = customer_client.get("/account/registrations/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert registration.serial in page
    assert other_registration.serial not in page


def test_the_list_says_when_there_is_nothing_yet(customer_client):
    page = customer_client.get("/account/registrations/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "You have not registered any product yet." in page


@pytest.mark.parametrize("rows", [0, 1, 7])
def test_the_list_runs_a_constant_number_of_queries(customer_client, customer, django_assert_num_queries, rows):
    for number in range(rows):
        product = make_product(version=f"8.{number}")
        registration = make_registration(customer, product, serial=f"MDK-AAAA-BBBB-000{number}")
        RegistrationEvent.objects.create(
            customer=customer, registration=registration, product=product, kind=RegistrationEvent.Kind.REGISTERED
        )

    # Session, customer, registrations with their products, recent history with products.
    with django_assert_num_queries(4):
        response = customer_client.get("/account/registrations/")

    assert response.content.decode().count("MDK-AAAA-BBBB-000") == rows


@pytest.mark.parametrize("rows", [0, 1, 6])
def test_the_registration_page_runs_a_constant_number_of_queries(
    customer_client, customer, registration, configuration, partner, staff, django_assert_num_queries, rows
):
    for _ in range(rows):
        make_disclosure(registration, partner, staff)
        RegistrationEvent.objects.create(
            customer=customer, registration=registration, product=registration.product, kind="corrected"
        )

    # Session, customer, registration with product and configuration, disclosures, history.
    with django_assert_num_queries(5):
        customer_client.get(f"/account/registrations/{registration.pk}/")


def test_the_page_says_support_is_active_and_until_when(customer_client, customer, product):
    registration = make_registration(customer, product, purchase_date=days_ago(10))

    response = customer_client.get(f"/account/registrations/{registration.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    with translation.override("en"):
        until = date_format(registration.support_ends_on, "DATE_FORMAT")
    assert f"Support active until {until}" in page_text(response)
    assert "50 days left." in page_text(response)


def test_the_page_says_when_support_ended(customer_client, registration):
    response = customer_client.get(f"/account/registrations/{registration.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert "Support ended on Dec. 14, 2001" in page_text(response)
    assert "days left" not in page_text(response)


def test_support_is_active_through_its_last_day(customer, product):
    last_day = make_registration(customer, product, purchase_date=days_ago(60))
    day_after = make_registration(customer, product, serial="MDK-AAAA-BBBB-0002", purchase_date=days_ago(61))

    assert last_day.support_is_active
    assert not day_after.support_is_active
    assert set(Registration.objects.support_active(days_ago(0))) == {last_day}
    assert set(Registration.objects.support_expired(days_ago(0))) == {day_after}


def test_a_customer_corrects_a_registration(customer_client, customer, registration):
    response = customer_client.post(
        f"/account/registrations/{registration.pk}/edit/",
        {
            "product": registration.product.pk,
            "serial": "mdk-aaaa-bbbb-cccd",
            "purchase_date": "2001-11-02",
            "place_of_purchase": "Virgin Megastore",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 302
    assert response["Location"] == f"/account/registrations/{registration.pk}/"
    registration.refresh_from_db()
    assert registration.serial == "MDK-AAAA-BBBB-CCCD"
    assert registration.place_of_purchase == "Virgin Megastore"
    event = RegistrationEvent.objects.get()
    assert event.kind == RegistrationEvent.Kind.CORRECTED
    assert event.actor == customer
    assert event.changed_fields == ["serial", "purchase_date", "place_of_purchase"]


def test_a_correction_that_breaks_a_rule_changes_nothing(customer_client, registration, other_registration):
    response = customer_client.post(
        f"/account/registrations/{registration.pk}/edit/",
        {"product": registration.product.pk, "serial": other_registration.serial, "purchase_date": "2001-11-02"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert "This key is already registered." in response.content.decode()
    registration.refresh_from_db()
    assert registration.serial == "MDK-AAAA-BBBB-CCCC"
    assert not RegistrationEvent.objects.exists()


def test_saving_without_changes_records_nothing(customer_client, registration):
    customer_client.post(
        f"/account/registrations/{registration.pk}/edit/",
        {"product": registration.product.pk, "serial": registration.serial, "purchase_date": "2001-10-15"},
    )

    assert not RegistrationEvent.objects.exists()


def test_a_registration_of_a_withdrawn_product_can_still_be_corrected(customer_client, registration):
    registration.product.open_for_registration = False
    registration.product.save()

    response = customer_client.post(
        f"/account/registrations/{registration.pk}/edit/",
        {"product": registration.product.pk, "serial": registration.serial, "purchase_date": "2001-10-20"},
    )

    assert response.status_code == 302
    registration.refresh_from_db()
    assert str(registration.purchase_date) == "2001-10-20"


def test_deleting_asks_first_on_get(customer_client, registration):
    response = customer_client.get(f"/account/registrations/{registration.pk}/delete/", HTTP_ACCEPT_LANGUAGE="en")

    assert "Delete the registration" in response.content.decode()
    assert Registration.objects.filter(pk=registration.pk).exists()


def test_a_customer_deletes_a_registration_and_its_configuration(
    customer_client, customer, registration, configuration
):
    response = customer_client.post(f"/account/registrations/{registration.pk}/delete/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    assert response["Location"] == "/account/registrations/"
    assert not Registration.objects.exists()
    assert not Configuration.objects.exists()
    event = RegistrationEvent.objects.get()
    assert (event.kind, event.actor, event.registration) == (RegistrationEvent.Kind.DELETED, customer, None)
    page = customer_client.get("/account/registrations/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Registration deleted: Mandrake Linux 8.1 PowerPack, by you" in page_text(page)


def test_deleting_a_registration_keeps_its_disclosures_for_the_customer(
    customer_client, customer, registration, partner, staff
):
    disclosure = make_disclosure(registration, partner, staff)
    confirm = customer_client.get(f"/account/registrations/{registration.pk}/delete/", HTTP_ACCEPT_LANGUAGE="en")
    assert "The records of the data we gave to partners stay" in confirm.content.decode()

    customer_client.post(f"/account/registrations/{registration.pk}/delete/")

    disclosure.refresh_from_db()
    assert disclosure.registration is None
    assert disclosure.customer == customer
    overview = customer_client.get("/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Pingouin Services" in overview
    assert "registration deleted" in overview
    assert Disclosure.objects.count() == 1
