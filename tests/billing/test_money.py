from decimal import Decimal

import pytest
from django.utils import translation

from billing.money import format_money, line_amounts, round_money, vat_breakdown


@pytest.mark.parametrize(
    ("amount", "currency", "rounded"),
    [
        ("0.005", "EUR", "0.01"),
        ("0.004", "EUR", "0.00"),
        ("2.675", "EUR", "2.68"),  # a float would give 2.67
        ("-0.005", "EUR", "-0.01"),
        ("1999.5", "JPY", "2000"),
    ],
)
def test_amounts_round_half_up_to_the_currencys_minor_unit(amount, currency, rounded):
    assert str(round_money(Decimal(amount), currency)) == rounded


def test_line_amounts_round_the_vat_once():
    amounts = line_amounts(quantity=3, unit_price=Decimal("0.99"), vat_rate=Decimal("5.50"), currency="EUR")

    assert (amounts.net, amounts.vat, amounts.gross) == (Decimal("2.97"), Decimal("0.16"), Decimal("3.13"))


def test_the_vat_breakdown_groups_lines_by_rate():
    lines = [
        line_amounts(quantity=1, unit_price=Decimal("10.00"), vat_rate=Decimal("20.00"), currency="EUR"),
        line_amounts(quantity=1, unit_price=Decimal("5.00"), vat_rate=Decimal("5.50"), currency="EUR"),
        line_amounts(quantity=2, unit_price=Decimal("10.00"), vat_rate=Decimal("20.00"), currency="EUR"),
    ]

    class Line:
        def __init__(self, rate, amounts):
            self.vat_rate, self.net_amount, self.vat_amount = Decimal(rate), amounts.net, amounts.vat

    bands = vat_breakdown(
        [Line(rate, amounts) for rate, amounts in zip(["20.00", "5.50", "20.00"], lines, strict=True)]
    )

    assert [(str(band.rate), str(band.net), str(band.vat)) for band in bands] == [
        ("5.50", "5.00", "0.28"),
        ("20.00", "30.00", "6.00"),
    ]


def test_amounts_are_written_in_the_readers_language():
    with translation.override("en"):
        assert format_money(Decimal("1234.5"), "EUR") == "1,234.50\xa0EUR"
    with translation.override("fr"):
        # French groups thousands with a (narrow) no-break space.
        assert format_money(Decimal("1234.5"), "EUR") in {"1\xa0234,50\xa0EUR", "1\u202f234,50\xa0EUR"}
    with translation.override("en"):
        assert format_money(Decimal("1500"), "JPY") == "1,500\xa0JPY"
