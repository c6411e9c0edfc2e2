import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.overview import sections_for
from tests.registrations.conftest import days_ago, make_disclosure, make_product, make_registration, page_text

pytestmark = pytest.mark.django_db


def test_the_overview_lists_registrations_with_their_support(customer_client, customer, product):
    make_registration(customer, product, serial="MDK-OLD0-0000-0001")
    make_registration(
        customer, make_product(edition="ProSuite"), serial="MDK-NEW0-0000-0001", purchase_date=days_ago(1)
    )

    text = page_text(customer_client.get("/account/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "Mandrake Linux 8.1 PowerPack MDK-OLD0-0000-0001 — Support ended on Dec. 14, 2001" in text
    assert "Mandrake Linux 8.1 ProSuite MDK-NEW0-0000-0001 — Support active until" in text
    assert "We have never given your registration data to a partner." in text


def test_the_overview_invites_to_register_when_there_is_nothing(customer_client):
    text = page_text(customer_client.get("/account/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "You have not registered any product yet." in text
    assert "Register a product" in text


def test_other_customers_registrations_are_not_shown(customer_client, other_registration):
    assert other_registration.serial not in customer_client.get("/account/").content.decode()


@pytest.mark.parametrize("rows", [0, 1, 5])
def test_the_section_is_read_in_the_overviews_one_query_whatever_the_customer_holds(
    customer, product, partner, staff, django_assert_num_queries, rows
):
    for number in range(rows):
        registration = make_registration(customer, product, serial=f"MDK-AAAA-0000-{number:04d}")
        make_disclosure(registration, partner, staff)

    # Registrations with their products and disclosures with their partners and products,
    # read in the one query of every section of the overview.
    with django_assert_num_queries(1):
        section = dict(sections_for(customer))["registrations/overview_section.html"]

    assert len(section["registrations"]) == rows
    assert len(section["disclosures"]) == rows


def test_the_whole_overview_costs_the_same_with_many_registrations(customer_client, customer, product, partner, staff):
    with CaptureQueriesContext(connection) as empty:
        customer_client.get("/account/")
    for number in range(6):
        registration = make_registration(customer, product, serial=f"MDK-AAAA-0000-{number:04d}")
        make_disclosure(registration, partner, staff)

    with CaptureQueriesContext(connection) as full:
        page = customer_client.get("/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert len(full) == len(empty)
    assert page.count("MDK-AAAA-0000-") == 6
