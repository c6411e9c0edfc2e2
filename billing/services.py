"""Writes on billing records. Each runs in one transaction; emails are queued only once it
commits, so a refused event leaves no trace and sends nothing.

The store's events arrive through billing/intake.py, which validates their shape and calls
these functions; the rules of the business (which status may follow which, that a payment
covers the order, what a refund may give back) live here.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Customer
from billing.models import (
    DocumentCounter,
    Donation,
    Invoice,
    InvoiceLine,
    Order,
    OrderLine,
    OrderStatusChange,
    Payment,
    Refund,
    StoreEvent,
)
from billing.money import line_amounts, sum_lines
from billing.tasks import draw_document_copy, send_billing_email


class BillingRuleError(Exception):
    """A request the records cannot take (an impossible status change, a payment that does
    not cover the order...). ``code`` is stable for machines, ``message`` is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class LineInput:
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    vat_rate: Decimal


@dataclass(frozen=True)
class AddressInput:
    name: str
    address: str  # street lines, postal code and city, region: one per line
    country: str  # ISO 3166 code, or "" when unknown


@dataclass(frozen=True)
class Delivery:
    sku: str
    serial_number: str = ""
    download_url: str = ""


def _send_after_commit(message: str, object_id: int) -> None:
    transaction.on_commit(partial(send_billing_email.enqueue, message, object_id))


def _change_status(
    order: Order, status: str, *, at: datetime.datetime, event: StoreEvent | None, also: Iterable[str] = ()
) -> None:
    if not order.can_become(status):
        raise BillingRuleError(
            "invalid_transition",
            _("Order %(number)s is %(current)s; it cannot become %(new)s.")
            % {
                "number": order.number,
                "current": order.get_status_display().lower(),
                "new": Order.Status(status).label.lower(),
            },
        )
    order.status = status
    order.status_changed_at = at
    order.save(update_fields=["status", "status_changed_at", *also])
    OrderStatusChange.objects.create(order=order, status=status, changed_at=at, event=event)


def address_of(customer: Customer) -> AddressInput:
    """The customer's name and postal address as it is now, to copy onto an order."""
    locality = " ".join(part for part in (customer.postal_code, customer.city) if part)
    lines = [customer.address_line1, customer.address_line2, locality, customer.region]
    return AddressInput(
        name=customer.full_name,
        address="\n".join(line for line in lines if line),
        country=customer.country.code or "",
    )


@transaction.atomic
def order_place(
    *,
    number: str,
    customer: Customer,
    currency: str,
    lines: list[LineInput],
    billing: AddressInput | None,
    shipping: AddressInput | None,
    placed_at: datetime.datetime,
    event: StoreEvent | None = None,
) -> Order:
    """Record an order placed in the store. The billing address defaults to the one on the
    account; the shipping address is None for an order of downloads only. Both are copied,
    so that later changes to the account do not rewrite the order."""
    if Order.objects.filter(number=number).exists():
        raise BillingRuleError("order_exists", _("Order %(number)s is already recorded.") % {"number": number})
    billing = billing or address_of(customer)
    order_lines = []
    for position, line in enumerate(lines, start=1):
        amounts = line_amounts(
            quantity=line.quantity, unit_price=line.unit_price, vat_rate=line.vat_rate, currency=currency
        )
        order_lines.append(
            OrderLine(
                position=position,
                sku=line.sku,
                name=line.name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                vat_rate=line.vat_rate,
                net_amount=amounts.net,
                vat_amount=amounts.vat,
                gross_amount=amounts.gross,
            )
        )
    totals = sum_lines(order_lines)
    order = Order.objects.create(
        number=number,
        customer=customer,
        currency=currency,
        status=Order.Status.PLACED,
        placed_at=placed_at,
        status_changed_at=placed_at,
        total_net=totals.net,
        total_vat=totals.vat,
        total_gross=totals.gross,
        billing_name=billing.name,
        billing_address=billing.address,
        billing_country=billing.country,
        shipping_name=shipping.name if shipping else "",
        shipping_address=shipping.address if shipping else "",
        shipping_country=shipping.country if shipping else "",
    )
    for line in order_lines:
        line.order = order
    OrderLine.objects.bulk_create(order_lines)
    OrderStatusChange.objects.create(order=order, status=Order.Status.PLACED, changed_at=placed_at, event=event)
    return order


def _check_amount(*, amount: Decimal, currency: str, expected: Decimal, expected_currency: str) -> None:
    if currency != expected_currency or amount != expected:
        raise BillingRuleError(
            "amount_mismatch",
            _("The amount %(amount)s %(currency)s is not the expected %(expected)s %(expected_currency)s.")
            % {"amount": amount, "currency": currency, "expected": expected, "expected_currency": expected_currency},
        )


