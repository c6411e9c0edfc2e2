import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another long passphrase"


def test_changing_the_password_keeps_the_session_and_sends_a_notice(customer_client, customer, mailoutbox):
    response = customer_client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/account/"
    assert "Your password is changed." in response.content.decode()
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)
    assert [message.subject for message in mailoutbox] == ["Your password was changed"]
    assert customer.formatted_number in mailoutbox[0].body


def test_the_current_password_is_required(customer_client, customer, mailoutbox):
    response = customer_client.post(
        "/account/password/",
        {"old_password": "not my password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert "Your old password was entered incorrectly." in response.content.decode()
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)
    assert mailoutbox == []


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get("/account/password/")["Location"] == "/login/?next=/account/password/"
