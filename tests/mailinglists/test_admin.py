import csv
import io

import pytest
from django.contrib.auth.models import Group, Permission

from mailinglists.models import MailingList, SubscriberExport, Subscription, SubscriptionEvent
from tests.conftest import log_in_staff, make_customer
from tests.mailinglists.conftest import make_list, subscribe
from tests.test_admin_lists import assert_no_full_scan

pytestmark = pytest.mark.django_db

Status = Subscription.Status
LISTS_URL = "/admin/mailinglists/mailinglist/"
SUBSCRIPTIONS_URL = "/admin/mailinglists/subscription/"


def export_url(mailing_list) -> str:
    return f"{LISTS_URL}{mailing_list.pk}/export/"


def read_csv(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(content)))


@pytest.fixture
def support_agent(db):
    """Staff who may see subscriptions, but not export them."""
    agent = make_customer("support@example.com", first_name="Sue", last_name="Port", is_staff=True)
    agent.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_mailinglist", "view_subscription", "change_subscription"])
    )
    return agent


@pytest.mark.parametrize("list_count", [5, 50])
def test_the_list_page_counts_active_subscribers_in_one_query(
    staff_client, customer, other_customer, django_assert_num_queries, list_count
):
    for number in range(list_count):
        mailing_list = make_list(f"list-{number:02}")
        subscribe(customer, mailing_list)
        subscribe(other_customer, mailing_list, status=Status.UNSUBSCRIBED if number % 2 else Status.ACTIVE)

    # Session, staff member, their second-factor device, the total count, the filtered
    # count, the page of lists with their counts: the same whatever the number of lists.
    with django_assert_num_queries(6):
        response = staff_client.get(LISTS_URL, {"all": ""})

    results = list(response.context["cl"].result_list)
    assert len(results) == list_count
    assert [mailing_list.active_subscriber_count for mailing_list in results[:2]] == [2, 1]


def test_staff_find_subscriptions_by_a_spaced_customer_number(staff_client, customer, other_customer, cooker):
    mine = subscribe(customer, cooker)
    subscribe(other_customer, cooker)

    for typed in (customer.formatted_number, customer.formatted_number.replace(" ", "-"), customer.customer_number):
        response = staff_client.get(SUBSCRIPTIONS_URL, {"q": typed})
        assert list(response.context["cl"].result_list) == [mine], typed


def test_staff_find_subscriptions_by_email(staff_client, customer, other_customer, cooker):
    subscribe(customer, cooker)
    theirs = subscribe(other_customer, cooker)

    response = staff_client.get(SUBSCRIPTIONS_URL, {"q": "bob@example"})

    assert list(response.context["cl"].result_list) == [theirs]


def test_staff_filter_subscriptions_by_list_and_status(staff_client, customer, other_customer, cooker, announcements):
    wanted = subscribe(customer, cooker, status=Status.SUSPENDED)
    subscribe(other_customer, cooker)
    subscribe(customer, announcements, status=Status.SUSPENDED)

    response = staff_client.get(SUBSCRIPTIONS_URL, {"mailing_list__id__exact": cooker.pk, "status__exact": "suspended"})

    assert list(response.context["cl"].result_list) == [wanted]


@pytest.mark.parametrize("row_count", [1, 20])
def test_the_subscription_page_runs_a_constant_number_of_queries(
    staff_client, cooker, django_assert_num_queries, row_count
):
    for number in range(row_count):
        subscribe(make_customer(f"member{number}@example.net"), cooker)

    # Session, staff member, their second-factor device, the page (with customer and list),
    # and the list filter's choices.
    with django_assert_num_queries(6):
        staff_client.get(SUBSCRIPTIONS_URL)


def test_bulk_unsubscribe_is_recorded_as_done_by_staff(staff_client, staff, customer, other_customer, cooker):
    first = subscribe(customer, cooker)
    second = subscribe(other_customer, cooker, status=Status.SUSPENDED)
    untouched = subscribe(make_customer("carol@example.net"), cooker)

    response = staff_client.post(
        SUBSCRIPTIONS_URL,
        {"action": "unsubscribe_selected", "_selected_action": [first.pk, second.pk]},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )

    assert "Subscriptions stopped: 2." in response.content.decode()
    for subscription in (first, second):
        subscription.refresh_from_db()
        assert subscription.status == Status.UNSUBSCRIBED
        event = subscription.events.first()
        assert (event.kind, event.source, event.actor) == ("unsubscribed", "admin", staff)
    untouched.refresh_from_db()
    assert untouched.status == Status.ACTIVE


