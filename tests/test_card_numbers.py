"""No payment card number can be stored: every text field of every model carries the guard."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from mandrakeonline.card_numbers import MIN_DIGITS, contains_card_number, reject_card_numbers
from mandrakeonline.personal_data import OWN_APPS

# Text fields that need no guard, and why. Fields with fixed choices, and fields too short
# to hold thirteen digits, are recognised without being listed.
EXEMPT = {
    "accounts.Customer.password": "a one-way hash computed by Django, never typed text",
    "accounts.LoginSession.session_key": "a random key made by Django's session engine, never typed text",
    "accounts.DataExport.file_name": "a random file name made by the export task, never typed text",
}


def text_fields():
    for app_label in OWN_APPS:
        for model in apps.get_app_config(app_label).get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, (models.CharField, models.TextField, models.JSONField)):
                    yield f"{model._meta.label}.{field.name}", field


def needs_guard(label: str, field: models.Field) -> bool:
    if label in EXEMPT or field.choices:
        return False
    return field.max_length is None or field.max_length >= MIN_DIGITS


@pytest.mark.parametrize(("label", "field"), list(text_fields()), ids=lambda value: str(value))
def test_every_free_text_field_refuses_card_numbers(label, field):
    if needs_guard(label, field):
        assert reject_card_numbers in field.validators, f"{label} lacks reject_card_numbers"


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1111",  # Visa test number, grouped
        "4111-1111-1111-1111",
        "paid with 5555555555554444 yesterday",  # Mastercard test number inside text
        "3782 822463 10005",  # American Express, 15 digits
        "6011 0009 9013 9424",  # Discover
    ],
)
def test_card_numbers_are_recognised(text):
    assert contains_card_number(text)
    with pytest.raises(ValidationError) as error:
        reject_card_numbers(text)
    assert error.value.code == "card_number"


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1112",  # fails the Luhn check
        "+33 1 23 45 67 89",  # a phone number
        "12 rue des Lilas 75011 Paris",
        "482109375",  # a customer number
        "MO-2026-000123",
        "",
    ],
)
def test_ordinary_text_passes(text):
    assert not contains_card_number(text)
    reject_card_numbers(text)


def test_json_data_is_searched_too():
    assert contains_card_number("4111111111111111")
    with pytest.raises(ValidationError):
        reject_card_numbers({"note": ["ok", {"card": "4111 1111 1111 1111"}]})


@pytest.mark.django_db
def test_a_card_number_typed_into_the_address_is_refused(customer_client, customer):
    response = customer_client.post(
        "/account/address/",
        {"address_line1": "4111 1111 1111 1111", "city": "Paris", "country": "FR"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert "This looks like a payment card number." in response.content.decode()
    customer.refresh_from_db()
    assert customer.address_line1 == ""
