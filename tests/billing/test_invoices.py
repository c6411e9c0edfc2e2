"""Invoices: issued on payment, numbered without gaps, frozen, corrected by credit notes."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from billing import intake
from billing.models import DocumentCounter, Invoice, InvoiceImmutable, InvoiceLine, Order, OrderLine, Refund
from tests.billing.conftest import ORDER_TOTAL, apply, delivered, paid, placed, refund, shipped

pytestmark = pytest.mark.django_db


def test_paying_an_order_issues_its_invoice(customer, settings):
    settings.BILLING_SELLER_NAME = "Mandrake S.A."
    customer.address_line1, customer.postal_code, customer.city, customer.country = (
        "12 rue des Lilas",
        "75011",
        "Paris",
        "FR",
    )
    customer.save()

    apply(placed(customer), paid())

    invoice = Invoice.objects.get()
    year = timezone.localdate().year
    assert invoice.number == f"MO-{year}-000001"
    assert invoice.kind == Invoice.Kind.INVOICE
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (
        Decimal("99.00"),
        Decimal("19.80"),
        Decimal(ORDER_TOTAL),
    )
    assert invoice.seller_name == "Mandrake S.A."
    assert invoice.buyer_lines() == ["Alice Durand", "12 rue des Lilas", "75011 Paris", "France"]
    assert invoice.buyer_customer_number == customer.customer_number
    assert invoice.paid_at is not None
    assert [(line.sku, line.quantity, line.net_amount) for line in invoice.lines.all()] == [
        ("MDK-BOX", 1, Decimal("69.00")),
        ("MDK-TSHIRT", 2, Decimal("30.00")),
    ]


def test_a_refused_payment_issues_no_invoice_and_takes_no_number(customer):
    apply(placed(customer))

    with pytest.raises(intake.EventRejected):
        apply(paid(amount="1.00"))
    apply(paid())

    assert Invoice.objects.get().sequence == 1


def test_invoice_numbers_follow_each_other_without_gaps(customer):
    for index in range(1, 6):
        apply(placed(customer, number=f"WEB-{index}"), paid(f"WEB-{index}"))

    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5]
    year = timezone.localdate().year
    assert DocumentCounter.objects.get(series=f"MO-{year}").last_number == 5


def test_each_year_starts_its_own_series(customer, settings):
    DocumentCounter.objects.create(series="MO-1999", last_number=41)

    apply(placed(customer), paid())

    assert Invoice.objects.get().sequence == 1
    assert DocumentCounter.objects.get(series="MO-1999").last_number == 41


def test_the_invoice_keeps_the_buyer_and_seller_as_they_were(paid_order, customer, settings):
    invoice = Invoice.objects.get()
    customer.first_name, customer.city = "Alicia", "Lyon"
    customer.save()
    settings.BILLING_SELLER_NAME = "Someone Else Ltd"

    invoice.refresh_from_db()

    assert invoice.buyer_name == "Alice Durand"
    assert invoice.seller_name == "Mandrake S.A."


def test_an_issued_invoice_refuses_to_be_changed(paid_order):
    invoice = Invoice.objects.get()
    invoice.buyer_name = "Someone else"

    with pytest.raises(InvoiceImmutable):
        invoice.save()
    with pytest.raises(InvoiceImmutable):
        Invoice.objects.filter(pk=invoice.pk).update(buyer_name="Someone else")
    with pytest.raises(InvoiceImmutable):
        invoice.delete()
    line = invoice.lines.first()
    line.quantity = 5
    with pytest.raises(InvoiceImmutable):
        line.save()


@pytest.mark.parametrize("table", ["billing_invoice", "billing_invoiceline"])
def test_the_database_refuses_to_change_an_issued_invoice(paid_order, table):
    with (
        pytest.raises(IntegrityError, match="issued invoices cannot be changed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {table} SET id = id")  # noqa: S608 (a fixed table name)


def test_a_refund_issues_a_credit_note_that_corrects_the_invoice(paid_order):
    apply(refund())

    invoice = Invoice.objects.get(kind=Invoice.Kind.INVOICE)
    credit_note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert credit_note.corrects == invoice
    assert credit_note.number == f"MOAV-{timezone.localdate().year}-000001"
    assert credit_note.total_gross == invoice.total_gross
    assert credit_note.reason == "Returned unopened"
    assert Refund.objects.get().credit_note == credit_note
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.REFUNDED


def test_a_partial_refund_credits_the_lines_given_back(paid_order):
    apply(refund(amount="18.00", lines=[{"sku": "MDK-TSHIRT", "quantity": 1}]))

    credit_note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert [(line.sku, line.quantity, line.gross_amount) for line in credit_note.lines.all()] == [
        ("MDK-TSHIRT", 1, Decimal("18.00"))
    ]
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.PAID
    assert paid_order.lines.get(sku="MDK-TSHIRT").refunded_quantity == 1

    apply(refund(amount="100.80"))

    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.REFUNDED
    assert Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).count() == 2


@pytest.mark.parametrize(
    ("lines", "amount", "code"),
    [
        ([{"sku": "MDK-TSHIRT", "quantity": 3}], "54.00", "refund_too_large"),
        ([{"sku": "NOPE", "quantity": 1}], "1.00", "unknown_sku"),
        ([{"sku": "MDK-TSHIRT", "quantity": 1}], "17.99", "amount_mismatch"),
    ],
)
def test_a_refund_that_does_not_fit_the_order_is_refused(paid_order, lines, amount, code):
    with pytest.raises(intake.EventRejected) as refused:
        apply(refund(amount=amount, lines=lines))

    assert refused.value.code == code
    assert Invoice.objects.count() == 1
    assert not Refund.objects.exists()
    assert DocumentCounter.objects.filter(series__startswith="MOAV").count() == 0


def test_a_fully_refunded_order_cannot_be_refunded_again(paid_order):
    apply(refund())

    with pytest.raises(intake.EventRejected) as refused:
        apply(refund())

    assert refused.value.code == "invalid_transition"


def test_a_shipped_or_delivered_order_can_still_be_refunded(paid_order):
    apply(shipped(), delivered(), refund())

    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.REFUNDED


def test_totals_equal_the_sum_of_the_lines(paid_order):
    paid_order.full_clean()

    paid_order.total_net += 1
    paid_order.total_gross += 1
    with pytest.raises(ValidationError, match="sum of its lines"):
        paid_order.full_clean()


@pytest.mark.parametrize(
    ("change", "constraint"),
    [
        ({"net_amount": Decimal("70.00"), "gross_amount": Decimal("83.80")}, "order_line_net_is_quantity_times_price"),
        ({"gross_amount": Decimal("1.00")}, "order_line_gross_is_net_plus_vat"),
        ({"refunded_quantity": 2}, "order_line_refund_fits"),
    ],
)
def test_the_database_refuses_a_line_whose_amounts_do_not_add_up(paid_order, change, constraint):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        OrderLine.objects.filter(order=paid_order, sku="MDK-BOX").update(**change)


def test_the_database_refuses_an_order_whose_gross_is_not_net_plus_vat(paid_order):
    with pytest.raises(IntegrityError, match="order_gross_is_net_plus_vat"), transaction.atomic():
        Order.objects.filter(pk=paid_order.pk).update(total_gross=Decimal("1.00"))


def test_the_database_refuses_a_credit_note_that_corrects_nothing(paid_order):
    invoice = Invoice.objects.get()
    fields = {
        field.attname: getattr(invoice, field.attname)
        for field in Invoice._meta.concrete_fields
        if field.attname not in {"id", "number", "sequence"}
    }
    with pytest.raises(IntegrityError, match="invoice_credit_note_corrects_an_invoice"), transaction.atomic():
        Invoice.objects.create(**{**fields, "kind": Invoice.Kind.CREDIT_NOTE, "number": "X-1", "sequence": 99})


def test_vat_is_rounded_half_up_once_per_line(customer):
    line = {"sku": "GUIDE", "name": "Guide", "quantity": 1, "unit_price": "12.50", "vat_rate": "5.50"}

    apply(placed(customer, lines=[line]), paid(amount="13.19"))

    invoice_line = InvoiceLine.objects.get()
    assert invoice_line.vat_amount == Decimal("0.69")  # 0.6875 rounds half up
    assert Invoice.objects.get().total_gross == Decimal("13.19")


def test_a_currency_without_decimals_is_rounded_to_whole_units(customer):
    line = {"sku": "BOX-JP", "name": "Box", "quantity": 3, "unit_price": "1999", "vat_rate": "10.00"}
    payload = placed(customer, lines=[line])
    payload["data"]["currency"] = "JPY"
    payment = paid(amount="6597")
    payment["data"]["currency"] = "JPY"

    apply(payload, payment)

    assert Invoice.objects.get().total_vat == Decimal("600")  # 599.7 rounded to the yen


def test_each_record_says_until_when_it_is_kept(paid_order, customer):
    apply(refund())
    year = timezone.localdate().year

    for record in (paid_order, Invoice.objects.first(), Invoice.objects.last()):
        assert record.kept_until().isoformat() == f"{year + 10}-12-31"
