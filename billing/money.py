"""Money: amounts are Decimal with an ISO 4217 currency, never floats.

Every rounding in the app goes through ``round_money`` (half up, to the currency's minor
unit), and every total is computed here, by ``line_amounts`` and ``sum_lines``, so that an
order, its invoice and its credit notes cannot disagree about a cent.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models
from django.utils.formats import number_format


class Currency(models.TextChoices):
    # The currencies the store sells in. Each has at most two decimals, which is what the
    # amount columns hold (max_digits=12, decimal_places=2).
    EUR = "EUR", "EUR"
    USD = "USD", "USD"
    GBP = "GBP", "GBP"
    CHF = "CHF", "CHF"
    CAD = "CAD", "CAD"
    JPY = "JPY", "JPY"


MINOR_UNITS = {"EUR": 2, "USD": 2, "GBP": 2, "CHF": 2, "CAD": 2, "JPY": 0}

AMOUNT_DIGITS = 12
AMOUNT_DECIMALS = 2
RATE_DIGITS = 5
RATE_DECIMALS = 2

ZERO = Decimal("0")
HUNDRED = Decimal("100")


def amount_field(verbose_name, **options) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_DECIMALS, **options)


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-MINOR_UNITS[currency])


def round_money(amount: Decimal, currency: str) -> Decimal:
    """The one rounding rule: half up, to the currency's minor unit (0.005 EUR -> 0.01)."""
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def is_exact_amount(amount: Decimal, currency: str) -> bool:
    """True when the amount needs no rounding in this currency (no third decimal in EUR)."""
    try:
        return round_money(amount, currency) == amount
    except InvalidOperation:
        return False


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    vat: Decimal
    gross: Decimal


def line_amounts(*, quantity: int, unit_price: Decimal, vat_rate: Decimal, currency: str) -> LineAmounts:
    """A line's amounts. The unit price is net and exact in the currency, so the net total
    needs no rounding; the VAT is rounded once per line."""
    net = round_money(unit_price * quantity, currency)
    vat = round_money(net * vat_rate / HUNDRED, currency)
    return LineAmounts(net=net, vat=vat, gross=net + vat)


def sum_lines(lines: Iterable) -> LineAmounts:
    """Totals of lines that have ``net_amount``, ``vat_amount`` and ``gross_amount``."""
    net = vat = gross = ZERO
    for line in lines:
        net += line.net_amount
        vat += line.vat_amount
        gross += line.gross_amount
    return LineAmounts(net=net, vat=vat, gross=gross)


@dataclass(frozen=True)
class VatBand:
    rate: Decimal
    net: Decimal
    vat: Decimal


def vat_breakdown(lines: Iterable) -> list[VatBand]:
    """Net and VAT per rate, as an invoice must show them (French CGI, art. 242 nonies A)."""
    bands: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for line in lines:
        net, vat = bands.get(line.vat_rate, (ZERO, ZERO))
        bands[line.vat_rate] = (net + line.net_amount, vat + line.vat_amount)
    return [VatBand(rate=rate, net=net, vat=vat) for rate, (net, vat) in sorted(bands.items())]


def format_rate(rate: Decimal) -> str:
    """``Decimal("5.5")`` -> ``5.50 %`` in English, ``5,50 %`` in French."""
    return f"{number_format(rate, RATE_DECIMALS, use_l10n=True)}\u00a0%"


def format_money(amount: Decimal, currency: str) -> str:
    """``1234.5, "EUR"`` -> ``1,234.50 EUR`` in English, ``1 234,50 EUR`` in French."""
    return f"{number_format(amount, MINOR_UNITS[currency], use_l10n=True, force_grouping=True)}\u00a0{currency}"
