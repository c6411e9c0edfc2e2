import pytest

from registrations.models import Configuration, Product, RegistrationEvent
from tests.conftest import CommittingClient, log_in_staff
from tests.registrations.conftest import days_ago, make_product, make_registration, page_text
from tests.test_admin_lists import assert_no_full_scan

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/registrations/registration/"


@pytest.fixture
def admin_client_(staff):
    client = CommittingClient()
    log_in_staff(client, staff)
    return client


def listed_serials(client, **params) -> set[str]:
    response = client.get(LIST_URL, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return {row.serial for row in response.context["cl"].result_list}


@pytest.fixture
def two_registrations(registration, other_registration):
    return registration, other_registration


@pytest.mark.parametrize(
    "term", ["MDK-AAAA-BBBB-CCCC", "mdk-aaaa-bbbb-cccc", " MDK AAAA BBBB-CCCC ", "MDKAAAABBBBCCCC", "bbbb-cccc"]
)
def test_support_finds_a_registration_by_serial_however_typed(admin_client_, two_registrations, term):
    assert listed_serials(admin_client_, q=term) == {"MDK-AAAA-BBBB-CCCC"}


def test_support_finds_registrations_by_customer_number_with_or_without_spaces(
    admin_client_, customer, two_registrations
):
    spaced = customer.formatted_number

    assert listed_serials(admin_client_, q=spaced) == {"MDK-AAAA-BBBB-CCCC"}
    assert listed_serials(admin_client_, q=customer.customer_number) == {"MDK-AAAA-BBBB-CCCC"}
    assert listed_serials(admin_client_, q=spaced.replace(" ", "-")) == {"MDK-AAAA-BBBB-CCCC"}


def test_support_finds_registrations_by_email_and_product(admin_client_, two_registrations, customer):
    make_registration(customer, make_product(edition="ProSuite"), serial="MDK-PRO0-0000-0001")

    assert listed_serials(admin_client_, q="BOB@example.org") == {"MDK-ZZZZ-YYYY-XXXX"}
    assert listed_serials(admin_client_, q="prosuite") == {"MDK-PRO0-0000-0001"}


def test_the_filters_by_product_and_support_status(admin_client_, customer, product):
    make_registration(customer, product, serial="MDK-OLD0-0000-0001", purchase_date=days_ago(61))
    make_registration(customer, product, serial="MDK-NEW0-0000-0001", purchase_date=days_ago(60))
    other = make_registration(customer, make_product(edition="Standard", support_days=0), serial="MDK-STD0-0000-0001")
    other.purchase_date = days_ago(0)
    other.save()

    assert listed_serials(admin_client_, support="active") == {"MDK-NEW0-0000-0001", "MDK-STD0-0000-0001"}
    assert listed_serials(admin_client_, support="expired") == {"MDK-OLD0-0000-0001"}
    assert listed_serials(admin_client_, product__id__exact=product.pk) == {"MDK-OLD0-0000-0001", "MDK-NEW0-0000-0001"}


def test_the_list_runs_a_constant_number_of_queries(admin_client_, customer, product, django_assert_max_num_queries):
    for number in range(15):
        make_registration(customer, product, serial=f"MDK-AAAA-0000-{number:04d}")

    with django_assert_max_num_queries(12):
        admin_client_.get(LIST_URL)


def test_the_change_page_shows_the_configuration_inline(admin_client_, registration, configuration):
    text = page_text(admin_client_.get(f"{LIST_URL}{registration.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "Configuration" in text
    assert "AMD Athlon" in text
    assert "2.4.8-26mdk" in text


def change_data(registration, configuration, **overrides):
    return {
        "customer": registration.customer.pk,
        "product": registration.product.pk,
        "serial": registration.serial,
        "purchase_date": "2001-10-15",
        "place_of_purchase": "",
        "support_contact_name": "",
        "support_contact_email": "",
        "support_contact_phone": "",
        "configuration-TOTAL_FORMS": "1",
        "configuration-INITIAL_FORMS": "1",
        "configuration-MIN_NUM_FORMS": "0",
        "configuration-MAX_NUM_FORMS": "1",
        "configuration-0-id": configuration.pk,
        "configuration-0-registration": registration.pk,
        "configuration-0-processor": configuration.processor,
        "configuration-0-memory_mib": configuration.memory_mib,
        "configuration-0-kernel_version": configuration.kernel_version,
        "configuration-0-disks": "[]",
        "disclosures-TOTAL_FORMS": "0",
        "disclosures-INITIAL_FORMS": "0",
        "disclosures-MIN_NUM_FORMS": "0",
        "disclosures-MAX_NUM_FORMS": "0",
        **overrides,
    }


def test_staff_corrections_are_recorded_with_their_name(admin_client_, staff, registration, configuration):
    response = admin_client_.post(
        f"{LIST_URL}{registration.pk}/change/",
        change_data(registration, configuration, place_of_purchase="Fnac", **{"configuration-0-memory_mib": "512"}),
    )

    assert response.status_code == 302
    configuration.refresh_from_db()
    assert configuration.memory_mib == 512
    events = {event.kind: event for event in RegistrationEvent.objects.all()}
    assert events[RegistrationEvent.Kind.CORRECTED].changed_fields == ["place_of_purchase"]
    assert events[RegistrationEvent.Kind.CONFIGURATION_CHANGED].changed_fields == ["memory_mib"]
    assert {event.actor for event in events.values()} == {staff}


def test_the_admin_checks_keys_and_dates_like_the_portal(
    admin_client_, registration, configuration, other_registration
):
    response = admin_client_.post(
        f"{LIST_URL}{registration.pk}/change/",
        change_data(registration, configuration, serial="mdk-zzzz-yyyy-xxxx", purchase_date="2001-01-01"),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "This key is already registered." in page
    assert "it cannot have been bought before" in page
    assert not RegistrationEvent.objects.exists()


def test_staff_deleting_a_registration_is_recorded(admin_client_, staff, registration):
    admin_client_.post(f"{LIST_URL}{registration.pk}/delete/", {"post": "yes"})

    event = RegistrationEvent.objects.get()
    assert (event.kind, event.actor, event.customer) == (RegistrationEvent.Kind.DELETED, staff, registration.customer)
    assert not Configuration.objects.exists()


def test_a_product_whose_example_does_not_match_its_format_is_refused(admin_client_):
    response = admin_client_.post(
        "/admin/registrations/product/add/",
        {
            "name": "Mandrake Linux",
            "edition": "PowerPack",
            "version": "9.0",
            "release_date": "2002-09-30",
            "serial_pattern": r"MDK-[0-9]{4}",
            "serial_example": "MDK-ABCD",
            "support_days": "60",
            "open_for_registration": "on",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert "The example does not match the key format." in response.content.decode()
    assert not Product.objects.exists()


def test_a_format_that_is_not_a_regular_expression_is_refused(admin_client_):
    response = admin_client_.post(
        "/admin/registrations/product/add/",
        {
            "name": "Mandrake Linux",
            "edition": "PowerPack",
            "version": "9.0",
            "release_date": "2002-09-30",
            "serial_pattern": "MDK-[0-9",
            "serial_example": "MDK-1",
            "support_days": "60",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert "This is not a valid regular expression" in response.content.decode()
    assert not Product.objects.exists()


@pytest.mark.parametrize("term", ["mdk aaaa", "bbbb-cccc", "alice@example.com", "4821 0937 5", "PowerPack"])
def test_each_registration_search_goes_through_indexes(admin_client_, two_registrations, term):
    queryset = admin_client_.get(LIST_URL, {"q": term}).context["cl"].queryset

    assert_no_full_scan(queryset, "registrations_registration")
    assert_no_full_scan(queryset, "accounts_customer")


def test_a_few_characters_of_a_key_are_not_searched_among_every_key(admin_client_, two_registrations):
    assert listed_serials(admin_client_, q="MDK") == set()
