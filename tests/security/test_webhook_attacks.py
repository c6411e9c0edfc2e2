"""Forged and replayed calls to the store's webhook are refused (its detailed rules are in
tests/billing/test_webhook.py)."""

import json
import time

import pytest
from django.conf import settings

from billing import signing
from billing.models import Invoice, Order, StoreEvent
from tests.billing.conftest import WEBHOOK, paid, placed, post_event

pytestmark = pytest.mark.django_db


def capture(customer) -> tuple[bytes, dict]:
    """A genuine call of the store, as an attacker on the path would record it."""
    body = json.dumps(placed(customer, number="WEB-7")).encode()
    stamp = str(int(time.time()))
    headers = {
        "HTTP_X_STORE_TIMESTAMP": stamp,
        "HTTP_X_STORE_SIGNATURE": signing.signature(secret=settings.STORE_WEBHOOK_SECRET, timestamp=stamp, body=body),
    }
    return body, headers


def test_a_call_signed_with_another_secret_is_refused(client, customer):
    response = post_event(client, placed(customer), secret="guessed-secret")

    assert response.status_code == 401
    assert not Order.objects.exists()


def test_a_captured_signature_does_not_sign_another_body(client, customer):
    body, headers = capture(customer)
    forged = body.replace(b"WEB-7", b"WEB-8")

    response = client.post(WEBHOOK, forged, content_type="application/json", **headers)

    assert response.status_code == 401
    assert not Order.objects.exists()


def test_a_captured_call_replayed_later_is_refused(client, customer, settings):
    body, headers = capture(customer)
    later = str(int(headers["HTTP_X_STORE_TIMESTAMP"]) + settings.STORE_WEBHOOK_TOLERANCE_SECONDS + 1)

    # The old signature with a new time does not match; the old time is too old.
    moved = client.post(WEBHOOK, body, content_type="application/json", **{**headers, "HTTP_X_STORE_TIMESTAMP": later})
    settings.STORE_WEBHOOK_TOLERANCE_SECONDS = -1  # as if the replay came after the window
    stale = client.post(WEBHOOK, body, content_type="application/json", **headers)

    assert moved.status_code == stale.status_code == 401
    assert not Order.objects.exists()


def test_a_captured_call_replayed_at_once_changes_nothing_twice(client, customer):
    first = post_event(client, placed(customer))
    payment = paid()
    post_event(client, payment)

    again = post_event(client, payment)

    assert first.status_code == again.status_code == 200
    assert again.json()["status"] == "already processed"
    assert Invoice.objects.count() == 1
    assert StoreEvent.objects.count() == 2
