import datetime

import pytest
from django.utils import timezone, translation

from accounts.models import AccountEvent, Customer, IssuedCustomerNumber
from mandrakeonline.personal_data import Erasure, registry
from tests.conftest import make_customer


def test_every_field_of_every_model_is_classified():
    # A new model field must be declared in its app's personal_data.py: as personal data
    # (shown, exported, erased) or as not personal, with the reason.
    assert registry.unclassified() == []


def test_every_model_holding_personal_data_says_how_to_find_a_customers_rows():
    assert registry.undeclared_models() == []


@pytest.mark.django_db
def test_each_declared_model_finds_only_the_customers_own_rows():
    owner = make_customer("owner@example.com")
    other = make_customer("other@example.com")
    AccountEvent.objects.create(customer=owner, kind=AccountEvent.Kind.SIGNED_UP)
    AccountEvent.objects.create(customer=other, kind=AccountEvent.Kind.SIGNED_UP)

    for declared in registry.personal_models():
        rows = declared.rows_for(owner)
        customers = {
            getattr(row, "customer_id", row.pk) for row in rows if declared.customer_path in {"pk", "customer"}
        }
        assert other.pk not in customers, declared.label


def test_an_unclassified_field_is_reported(monkeypatch):
    monkeypatch.setattr(registry, "_not_personal", {})

    assert "accounts.Customer.is_staff" in registry.unclassified()


@pytest.mark.django_db
def test_the_export_holds_every_personal_field_of_the_customer():
    customer = make_customer(
        "export@example.com", address_line1="5 Elm Street", city="Dublin", country="IE", region="Leinster"
    )

    exported = registry.export_instance(customer)

    assert set(exported) == {entry.name for entry in registry.fields_of(Customer)}
    assert exported["email"] == "export@example.com"
    assert exported["country"] == "IE"
    assert exported["customer_number"] == customer.customer_number
    assert exported["password"] == "(one-way hash, not exported)"
    assert exported["date_joined"] == customer.date_joined.isoformat()


@pytest.mark.django_db
def test_erasing_a_customer_deletes_the_row_but_the_number_stays_issued():
    customer = make_customer("erase@example.com")

    registry.erase_instance(customer)

    assert not Customer.objects.filter(email="erase@example.com").exists()
    assert IssuedCustomerNumber.objects.filter(number=customer.customer_number).exists()


def test_keeping_a_field_needs_a_reason():
    with pytest.raises(ValueError, match="retention"):
        registry.personal(Customer, "city", category="x", purpose="x", erasure=Erasure.KEEP)


@pytest.mark.django_db
def test_erasing_an_account_event_deletes_it():
    customer = make_customer("events@example.com")
    event = AccountEvent.objects.create(customer=customer, kind=AccountEvent.Kind.SIGNED_UP, actor=customer)

    registry.erase_instance(event)

    assert not AccountEvent.objects.filter(pk=event.pk).exists()
    assert Customer.objects.filter(pk=customer.pk).exists()


@pytest.mark.django_db
def test_times_read_in_the_sites_time_zone_on_the_account_pages_and_in_the_export(customer, settings):
    """The database gives UTC; people read Paris time, as on every other page."""
    settings.TIME_ZONE = "Europe/Paris"
    customer.date_joined = datetime.datetime(2026, 7, 14, 21, 30, tzinfo=datetime.UTC)
    [joined] = [entry for entry in registry.fields_of(type(customer)) if entry.name == "date_joined"]

    with translation.override("en"), timezone.override("Europe/Paris"):
        assert joined.display_value(customer) == "July 14, 2026, 11:30 p.m."
