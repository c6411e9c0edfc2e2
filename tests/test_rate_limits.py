import datetime

import pytest
from django.utils import timezone

from accounts import retention
from mandrakeonline.models import RateLimitCounter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_window(monkeypatch):
    # A loop of requests must not straddle the end of a window (60 seconds for some limits):
    # the clock the limiter reads stands still at the start of an hour.
    instant = timezone.now().replace(minute=0, second=0, microsecond=0)
    monkeypatch.setattr("mandrakeonline.ratelimit._now", lambda: instant)


def test_forgot_number_is_limited_per_address_with_a_translated_429(client, customer, mailoutbox):
    for _ in range(5):
        assert client.post("/forgot-number/", {"email": customer.email}).status_code == 302

    refused = client.post("/forgot-number/", {"email": customer.email.upper()}, HTTP_ACCEPT_LANGUAGE="en")

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many requests" in refused.content.decode()
    assert len(mailoutbox) == 5
    # Another address from the same place still gets an answer.
    assert client.post("/forgot-number/", {"email": "someone@example.net"}).status_code == 302


def test_the_limit_lifts_when_its_window_ends(client, customer):
    for _ in range(6):
        client.post("/forgot-number/", {"email": customer.email})
    assert client.post("/forgot-number/", {"email": customer.email}).status_code == 429

    RateLimitCounter.objects.update(window_start="2000-01-01T00:00:00Z")

    assert client.post("/forgot-number/", {"email": customer.email}).status_code == 302


def test_sign_up_is_limited_per_client_address(client):
    for index in range(10):
        client.post("/signup/", {"email": f"robot{index}@example.com"}, REMOTE_ADDR="198.51.100.7")

    assert client.post("/signup/", {"email": "robot@example.com"}, REMOTE_ADDR="198.51.100.7").status_code == 429
    assert client.post("/signup/", {"email": "robot@example.com"}, REMOTE_ADDR="198.51.100.8").status_code == 200


def test_password_reset_is_limited_per_identifier(client, customer, mailoutbox):
    for _ in range(5):
        client.post("/password-reset/", {"identifier": customer.formatted_number.replace(" ", "")})

    assert client.post("/password-reset/", {"identifier": customer.customer_number}).status_code == 429
    assert len(mailoutbox) == 5


def test_reading_a_page_is_never_limited(client):
    for _ in range(30):
        assert client.get("/forgot-number/").status_code == 200


def test_counters_keep_no_address_in_clear(client, customer):
    client.post("/forgot-number/", {"email": customer.email}, REMOTE_ADDR="203.0.113.5")

    stored = " ".join(f"{row.scope} {row.key_digest}" for row in RateLimitCounter.objects.all())
    assert customer.email not in stored
    assert "203.0.113.5" not in stored


def test_unsubscribe_posts_are_limited_per_client_address(client):
    for _ in range(60):
        client.post("/unsubscribe/not-a-real-token/", REMOTE_ADDR="198.51.100.9")

    assert client.post("/unsubscribe/not-a-real-token/", REMOTE_ADDR="198.51.100.9").status_code == 429
    # Reading the page (a person following the link) is never limited.
    assert client.get("/unsubscribe/not-a-real-token/", REMOTE_ADDR="198.51.100.9").status_code == 404


def test_the_store_webhook_answers_json_past_its_limit(client):
    for _ in range(600):
        client.post("/webhooks/store/", b"{}", content_type="application/json", REMOTE_ADDR="192.0.2.1")

    refused = client.post("/webhooks/store/", b"{}", content_type="application/json", REMOTE_ADDR="192.0.2.1")

    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"


def test_the_nightly_retention_run_forgets_counters_of_past_windows(client):
    client.post("/unsubscribe/not-a-real-token/", REMOTE_ADDR="198.51.100.9")
    old = RateLimitCounter.objects.create(
        scope="unsubscribe", key_digest="0" * 64, window_start=timezone.now() - datetime.timedelta(days=2), hits=3
    )

    retention.apply_all(dry_run=False)

    assert RateLimitCounter.objects.count() == 1
    assert not RateLimitCounter.objects.filter(pk=old.pk).exists()
