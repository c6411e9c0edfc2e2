import pytest

from tests.conftest import PASSWORD, forget_when_password_was_typed

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another long passphrase"


def test_changing_the_password_keeps_the_session_and_sends_a_notice(customer_client, customer, mailoutbox):
    response = customer_client.post(
        "/account/password/",
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/account/"
    assert "Your password is changed." in response.content.decode()
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)
    assert [message.subject for message in mailoutbox] == ["Your password was changed"]
    assert customer.formatted_number in mailoutbox[0].body


def test_the_password_is_asked_again_when_it_was_not_typed_recently(customer_client, customer, mailoutbox):
    forget_when_password_was_typed(customer_client)

    response = customer_client.post(
        "/account/password/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response["Location"] == "/account/confirm-password/?next=%2Faccount%2Fpassword%2F"
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)
    assert mailoutbox == []


def test_a_new_password_that_is_too_short_is_refused(customer_client, customer):
    response = customer_client.post(
        "/account/password/", {"new_password1": "short", "new_password2": "short"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert "This password is too short." in response.content.decode()
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get("/account/password/")["Location"] == "/login/?next=/account/password/"
