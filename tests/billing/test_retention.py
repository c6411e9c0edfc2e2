import datetime

import pytest
from django.utils import timezone

from accounts import retention
from billing.models import Donation, Invoice, Order
from tests.billing.conftest import apply, donation, paid, placed, refund

pytestmark = pytest.mark.django_db


def counts(now, dry_run=False) -> int:
    results = {rule.name: count for rule, count in retention.apply_all(dry_run=dry_run, now=now)}
    return results["accounting-records"]


def test_accounting_records_stay_for_their_legal_period_and_go_after(customer):
    apply(placed(customer), paid(), refund(), donation(customer))
    invoices = Invoice.objects.count()
    assert invoices >= 2  # the invoice and its credit note
    issued = timezone.localdate().year

    last_kept_day = timezone.make_aware(datetime.datetime(issued + 10, 12, 31, 12))
    assert counts(last_kept_day) == 0
    assert Order.objects.count() == 1

    assert counts(last_kept_day + datetime.timedelta(days=1), dry_run=True) == 2
    assert Order.objects.count() == 1

    assert counts(last_kept_day + datetime.timedelta(days=1)) == 2
    assert not Order.objects.exists()
    assert not Invoice.objects.exists()
    assert not Donation.objects.exists()
