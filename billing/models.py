"""Billing records: store orders, payments, refunds, invoices, credit notes and donations.

The store and the donation page are separate systems that tell the portal what happened
(billing/intake.py); the portal keeps the records, shows them to the customer and issues
the invoices. No card number is ever kept: payments hold only the provider's name and its
transaction reference, and every free-text field refuses anything that looks like a card
number.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.customer_numbers import format_number
from billing.money import RATE_DECIMALS, RATE_DIGITS, Currency, amount_field, sum_lines
from mandrakeonline.admin_lists import case_insensitive_search
from mandrakeonline.card_numbers import reject_card_numbers
from mandrakeonline.choices import ChoiceLabels

guard = [reject_card_numbers]

order_number_format = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$",
    _("An order number is letters, digits and dashes, at most 32."),
    code="order_number",
)


def kept_until(moment: datetime.datetime) -> datetime.date:
    """Until when an accounting record dated `moment` is kept.

    French law (Code de commerce, art. L123-22) keeps accounting documents ten years from
    the close of the financial year they belong to; Mandrake's financial year is the
    calendar year.
    """
    year = timezone.localdate(moment).year + settings.BILLING_RETENTION_YEARS
    return datetime.date(year, 12, 31)


class DocumentCounter(models.Model):
    """The last number given in one series of invoices, credit notes or receipts.

    Numbers are taken with the counter's row locked (SELECT ... FOR UPDATE) inside the
    transaction that creates the document, so two transactions never get the same number,
    and a rolled-back one gives its number back: the series has no gaps.
    """

    series = models.CharField(_("series"), max_length=12, primary_key=True)
    last_number = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("document counter")
        verbose_name_plural = _("document counters")

    def __str__(self):
        return f"{self.series}: {self.last_number}"

    @classmethod
    def take_next(cls, series: str) -> int:
        # Create the row if the series is new; a concurrent creator waits on the primary
        # key and then finds it. The row lock then serialises the increments.
        cls.objects.bulk_create([cls(series=series)], ignore_conflicts=True)
        counter = cls.objects.select_for_update().get(series=series)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        return counter.last_number


class StoreEvent(models.Model):
    """An event from the store or the donation page that was processed.

    Only its id and type are kept (never the body), so that the same event delivered
    twice changes nothing the second time.
    """

    class Type(models.TextChoices):
        ORDER_PLACED = "order.placed", _("Order placed")
        ORDER_PAID = "order.paid", _("Order paid")
        ORDER_SHIPPED = "order.shipped", _("Order shipped")
        ORDER_DELIVERED = "order.delivered", _("Order delivered")
        ORDER_CANCELLED = "order.cancelled", _("Order cancelled")
        REFUND = "refund", _("Refund")
        DONATION_RECEIVED = "donation.received", _("Donation received")

    class Via(models.TextChoices):
        WEBHOOK = "webhook", _("webhook")
        IMPORT = "import", _("file import")

    event_id = models.CharField(_("event id"), max_length=100, unique=True, validators=guard)
    type = models.CharField(_("type"), max_length=20, choices=Type)
    via = models.CharField(_("received by"), max_length=8, choices=Via)
    occurred_at = models.DateTimeField(_("happened on"))
    processed_at = models.DateTimeField(_("processed on"), default=timezone.now)

    class Meta:
        verbose_name = _("store event")
        verbose_name_plural = _("store events")
        ordering = ["-processed_at"]
        indexes = [
            # The admin's list starts with the latest events; staff search them by id, ignoring case.
            models.Index(fields=["processed_at"], name="store_event_processed"),
            models.Index(case_insensitive_search("event_id"), name="store_event_id_search"),
        ]

    def __str__(self):
        return self.event_id


class OrderQuerySet(models.QuerySet):
    def for_customer(self, customer):
        return self.filter(customer=customer)


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    PAID = "paid", _("Paid")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


class Order(ChoiceLabels, models.Model):
    Status = OrderStatus

    # placed -> paid -> shipped -> delivered; downloads go from paid straight to delivered.
    # Only an unpaid order is cancelled; a paid one is refunded.
    TRANSITIONS = {
        Status.PLACED: {Status.PAID, Status.CANCELLED},
        Status.PAID: {Status.SHIPPED, Status.DELIVERED, Status.REFUNDED},
        Status.SHIPPED: {Status.DELIVERED, Status.REFUNDED},
        Status.DELIVERED: {Status.REFUNDED},
        Status.CANCELLED: set(),
        Status.REFUNDED: set(),
    }
    REFUNDABLE = {Status.PAID, Status.SHIPPED, Status.DELIVERED}

    number = models.CharField(
        _("order number"), max_length=32, unique=True, validators=[order_number_format, reject_card_numbers]
    )
    # Detached (NULL) when the account is deleted; PROTECT so that no deletion of a login
    # can take accounting records with it.
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("customer"),
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PLACED)
    placed_at = models.DateTimeField(_("placed on"))
    status_changed_at = models.DateTimeField(_("status since"))
    total_net = amount_field(_("total excluding VAT"))
    total_vat = amount_field(_("VAT"))
    total_gross = amount_field(_("total including VAT"))
    billing_name = models.CharField(_("billing name"), max_length=200, blank=True, validators=guard)
    billing_address = models.TextField(_("billing address"), blank=True, validators=guard)
    billing_country = CountryField(_("billing country"), blank=True)
    shipping_name = models.CharField(_("shipping name"), max_length=200, blank=True, validators=guard)
    shipping_address = models.TextField(_("shipping address"), blank=True, validators=guard)
    shipping_country = CountryField(_("shipping country"), blank=True)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True, validators=guard)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True, validators=guard)
    tracking_url = models.URLField(_("tracking page"), max_length=500, blank=True, validators=guard)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-placed_at"], name="order_customer_history"),
            models.Index(fields=["status", "-placed_at"], name="order_status_date"),
            # The admin's list starts with the latest orders (ordered by placed_at, id); staff
            # search orders by number ignoring case.
            models.Index(fields=["placed_at", "id"], name="order_placed"),
            models.Index(case_insensitive_search("number"), name="order_number_search"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_gross=F("total_net") + F("total_vat")), name="order_gross_is_net_plus_vat"
            ),
            models.CheckConstraint(condition=Q(total_net__gte=0, total_vat__gte=0), name="order_totals_not_negative"),
            models.CheckConstraint(condition=Q(status__in=OrderStatus.values), name="order_status_known"),
            models.CheckConstraint(condition=Q(currency__in=Currency.values), name="order_currency_known"),
        ]

    def __str__(self):
        return self.number

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    def kept_until(self) -> datetime.date:
        return kept_until(self.status_changed_at)

    def billing_lines(self) -> list[str]:
        return _address_block(self.billing_name, self.billing_address, self.billing_country)

    def shipping_lines(self) -> list[str]:
        return _address_block(self.shipping_name, self.shipping_address, self.shipping_country)

    def clean(self):
        if self.pk is None:
            return
        totals = sum_lines(self.lines.all())
        if (self.total_net, self.total_vat, self.total_gross) != (totals.net, totals.vat, totals.gross):
            raise ValidationError(_("The order's totals must equal the sum of its lines."), code="totals")


def _address_block(name: str, address: str, country) -> list[str]:
    lines = [name, *address.splitlines()]
    if country:
        lines.append(str(country.name))
    return [line for line in lines if line]


def _line_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(condition=Q(quantity__gt=0), name=f"{prefix}_quantity_positive"),
        models.CheckConstraint(condition=Q(unit_price__gte=0), name=f"{prefix}_price_not_negative"),
        models.CheckConstraint(condition=Q(vat_rate__gte=0, vat_rate__lte=100), name=f"{prefix}_vat_rate_percent"),
        models.CheckConstraint(
            condition=Q(net_amount=F("quantity") * F("unit_price")), name=f"{prefix}_net_is_quantity_times_price"
        ),
        models.CheckConstraint(condition=Q(vat_amount__gte=0), name=f"{prefix}_vat_not_negative"),
        models.CheckConstraint(
            condition=Q(gross_amount=F("net_amount") + F("vat_amount")), name=f"{prefix}_gross_is_net_plus_vat"
        ),
    ]


class LineFields(models.Model):
    """What an order line and an invoice line share: a product, a quantity, prices."""

    position = models.PositiveSmallIntegerField(_("position"))
    sku = models.CharField(_("SKU"), max_length=64, validators=guard)
    name = models.CharField(_("product"), max_length=200, validators=guard)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = amount_field(_("unit price excluding VAT"))
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=RATE_DIGITS,
        decimal_places=RATE_DECIMALS,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    net_amount = amount_field(_("amount excluding VAT"))
    vat_amount = amount_field(_("VAT amount"))
    gross_amount = amount_field(_("amount including VAT"))

    class Meta:
        abstract = True
        ordering = ["position"]

    def __str__(self):
        return f"{self.quantity} x {self.name}"


class OrderLine(LineFields):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order"))
    refunded_quantity = models.PositiveIntegerField(_("quantity refunded"), default=0)
    # What a downloadable product delivered: its serial number or key, and where to get it.
    serial_number = models.CharField(_("serial number or key"), max_length=200, blank=True, validators=guard)
    download_url = models.URLField(_("download"), max_length=500, blank=True, validators=guard)

    class Meta(LineFields.Meta):
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            *_line_constraints("order_line"),
            models.CheckConstraint(condition=Q(refunded_quantity__lte=F("quantity")), name="order_line_refund_fits"),
            models.UniqueConstraint(fields=["order", "position"], name="order_line_position_unique"),
            models.UniqueConstraint(fields=["order", "sku"], name="order_line_sku_unique"),
        ]

    @property
    def refundable_quantity(self) -> int:
        return self.quantity - self.refunded_quantity


class OrderStatusChange(ChoiceLabels, models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("order"))
    status = models.CharField(_("status"), max_length=16, choices=Order.Status)
    changed_at = models.DateTimeField(_("when"))
    # The store event that made the change: every change is traceable to its source.
    event = models.ForeignKey(
        StoreEvent, on_delete=models.PROTECT, related_name="+", verbose_name=_("store event"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("order status change")
        verbose_name_plural = _("order status changes")
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.get_status_display()} ({self.changed_at:%Y-%m-%d %H:%M})"


class ProviderReference(models.Model):
    """A payment or refund as the payment provider knows it: its name and its reference,
    never a card number."""

    provider = models.CharField(_("payment provider"), max_length=50, validators=guard)
    reference = models.CharField(_("provider's reference"), max_length=100, validators=guard)
    amount = amount_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency)

    class Meta:
        abstract = True


class Payment(ProviderReference):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments", verbose_name=_("order"))
    paid_at = models.DateTimeField(_("paid on"))

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_at", "id"]
        # Staff search by the payment provider's reference, ignoring case.
        indexes = [models.Index(case_insensitive_search("reference"), name="payment_reference_search")]
        constraints = [
            models.UniqueConstraint(fields=["provider", "reference"], name="payment_reference_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self):
        return f"{self.provider} {self.reference}"


class InvoiceQuerySet(models.QuerySet):
    def for_customer(self, customer):
        return self.filter(order__customer=customer)

    def update(self, **kwargs):
        raise InvoiceImmutable("An issued invoice cannot be changed; issue a credit note.")


class InvoiceImmutable(Exception):
    pass


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class Invoice(ChoiceLabels, models.Model):
    """An invoice or a credit note, frozen when issued.

    It holds copies of the seller's and the buyer's details and of its lines, so that it
    reads the same in ten years whatever happens to the account, the order or the settings.
    It is never changed or deleted: the model refuses, the admin offers nothing, and a
    database trigger refuses UPDATE. A correction is a credit note that refers to it.
    Numbers are consecutive without gaps in each series (DocumentCounter).
    """

    Kind = InvoiceKind

    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    series = models.CharField(_("series"), max_length=12)
    sequence = models.PositiveIntegerField(_("number in the series"))
    number = models.CharField(_("number"), max_length=32, unique=True, validators=guard)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("order"))
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("corrects invoice"),
    )
    issued_at = models.DateTimeField(_("issued on"))
    paid_at = models.DateTimeField(_("paid on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True, validators=guard)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency)
    total_net = amount_field(_("total excluding VAT"))
    total_vat = amount_field(_("VAT"))
    total_gross = amount_field(_("total including VAT"))
    seller_name = models.CharField(_("seller"), max_length=200, validators=guard)
    seller_address = models.TextField(_("seller's address"), validators=guard)
    seller_vat_number = models.CharField(_("seller's VAT number"), max_length=32, validators=guard)
    seller_registration = models.CharField(_("seller's registration"), max_length=200, validators=guard)
    seller_legal_notice = models.TextField(_("legal notice"), blank=True, validators=guard)
    buyer_name = models.CharField(_("buyer"), max_length=200, validators=guard)
    buyer_address = models.TextField(_("buyer's address"), blank=True, validators=guard)
    buyer_country = CountryField(_("buyer's country"), blank=True)
    buyer_customer_number = models.CharField(_("buyer's customer number"), max_length=9, blank=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_at", "-id"]
        indexes = [
            # The admin's list starts with the latest documents; staff search them by number
            # and by the start of the buyer's name, ignoring case.
            models.Index(fields=["issued_at", "id"], name="invoice_issued"),
            models.Index(case_insensitive_search("number"), name="invoice_number_search"),
            models.Index(case_insensitive_search("buyer_name"), name="invoice_buyer_search"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["series", "sequence"], name="invoice_number_unique_in_series"),
            models.CheckConstraint(
                condition=Q(total_gross=F("total_net") + F("total_vat")), name="invoice_gross_is_net_plus_vat"
            ),
            models.CheckConstraint(condition=Q(total_net__gte=0, total_vat__gte=0), name="invoice_totals_not_negative"),
            models.CheckConstraint(condition=Q(kind__in=InvoiceKind.values), name="invoice_kind_known"),
            # A credit note always names the invoice it corrects; an invoice never does.
            models.CheckConstraint(
                condition=Q(kind="invoice", corrects__isnull=True) | Q(kind="credit_note", corrects__isnull=False),
                name="invoice_credit_note_corrects_an_invoice",
            ),
        ]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise InvoiceImmutable("An issued invoice cannot be changed; issue a credit note.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise InvoiceImmutable("An issued invoice is kept for the legal period and cannot be deleted.")

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE

    def kept_until(self) -> datetime.date:
        return kept_until(self.issued_at)

    def seller_lines(self) -> list[str]:
        return [self.seller_name, *self.seller_address.splitlines()]

    def buyer_lines(self) -> list[str]:
        return _address_block(self.buyer_name, self.buyer_address, self.buyer_country)

    @property
    def formatted_customer_number(self) -> str:
        return format_number(self.buyer_customer_number)

    def pdf_filename(self) -> str:
        return f"{self.number}.pdf"


class InvoiceLine(LineFields):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines", verbose_name=_("invoice"))

    class Meta(LineFields.Meta):
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            *_line_constraints("invoice_line"),
            models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position_unique"),
        ]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise InvoiceImmutable("An issued invoice cannot be changed; issue a credit note.")
        super().save(*args, **kwargs)


class Refund(ProviderReference):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("order"))
    credit_note = models.OneToOneField(
        Invoice, on_delete=models.PROTECT, related_name="refund", verbose_name=_("credit note")
    )
    refunded_at = models.DateTimeField(_("refunded on"))

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["refunded_at", "id"]
        # Staff search by the payment provider's reference, ignoring case.
        indexes = [models.Index(case_insensitive_search("reference"), name="refund_reference_search")]
        constraints = [
            models.UniqueConstraint(fields=["provider", "reference"], name="refund_reference_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self):
        return f"{self.provider} {self.reference}"


class DonationQuerySet(models.QuerySet):
    def for_customer(self, customer):
        return self.filter(customer=customer)


class Donation(ProviderReference):
    """A donation received through the donation page, with its receipt number."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donations",
        verbose_name=_("customer"),
    )
    receipt_number = models.CharField(_("receipt number"), max_length=32, unique=True, validators=guard)
    donor_name = models.CharField(_("donor"), max_length=200, blank=True, validators=guard)
    campaign = models.CharField(_("campaign"), max_length=100, blank=True, validators=guard)
    received_at = models.DateTimeField(_("received on"))

    objects = DonationQuerySet.as_manager()

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-received_at"], name="donation_customer_history"),
            # The admin's list starts with the latest donations (ordered by received_at, id).
            models.Index(fields=["received_at", "id"], name="donation_received"),
            # What staff search by, ignoring case (the admin's "=receipt_number", "=reference").
            models.Index(case_insensitive_search("receipt_number"), name="donation_receipt_search"),
            models.Index(case_insensitive_search("reference"), name="donation_reference_search"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["provider", "reference"], name="donation_reference_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="donation_amount_positive"),
            models.CheckConstraint(condition=Q(currency__in=Currency.values), name="donation_currency_known"),
        ]

    def __str__(self):
        return self.receipt_number

    def kept_until(self) -> datetime.date:
        return kept_until(self.received_at)


