import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Customer
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_createsuperuser_generates_the_number_and_prints_it(monkeypatch, capsys):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)

    call_command("createsuperuser", "--noinput", "--email", "root@example.com", "--first-name", "Ada")

    staff = Customer.objects.get(email="root@example.com")
    assert staff.is_staff
    assert staff.is_superuser
    assert staff.check_password(PASSWORD)
    assert staff.formatted_number in capsys.readouterr().out


def test_createsuperuser_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "short")

    with pytest.raises(CommandError, match="too short"):
        call_command("createsuperuser", "--noinput", "--email", "root@example.com")
    assert not Customer.objects.exists()


def test_createsuperuser_refuses_an_address_in_use(monkeypatch, customer):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)

    with pytest.raises(CommandError, match="already uses"):
        call_command("createsuperuser", "--noinput", "--email", "ALICE@example.com")
