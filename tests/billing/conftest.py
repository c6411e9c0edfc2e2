import json
import time
from itertools import count

import pytest
from django.conf import settings
from django.utils import timezone

from billing import intake, signing
from billing.models import Order, StoreEvent

WEBHOOK = "/webhooks/store/"
_ids = count(1)

BOX = {
    "sku": "MDK-BOX",
    "name": "Mandrake Linux PowerPack (boxed)",
    "quantity": 1,
    "unit_price": "69.00",
    "vat_rate": "20.00",
}
TSHIRT = {"sku": "MDK-TSHIRT", "name": "Mandrake T-shirt", "quantity": 2, "unit_price": "15.00", "vat_rate": "20.00"}
# 69.00 + 13.80 VAT, 2 x 15.00 + 6.00 VAT
ORDER_TOTAL = "118.80"


def event(event_type: str, data: dict, *, event_id: str | None = None, occurred_at=None) -> dict:
    return {
        "id": event_id or f"evt-test-{next(_ids)}",
        "type": event_type,
        "occurred_at": (occurred_at or timezone.now()).isoformat(),
        "data": data,
    }


def placed(customer, number: str = "WEB-1001", lines=None, **data) -> dict:
    return event(
        "order.placed",
        {
            "order_number": number,
            "customer_number": customer.customer_number,
            "currency": "EUR",
            # Copies: a test may change its lines without changing the next test's.
            "lines": [dict(line) for line in lines or [BOX, TSHIRT]],
            **data,
        },
    )


def paid(number: str = "WEB-1001", amount: str = ORDER_TOTAL, reference: str | None = None) -> dict:
    return event(
        "order.paid",
        {
            "order_number": number,
            "amount": amount,
            "currency": "EUR",
            "provider": "Stripe",
            "reference": reference or f"pi_{number}",
        },
    )


def shipped(number: str = "WEB-1001") -> dict:
    return event(
        "order.shipped",
        {
            "order_number": number,
            "carrier": "Colissimo",
            "tracking_number": "6A12345678901",
            "tracking_url": "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901",
        },
    )


def delivered(number: str = "WEB-1001", deliveries=None) -> dict:
    data = {"order_number": number}
    if deliveries is not None:
        data["deliveries"] = deliveries
    return event("order.delivered", data)


def refund(number: str = "WEB-1001", amount: str = ORDER_TOTAL, lines=None, reference: str | None = None) -> dict:
    data = {
        "order_number": number,
        "amount": amount,
        "currency": "EUR",
        "provider": "Stripe",
        "reference": reference or f"re_{next(_ids)}",
        "reason": "Returned unopened",
    }
    if lines is not None:
        data["lines"] = lines
    return event("refund", data)


def donation(customer, amount: str = "25.00", reference: str | None = None) -> dict:
    return event(
        "donation.received",
        {
            "customer_number": customer.customer_number,
            "amount": amount,
            "currency": "EUR",
            "campaign": "Mandrake 10.1 release",
            "provider": "PayPal",
            "reference": reference or f"don_{next(_ids)}",
        },
    )


def apply(*events: dict) -> None:
    """Feed events through the intake, as the webhook would."""
    for payload in events:
        intake.process_event(json.loads(json.dumps(payload)), via=StoreEvent.Via.WEBHOOK)


def post_event(client, payload=None, *, body: bytes | None = None, timestamp: int | None = None, secret=None, **extra):
    body = json.dumps(payload).encode() if body is None else body
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "HTTP_X_STORE_TIMESTAMP": stamp,
        "HTTP_X_STORE_SIGNATURE": signing.signature(
            secret=secret or settings.STORE_WEBHOOK_SECRET, timestamp=stamp, body=body
        ),
    }
    headers.update(extra)
    return client.post(WEBHOOK, body, content_type="application/json", **headers)


@pytest.fixture
def paid_order(customer) -> Order:
    apply(placed(customer), paid())
    return Order.objects.get(number="WEB-1001")
