import re

import pytest

pytestmark = pytest.mark.django_db


def without_csrf_token(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_the_number_is_emailed_to_a_known_address_whatever_its_case(client, customer, mailoutbox):
    response = client.post("/forgot-number/", {"email": "ALICE@Example.com"}, follow=True)

    assert response.redirect_chain == [("/forgot-number/sent/", 302)]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [customer.email]
    assert customer.formatted_number in mailoutbox[0].body


def test_an_unknown_address_gets_the_same_page_and_no_email(client, customer, mailoutbox):
    known = client.post("/forgot-number/", {"email": customer.email}, follow=True)
    mailoutbox.clear()
    unknown = client.post("/forgot-number/", {"email": "nobody@example.net"}, follow=True)

    assert unknown.redirect_chain == known.redirect_chain
    assert without_csrf_token(unknown) == without_csrf_token(known)
    assert mailoutbox == []


def test_the_reminder_is_written_in_the_customers_language(client, other_customer, mailoutbox):
    client.post("/forgot-number/", {"email": other_customer.email}, HTTP_ACCEPT_LANGUAGE="en")

    assert mailoutbox[0].subject == "Votre numéro de client Mandrake"


def test_a_malformed_address_is_refused_with_a_message(client, mailoutbox):
    response = client.post("/forgot-number/", {"email": "not-an-address"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert mailoutbox == []
