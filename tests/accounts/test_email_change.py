import pytest

from accounts.models import Customer
from tests.conftest import PASSWORD, forget_when_password_was_typed, link_in

pytestmark = pytest.mark.django_db

NEW_EMAIL = "alice.new@example.net"


def ask_for_change(client, email=NEW_EMAIL):
    return client.post("/account/email/", {"new_email": email}, HTTP_ACCEPT_LANGUAGE="en", follow=True)


def test_the_new_address_takes_effect_only_after_its_link_is_followed(customer_client, customer, mailoutbox):
    response = ask_for_change(customer_client)

    assert f"We sent a link to {NEW_EMAIL}." in response.content.decode()
    customer.refresh_from_db()
    assert customer.email == "alice@example.com"
    assert customer.pending_email == NEW_EMAIL
    assert [message.to for message in mailoutbox] == [[NEW_EMAIL]]
    link = link_in(mailoutbox[0], "/account/email/confirm/")

    assert customer_client.get(link).status_code == 200  # a mail scanner's visit changes nothing
    customer.refresh_from_db()
    assert customer.email == "alice@example.com"

    customer_client.post(link)

    customer.refresh_from_db()
    assert customer.email == NEW_EMAIL
    assert customer.pending_email == ""
    assert customer.email_verified


def test_the_old_address_is_told_of_the_change(customer_client, customer, mailoutbox):
    ask_for_change(customer_client)
    customer_client.post(link_in(mailoutbox[0], "/account/email/confirm/"))

    notice = mailoutbox[-1]
    assert notice.to == ["alice@example.com"]
    assert notice.subject == "The email address of your account was changed"
    assert customer.formatted_number in notice.body


def test_the_confirmation_link_works_once(customer_client, customer, mailoutbox):
    ask_for_change(customer_client)
    link = link_in(mailoutbox[0], "/account/email/confirm/")
    customer_client.post(link)

    assert customer_client.post(link).status_code == 404


def test_the_link_works_without_being_logged_in(client, customer_client, customer, mailoutbox):
    ask_for_change(customer_client)
    customer_client.post("/logout/")

    client.post(link_in(mailoutbox[0], "/account/email/confirm/"))

    customer.refresh_from_db()
    assert customer.email == NEW_EMAIL


def test_an_address_of_another_account_changes_nothing_and_its_owner_is_told(
    customer_client, customer, other_customer, mailoutbox
):
    response = ask_for_change(customer_client, email="BOB@example.org")

    # The asker sees the usual answer, so the form cannot probe which addresses have accounts.
    assert "We sent a link to BOB@example.org." in response.content.decode()
    customer.refresh_from_db()
    assert (customer.email, customer.pending_email) == ("alice@example.com", "")
    assert [message.to for message in mailoutbox] == [[other_customer.email]]
    assert "already belongs to your account" in mailoutbox[0].body or "appartient" in mailoutbox[0].body


def test_without_a_recent_password_nothing_is_sent(customer_client, customer, mailoutbox):
    forget_when_password_was_typed(customer_client)

    response = ask_for_change(customer_client)

    assert response.redirect_chain[-1][0] == "/account/confirm-password/?next=%2Faccount%2Femail%2F"
    customer.refresh_from_db()
    assert customer.pending_email == ""
    assert mailoutbox == []


def test_the_current_address_is_refused(customer_client, customer, mailoutbox):
    response = ask_for_change(customer_client, email="Alice@Example.com")

    assert "This is already your email address." in response.content.decode()
    assert mailoutbox == []


def test_a_link_is_refused_when_another_account_took_the_address_meanwhile(customer_client, customer, mailoutbox):
    ask_for_change(customer_client)
    Customer.objects.create_user(email=NEW_EMAIL.upper(), password=PASSWORD, first_name="Eve", last_name="Late")

    response = customer_client.post(link_in(mailoutbox[0], "/account/email/confirm/"))

    assert response.status_code == 409
    customer.refresh_from_db()
    assert customer.email == "alice@example.com"
