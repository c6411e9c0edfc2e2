"""Enumeration: sign-up, login, forgot-number and password reset answer the same way for a
known and an unknown customer: same status, same page, and the same work behind it (one
password hash each, so the time taken cannot tell them apart either; the timing itself is
measured by benchmarks/enumeration_timing.py, not here)."""

import re
from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher

from tests.conftest import PASSWORD, CommittingClient

pytestmark = pytest.mark.django_db

UNKNOWN_EMAIL = "nobody@example.net"
UNKNOWN_NUMBER = "100000006"  # a valid check digit, no account


def page(response, *typed: str) -> str:
    """The page without what differs between any two requests: the CSRF token and the
    value the visitor typed."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    for value in typed:
        text = text.replace(value, "TYPED")
    return text


def answer(path: str, data: dict, *typed: str):
    """Status, where it leads and the page it ends on, and how many passwords were hashed."""
    client = CommittingClient()
    with mock.patch.object(MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode) as hashed:
        response = client.post(path, data, HTTP_ACCEPT_LANGUAGE="en")
    final = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en") if response.status_code == 302 else response
    return response.status_code, response.get("Location"), page(final, *typed), hashed.call_count


SIGN_UP = {
    "first_name": "Eve",
    "last_name": "Probe",
    "language": "en",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def test_sign_up_answers_the_same_for_a_known_and_an_unknown_address(customer, mailoutbox):
    known = answer("/signup/", {**SIGN_UP, "email": customer.email})
    unknown = answer("/signup/", {**SIGN_UP, "email": UNKNOWN_EMAIL})

    assert known == unknown
    assert known[3] == 1  # one password hash either way
    # Each address got one message: the new customer their number, the owner a warning.
    assert sorted(message.to[0] for message in mailoutbox) == [customer.email, UNKNOWN_EMAIL]


def test_login_answers_the_same_for_a_wrong_password_and_an_unknown_number(customer):
    known = answer(
        "/login/", {"username": customer.customer_number, "password": "wrong guess!"}, customer.customer_number
    )
    unknown = answer("/login/", {"username": UNKNOWN_NUMBER, "password": "wrong guess!"}, UNKNOWN_NUMBER)

    assert known == unknown
    assert known[0] == 200
    assert known[3] == 1  # Django hashes the guess for an unknown number too


@pytest.mark.parametrize(
    ("path", "field", "known_value"),
    [
        ("/forgot-number/", "email", lambda customer: customer.email),
        ("/password-reset/", "identifier", lambda customer: customer.email),
        ("/password-reset/", "identifier", lambda customer: customer.customer_number),
    ],
)
def test_forgot_number_and_reset_answer_the_same_for_known_and_unknown(customer, mailoutbox, path, field, known_value):
    unknown_value = UNKNOWN_NUMBER if known_value(customer).isdigit() else UNKNOWN_EMAIL

    known = answer(path, {field: known_value(customer)})
    unknown = answer(path, {field: unknown_value})

    assert known == unknown
    assert known[0] == 302
    assert [message.to for message in mailoutbox] == [[customer.email]]  # only the real owner hears of it
