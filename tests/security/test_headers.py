"""What the Mozilla HTTP Observatory grades, under the production settings: a change that
would lower the A+ fails here (docs/security.md says how to run the scanner itself)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings):
    # What DEBUG=0 sets in mandrakeonline/settings.py (the process itself cannot be restarted).
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 63072000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = settings.LANGUAGE_COOKIE_SECURE = True
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    return Client(HTTP_X_FORWARDED_PROTO="https")


def test_http_is_redirected_to_https(production):
    response = Client().get("/login/")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/login/"


def test_every_graded_header_is_sent(production):
    response = production.get("/login/")

    policy = dict(
        directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";") if directive
    )
    assert policy["default-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Access-Control-Allow-Origin" not in response


def test_cookies_are_secure_host_only_and_http_only(production, customer):
    from tests.conftest import PASSWORD

    login = production.get("/login/")
    csrf = login.cookies["__Host-csrftoken"]
    response = production.post("/login/", {"username": customer.customer_number, "password": PASSWORD})

    session = response.cookies["__Host-sessionid"]
    for cookie in (csrf, session):
        assert cookie["secure"]
        assert cookie["httponly"]
        assert cookie["samesite"] == "Lax"
        assert cookie["path"] == "/"
        assert not cookie["domain"]
