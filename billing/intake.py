"""Events from the store and the donation page: checked, then handed to the services.

The webhook (billing/views.py) and the import command (import_store_events) both call
``process_event``, so a line of an import file is held to exactly the rules of a webhook
call. One event is one transaction: a refused event writes nothing, and an event id that
was already processed changes nothing. The format is documented in docs/billing.md.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts import customer_numbers
from accounts.models import Customer
from billing import services
from billing.models import Donation, Invoice, Order, OrderLine, Payment, Refund, StoreEvent, order_number_format
from billing.money import AMOUNT_DECIMALS, AMOUNT_DIGITS, Currency, is_exact_amount
from mandrakeonline.card_numbers import text_contains_card_number

MAX_DEPTH = 8
MAX_LINES = 100
MAX_QUANTITY = 10_000
EVENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")
# Control characters have no place in names, addresses or references (and PostgreSQL
# refuses NUL outright).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
https_url = URLValidator(schemes=["https"])


class EventRejected(Exception):
    """An event that is refused as a whole: ``status`` is the HTTP status to answer."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.status = status


@dataclass(frozen=True)
class Outcome:
    event_id: str
    type: str
    already_processed: bool


def _invalid(message) -> EventRejected:
    return EventRejected("invalid_event", message, 400)


def _with_numbers_as_text(data: Any, depth: int = 0) -> Any:
    """The payload with its numbers turned to text, so that the card-number guard also sees
    a card number sent as a JSON number."""
    if depth > MAX_DEPTH:
        raise _invalid(_("The event is nested too deeply."))
    if isinstance(data, dict):
        return {key: _with_numbers_as_text(value, depth + 1) for key, value in data.items()}
    if isinstance(data, list):
        return [_with_numbers_as_text(item, depth + 1) for item in data]
    if isinstance(data, (int, Decimal)) and not isinstance(data, bool):
        return str(data)
    return data


def _object(data: Any, where: str) -> dict:
    if not isinstance(data, dict):
        raise _invalid(_("“%(field)s” must be a JSON object.") % {"field": where})
    return data


def _text(data: dict, key: str, where: str, *, field: models.Field, required: bool = True) -> str:
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _invalid(_("“%(field)s” must be text.") % {"field": f"{where}{key}"})
    value = value.strip()
    if required and not value:
        raise _invalid(_("“%(field)s” is missing.") % {"field": f"{where}{key}"})
    if len(value) > field.max_length:
        raise _invalid(
            _("“%(field)s” is longer than %(max)d characters.") % {"field": f"{where}{key}", "max": field.max_length}
        )
    if CONTROL_CHARACTERS.search(value):
        raise _invalid(_("“%(field)s” contains control characters.") % {"field": f"{where}{key}"})
    return value


def _https_url(data: dict, key: str, where: str, *, field: models.Field) -> str:
    value = _text(data, key, where, field=field, required=False)
    if value:
        try:
            https_url(value)
        except ValidationError:
            raise _invalid(_("“%(field)s” must be an https:// address.") % {"field": f"{where}{key}"}) from None
    return value


def _moment(data: dict, key: str, where: str = "") -> datetime.datetime:
    value = data.get(key)
    try:
        moment = datetime.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise _invalid(
            _("“%(field)s” must be a date and time with its time zone, e.g. 2026-03-02T10:15:00+01:00.")
            % {"field": f"{where}{key}"}
        )
    return moment


def _currency(data: dict, where: str = "") -> str:
    value = data.get("currency")
    if value not in Currency.values:
        raise _invalid(
            _("“%(field)s” must be one of %(choices)s.")
            % {"field": f"{where}currency", "choices": ", ".join(Currency.values)}
        )
    return value


def _decimal(value: Any, field_name: str) -> Decimal:
    # Amounts come as strings ("49.90") or JSON numbers read as Decimal, never as floats.
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise _invalid(_('“%(field)s” must be a decimal number such as "49.90".') % {"field": field_name})
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise _invalid(_('“%(field)s” must be a decimal number such as "49.90".') % {"field": field_name})
    return number


def _amount(data: dict, key: str, currency: str, where: str = "", *, allow_zero: bool = False) -> Decimal:
    field_name = f"{where}{key}"
    amount = _decimal(data.get(key), field_name)
    too_large = amount >= Decimal(10) ** (AMOUNT_DIGITS - AMOUNT_DECIMALS)
    if amount < 0 or (amount == 0 and not allow_zero) or too_large:
        raise _invalid(_("“%(field)s” is not a possible amount.") % {"field": field_name})
    if not is_exact_amount(amount, currency):
        raise _invalid(
            _("“%(field)s” has more decimals than %(currency)s allows.") % {"field": field_name, "currency": currency}
        )
    return amount


