import pytest

from billing import demo
from billing.models import Donation, Invoice, Order

pytestmark = pytest.mark.django_db


def test_the_demo_has_orders_in_several_states_and_can_run_twice(customer, staff):
    demo.seed(customer=customer, staff=staff)
    counts = (Order.objects.count(), Invoice.objects.count(), Donation.objects.count())

    demo.seed(customer=customer, staff=staff)

    assert (Order.objects.count(), Invoice.objects.count(), Donation.objects.count()) == counts
    assert set(Order.objects.for_customer(customer).values_list("status", flat=True)) == {
        "placed",
        "shipped",
        "delivered",
        "cancelled",
    }
    assert Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).count() == 1
    assert Donation.objects.for_customer(customer).count() == 2
