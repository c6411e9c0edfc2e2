import pytest

from accounts.models import AccountEvent
from tests.conftest import CommittingClient, log_in_staff

pytestmark = pytest.mark.django_db


def test_a_staff_view_of_the_record_appears_in_the_customers_history(customer_client, customer, staff):
    staff_client = CommittingClient()
    log_in_staff(staff_client, staff)
    assert staff_client.get(f"/admin/accounts/customer/{customer.pk}/change/").status_code == 200

    page = " ".join(customer_client.get("/account/history/", HTTP_ACCEPT_LANGUAGE="en").content.decode().split())

    assert "Your record opened by Mandrake staff" in page
    assert "by Mandrake staff" in page
    event = AccountEvent.objects.get(kind=AccountEvent.Kind.STAFF_VIEWED)
    assert (event.customer, event.actor) == (customer, staff)


def test_saving_the_record_in_the_admin_is_not_counted_as_a_view(customer, staff, client):
    log_in_staff(client, staff)

    client.get("/admin/accounts/customer/")  # the list is not a view of one record

    assert not AccountEvent.objects.filter(kind=AccountEvent.Kind.STAFF_VIEWED).exists()


def test_the_history_shows_only_the_customers_own_events(customer_client, other_customer):
    AccountEvent.objects.create(customer=other_customer, kind=AccountEvent.Kind.EMAIL_CHANGED)

    page = customer_client.get("/account/history/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Email address changed" not in page


@pytest.mark.parametrize("events", [3, 120])
def test_the_history_runs_a_constant_number_of_queries(customer_client, customer, django_assert_num_queries, events):
    AccountEvent.objects.bulk_create(
        AccountEvent(customer=customer, kind=AccountEvent.Kind.DETAILS_CORRECTED, changed_fields=["city"])
        for _ in range(events)
    )

    with django_assert_num_queries(4):  # session, customer, count, one page of events
        customer_client.get("/account/history/")


def test_the_history_is_paginated(customer_client, customer):
    AccountEvent.objects.bulk_create(
        AccountEvent(customer=customer, kind=AccountEvent.Kind.DETAILS_CORRECTED) for _ in range(60)
    )

    second = customer_client.get("/account/history/?page=2", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert second.count("Personal details corrected") == 10
    assert customer_client.get("/account/history/?page=abc").status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get("/account/history/")["Location"] == "/login/?next=/account/history/"


def test_staff_opening_a_registration_or_subscription_is_recorded_too(customer, staff):
    from mailinglists.models import MailingList, Subscription
    from tests.registrations.conftest import make_product, make_registration

    registration = make_registration(customer, make_product())
    mailing_list = MailingList.objects.create(name_en="Cooker", name_fr="Cooker", slug="cooker")
    subscription = Subscription.objects.create(customer=customer, mailing_list=mailing_list)
    staff_client = CommittingClient()
    log_in_staff(staff_client, staff)

    assert staff_client.get(f"/admin/registrations/registration/{registration.pk}/change/").status_code == 200
    assert staff_client.get(f"/admin/mailinglists/subscription/{subscription.pk}/change/").status_code == 200

    assert AccountEvent.objects.filter(customer=customer, kind=AccountEvent.Kind.STAFF_VIEWED, actor=staff).count() == 2