def _check_new_reference(model, provider: str, reference: str) -> None:
    if model.objects.filter(provider=provider, reference=reference).exists():
        raise BillingRuleError(
            "duplicate_reference",
            _("%(provider)s reference %(reference)s is already recorded.")
            % {"provider": provider, "reference": reference},
        )


@transaction.atomic
def order_pay(
    *,
    order: Order,
    amount: Decimal,
    currency: str,
    provider: str,
    reference: str,
    paid_at: datetime.datetime,
    event: StoreEvent | None = None,
) -> Invoice:
    """Record the payment of the whole order and issue its invoice in the same transaction."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    _change_status(order, Order.Status.PAID, at=paid_at, event=event)
    _check_amount(amount=amount, currency=currency, expected=order.total_gross, expected_currency=order.currency)
    _check_new_reference(Payment, provider, reference)
    Payment.objects.create(
        order=order, provider=provider, reference=reference, amount=amount, currency=currency, paid_at=paid_at
    )
    lines = list(order.lines.all())
    invoice = _issue(
        order=order,
        kind=Invoice.Kind.INVOICE,
        lines=[(line, line.quantity) for line in lines],
        buyer=AddressInput(order.billing_name, order.billing_address, order.billing_country.code or ""),
        paid_at=paid_at,
    )
    _send_after_commit("invoice_issued", invoice.pk)
    return invoice


def _series(prefix: str, moment: datetime.datetime) -> str:
    return f"{prefix}-{timezone.localdate(moment).year}"


def _issue(
    *,
    order: Order,
    kind: str,
    lines: list[tuple[OrderLine, int]],
    buyer: AddressInput,
    paid_at: datetime.datetime | None = None,
    corrects: Invoice | None = None,
    reason: str = "",
) -> Invoice:
    issued_at = timezone.now()
    prefix = settings.BILLING_INVOICE_PREFIX if kind == Invoice.Kind.INVOICE else settings.BILLING_CREDIT_NOTE_PREFIX
    series = _series(prefix, issued_at)
    sequence = DocumentCounter.take_next(series)
    invoice_lines = []
    for position, (line, quantity) in enumerate(lines, start=1):
        amounts = line_amounts(
            quantity=quantity, unit_price=line.unit_price, vat_rate=line.vat_rate, currency=order.currency
        )
        invoice_lines.append(
            InvoiceLine(
                position=position,
                sku=line.sku,
                name=line.name,
                quantity=quantity,
                unit_price=line.unit_price,
                vat_rate=line.vat_rate,
                net_amount=amounts.net,
                vat_amount=amounts.vat,
                gross_amount=amounts.gross,
            )
        )
    totals = sum_lines(invoice_lines)
    invoice = Invoice.objects.create(
        kind=kind,
        series=series,
        sequence=sequence,
        number=f"{series}-{sequence:06d}",
        order=order,
        corrects=corrects,
        issued_at=issued_at,
        paid_at=paid_at,
        reason=reason,
        currency=order.currency,
        total_net=totals.net,
        total_vat=totals.vat,
        total_gross=totals.gross,
        seller_name=settings.BILLING_SELLER_NAME,
        seller_address="\n".join(settings.BILLING_SELLER_ADDRESS),
        seller_vat_number=settings.BILLING_SELLER_VAT_NUMBER,
        seller_registration=settings.BILLING_SELLER_REGISTRATION,
        seller_legal_notice=settings.BILLING_SELLER_LEGAL_NOTICE,
        buyer_name=buyer.name,
        buyer_address=buyer.address,
        buyer_country=buyer.country,
        buyer_customer_number=order.customer.customer_number if order.customer_id else "",
    )
    for line in invoice_lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(invoice_lines)
    transaction.on_commit(partial(draw_document_copy.enqueue, invoice_id=invoice.pk))
    return invoice


@transaction.atomic
def order_ship(
    *,
    order: Order,
    carrier: str,
    tracking_number: str,
    tracking_url: str,
    shipped_at: datetime.datetime,
    event: StoreEvent | None = None,
) -> None:
    order = Order.objects.select_for_update().get(pk=order.pk)
    order.carrier, order.tracking_number, order.tracking_url = carrier, tracking_number, tracking_url
    _change_status(
        order, Order.Status.SHIPPED, at=shipped_at, event=event, also=["carrier", "tracking_number", "tracking_url"]
    )
    _send_after_commit("order_shipped", order.pk)


@transaction.atomic
def order_deliver(
    *,
    order: Order,
    deliveries: list[Delivery],
    delivered_at: datetime.datetime,
    event: StoreEvent | None = None,
) -> None:
    """Mark the order delivered, with the serial numbers and downloads of its digital lines."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    _change_status(order, Order.Status.DELIVERED, at=delivered_at, event=event)
    lines = {line.sku: line for line in order.lines.all()}
    for delivery in deliveries:
        line = lines.get(delivery.sku)
        if line is None:
            raise BillingRuleError(
                "unknown_sku",
                _("Order %(number)s has no line with SKU %(sku)s.") % {"number": order.number, "sku": delivery.sku},
            )
        line.serial_number, line.download_url = delivery.serial_number, delivery.download_url
        line.save(update_fields=["serial_number", "download_url"])
    _send_after_commit("order_delivered", order.pk)


