import pytest
from django.test import Client

from mailinglists.models import Subscription, SubscriptionEvent
from mailinglists.tokens import TOKEN_LENGTH, make_token
from mailinglists.views import masked_email
from tests.mailinglists.conftest import make_list, subscribe, unsubscribe_path

pytestmark = pytest.mark.django_db

Status = Subscription.Status
Kind = SubscriptionEvent.Kind
Source = SubscriptionEvent.Source
ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


def events(subscription) -> list[tuple[str, str]]:
    return [(event.kind, event.source) for event in subscription.events.order_by("created_at", "pk")]


def test_opening_the_link_shows_the_list_the_masked_address_and_one_button(client, subscription):
    response = client.get(unsubscribe_path(subscription), HTTP_ACCEPT_LANGUAGE="en")

    page = page_text(response)
    assert response.status_code == 200
    assert "<h1>Unsubscribe from Cooker (development)</h1>" in page
    assert "a•••••@e•••••.com will no longer receive Cooker (development)." in page
    assert "alice@example.com" not in page
    assert page.count('<button type="submit" name="action"') == 1
    assert 'value="unsubscribe"' in page
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize("method", ["get", "head"])
def test_opening_the_link_never_unsubscribes(client, subscription, method):
    # Mail scanners fetch every link of a message before the person reads it.
    getattr(client, method)(unsubscribe_path(subscription))
    getattr(client, method)(unsubscribe_path(subscription))

    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE
    assert events(subscription) == [(Kind.SUBSCRIBED, Source.ACCOUNT)]