def test_staff_can_neither_add_nor_delete_subscriptions(staff_client, subscription):
    assert staff_client.get(f"{SUBSCRIPTIONS_URL}add/").status_code == 403
    assert staff_client.post(f"{SUBSCRIPTIONS_URL}{subscription.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Subscription.objects.filter(pk=subscription.pk).exists()


def test_the_subscription_page_shows_its_history(staff_client, subscription):
    page = staff_client.get(f"{SUBSCRIPTIONS_URL}{subscription.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    assert "from the account pages" in page.content.decode()
    assert 'name="status"' not in page.content.decode()  # no hand edits


def test_the_export_holds_only_active_subscribers(
    client, list_manager, customer, other_customer, cooker, announcements
):
    subscribe(customer, cooker)
    subscribe(other_customer, cooker, status=Status.UNSUBSCRIBED)
    subscribe(make_customer("suspended@example.net"), cooker, status=Status.SUSPENDED)
    subscribe(make_customer("elsewhere@example.net"), announcements)
    log_in_staff(client, list_manager)

    response = client.get(export_url(cooker), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cooker-subscribers-')
    rows = read_csv(response)
    assert rows[0] == ["customer number", "email address", "first name", "last name", "language", "subscribed since"]
    assert [row[:5] for row in rows[1:]] == [[customer.formatted_number, "alice@example.com", "Alice", "Durand", "en"]]
    export = SubscriberExport.objects.get()
    assert (export.mailing_list, export.exported_by, export.subscriber_count) == (cooker, list_manager, 1)


def test_the_export_defuses_spreadsheet_formulas(staff_client, cooker):
    subscribe(make_customer("formula@example.net", first_name="=HYPERLINK(1)", last_name="+SUM(A1)"), cooker)

    rows = read_csv(staff_client.get(export_url(cooker)))

    assert rows[1][2:4] == ["'=HYPERLINK(1)", "'+SUM(A1)"]


def test_staff_without_the_export_permission_get_403(client, support_agent, subscription, cooker):
    log_in_staff(client, support_agent)

    assert client.get(LISTS_URL).status_code == 200
    assert "Active subscribers (CSV)" not in client.get(LISTS_URL).content.decode()
    assert client.get(export_url(cooker)).status_code == 403
    assert not SubscriberExport.objects.exists()


def test_customers_cannot_export(customer_client, subscription, cooker):
    response = customer_client.get(export_url(cooker))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_list_managers_role_exists_on_a_fresh_database():
    group = Group.objects.get(name="List managers")

    assert set(group.permissions.values_list("codename", flat=True)) == {
        "add_mailinglist",
        "change_mailinglist",
        "view_mailinglist",
        "view_subscription",
        "change_subscription",
        "view_subscriptionevent",
        "export_subscribers",
        "view_subscriberexport",
        # Posts and their delivery (issue 6).
        "add_post",
        "change_post",
        "view_post",
        "delete_post",
        "send_post",
        "moderate_post",
        "view_delivery",
    }


def test_a_list_manager_sees_the_export_link_and_unsubscribes_in_bulk(client, list_manager, subscription, cooker):
    log_in_staff(client, list_manager)

    assert "Active subscribers (CSV)" in client.get(LISTS_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post(SUBSCRIPTIONS_URL, {"action": "unsubscribe_selected", "_selected_action": [subscription.pk]})

    subscription.refresh_from_db()
    assert subscription.status == Status.UNSUBSCRIBED
    assert subscription.events.first().actor == list_manager


def test_staff_create_a_list(staff_client):
    response = staff_client.post(
        f"{LISTS_URL}add/",
        {
            "slug": "security",
            "address": "security@lists.mandrakeonline.net",
            "joinable": "on",
            "position": "5",
            "name_en": "Security",
            "name_fr": "Sécurité",
            "description_en": "Advisories.",
            "description_fr": "Bulletins.",
        },
    )

    assert response.status_code == 302
    assert SubscriptionEvent.objects.count() == 0
    security = MailingList.objects.get(slug="security")
    assert security.list_id == "security.lists.mandrakeonline.net"


def test_the_slug_cannot_change_once_the_list_exists(staff_client, cooker):
    page = staff_client.get(f"{LISTS_URL}{cooker.pk}/change/").content.decode()

    assert 'name="slug"' not in page


@pytest.mark.parametrize("typed", ["bob@example", "4821 0937 5"])
def test_each_subscription_search_goes_through_indexes(staff_client, customer, other_customer, cooker, typed):
    subscribe(other_customer, cooker)

    queryset = staff_client.get(SUBSCRIPTIONS_URL, {"q": typed}).context["cl"].queryset

    assert_no_full_scan(queryset, "mailinglists_subscription")
    assert_no_full_scan(queryset, "accounts_customer")
