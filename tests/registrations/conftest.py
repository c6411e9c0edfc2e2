import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.html import strip_tags

from registrations.models import Configuration, Disclosure, Partner, Product, Registration
from tests.conftest import make_customer

SERIAL_PATTERN = r"MDK-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}"


def make_product(**fields) -> Product:
    fields = {
        "name": "Mandrake Linux",
        "version": "8.1",
        "edition": "PowerPack",
        "release_date": datetime.date(2001, 9, 28),
        "serial_pattern": SERIAL_PATTERN,
        "serial_example": "MDK-7F3K-92QX-L0PA",
        "support_days": 60,
        **fields,
    }
    return Product.objects.create(**fields)


def make_registration(customer, product, serial: str = "MDK-AAAA-BBBB-CCCC", **fields) -> Registration:
    fields = {"purchase_date": datetime.date(2001, 10, 15), **fields}
    return Registration.objects.create(customer=customer, product=product, serial=serial, **fields)


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def product(db):
    return make_product()


@pytest.fixture
def registration(customer, product):
    return make_registration(customer, product)


@pytest.fixture
def configuration(registration):
    return Configuration.objects.create(
        registration=registration, processor="AMD Athlon", memory_mib=256, kernel_version="2.4.8-26mdk"
    )


@pytest.fixture
def other_registration(other_customer, product):
    return make_registration(other_customer, product, serial="MDK-ZZZZ-YYYY-XXXX")


@pytest.fixture
def partner(db):
    return Partner.objects.create(
        name="Pingouin Services",
        country="FR",
        purpose="On-site installation help",
        contact_email="contact@pingouin.example",
    )


def make_disclosure(registration, partner, staff, **fields) -> Disclosure:
    fields = {
        "data": [Disclosure.Data.IDENTITY, Disclosure.Data.HARDWARE],
        "reason": "You asked for on-site installation.",
        **fields,
    }
    return Disclosure.objects.create(
        registration=registration,
        customer=registration.customer,
        product=registration.product,
        partner=partner,
        recorded_by=staff,
        **fields,
    )


@pytest.fixture
def support(db):
    """A staff member with only the Support role."""
    member = make_customer("support@example.com", first_name="Sue", last_name="Port", is_staff=True)
    member.groups.add(Group.objects.get(name="Support"))
    return member


def page_text(response) -> str:
    """The visible text of a page, whitespace collapsed, for asserting whole sentences."""
    return " ".join(strip_tags(response.content.decode()).split())