@transaction.atomic
def order_cancel(*, order: Order, cancelled_at: datetime.datetime, event: StoreEvent | None = None) -> None:
    order = Order.objects.select_for_update().get(pk=order.pk)
    _change_status(order, Order.Status.CANCELLED, at=cancelled_at, event=event)


@transaction.atomic
def order_refund(
    *,
    order: Order,
    amount: Decimal,
    currency: str,
    provider: str,
    reference: str,
    quantities: dict[str, int] | None,
    reason: str,
    refunded_at: datetime.datetime,
    event: StoreEvent | None = None,
) -> Invoice:
    """Record a refund and issue the credit note that corrects the order's invoice.

    ``quantities`` maps SKUs to the quantities given back; None gives back everything not
    refunded yet. Once every line is refunded in full, the order is refunded."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status not in Order.REFUNDABLE:
        raise BillingRuleError(
            "invalid_transition",
            _("Order %(number)s is %(current)s; it cannot be refunded.")
            % {"number": order.number, "current": order.get_status_display().lower()},
        )
    invoice = order.invoices.get(kind=Invoice.Kind.INVOICE)
    lines = list(order.lines.all())
    if quantities is None:
        quantities = {line.sku: line.refundable_quantity for line in lines if line.refundable_quantity}
    by_sku = {line.sku: line for line in lines}
    refunded: list[tuple[OrderLine, int]] = []
    for sku, quantity in quantities.items():
        line = by_sku.get(sku)
        if line is None:
            raise BillingRuleError(
                "unknown_sku",
                _("Order %(number)s has no line with SKU %(sku)s.") % {"number": order.number, "sku": sku},
            )
        if quantity > line.refundable_quantity:
            raise BillingRuleError(
                "refund_too_large",
                _("Only %(left)d of SKU %(sku)s can still be refunded.")
                % {"left": line.refundable_quantity, "sku": sku},
            )
        refunded.append((line, quantity))
    if not refunded:
        raise BillingRuleError(
            "nothing_to_refund", _("Order %(number)s has nothing left to refund.") % {"number": order.number}
        )
    _check_new_reference(Refund, provider, reference)
    credit_note = _issue(
        order=order,
        kind=Invoice.Kind.CREDIT_NOTE,
        lines=refunded,
        buyer=AddressInput(invoice.buyer_name, invoice.buyer_address, invoice.buyer_country.code or ""),
        corrects=invoice,
        reason=reason,
    )
    _check_amount(
        amount=amount, currency=currency, expected=credit_note.total_gross, expected_currency=credit_note.currency
    )
    Refund.objects.create(
        order=order,
        credit_note=credit_note,
        provider=provider,
        reference=reference,
        amount=amount,
        currency=currency,
        refunded_at=refunded_at,
    )
    for line, quantity in refunded:
        line.refunded_quantity += quantity
        line.save(update_fields=["refunded_quantity"])
    if all(line.refundable_quantity == 0 for line in lines):
        _change_status(order, Order.Status.REFUNDED, at=refunded_at, event=event)
    _send_after_commit("credit_note_issued", credit_note.pk)
    return credit_note


@transaction.atomic
def donation_record(
    *,
    customer: Customer,
    amount: Decimal,
    currency: str,
    campaign: str,
    provider: str,
    reference: str,
    received_at: datetime.datetime,
) -> Donation:
    """Record a donation and give it the next receipt number of the year."""
    _check_new_reference(Donation, provider, reference)
    series = _series(settings.BILLING_RECEIPT_PREFIX, timezone.now())
    sequence = DocumentCounter.take_next(series)
    donation = Donation.objects.create(
        customer=customer,
        receipt_number=f"{series}-{sequence:06d}",
        donor_name=customer.full_name,
        amount=amount,
        currency=currency,
        campaign=campaign,
        provider=provider,
        reference=reference,
        received_at=received_at,
    )
    _send_after_commit("donation_received", donation.pk)
    transaction.on_commit(partial(draw_document_copy.enqueue, donation_id=donation.pk))
    return donation
