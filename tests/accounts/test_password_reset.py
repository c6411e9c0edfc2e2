import pytest

from accounts.models import AccountEvent
from tests.conftest import PASSWORD, link_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new long passphrase"


def choose_new_password(client, link):
    # contrib.auth moves the token from the URL into the session, then shows the form.
    form_page = client.get(link, follow=True)
    form_url = form_page.redirect_chain[-1][0]
    return client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)


@pytest.mark.parametrize("identifier", ["number", "formatted number", "email"])
def test_a_reset_link_can_be_asked_for_by_number_or_email(client, customer, mailoutbox, identifier):
    typed = {
        "number": customer.customer_number,
        "formatted number": customer.formatted_number,
        "email": "Alice@Example.com",
    }[identifier]

    response = client.post("/password-reset/", {"identifier": typed})

    assert response["Location"] == "/password-reset/sent/"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [customer.email]


def test_following_the_link_sets_the_new_password_and_sends_a_notice(client, customer, mailoutbox):
    client.post("/password-reset/", {"identifier": customer.email})
    link = link_in(mailoutbox[0], "/reset/")

    response = choose_new_password(client, link)

    assert response.redirect_chain[-1][0] == "/login/"
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)
    assert not customer.check_password(PASSWORD)
    assert mailoutbox[-1].subject == "Your password was changed"
    event = AccountEvent.objects.for_customer(customer).get()
    assert (event.kind, event.actor) == (AccountEvent.Kind.PASSWORD_CHANGED, None)
    logged_in = client.post("/login/", {"username": customer.customer_number, "password": NEW_PASSWORD})
    assert logged_in.status_code == 302


def test_a_reset_link_works_once(client, customer, mailoutbox):
    client.post("/password-reset/", {"identifier": customer.email})
    link = link_in(mailoutbox[0], "/reset/")
    choose_new_password(client, link)

    again = client.get(link, follow=True)

    assert "This link is not valid any more" in again.content.decode()


def test_an_unknown_identifier_gets_the_same_answer_and_no_email(client, customer, mailoutbox):
    response = client.post("/password-reset/", {"identifier": "nobody@example.net"})
    number_response = client.post("/password-reset/", {"identifier": "100000006"})

    assert response["Location"] == number_response["Location"] == "/password-reset/sent/"
    assert mailoutbox == []


def test_a_weak_new_password_is_refused(client, customer, mailoutbox):
    client.post("/password-reset/", {"identifier": customer.email})
    form_page = client.get(link_in(mailoutbox[0], "/reset/"), follow=True)

    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": "password", "new_password2": "password"})

    assert "This password is too short." in response.content.decode()
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)
