"""Production refuses to start without the webhook's shared secret."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def check(**env: str) -> subprocess.CompletedProcess:
    unset = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "STORE_WEBHOOK_SECRET", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {key: value for key, value in os.environ.items() if key not in unset}
    environment.update(
        DATABASE_URL=settings.DATABASE_URL,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.com",
        **env,
    )
    return subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, str(ROOT / "manage.py"), "check"], env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_the_webhook_secret():
    result = check()

    assert result.returncode != 0
    assert "STORE_WEBHOOK_SECRET must be set" in result.stderr


def test_production_refuses_the_development_webhook_secret():
    result = check(STORE_WEBHOOK_SECRET="development-store-webhook-secret")

    assert result.returncode != 0
    assert "STORE_WEBHOOK_SECRET must be set" in result.stderr


def test_production_starts_with_a_webhook_secret():
    result = check(STORE_WEBHOOK_SECRET=secrets.token_urlsafe(32))

    assert result.returncode == 0, result.stderr


def test_a_number_prefix_that_would_not_fit_is_refused():
    result = check(STORE_WEBHOOK_SECRET=secrets.token_urlsafe(32), BILLING_INVOICE_PREFIX="MANDRAKE-ONLINE")

    assert result.returncode != 0
    assert "Billing number prefixes are 1 to 7 letters or digits" in result.stderr
