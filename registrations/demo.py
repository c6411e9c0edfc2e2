"""Demo data: Mandrake Linux products, two registrations of the demo customer with their
computers, a partner and one disclosure. Idempotent, like `manage.py seed_demo`."""

import datetime

from django.utils import timezone

from registrations import services
from registrations.models import Configuration, Disclosure, Partner, Product, Registration

SERIAL_PATTERN = r"MDK-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}"
SUPPORT_DAYS = {"Standard": 30, "PowerPack": 60, "ProSuite": 90}
RELEASES = {
    "8.0": datetime.date(2001, 4, 20),
    "8.1": datetime.date(2001, 9, 28),
    "8.2": datetime.date(2002, 3, 21),
}

LSPCI = """\
[camille@portable camille]$ /sbin/lspci
00:00.0 Host bridge: VIA Technologies, Inc. VT8363/8365 [KT133/KM133] (rev 03)
00:01.0 PCI bridge: VIA Technologies, Inc. VT8363/8365 [KT133/KM133 AGP]
00:07.1 IDE interface: VIA Technologies, Inc. VT82C586A/B/VT82C686/A/B/VT823x/A/C PIPC Bus Master IDE (rev 06)
00:0b.0 Multimedia audio controller: Creative Labs SB Live! EMU10k1 (rev 07)
00:0d.0 Ethernet controller: Realtek Semiconductor Co., Ltd. RTL-8139/8139C/8139C+ (rev 10)
01:00.0 VGA compatible controller: nVidia Corporation NV11 [GeForce2 MX/MX 400] (rev b2)
"""


def seed(*, customer, staff) -> None:
    products = {}
    for version, released in RELEASES.items():
        for edition, days in SUPPORT_DAYS.items():
            products[version, edition], _ = Product.objects.get_or_create(
                name="Mandrake Linux",
                version=version,
                edition=edition,
                defaults={
                    "release_date": released,
                    "serial_pattern": SERIAL_PATTERN,
                    "serial_example": "MDK-7F3K-92QX-L0PA",
                    "support_days": days,
                },
            )

    first = _registration(
        customer,
        products["8.1", "PowerPack"],
        serial="MDK-4B7Q-2KD9-XW31",
        purchase_date=datetime.date(2001, 10, 15),
        place_of_purchase="Fnac Paris Montparnasse",
    )
    _configuration(
        first,
        actor=customer,
        values={
            "architecture": Configuration.Architecture.I386,
            "processor": "AMD Athlon Thunderbird",
            "processor_mhz": 1000,
            "memory_mib": 256,
            "disks": [{"capacity_mb": 40000, "description": "IDE Maxtor DiamondMax"}],
            "graphics_card": "nVidia GeForce2 MX 400",
            "sound_card": "Creative SB Live!",
            "network_card": "Realtek RTL8139",
            "printer": "HP DeskJet 840C (USB)",
            "other_systems": [Configuration.OtherSystem.WINDOWS_9X],
            "bootloader": Configuration.Bootloader.LILO,
            "kernel_version": "2.4.8-26mdk",
            "hardware_listing": LSPCI,
            "notes": "Dual boot with Windows 98; the modem is not detected.",
        },
    )
    second = _registration(
        customer,
        products["8.2", "ProSuite"],
        serial="MDK-9ZC2-M4HT-0EPN",
        # Recent, so that the demo shows a registration whose support is still running.
        purchase_date=timezone.localdate() - datetime.timedelta(days=20),
        place_of_purchase="MandrakeStore",
    )
    _configuration(
        second,
        actor=customer,
        values={
            "architecture": Configuration.Architecture.I386,
            "processor": "Intel Pentium 4",
            "processor_mhz": 1800,
            "memory_mib": 1024,
            "bootloader": Configuration.Bootloader.GRUB,
            "kernel_version": "2.4.18-6mdk",
        },
    )

    partner, _ = Partner.objects.get_or_create(
        name="Pingouin Services",
        defaults={
            "country": "FR",
            "purpose": "On-site installation help in the Paris region, on behalf of Mandrake.",
            "contact_name": "Claire Dubois",
            "contact_email": "interventions@pingouin-services.example",
            "contact_phone": "+33 1 40 00 00 00",
        },
    )
    if not Disclosure.objects.filter(registration=first, partner=partner).exists():
        services.disclosure_record(
            disclosure=Disclosure(
                registration=first,
                partner=partner,
                data=[Disclosure.Data.IDENTITY, Disclosure.Data.POSTAL_ADDRESS, Disclosure.Data.HARDWARE],
                reason="You asked for a technician to come and install Mandrake Linux 8.1 on your computer.",
                disclosed_at=timezone.now() - datetime.timedelta(days=3),
            ),
            recorded_by=staff,
        )


def _registration(customer, product, *, serial: str, **details) -> Registration:
    existing = Registration.objects.filter(product=product, serial=serial).first()
    if existing is not None:
        return existing
    return services.registration_create(
        customer=customer, details={"product": product, "serial": serial, **details}, actor=customer
    )


def _configuration(registration: Registration, *, actor, values: dict) -> None:
    if registration.configuration_or_none() is None:
        services.configuration_save(registration=registration, values=values, actor=actor)
