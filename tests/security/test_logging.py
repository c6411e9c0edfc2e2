"""Logs: every line carries the request's id, and a whole customer journey leaves no
personal data and no secret in them."""

import json
import logging
import re

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from accounts.models import Customer
from billing.models import Order
from mandrakeonline.request_logging import JsonFormatter
from tests.billing.conftest import paid, placed, post_event
from tests.conftest import CommittingClient, link_in

pytestmark = pytest.mark.django_db

PASSWORD = "Wendy's secret passphrase 1999"
NEW_PASSWORD = "Another secret passphrase 2001"
PERSON = {
    "email": "wendy.tracer@example.org",
    "first_name": "Wendoline",
    "last_name": "Tracerova",
    "address_line1": "17 Quai des Secrets",
    "postal_code": "13007",
    "city": "Marseilleville",
    "country": "FR",
}


def rendered_as_in_production(record: logging.LogRecord) -> str:
    """The record as the console handler writes it: its filters, then the JSON formatter."""
    for name, config in settings.LOGGING["filters"].items():
        assert import_string(config["()"])().filter(record), name
    return JsonFormatter().format(record)


def test_a_whole_journey_logs_no_personal_data_and_no_secret(caplog, mailoutbox, settings):
    caplog.set_level(logging.DEBUG)
    settings.AXES_FAILURE_LIMIT = 2
    browser = CommittingClient()

    browser.post("/signup/", {**PERSON, "language": "en", "password1": PASSWORD, "password2": PASSWORD})
    customer = Customer.objects.get(email=PERSON["email"])
    verify = link_in(mailoutbox[-1], "/verify-email/")
    browser.post(verify)
    browser.post(verify)  # used: a 404, logged
    browser.get(verify.replace("/verify-email/", "/unsubscribe/"))  # a forged token: a 404, logged
    for _attempt in range(3):  # failures, then a lockout (from another address, which stays locked)
        browser.post(
            "/login/",
            {"username": customer.customer_number, "password": "wrong " + PASSWORD},
            REMOTE_ADDR="198.51.100.7",
        )
    browser.post("/password-reset/", {"identifier": PERSON["email"]})
    reset = link_in(mailoutbox[-1], "/reset/")
    form = browser.get(reset)["Location"]
    browser.post(form, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    browser.post("/login/", {"username": customer.formatted_number, "password": NEW_PASSWORD})
    browser.post("/account/address/", {**PERSON, "city": "Aix-en-Secret"})
    browser.post("/account/email/", {"new_email": "wendy.new@example.org"})
    post_event(browser, placed(customer, number="WEB-4242"))
    post_event(browser, paid(number="WEB-4242"))
    post_event(browser, {"id": "evt-bad", "type": "order.placed", "data": {"customer_number": PERSON["email"]}})
    browser.get("/account/billing/orders/WEB-4242/")
    browser.post("/account/delete/", {"understood": "on"})
    assert not Customer.objects.filter(pk=customer.pk).exists()
    assert Order.objects.exists()

    secrets = [
        *PERSON.values(),
        "Aix-en-Secret",
        "wendy.new@example.org",
        PASSWORD,
        NEW_PASSWORD,
        customer.customer_number,
        customer.formatted_number,
        verify.split("/")[-2],  # the tokens of the links
        reset.split("/")[-2],
        settings.STORE_WEBHOOK_SECRET,
    ]
    secrets.remove("FR")
    lines = [rendered_as_in_production(record) for record in caplog.records]
    assert len(lines) > 20
    leaks = [(secret, line) for line in lines for secret in secrets if secret.lower() in line.lower()]
    assert leaks == []


def test_every_line_of_a_request_carries_its_id(client, caplog):
    caplog.set_level(logging.INFO)

    response = client.get("/no-such-page/")

    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    entries = [json.loads(rendered_as_in_production(record)) for record in caplog.records]
    assert entries
    assert {entry["request_id"] for entry in entries} == {request_id}
    access = next(entry for entry in entries if entry["logger"] == "mandrakeonline.requests")
    assert access["message"] == "GET (unmatched) 404"
    assert isinstance(access["duration_ms"], float)


def test_a_request_id_from_outside_is_believed_only_behind_our_proxy(client, settings):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="forged-id-12345")["X-Request-ID"] != "forged-id-12345"

    settings.TRUST_REQUEST_ID_HEADER = True
    assert client.get("/healthz", HTTP_X_REQUEST_ID="proxy-id-12345")["X-Request-ID"] == "proxy-id-12345"
    # Nothing that could break a log line gets through.
    assert client.get("/healthz", HTTP_X_REQUEST_ID="bad id\n{}")["X-Request-ID"] != "bad id\n{}"


def test_production_logs_are_json_lines():
    from mandrakeonline import settings as project_settings

    assert project_settings.LOGGING["handlers"]["console"]["formatter"] in {"json", "text"}
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "store event refused: %s", ("bad_signature",), None)
    record.request_id = "abc"

    entry = json.loads(JsonFormatter().format(record))

    assert entry["message"] == "store event refused: bad_signature"
    assert entry["level"] == "WARNING"
    assert entry["request_id"] == "abc"
