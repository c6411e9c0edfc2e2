"""The guard that keeps payment card numbers out of the database (PCI DSS 3.3 and 3.5).

The privacy policy promises that no credit card number is kept. Every free-text model
field carries ``reject_card_numbers`` among its validators (tests/test_card_numbers.py walks
every model to check), and whatever arrives from outside (the store's webhook) is scanned
with ``contains_card_number`` before anything is written.

A card number is 13 to 19 digits, possibly grouped with spaces or dashes, that pass the
Luhn check.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Digits separated by at most one space or dash, as people write card numbers.
_DIGIT_RUN = re.compile(r"\d(?:[ \-]?\d)*")
MIN_DIGITS, MAX_DIGITS = 13, 19


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def contains_card_number(text: str) -> bool:
    for run in _DIGIT_RUN.findall(text or ""):
        digits = re.sub(r"\D", "", run)
        if MIN_DIGITS <= len(digits) <= MAX_DIGITS and luhn_valid(digits):
            return True
    return False


def reject_card_numbers(value) -> None:
    """Model and form field validator, for text and for JSON data alike."""
    if text_contains_card_number(value):
        raise ValidationError(
            _("This looks like a payment card number. We never store card numbers: please remove it."),
            code="card_number",
        )


def text_contains_card_number(data) -> bool:
    """True if any string inside nested JSON-like data looks like a card number."""
    if isinstance(data, str):
        return contains_card_number(data)
    if isinstance(data, dict):
        return any(text_contains_card_number(key) or text_contains_card_number(value) for key, value in data.items())
    if isinstance(data, (list, tuple)):
        return any(text_contains_card_number(item) for item in data)
    return False