def test_the_button_unsubscribes_and_offers_an_undo(client, customer, subscription, announcements):
    subscribe(customer, announcements)
    path = unsubscribe_path(subscription)

    response = client.post(path, {"action": "unsubscribe"}, HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert response.redirect_chain == [(path, 302)]
    page = page_text(response)
    assert "You are unsubscribed from Cooker (development)." in page
    assert "<h1>You are unsubscribed from Cooker (development)</h1>" in page
    assert "Undo: subscribe again to Cooker (development)" in page
    assert "Leave all Mandrake lists" in page
    subscription.refresh_from_db()
    assert subscription.status == Status.UNSUBSCRIBED
    assert events(subscription)[-1] == (Kind.UNSUBSCRIBED, Source.LINK)
    assert subscription.events.first().actor is None


def test_unsubscribing_twice_is_harmless(client, subscription):
    path = unsubscribe_path(subscription)

    first = client.post(path, {"action": "unsubscribe"})
    second = client.post(path, {"action": "unsubscribe"})

    assert first.status_code == second.status_code == 302
    assert events(subscription) == [(Kind.SUBSCRIBED, Source.ACCOUNT), (Kind.UNSUBSCRIBED, Source.LINK)]


def test_the_link_needs_no_login_and_no_csrf_token(subscription):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(unsubscribe_path(subscription), {"action": "unsubscribe"})

    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.status == Status.UNSUBSCRIBED


def test_undo_subscribes_again(client, subscription):
    path = unsubscribe_path(subscription)
    client.post(path, {"action": "unsubscribe"})

    response = client.post(path, {"action": "resubscribe"}, HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert "You are subscribed to Cooker (development) again." in page_text(response)
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE
    assert events(subscription)[-1] == (Kind.RESUBSCRIBED, Source.LINK)


def test_leave_all_from_the_link(client, customer, subscription, announcements, closed_list, other_customer):
    subscribe(customer, announcements)
    subscribe(customer, closed_list, status=Status.SUSPENDED)
    others = subscribe(other_customer, announcements)

    response = client.post(
        unsubscribe_path(subscription), {"action": "leave_all"}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )

    assert "You left all your lists." in page_text(response)
    assert not Subscription.objects.for_customer(customer).receiving().exists()
    assert SubscriptionEvent.objects.filter(kind=Kind.UNSUBSCRIBED, source=Source.LINK).count() == 3
    others.refresh_from_db()
    assert others.status == Status.ACTIVE


def test_a_logged_in_subscriber_is_named_as_the_actor(customer_client, customer, subscription):
    customer_client.post(unsubscribe_path(subscription), {"action": "unsubscribe"})

    assert subscription.events.first().actor == customer


def test_another_logged_in_customer_is_not_named_as_the_actor(client, other_customer, subscription):
    client.force_login(other_customer)

    client.post(unsubscribe_path(subscription), {"action": "unsubscribe"})

    assert subscription.events.first().actor is None


@pytest.mark.parametrize("action", ["", "delete", "unsubscribe-all"])
def test_an_unknown_button_changes_nothing(client, subscription, action):
    response = client.post(unsubscribe_path(subscription), {"action": action}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "Choose one of the buttons." in page_text(response)
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE


def test_one_click_post_from_a_mail_program(subscription):
    # RFC 8058: no cookies, no CSRF token, just the body, and a 200 without redirect.
    mail_program = Client(enforce_csrf_checks=True)

    response = mail_program.post(
        unsubscribe_path(subscription), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert "Location" not in response
    assert not response.cookies
    subscription.refresh_from_db()
    assert subscription.status == Status.UNSUBSCRIBED
    assert events(subscription)[-1] == (Kind.UNSUBSCRIBED, Source.ONE_CLICK)


def test_one_click_as_multipart_and_twice(subscription):
    mail_program = Client(enforce_csrf_checks=True)

    first = mail_program.post(unsubscribe_path(subscription), ONE_CLICK)
    second = mail_program.post(unsubscribe_path(subscription), ONE_CLICK)

    assert first.status_code == second.status_code == 200
    assert events(subscription) == [(Kind.SUBSCRIBED, Source.ACCOUNT), (Kind.UNSUBSCRIBED, Source.ONE_CLICK)]


def test_one_click_stops_a_suspended_subscription_too(client, customer, cooker):
    subscription = subscribe(customer, cooker, status=Status.SUSPENDED)

    client.post(unsubscribe_path(subscription), ONE_CLICK)

    subscription.refresh_from_db()
    assert subscription.status == Status.UNSUBSCRIBED


def tampered(token: str, position: int) -> str:
    replacement = "A" if token[position] != "A" else "B"
    return token[:position] + replacement + token[position + 1 :]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda token: tampered(token, 0), id="key changed"),
        pytest.param(lambda token: tampered(token, TOKEN_LENGTH - 1), id="signature changed"),
        pytest.param(lambda token: token[:-1], id="truncated"),
        pytest.param(lambda token: token[:22], id="key only"),
        pytest.param(lambda token: token + "A", id="too long"),
        pytest.param(lambda token: "A" * TOKEN_LENGTH, id="made up"),
        pytest.param(lambda token: "é" * TOKEN_LENGTH, id="not ascii"),
        pytest.param(lambda token: "%00" + token[3:], id="control character"),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_truncated_or_unknown_token_gets_a_friendly_404(client, subscription, change, method):
    token = change(make_token(subscription))

    response = getattr(client, method)(f"/unsubscribe/{token}/", ONE_CLICK if method == "post" else None)

    assert response.status_code == 404
    assert "This unsubscribe link does not work" in page_text(response)
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE


def test_the_token_of_a_deleted_subscription_gets_404(client, subscription):
    path = unsubscribe_path(subscription)
    subscription.delete()

    assert client.post(path, ONE_CLICK).status_code == 404


def test_a_token_for_another_subscription_cannot_be_derived_from_ones_own(
    client, customer, subscription, other_customer, cooker
):
    victim = subscribe(other_customer, cooker)
    mine = make_token(subscription)
    # The only other half that could name the victim's subscription is its random key.
    forged = victim.public_key + mine[len(victim.public_key) :]

    assert forged != make_token(victim)
    assert client.post(f"/unsubscribe/{forged}/", ONE_CLICK).status_code == 404
    victim.refresh_from_db()
    assert victim.status == Status.ACTIVE


def test_the_token_reveals_nothing_readable(subscription, customer):
    token = make_token(subscription)

    assert len(token) == TOKEN_LENGTH
    for readable in (customer.email, customer.customer_number, "cooker", subscription.mailing_list.slug):
        assert readable not in token
    assert subscription.public_key.isascii()
    assert make_token(subscription) == token  # stable: links already sent keep working


def test_links_survive_a_rotation_of_the_secret_key(client, subscription, settings):
    path = unsubscribe_path(subscription)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40

    client.post(path, ONE_CLICK)

    subscription.refresh_from_db()
    assert subscription.status == Status.UNSUBSCRIBED


def test_a_link_signed_with_an_unknown_key_is_refused(client, subscription, settings):
    path = unsubscribe_path(subscription)
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40

    assert client.post(path, ONE_CLICK).status_code == 404


def test_other_methods_are_refused(client, subscription):
    assert client.put(unsubscribe_path(subscription)).status_code == 405
    assert client.delete(unsubscribe_path(subscription)).status_code == 405


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("alice@example.com", "a•••••@e•••••.com"),
        ("c@mail.example.co.uk", "c•••••@m•••••.uk"),
        ("root@localhost", "r•••••@l•••••"),
    ],
)
def test_addresses_are_masked(email, masked):
    assert masked_email(email) == masked


@pytest.mark.parametrize("other_lists", [0, 3])
def test_the_page_runs_two_queries(client, customer, subscription, django_assert_num_queries, other_lists):
    for number in range(other_lists):
        subscribe(customer, make_list(f"list-{number}"))

    # The subscription with its list and customer; whether other lists remain.
    with django_assert_num_queries(2):
        response = client.get(unsubscribe_path(subscription))

    assert response.status_code == 200


@pytest.mark.parametrize("times", [1, 2])
def test_the_one_click_post_runs_three_queries(client, subscription, django_assert_num_queries, times):
    for _ in range(times - 1):
        client.post(unsubscribe_path(subscription), ONE_CLICK)

    # The abuse counter; the subscription; its change of status with its event, in one statement.
    with django_assert_num_queries(3):
        response = client.post(unsubscribe_path(subscription), ONE_CLICK)

    assert response.status_code == 200
    assert events(subscription) == [(Kind.SUBSCRIBED, Source.ACCOUNT), (Kind.UNSUBSCRIBED, Source.ONE_CLICK)]
