import pytest

from accounts.overview import sections_for
from mailinglists.models import Subscription
from tests.mailinglists.conftest import make_list, subscribe

pytestmark = pytest.mark.django_db


def test_the_overview_shows_the_lists_i_receive(customer_client, customer, subscription, announcements, closed_list):
    subscribe(customer, announcements, status=Subscription.Status.UNSUBSCRIBED)
    subscribe(customer, closed_list, status=Subscription.Status.SUSPENDED)

    page = " ".join(customer_client.get("/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode().split())

    assert '<h2 class="card-title h4" id="mailing-lists-title">Mailing lists</h2>' in page
    assert "<li>Cooker (development)</li>" in page
    assert '<li>Partners <span class="badge text-bg-warning">Suspended: mail to the address bounced</span>' in page
    assert "Mandrake announcements" not in page
    assert '<a href="/account/lists/">Join or leave mailing lists</a>' in page


def test_the_overview_says_when_i_am_on_no_list(customer_client, cooker):
    page = customer_client.get("/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "You are on no mailing list." in page


@pytest.mark.parametrize("list_count", [0, 1, 15])
def test_the_overview_sections_run_in_one_query_whatever_the_lists(customer, django_assert_num_queries, list_count):
    for number in range(list_count):
        subscribe(customer, make_list(f"list-{number}"))

    with django_assert_num_queries(1):
        context = dict(sections_for(customer))["mailinglists/overview_section.html"]
        names = [subscription.mailing_list.name for subscription in context["subscriptions"]]

    assert len(names) == list_count
