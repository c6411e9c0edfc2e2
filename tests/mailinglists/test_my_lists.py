import pytest

from mailinglists.models import Subscription, SubscriptionEvent
from tests.conftest import make_customer
from tests.mailinglists.conftest import make_list, subscribe

pytestmark = pytest.mark.django_db

Status = Subscription.Status
Kind = SubscriptionEvent.Kind
Source = SubscriptionEvent.Source


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/account/lists/"),
        ("post", "/account/lists/cooker/join/"),
        ("post", "/account/lists/cooker/leave/"),
        ("post", "/account/lists/leave-all/"),
        ("get", "/account/lists/cooker/history/"),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, subscription, method, url):
    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE


def test_my_lists_shows_every_joinable_list_with_my_status(customer_client, subscription, announcements, closed_list):
    page = page_text(customer_client.get("/account/lists/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "<h1>My mailing lists</h1>" in page
    assert "Cooker (development)" in page
    assert "The making of the next Mandrake Linux." in page
    assert "Mandrake announcements" in page
    assert "Partners" not in page  # closed, and not a member
    assert 'Your status:</strong> <span class="badge text-bg-success">Subscribed</span>' in page
    assert 'Your status:</strong> <span class="badge text-bg-secondary">Not subscribed</span>' in page
    assert "Leave Cooker (development)" in page
    assert "Join Mandrake announcements" in page
    assert page.index("Mandrake announcements") < page.index("Cooker (development)")  # by position


def test_a_member_of_a_closed_list_sees_it_and_can_only_leave_it(customer_client, customer, closed_list):
    subscribe(customer, closed_list)

    page = page_text(customer_client.get("/account/lists/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "Leave Partners" in page
    customer_client.post("/account/lists/partners/leave/")
    page = page_text(customer_client.get("/account/lists/", HTTP_ACCEPT_LANGUAGE="en"))
    assert 'Your status:</strong> <span class="badge text-bg-secondary">Unsubscribed</span>' in page
    assert "Join Partners" not in page
    assert "Subscribe again to Partners" not in page


def test_the_page_is_in_french_for_a_french_speaker(client, other_customer, cooker):
    client.force_login(other_customer)

    page = page_text(client.get("/account/lists/", HTTP_ACCEPT_LANGUAGE="fr"))

    assert '<html lang="fr">' in page
    assert "Cooker (développement)" in page
    assert "La préparation de la prochaine Mandrake Linux." in page
    assert "Cooker (development)" not in page
    # From docs/mailinglists.fr.json, once merged into the catalogue:
    assert "<h1>Mes listes de diffusion</h1>" in page


def test_joining_a_list_records_the_consent_and_sends_the_welcome(customer_client, customer, cooker, mailoutbox):
    response = customer_client.post("/account/lists/cooker/join/", HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert response.redirect_chain == [("/account/lists/", 302)]
    assert "You joined Cooker (development)." in page_text(response)
    subscription = Subscription.objects.get(customer=customer, mailing_list=cooker)
    assert subscription.status == Status.ACTIVE
    assert [(e.kind, e.source, e.actor) for e in subscription.events.all()] == [
        (Kind.SUBSCRIBED, Source.ACCOUNT, customer)
    ]
    assert [message.subject for message in mailoutbox] == ["Welcome to Cooker (development)"]
    assert mailoutbox[0].to == [customer.email]


def test_joining_twice_changes_nothing(customer_client, customer, subscription, mailoutbox):
    customer_client.post("/account/lists/cooker/join/")

    assert subscription.events.count() == 1
    assert mailoutbox == []


def test_joining_needs_a_confirmed_email_address(customer_client, customer, cooker):
    customer.email_verified_at = None
    customer.save()

    page = page_text(customer_client.get("/account/lists/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "To join a list, first confirm your email address alice@example.com" in page
    assert "Join Cooker" not in page

    response = customer_client.post("/account/lists/cooker/join/", HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert "Confirm your email address before joining a list." in page_text(response)
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("slug", ["partners", "no-such-list"])
def test_a_closed_or_unknown_list_cannot_be_joined(customer_client, closed_list, slug):
    response = customer_client.post(f"/account/lists/{slug}/join/")

    assert response.status_code == 404
    assert not Subscription.objects.exists()


def test_join_and_leave_only_answer_post(customer_client, subscription):
    assert customer_client.get("/account/lists/cooker/join/").status_code == 405
    assert customer_client.get("/account/lists/cooker/leave/").status_code == 405
    assert customer_client.get("/account/lists/leave-all/").status_code == 405
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE


def test_leaving_a_list_and_leaving_again_is_harmless(customer_client, customer, subscription):
    response = customer_client.post("/account/lists/cooker/leave/", HTTP_ACCEPT_LANGUAGE="en", follow=True)
    customer_client.post("/account/lists/cooker/leave/")

    assert "You left Cooker (development)." in page_text(response)
    subscription.refresh_from_db()
    assert subscription.status == Status.UNSUBSCRIBED
    assert [(e.kind, e.source, e.actor) for e in subscription.events.all()] == [
        (Kind.UNSUBSCRIBED, Source.ACCOUNT, customer),
        (Kind.SUBSCRIBED, Source.ACCOUNT, customer),
    ]


def test_joining_again_after_leaving(customer_client, customer, subscription, mailoutbox):
    customer_client.post("/account/lists/cooker/leave/")

    page = page_text(customer_client.get("/account/lists/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Subscribe again to Cooker (development)" in page
    customer_client.post("/account/lists/cooker/join/")

    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE
    assert subscription.events.first().kind == Kind.RESUBSCRIBED
    assert len(mailoutbox) == 1


def test_a_suspended_subscription_can_be_resumed_or_left(customer_client, customer, cooker):
    subscription = subscribe(customer, cooker, status=Status.SUSPENDED)

    page = page_text(customer_client.get("/account/lists/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Mail to your address bounced, so we paused this list." in page
    assert "Subscribe again to Cooker (development)" in page
    assert "Leave Cooker (development)" in page

    customer_client.post("/account/lists/cooker/join/")

    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE


def test_leaving_all_lists(customer_client, customer, subscription, announcements, closed_list, other_customer):
    subscribe(customer, announcements, status=Status.SUSPENDED)
    subscribe(customer, closed_list)
    others = subscribe(other_customer, announcements)

    response = customer_client.post("/account/lists/leave-all/", HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert "You left all your lists." in page_text(response)
    assert set(Subscription.objects.for_customer(customer).values_list("status", flat=True)) == {Status.UNSUBSCRIBED}
    assert SubscriptionEvent.objects.filter(kind=Kind.UNSUBSCRIBED, source=Source.ACCOUNT, actor=customer).count() == 3
    others.refresh_from_db()
    assert others.status == Status.ACTIVE
    customer_client.post("/account/lists/leave-all/")
    assert SubscriptionEvent.objects.filter(kind=Kind.UNSUBSCRIBED).count() == 3


def test_the_history_of_a_subscription(customer_client, customer, subscription):
    customer_client.post("/account/lists/cooker/leave/")

    page = page_text(customer_client.get("/account/lists/cooker/history/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "<h1>Your subscription to Cooker (development)</h1>" in page
    assert "<caption>Every change to this subscription, newest first</caption>" in page
    assert page.index(">Left the list</td>") < page.index(">Joined the list</td>")
    assert "from the account pages" in page


@pytest.mark.parametrize(
    ("method", "url"), [("post", "/account/lists/cooker/leave/"), ("get", "/account/lists/cooker/history/")]
)
def test_another_customer_gets_404_on_a_subscription_that_is_not_theirs(
    client, other_customer, subscription, method, url
):
    client.force_login(other_customer)

    response = getattr(client, method)(url)

    assert response.status_code == 404
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE
    assert subscription.events.count() == 1


def test_leaving_all_lists_touches_only_ones_own(client, other_customer, subscription):
    client.force_login(other_customer)

    client.post("/account/lists/leave-all/")

    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE


def test_members_of_a_list_never_appear_on_customer_pages(customer_client, customer, subscription, cooker):
    for number in range(3):
        member = make_customer(f"member{number}@example.net", first_name=f"Member{number}", last_name="Hidden")
        subscribe(member, cooker)

    pages = [
        customer_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        for url in ("/account/lists/", "/account/lists/cooker/history/", "/account/")
    ]

    for page in pages:
        assert "example.net" not in page
        assert "Hidden" not in page
        for member in Subscription.objects.exclude(customer=customer).select_related("customer"):
            assert member.customer.formatted_number not in page
            assert member.customer.customer_number not in page


@pytest.mark.parametrize("list_count", [1, 5, 25])
def test_my_lists_runs_a_constant_number_of_queries(
    customer_client, customer, other_customer, django_assert_num_queries, list_count
):
    for number in range(list_count):
        mailing_list = make_list(f"list-{number}")
        if number % 2:
            subscribe(customer, mailing_list)
        subscribe(other_customer, mailing_list)

    # Session, customer, the customer's subscriptions, the other joinable lists.
    with django_assert_num_queries(4):
        response = customer_client.get("/account/lists/")

    assert response.content.decode().count('class="card mb-3 mailing-list"') == list_count


def test_leave_all_is_offered_only_to_someone_on_a_list(customer_client, subscription):
    assert "Leave all lists" in customer_client.get("/account/lists/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    customer_client.post("/account/lists/cooker/leave/")

    assert "Leave all lists" not in customer_client.get("/account/lists/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
