"""Billing in the admin: records to find and read, never to edit.

Orders, payments, refunds and donations come from the store's events and invoices are
frozen, so every billing page is read-only, for superusers too: a correction is made in
the store (and arrives as an event) or is a credit note.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin import CustomerNumberSearchMixin
from billing import documents, views
from billing.models import (
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
from billing.money import format_money
from mandrakeonline.admin_lists import BigTableAdminMixin


class ReadOnlyMixin:
    # Django 6 reads scheme-less URLs as https; say so now (and silence its warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


def _customer_number(record) -> str:
    return record.customer.formatted_number if record.customer_id else "—"


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = [
        "position",
        "sku",
        "name",
        "quantity",
        "unit_price",
        "vat_rate",
        "net_amount",
        "vat_amount",
        "gross_amount",
        "refunded_quantity",
        "serial_number",
        "download_url",
    ]


class OrderStatusChangeInline(ReadOnlyInline):
    model = OrderStatusChange
    fields = ["status", "changed_at", "event"]


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["provider", "reference", "amount", "currency", "paid_at"]


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = ["provider", "reference", "amount", "currency", "refunded_at", "credit_note"]


class InvoiceInline(ReadOnlyInline):
    model = Invoice
    fields = ["number", "kind", "issued_at", "total_gross", "currency"]
    fk_name = "order"


@admin.register(Order)
class OrderAdmin(ReadOnlyMixin, CustomerNumberSearchMixin, admin.ModelAdmin):
    list_display = ["number", "customer_number", "placed_at", "status", "total"]
    list_filter = ["status", "placed_at", "currency"]
    # No date_hierarchy: its bar of years reads every row of the table on each page view;
    # the date filter beside the list narrows by period instead.
    # Numbers whole (in any case), emails by their start: each through an index.
    search_fields = ["=number", "customer__email__istartswith"]
    list_select_related = ["customer"]
    inlines = [OrderLineInline, OrderStatusChangeInline, PaymentInline, RefundInline, InvoiceInline]
    fieldsets = [
        (None, {"fields": ["number", "customer", "status", "placed_at", "status_changed_at"]}),
        (_("Amounts"), {"fields": ["currency", "total_net", "total_vat", "total_gross"]}),
        (
            _("Addresses"),
            {
                "fields": [
                    "billing_name",
                    "billing_address",
                    "billing_country",
                    "shipping_name",
                    "shipping_address",
                    "shipping_country",
                ]
            },
        ),
        (_("Delivery"), {"fields": ["carrier", "tracking_number", "tracking_url"]}),
    ]

    @admin.display(description=_("customer number"), ordering="customer__customer_number")
    def customer_number(self, order):
        return _customer_number(order)

    @admin.display(description=_("total including VAT"), ordering="total_gross")
    def total(self, order):
        return format_money(order.total_gross, order.currency)


class InvoiceLineInline(ReadOnlyInline):
    model = InvoiceLine
    fields = [
        "position",
        "sku",
        "name",
        "quantity",
        "unit_price",
        "vat_rate",
        "net_amount",
        "vat_amount",
        "gross_amount",
    ]


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyMixin, CustomerNumberSearchMixin, admin.ModelAdmin):
    customer_path = "order__customer"
    list_display = ["number", "kind", "issued_at", "buyer_name", "order", "total"]
    list_filter = ["kind", "issued_at", "currency"]
    # No date_hierarchy: its bar of years reads every row of the table on each page view;
    # the date filter beside the list narrows by period instead.
    search_fields = [
        "=number",
        "=order__number",
        "buyer_name__istartswith",
        "order__customer__email__istartswith",
    ]
    list_select_related = ["order"]
    inlines = [InvoiceLineInline]
    readonly_fields = ["pdf_link"]

    @admin.display(description=_("total including VAT"), ordering="total_gross")
    def total(self, invoice):
        return format_money(invoice.total_gross, invoice.currency)

    @admin.display(description=_("PDF"))
    def pdf_link(self, invoice):
        url = reverse("admin:billing_invoice_pdf", args=[invoice.pk])
        return format_html('<a href="{}">{}</a>', url, invoice.pdf_filename())

    def get_urls(self):
        return [
            path("<int:pk>/pdf/", self.admin_site.admin_view(self.pdf_view), name="billing_invoice_pdf"),
            *super().get_urls(),
        ]

    def pdf_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        invoice = get_object_or_404(
            Invoice.objects.select_related("order", "corrects").prefetch_related("lines"), pk=pk
        )
        return views.pdf_response(documents.invoice_pdf(invoice), invoice.pdf_filename())


@admin.register(Donation)
class DonationAdmin(ReadOnlyMixin, CustomerNumberSearchMixin, admin.ModelAdmin):
    list_display = ["receipt_number", "customer_number", "received_at", "campaign", "total"]
    list_filter = ["campaign", "received_at", "currency"]
    # No date_hierarchy: its bar of years reads every row of the table on each page view;
    # the date filter beside the list narrows by period instead.
    search_fields = ["=receipt_number", "=reference", "customer__email__istartswith"]
    list_select_related = ["customer"]

    @admin.display(description=_("customer number"), ordering="customer__customer_number")
    def customer_number(self, donation):
        return _customer_number(donation)

    @admin.display(description=_("amount"), ordering="amount")
    def total(self, donation):
        return format_money(donation.amount, donation.currency)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyMixin, BigTableAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "provider", "order", "paid_at", "amount", "currency"]
    list_filter = ["provider", "paid_at"]
    search_fields = ["=reference", "=order__number"]
    list_select_related = ["order"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyMixin, BigTableAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "provider", "order", "credit_note", "refunded_at", "amount", "currency"]
    list_filter = ["provider", "refunded_at"]
    search_fields = ["=reference", "=order__number"]
    list_select_related = ["order", "credit_note"]


@admin.register(StoreEvent)
class StoreEventAdmin(ReadOnlyMixin, BigTableAdminMixin, admin.ModelAdmin):
    list_display = ["event_id", "type", "via", "occurred_at", "processed_at"]
    list_filter = ["type", "via", "processed_at"]
    search_fields = ["=event_id"]
