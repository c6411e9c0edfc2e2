"""The password is asked again before the actions that matter most, unless it was typed
within the last few minutes (at login or on the confirmation page)."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.reauthentication import PASSWORD_TYPED_AT
from tests.conftest import PASSWORD, forget_when_password_was_typed

pytestmark = pytest.mark.django_db

PROTECTED = [
    "/account/email/",
    "/account/password/",
    "/account/data/export/",
    "/account/delete/",
    "/account/security/two-factor/",
    "/account/security/two-factor/off/",
    "/account/security/recovery-codes/new/",
]


@pytest.fixture
def with_two_factor(customer):
    TOTPDevice.objects.create(user=customer, name="authenticator", confirmed=True)


@pytest.mark.parametrize("url", PROTECTED)
def test_each_protected_page_goes_through_right_after_login(customer_client, with_two_factor, url):
    assert customer_client.get(url).status_code == 200


@pytest.mark.parametrize("url", PROTECTED)
@pytest.mark.parametrize("method", ["get", "post"])
def test_each_protected_page_asks_for_the_password_when_it_is_not_recent(customer_client, with_two_factor, url, method):
    forget_when_password_was_typed(customer_client)

    response = getattr(customer_client, method)(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/account/confirm-password/?next=")
    assert TOTPDevice.objects.filter(confirmed=True).count() == 1  # nothing turned off


def test_the_right_password_leads_back_to_the_page(customer_client):
    forget_when_password_was_typed(customer_client)

    response = customer_client.post("/account/confirm-password/?next=/account/delete/", {"password": PASSWORD})

    assert response["Location"] == "/account/delete/"
    assert customer_client.get("/account/delete/").status_code == 200


def test_a_wrong_password_leads_nowhere(customer_client):
    forget_when_password_was_typed(customer_client)

    response = customer_client.post(
        "/account/confirm-password/?next=/account/delete/", {"password": "not it"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert "This is not your current password." in response.content.decode()
    assert customer_client.get("/account/delete/").status_code == 302


def test_it_is_asked_again_once_the_minutes_are_over(customer_client, settings):
    session = customer_client.session
    session[PASSWORD_TYPED_AT] -= settings.REAUTHENTICATION_SECONDS + 1
    session.save()

    assert customer_client.get("/account/email/").status_code == 302


def test_the_page_never_sends_to_another_site(customer_client):
    response = customer_client.post(
        "/account/confirm-password/?next=https://evil.example/steal", {"password": PASSWORD}
    )

    assert response["Location"] == "/account/security/"


def test_guessing_the_password_there_is_limited(customer_client):
    for _ in range(10):
        customer_client.post("/account/confirm-password/", {"password": "guess"})

    response = customer_client.post("/account/confirm-password/", {"password": PASSWORD})

    assert response.status_code == 429


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get("/account/confirm-password/")["Location"].startswith("/login/")
    assert client.get("/account/delete/")["Location"].startswith("/login/")