def _vat_rate(data: dict, where: str) -> Decimal:
    field_name = f"{where}vat_rate"
    rate = _decimal(data.get("vat_rate"), field_name)
    if not (0 <= rate <= 100) or rate != rate.quantize(Decimal("0.01")):
        raise _invalid(_('“%(field)s” must be a percentage such as "20.00".') % {"field": field_name})
    return rate


def _quantity(data: dict, where: str) -> int:
    value = data.get("quantity")
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_QUANTITY:
        raise _invalid(
            _("“%(field)s” must be a whole number from 1 to %(max)d.")
            % {"field": f"{where}quantity", "max": MAX_QUANTITY}
        )
    return value


def _list(data: dict, key: str, where: str = "", *, required: bool = True) -> list:
    value = data.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value) or len(value) > MAX_LINES:
        raise _invalid(
            _("“%(field)s” must be a list of 1 to %(max)d items.") % {"field": f"{where}{key}", "max": MAX_LINES}
        )
    return value


def _field(model: type[models.Model], name: str) -> models.Field:
    return model._meta.get_field(name)


def _customer(data: dict) -> Customer:
    raw = data.get("customer_number")
    number = customer_numbers.normalize(raw) if isinstance(raw, str) else ""
    if not customer_numbers.is_valid(number):
        raise _invalid(_("“data.customer_number” is not a valid customer number."))
    customer = Customer.objects.filter(customer_number=number, is_active=True).first()
    if customer is None:
        raise EventRejected("unknown_customer", _("No customer has this customer number."), 422)
    return customer


def _order(data: dict) -> Order:
    number = _text(data, "order_number", "data.", field=_field(Order, "number"))
    order = Order.objects.filter(number=number).first()
    if order is None:
        raise EventRejected("unknown_order", _("No order has the number %(number)s.") % {"number": number}, 422)
    return order


def _address(data: dict, key: str) -> services.AddressInput:
    where = f"data.{key}."
    address = _object(data.get(key), f"data.{key}")
    text_field = _field(Order, "billing_name")
    name = _text(address, "name", where, field=text_field)
    parts = [
        _text(address, "line1", where, field=text_field),
        _text(address, "line2", where, field=text_field, required=False),
        " ".join(
            part
            for part in (
                _text(address, "postal_code", where, field=text_field, required=False),
                _text(address, "city", where, field=text_field),
            )
            if part
        ),
        _text(address, "region", where, field=text_field, required=False),
    ]
    country = address.get("country")
    if not isinstance(country, str) or country.upper() not in countries:
        raise _invalid(_("“%(field)s” must be a two-letter country code such as FR.") % {"field": f"{where}country"})
    return services.AddressInput(name=name, address="\n".join(part for part in parts if part), country=country.upper())


def _order_placed(data: dict, event: StoreEvent) -> None:
    number = _text(data, "order_number", "data.", field=_field(Order, "number"))
    try:
        order_number_format(number)
    except ValidationError as error:
        raise _invalid(error.messages[0]) from None
    customer = _customer(data)
    currency = _currency(data, "data.")
    lines = []
    for index, item in enumerate(_list(data, "lines", "data.")):
        where = f"data.lines[{index}]."
        line = _object(item, where.rstrip("."))
        lines.append(
            services.LineInput(
                sku=_text(line, "sku", where, field=_field(OrderLine, "sku")),
                name=_text(line, "name", where, field=_field(OrderLine, "name")),
                quantity=_quantity(line, where),
                unit_price=_amount(line, "unit_price", currency, where, allow_zero=True),
                vat_rate=_vat_rate(line, where),
            )
        )
    if len({line.sku for line in lines}) != len(lines):
        raise _invalid(_("Each SKU may appear on one line only."))
    billing = _address(data, "billing_address") if data.get("billing_address") is not None else None
    # No key: ship to the billing address. null: nothing to ship (downloads only).
    if "shipping_address" not in data:
        shipping = billing or services.address_of(customer)
    elif data["shipping_address"] is None:
        shipping = None
    else:
        shipping = _address(data, "shipping_address")
    services.order_place(
        number=number,
        customer=customer,
        currency=currency,
        lines=lines,
        billing=billing,
        shipping=shipping,
        placed_at=event.occurred_at,
        event=event,
    )


def _provider(data: dict, model: type[models.Model]) -> tuple[str, str]:
    return (
        _text(data, "provider", "data.", field=_field(model, "provider")),
        _text(data, "reference", "data.", field=_field(model, "reference")),
    )


def _order_paid(data: dict, event: StoreEvent) -> None:
    order = _order(data)
    currency = _currency(data, "data.")
    provider, reference = _provider(data, Payment)
    services.order_pay(
        order=order,
        amount=_amount(data, "amount", currency, "data."),
        currency=currency,
        provider=provider,
        reference=reference,
        paid_at=event.occurred_at,
        event=event,
    )


