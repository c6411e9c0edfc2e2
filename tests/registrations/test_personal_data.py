import pytest

from accounts.deletion import account_delete
from accounts.models import PrivacyRequest
from mandrakeonline.personal_data import Erasure, registry
from registrations.models import Configuration, Disclosure, Registration, RegistrationEvent
from tests.registrations.conftest import make_disclosure, page_text

pytestmark = pytest.mark.django_db


def test_every_field_of_the_app_is_classified():
    assert registry.unclassified(["registrations"]) == []


def test_the_export_of_a_registration_and_its_configuration_is_readable(registration, configuration):
    configuration.disks = [{"capacity_mb": 40_000, "description": "IDE"}]
    configuration.other_systems = ["beos"]
    configuration.save()

    registration_export = registry.export_instance(registration)
    configuration_export = registry.export_instance(configuration)

    assert registration_export["product"] == "Mandrake Linux 8.1 PowerPack"
    assert registration_export["serial"] == "MDK-AAAA-BBBB-CCCC"
    assert registration_export["purchase_date"] == "2001-10-15"
    assert configuration_export["memory_mib"] == 256
    assert configuration_export["disks"] == [{"capacity_mb": 40_000, "description": "IDE"}]
    assert configuration_export["other_systems"] == ["beos"]
    assert set(configuration_export) >= {"processor", "kernel_version", "hardware_listing", "devices", "notes"}


def test_configuration_values_read_with_their_units(configuration):
    rows = {entry.name: entry.display_value(configuration) for entry in registry.fields_of(Configuration)}

    assert rows["memory_mib"] == "256 MiB"
    assert rows["processor"] == "AMD Athlon"


def test_erasing_removes_registrations_configurations_and_history(registration, configuration):
    RegistrationEvent.objects.create(
        customer=registration.customer, registration=registration, product=registration.product, kind="registered"
    )
    event = RegistrationEvent.objects.get()

    registry.erase_instance(event)
    registry.erase_instance(configuration)
    registry.erase_instance(registration)

    assert not Registration.objects.exists()
    assert not Configuration.objects.exists()
    assert not RegistrationEvent.objects.exists()


def test_erasing_a_disclosure_detaches_it_and_keeps_the_record(registration, partner, staff):
    disclosure = make_disclosure(registration, partner, staff)

    registry.erase_instance(disclosure)

    disclosure = Disclosure.objects.get()
    assert (disclosure.customer, disclosure.registration) == (None, None)
    assert disclosure.reason == "You asked for on-site installation."
    assert disclosure.data == ["identity", "hardware"]
    kept = {entry.name for entry in registry.fields_of(Disclosure) if entry.erasure is Erasure.KEEP}
    assert kept == {"product", "partner", "data", "reason", "disclosed_at", "recorded_at"}
    assert all(entry.retention for entry in registry.fields_of(Disclosure) if entry.erasure is Erasure.KEEP)


def test_each_model_finds_only_the_customers_rows(registration, configuration, other_registration, partner, staff):
    Configuration.objects.create(registration=other_registration, processor="Someone else's")
    make_disclosure(registration, partner, staff)
    make_disclosure(other_registration, partner, staff)
    declared = {entry.model: entry for entry in registry.personal_models()}

    for model in (Registration, Configuration, Disclosure):
        rows = list(declared[model].rows_for(registration.customer))
        assert len(rows) == 1, model
    assert list(declared[Configuration].rows_for(registration.customer)) == [configuration]


def test_the_my_data_page_counts_registrations_and_disclosures(customer_client, registration, partner, staff):
    make_disclosure(registration, partner, staff)

    page = page_text(customer_client.get("/account/data/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "Product registrations" in page
    assert "Disclosures to partners" in page


def test_a_disclosure_exports_to_whom_what_and_why(registration, partner, staff):
    disclosure = make_disclosure(registration, partner, staff)

    exported = registry.export_instance(disclosure)

    assert exported["partner"] == "Pingouin Services"
    assert exported["product"] == "Mandrake Linux 8.1 PowerPack"
    assert exported["data"] == ["identity", "hardware"]
    assert exported["reason"] == "You asked for on-site installation."


def test_deleting_the_account_erases_registrations_and_detaches_disclosures(
    customer, registration, configuration, other_registration, partner, staff
):
    kept = make_disclosure(registration, partner, staff)
    RegistrationEvent.objects.create(
        customer=customer, registration=registration, product=registration.product, kind="registered"
    )

    account_delete(customer=customer, actor=customer, channel=PrivacyRequest.Channel.ONLINE)

    assert list(Registration.objects.all()) == [other_registration]
    assert not Configuration.objects.exists()
    assert not RegistrationEvent.objects.exists()
    kept.refresh_from_db()
    assert (kept.customer, kept.registration) == (None, None)
    assert (kept.partner, kept.product, kept.reason) == (
        partner,
        registration.product,
        "You asked for on-site installation.",
    )