class DocumentCopy(models.Model):
    """The PDF of an invoice, credit note or donation receipt, drawn once and kept.

    Drawing one takes reportlab tens of milliseconds: an export of a customer with a
    thousand orders spent nearly all its time drawing. Copies are drawn by a task when the
    document is issued, or on first use in another language, and read back afterwards. They
    are derived data: the invoice or donation row stays the record, and a copy goes with it
    (purged after its legal period) or with the account (the copy shows the customer number
    that deletion takes off the invoice).
    """

    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, null=True, blank=True, related_name="copies", verbose_name=_("invoice")
    )
    donation = models.ForeignKey(
        Donation, on_delete=models.CASCADE, null=True, blank=True, related_name="copies", verbose_name=_("donation")
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="document_copies",
        verbose_name=_("customer"),
    )
    language = models.CharField(_("language"), max_length=8)
    pdf = models.BinaryField(_("PDF"))
    created_at = models.DateTimeField(_("drawn on"), default=timezone.now)

    class Meta:
        verbose_name = _("PDF copy")
        verbose_name_plural = _("PDF copies")
        constraints = [
            models.CheckConstraint(
                condition=Q(invoice__isnull=False, donation__isnull=True)
                | Q(invoice__isnull=True, donation__isnull=False),
                name="document_copy_of_one_document",
            ),
            models.UniqueConstraint(
                fields=["invoice", "language"], condition=Q(invoice__isnull=False), name="document_copy_invoice_unique"
            ),
            models.UniqueConstraint(
                fields=["donation", "language"],
                condition=Q(donation__isnull=False),
                name="document_copy_donation_unique",
            ),
        ]
        indexes = [models.Index(fields=["customer", "language"], name="document_copy_customer")]

    def __str__(self):
        return f"{self.invoice or self.donation} ({self.language})"

    @property
    def file_name(self) -> str:
        if self.invoice_id:
            return self.name_for(self.invoice.number, None)
        return self.name_for(None, self.donation.receipt_number)

    @staticmethod
    def name_for(invoice_number: str | None, receipt_number: str | None) -> str:
        """Where the copy goes in an export."""
        if invoice_number:
            return f"invoices/{invoice_number}.pdf"
        return f"receipts/{receipt_number}.pdf"
