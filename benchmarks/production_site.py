"""The site as production serves it, on a free local port, for the scripts in benchmarks/.

DEBUG=0 with throwaway secrets, gunicorn, whitenoise serving the collected static files
(hashed names, pre-compressed), the development database (DATABASE_URL, or the embedded
PostgreSQL, stopped afterwards if this started it) migrated and holding the demo data.
"""

import io
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENVIRONMENT = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "STORE_WEBHOOK_SECRET": secrets.token_urlsafe(32),
    "ALLOWED_HOSTS": "127.0.0.1",
    # Plain HTTP on the loopback interface: no redirect to HTTPS.
    "SECURE_SSL_REDIRECT": "0",
    "DJANGO_SETTINGS_MODULE": "mandrakeonline.settings",
}


@dataclass(frozen=True)
class Site:
    url: str
    session_cookie: str  # "name=value" of a session of the demo customer
    unsubscribe_path: str  # the unsubscribe link of one of the demo customer's lists


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    for _ in range(100):
        if process.poll() is not None:
            sys.exit("gunicorn stopped before answering")
        with suppress(OSError), urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310 (our local server)
            return
        time.sleep(0.2)
    sys.exit("gunicorn did not answer within 20 seconds")


def _prepare() -> tuple[str, str]:
    """Migrate, load the demo data, collect the static files; a session and an unsubscribe path."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import Customer
    from mailinglists.models import Subscription
    from mailinglists.tokens import make_token

    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", force=True, stdout=io.StringIO())
    call_command("collectstatic", interactive=False, verbosity=0)
    customer = Customer.objects.get(email="demo@example.com")
    client = Client()
    client.force_login(customer)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    subscription = Subscription.objects.for_customer(customer).receiving().first()
    return cookie, f"/unsubscribe/{make_token(subscription)}/"


@contextmanager
def production_site() -> Iterator[Site]:
    os.environ.update(PRODUCTION_ENVIRONMENT)
    sys.path.insert(0, str(ROOT))
    from mandrakeonline.embedded_db import DATA_DIR, stop_embedded_database

    started_database = not os.environ.get("DATABASE_URL") and not (DATA_DIR / "postmaster.pid").exists()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    gunicorn = None
    try:
        cookie, unsubscribe_path = _prepare()
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "mandrakeonline.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            cwd=ROOT,
            env=os.environ,
            stderr=subprocess.DEVNULL,
        )
        _wait_until_up(url, gunicorn)
        yield Site(url, cookie, unsubscribe_path)
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        if started_database:
            stop_embedded_database()
