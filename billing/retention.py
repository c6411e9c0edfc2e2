"""Billing's retention rule: accounting records go once their legal period is over.

French law (Code de commerce, art. L123-22) keeps them ten years after the close of their
financial year (billing.models.kept_until); after that, nothing justifies keeping them.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.retention import register_rule
from billing.models import Donation, Invoice, InvoiceLine, Order, Payment, Refund


def _cutoff(now: datetime.datetime) -> datetime.datetime:
    """Records dated before this have passed billing.models.kept_until."""
    year = timezone.localdate(now).year - settings.BILLING_RETENTION_YEARS
    return timezone.make_aware(datetime.datetime(year, 1, 1))


@register_rule("accounting-records", "orders, invoices and donations past their legal period")
def purge_accounting_records(now, dry_run):
    cutoff = _cutoff(now)
    recent_invoice = Invoice.objects.filter(order=OuterRef("pk"), issued_at__gte=cutoff)
    orders = Order.objects.filter(status_changed_at__lt=cutoff).exclude(Exists(recent_invoice))
    donations = Donation.objects.filter(received_at__lt=cutoff)
    if dry_run:
        return orders.count() + donations.count()
    with transaction.atomic():
        invoices = Invoice.objects.filter(order__in=orders)
        # Dependents first: every link among these records is PROTECT, so nothing goes by accident.
        InvoiceLine.objects.filter(invoice__in=invoices).delete()
        Refund.objects.filter(order__in=orders).delete()
        Payment.objects.filter(order__in=orders).delete()
        invoices.filter(corrects__isnull=False).delete()
        invoices.delete()
        deleted_orders = orders.count()
        orders.delete()
        deleted_donations, _by_model = donations.delete()
    return deleted_orders + deleted_donations