def _order_shipped(data: dict, event: StoreEvent) -> None:
    order = _order(data)
    services.order_ship(
        order=order,
        carrier=_text(data, "carrier", "data.", field=_field(Order, "carrier")),
        tracking_number=_text(data, "tracking_number", "data.", field=_field(Order, "tracking_number"), required=False),
        tracking_url=_https_url(data, "tracking_url", "data.", field=_field(Order, "tracking_url")),
        shipped_at=event.occurred_at,
        event=event,
    )


def _order_delivered(data: dict, event: StoreEvent) -> None:
    order = _order(data)
    deliveries = []
    for index, item in enumerate(_list(data, "deliveries", "data.", required=False)):
        where = f"data.deliveries[{index}]."
        delivery = _object(item, where.rstrip("."))
        deliveries.append(
            services.Delivery(
                sku=_text(delivery, "sku", where, field=_field(OrderLine, "sku")),
                serial_number=_text(
                    delivery, "serial_number", where, field=_field(OrderLine, "serial_number"), required=False
                ),
                download_url=_https_url(delivery, "download_url", where, field=_field(OrderLine, "download_url")),
            )
        )
    services.order_deliver(order=order, deliveries=deliveries, delivered_at=event.occurred_at, event=event)


def _order_cancelled(data: dict, event: StoreEvent) -> None:
    services.order_cancel(order=_order(data), cancelled_at=event.occurred_at, event=event)


def _refund(data: dict, event: StoreEvent) -> None:
    order = _order(data)
    currency = _currency(data, "data.")
    provider, reference = _provider(data, Refund)
    quantities = None
    if data.get("lines") is not None:
        quantities = {}
        for index, item in enumerate(_list(data, "lines", "data.")):
            where = f"data.lines[{index}]."
            line = _object(item, where.rstrip("."))
            sku = _text(line, "sku", where, field=_field(OrderLine, "sku"))
            if sku in quantities:
                raise _invalid(_("Each SKU may appear on one line only."))
            quantities[sku] = _quantity(line, where)
    services.order_refund(
        order=order,
        amount=_amount(data, "amount", currency, "data."),
        currency=currency,
        provider=provider,
        reference=reference,
        quantities=quantities,
        reason=_text(data, "reason", "data.", field=_field(Invoice, "reason"), required=False),
        refunded_at=event.occurred_at,
        event=event,
    )


def _donation_received(data: dict, event: StoreEvent) -> None:
    customer = _customer(data)
    currency = _currency(data, "data.")
    provider, reference = _provider(data, Donation)
    services.donation_record(
        customer=customer,
        amount=_amount(data, "amount", currency, "data."),
        currency=currency,
        campaign=_text(data, "campaign", "data.", field=_field(Donation, "campaign"), required=False),
        provider=provider,
        reference=reference,
        received_at=event.occurred_at,
    )


HANDLERS = {
    StoreEvent.Type.ORDER_PLACED: _order_placed,
    StoreEvent.Type.ORDER_PAID: _order_paid,
    StoreEvent.Type.ORDER_SHIPPED: _order_shipped,
    StoreEvent.Type.ORDER_DELIVERED: _order_delivered,
    StoreEvent.Type.ORDER_CANCELLED: _order_cancelled,
    StoreEvent.Type.REFUND: _refund,
    StoreEvent.Type.DONATION_RECEIVED: _donation_received,
}


def process_event(payload: Any, *, via: str) -> Outcome:
    """Check one event and apply it, or raise EventRejected having written nothing."""
    payload = _object(payload, "event")
    if text_contains_card_number(_with_numbers_as_text(payload)):
        raise EventRejected(
            "card_number", _("The event contains what looks like a payment card number; it is refused."), 422
        )
    event_id = payload.get("id")
    if not isinstance(event_id, str) or not EVENT_ID.match(event_id):
        raise _invalid(_("“id” must be 1 to 100 letters, digits, or the characters _ . : -"))
    event_type = payload.get("type")
    if event_type not in HANDLERS:
        raise EventRejected(
            "unknown_event_type",
            _("“type” must be one of %(types)s.") % {"types": ", ".join(StoreEvent.Type.values)},
            400,
        )
    occurred_at = _moment(payload, "occurred_at")
    data = _object(payload.get("data"), "data")
    if StoreEvent.objects.filter(event_id=event_id).exists():
        return Outcome(event_id, event_type, already_processed=True)
    try:
        with transaction.atomic():
            # Recorded first: a second delivery of the same event running at the same moment
            # waits on the unique index, then fails and is answered "already processed".
            event = StoreEvent.objects.create(event_id=event_id, type=event_type, via=via, occurred_at=occurred_at)
            HANDLERS[event_type](data, event)
    except services.BillingRuleError as error:
        raise EventRejected(error.code, error.message, 422) from None
    except IntegrityError:
        if StoreEvent.objects.filter(event_id=event_id).exists():
            return Outcome(event_id, event_type, already_processed=True)
        raise EventRejected(
            "conflict", _("The event conflicts with another one processed at the same time; send it again."), 409
        ) from None
    return Outcome(event_id, event_type, already_processed=False)
