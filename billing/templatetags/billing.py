from decimal import Decimal

from django import template

from billing.money import format_money, format_rate

register = template.Library()


@register.filter
def money(amount: Decimal, currency: str) -> str:
    """``{{ order.total_gross|money:order.currency }}`` -> ``1,234.50 EUR``."""
    return format_money(amount, currency)


@register.filter
def rate(value: Decimal) -> str:
    """``{{ line.vat_rate|rate }}`` -> ``20.00 %``."""
    return format_rate(value)
