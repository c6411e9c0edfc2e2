"""Several querysets in one round trip (mandrakeonline/fetch_together.py): the same objects
as each queryset alone, in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AccountEvent
from billing.models import Order, OrderLine
from mandrakeonline.fetch_together import fetch_together
from registrations.models import Configuration, Disclosure, Partner, Registration
from tests.billing.conftest import apply, paid, placed
from tests.registrations.conftest import make_disclosure, make_product, make_registration

pytestmark = pytest.mark.django_db


def values_of(instance, *related: str) -> dict:
    """Every column value of an instance (as Python sees it), and those of the related
    objects select_related loaded."""
    values = {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}
    for name in related:
        other = getattr(instance, name)
        values[name] = values_of(other) if other is not None else None
    return values


@pytest.fixture
def held(customer, staff):
    """A customer with rows of many column types: decimals, dates, times, JSON, arrays,
    countries, choices, nulls."""
    registration = make_registration(customer, make_product())
    Configuration.objects.create(
        registration=registration,
        processor="AMD Athlon",
        disks=[{"kind": "ide", "size_gb": 40}, {"kind": "scsi", "size_gb": 9}],
        other_systems=["windows_9x", "bsd"],
    )
    partner = Partner.objects.create(name="Pingouin Services", country="FR", purpose="Installation help")
    make_disclosure(registration, partner, staff)
    apply(placed(customer, number="WEB-1", shipping_country="FR"), paid("WEB-1"), placed(customer, number="WEB-2"))
    AccountEvent.objects.create(customer=customer, kind=AccountEvent.Kind.DETAILS_CORRECTED, changed_fields=["city"])
    AccountEvent.objects.create(customer=customer, kind=AccountEvent.Kind.STAFF_VIEWED, actor=staff)


def querysets(customer) -> dict:
    return {
        "orders": Order.objects.for_customer(customer).order_by("-number"),
        "lines": OrderLine.objects.filter(order__customer=customer).select_related("order").order_by("pk"),
        "registrations": Registration.objects.for_customer(customer).select_related("product"),
        "configurations": Configuration.objects.filter(registration__customer=customer).select_related(
            "registration__product"
        ),
        "disclosures": Disclosure.objects.for_customer(customer).select_related("partner", "product"),
        "events": AccountEvent.objects.for_customer(customer).select_related("actor").order_by("-pk")[:1],
        "none": Order.objects.none(),
    }


def test_each_queryset_gives_the_objects_it_gives_alone(customer, held):
    related = {
        "lines": ["order"],
        "registrations": ["product"],
        "configurations": ["registration"],
        "disclosures": ["partner", "product"],
        "events": ["actor"],
    }
    alone = {
        key: [values_of(row, *related.get(key, [])) for row in queryset]
        for key, queryset in querysets(customer).items()
    }

    together = fetch_together(querysets(customer))

    assert {key: [values_of(row, *related.get(key, [])) for row in rows] for key, rows in together.items()} == alone
    assert [len(rows) for rows in together.values()] == [2, 4, 1, 1, 1, 1, 0]
    configuration = together["configurations"][0]
    assert configuration.disks[0] == {"kind": "ide", "size_gb": 40}
    assert configuration.registration.product.name == "Mandrake Linux"
    assert together["orders"][1].total_gross == Order.objects.get(number="WEB-1").total_gross


def test_it_takes_one_query(customer, held):
    with CaptureQueriesContext(connection) as queries:
        fetch_together(querysets(customer))

    assert len(queries) == 1


def test_nulls_and_missing_related_objects_come_back_as_none(customer, held):
    event = fetch_together({"event": AccountEvent.objects.filter(actor=None).select_related("actor")})["event"][0]

    assert event.actor is None
    assert event.changed_fields == ["city"]


@pytest.mark.parametrize(
    "queryset",
    [
        lambda customer: Order.objects.for_customer(customer).values("number"),
        lambda customer: Order.objects.for_customer(customer).prefetch_related("lines"),
        lambda customer: customer.orders.all(),
    ],
)
def test_it_refuses_what_it_cannot_rebuild(customer, queryset):
    with pytest.raises(ValueError, match="fetch_together"):
        fetch_together({"rows": queryset(customer)})
