import pytest

from accounts.models import AccountEvent
from mandrakeonline.personal_data import registry

pytestmark = pytest.mark.django_db


def test_the_data_page_lists_every_kind_of_data_with_its_purpose(customer_client, customer):
    page = customer_client.get("/account/data/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    for declared in registry.personal_models():
        assert str(declared.title) in page
    for entry in registry.fields_of(type(customer)):
        assert str(entry.label) in page
    assert "To deliver the products you buy and to address your invoices." in page
    assert "so that it is never given to anyone else" in page


def test_the_data_page_counts_the_customers_own_records_only(customer_client, customer, other_customer):
    AccountEvent.objects.create(customer=customer, kind=AccountEvent.Kind.PASSWORD_CHANGED)
    AccountEvent.objects.create(customer=customer, kind=AccountEvent.Kind.EMAIL_VERIFIED)
    AccountEvent.objects.create(customer=other_customer, kind=AccountEvent.Kind.EMAIL_VERIFIED)

    page = " ".join(customer_client.get("/account/data/", HTTP_ACCEPT_LANGUAGE="en").content.decode().split())

    assert "2 records: what happened, fields changed, when" in page


@pytest.mark.parametrize("events", [0, 30])
def test_the_data_page_runs_a_constant_number_of_queries(customer_client, customer, django_assert_num_queries, events):
    AccountEvent.objects.bulk_create(
        AccountEvent(customer=customer, kind=AccountEvent.Kind.DETAILS_CORRECTED) for _ in range(events)
    )
    expected = 2 + len(registry.personal_models())  # session, customer, one per kind of data

    with django_assert_num_queries(expected):
        customer_client.get("/account/data/")


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get("/account/data/")["Location"] == "/login/?next=/account/data/"
