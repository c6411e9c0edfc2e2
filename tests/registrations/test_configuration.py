import pytest

from registrations.models import Configuration, RegistrationEvent
from tests.registrations.conftest import page_text

pytestmark = pytest.mark.django_db

MESSY_LISTING = (
    "> [camille@portable camille]$ /sbin/lspci\r\n"
    "> 00:00.0 Host bridge: VIA Technologies, Inc. VT8363/8365 [KT133/KM133] (rev 03)\r\n"
    "> 00:0b.0 Multimedia audio controller: Creative Labs SB Live! EMU10k1 (rev 07)\r\n"
    ">\t\tKernel driver in use: emu10k1\r\n"
    "> 01:00.0 VGA compatible controller: nVidia Corporation NV11 [GeForce2 MX/MX 400] (rev b2)\r\n"
    "> [camille@portable camille]$\r\n"
)


def url(registration) -> str:
    return f"/account/registrations/{registration.pk}/configuration/"


def full_form(**overrides):
    return {
        "architecture": "i386",
        "processor": "AMD Athlon Thunderbird",
        "processor_mhz": "1000",
        "memory_amount": "1.5",
        "memory_unit": "GiB",
        "disks": "40 GB IDE Maxtor\r\n\r\n1,5 To - USB external\n512 Mo",
        "graphics_card": "nVidia GeForce2 MX 400",
        "sound_card": "Creative SB Live!",
        "network_card": "Realtek RTL8139",
        "printer": "HP DeskJet 840C",
        "other_systems": ["windows_9x", "beos"],
        "bootloader": "lilo",
        "kernel_version": "2.4.8-26mdk",
        "hardware_listing": MESSY_LISTING,
        "notes": "Dual boot with Windows 98.",
        **overrides,
    }


def test_a_customer_describes_their_computer(customer_client, customer, registration):
    response = customer_client.post(url(registration), full_form(), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    assert response["Location"] == f"/account/registrations/{registration.pk}/"
    configuration = Configuration.objects.get(registration=registration)
    assert configuration.memory_mib == 1536
    assert configuration.processor_mhz == 1000
    assert configuration.disks == [
        {"capacity_mb": 40_000, "description": "IDE Maxtor"},
        {"capacity_mb": 1_500_000, "description": "USB external"},
        {"capacity_mb": 512, "description": ""},
    ]
    assert configuration.other_systems == ["windows_9x", "beos"]
    assert [device["slot"] for device in configuration.devices] == ["00:00.0", "00:0b.0", "01:00.0"]
    assert configuration.devices[1]["driver"] == "emu10k1"
    event = RegistrationEvent.objects.get()
    assert (event.kind, event.actor) == (RegistrationEvent.Kind.CONFIGURATION_CHANGED, customer)
    assert "memory_mib" in event.changed_fields
    assert "hardware_listing" in event.changed_fields


def test_the_registration_page_shows_the_configuration_and_the_devices(customer_client, registration):
    customer_client.post(url(registration), full_form())

    text = page_text(customer_client.get(f"/account/registrations/{registration.pk}/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "Memory 1,536 MiB" in text
    assert "Disks 40 GB IDE Maxtor, 1.5 TB USB external, 512 MB" in text
    assert "Other operating systems on the computer Windows 95, 98 or Me, BeOS" in text
    assert "Processor speed 1,000 MHz" in text
    assert "Boot loader LILO" in text
    assert "01:00.0 VGA compatible controller nVidia Corporation NV11 [GeForce2 MX/MX 400] b2" in text


def test_the_form_shows_what_was_saved(customer_client, registration):
    customer_client.post(url(registration), full_form(memory_amount="2", memory_unit="GiB"))

    page = customer_client.get(url(registration), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'name="memory_amount" value="2"' in page
    assert '<option value="GiB" selected>' in page
    assert "40 GB IDE Maxtor\n1500 GB USB external\n512 MB" in page


def test_editing_the_configuration_changes_only_what_changed(customer_client, registration, configuration):
    customer_client.post(
        url(registration),
        {"processor": "AMD Athlon", "memory_amount": "512", "memory_unit": "MiB", "kernel_version": "2.4.8-26mdk"},
    )

    configuration.refresh_from_db()
    assert configuration.memory_mib == 512
    assert RegistrationEvent.objects.get().changed_fields == ["memory_mib"]


def test_every_field_is_optional(customer_client, registration, configuration):
    response = customer_client.post(url(registration), {"memory_unit": "MiB"})

    assert response.status_code == 302
    configuration.refresh_from_db()
    assert (configuration.processor, configuration.memory_mib, configuration.devices) == ("", None, [])


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"memory_amount": "2", "memory_unit": "MiB"}, "Enter between 4 MiB and 4,096 GiB."),
        ({"memory_amount": "5000", "memory_unit": "GiB"}, "Enter between 4 MiB and 4,096 GiB."),
        ({"memory_amount": "-1"}, "Ensure this value is greater than or equal to 0."),
        ({"memory_amount": "lots"}, "Enter a number."),
        ({"memory_unit": "KiB"}, "Select a valid choice."),
        ({"processor_mhz": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"processor_mhz": "50000"}, "Ensure this value is less than or equal to 10000."),
        ({"kernel_version": "latest"}, "Enter the kernel version as the command uname -r prints it, e.g. 2.4.8-26mdk."),
        ({"kernel_version": "2.4 mdk"}, "Enter the kernel version as the command uname -r prints it"),
        ({"disks": "a big one"}, "Line 1: start with the size and its unit (MB, GB or TB)"),
        ({"disks": "40 GB IDE\n40 furlongs"}, "Line 2: start with the size and its unit"),
        ({"disks": "0 MB"}, "Line 1: a disk holds between 1 MB and 1,000 TB."),
        ({"disks": "\n".join(["10 GB"] * 17)}, "Describe at most 16 disks."),
        ({"disks": "40 GB 4111 1111 1111 1111"}, "This looks like a payment card number."),
        ({"architecture": "m68k"}, "Select a valid choice."),
        ({"bootloader": "ntldr"}, "Select a valid choice."),
        ({"other_systems": ["amiga_os"]}, "Select a valid choice."),
        ({"hardware_listing": "[    0.000000] Linux version 2.4.8"}, "We found no device in this listing."),
        ({"notes": "x" * 2001}, "Ensure this value has at most 2000 characters"),
    ],
)
def test_bad_values_get_a_clear_message_and_change_nothing(
    customer_client, registration, configuration, overrides, message
):
    response = customer_client.post(url(registration), full_form(**overrides), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert message in response.content.decode()
    configuration.refresh_from_db()
    assert configuration.memory_mib == 256
    assert configuration.devices == []
    assert not RegistrationEvent.objects.exists()


def test_a_configuration_is_created_only_once_per_registration(customer_client, registration):
    customer_client.post(url(registration), full_form())
    customer_client.post(url(registration), full_form(processor="Intel Pentium III"))

    assert Configuration.objects.get().processor == "Intel Pentium III"


def test_the_device_list_follows_the_listing_when_it_is_emptied(customer_client, registration):
    customer_client.post(url(registration), full_form())
    customer_client.post(url(registration), full_form(hardware_listing=""))

    assert Configuration.objects.get().devices == []
