import re
import threading
import time
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, TestCase
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Customer
from accounts.reauthentication import PASSWORD_TYPED_AT

PASSWORD = "correct horse battery staple"


class CommittingClient(Client):
    """A test client whose requests commit, as they do in production.

    Tests run inside a transaction that is rolled back, so `transaction.on_commit` callbacks
    (which queue our emails) would never run. Each request here runs its callbacks when it
    ends, the way a real request's commit would.
    """

    def request(self, **request):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


@pytest.fixture
def client():
    return CommittingClient()


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Argon2 at production cost would make the suite slow; test_settings checks it is first.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run in-process, at the moment they are queued (after the request's commit).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def make_customer(email: str, **fields) -> Customer:
    fields = {"first_name": "Alice", "last_name": "Durand", "email_verified_at": timezone.now(), **fields}
    return Customer.objects.create_user(email=email, password=PASSWORD, **fields)


@pytest.fixture
def customer(db):
    return make_customer("alice@example.com")


@pytest.fixture
def other_customer(db):
    return make_customer("bob@example.org", first_name="Bob", last_name="Leroy", language="fr")


@pytest.fixture
def staff(db):
    return make_customer("staff@example.com", first_name="Sam", last_name="Staff", is_staff=True, is_superuser=True)


@pytest.fixture
def customer_client(client, customer):
    client.force_login(customer)
    return client


def link_in(message, name: str = "") -> str:
    """The path of the first link to this site in an email's text, e.g. '/reset/…/'."""
    links = re.findall(re.escape(settings.SITE_URL) + r"(/\S*)", message.body)
    assert links, f"no link to the site in {message.subject!r}"
    matching = [link for link in links if name in link]
    assert matching, f"no link containing {name!r} in {message.subject!r}: {links}"
    return matching[0]


def log_in_staff(client: Client, member: Customer) -> Client:
    """Log a staff member in the way the admin requires: password and second factor."""
    client.force_login(member)
    device = TOTPDevice.objects.filter(user=member, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=member, name="authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def code_of(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app holding this device's secret shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def forget_when_password_was_typed(client: Client) -> None:
    """Make the session's last password entry too old for the actions that need a recent one."""
    session = client.session
    session.pop(PASSWORD_TYPED_AT, None)
    session.save()


def run_together(jobs: list[Callable[[], object]]) -> list[object]:
    """Run the jobs in threads released at the same instant; return each result or error."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def work(index: int, job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # noqa: BLE001 (handed back to the test to assert on)
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
