import time

import pytest
from django.test import RequestFactory

from mandrakeonline.client_ip import client_ip
from mandrakeonline.middleware import SESSION_LAST_SEEN, SESSION_STARTED


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy of ours: the header is the client's word
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.66, 203.0.113.9", "203.0.113.9"),  # the client forged the first entry
        (2, "198.51.100.66, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.1"),  # fewer hops than proxies: trust only the peer
        (1, "not-an-address", "10.0.0.1"),
    ],
)
def test_the_client_address_is_taken_only_from_our_own_proxies(settings, proxies, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)

    assert client_ip(request) == expected


@pytest.mark.django_db
def test_security_headers_are_sent(client):
    response = client.get("/login/")

    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def age_session(client, *, started_ago: int, last_seen_ago: int) -> None:
    session = client.session
    now = int(time.time())
    session[SESSION_STARTED] = now - started_ago
    session[SESSION_LAST_SEEN] = now - last_seen_ago
    session.save()


@pytest.mark.django_db
def test_an_idle_session_ends(customer_client, settings):
    age_session(customer_client, started_ago=3600, last_seen_ago=settings.SESSION_IDLE_TIMEOUT + 1)

    response = customer_client.get("/account/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert customer_client.get("/account/").status_code == 302


@pytest.mark.django_db
def test_a_session_ends_after_its_absolute_lifetime_even_when_active(customer_client, settings):
    age_session(customer_client, started_ago=settings.SESSION_ABSOLUTE_TIMEOUT + 1, last_seen_ago=5)

    assert customer_client.get("/account/").status_code == 302


@pytest.mark.django_db
def test_an_active_session_goes_on(customer_client, settings):
    age_session(customer_client, started_ago=3600, last_seen_ago=settings.SESSION_IDLE_TIMEOUT - 60)

    assert customer_client.get("/account/").status_code == 200
    assert customer_client.get("/account/").status_code == 200
