"""Customer numbers: random, never reused, protected by a Damm check digit.

A number is eight random digits (the first never 0) followed by a check digit computed
with H. Michael Damm's algorithm (2004), which detects every single-digit error and every
swap of two adjacent digits. Numbers are stored as nine digits and shown grouped for
reading: ``4821 0937 5``. People may type them with or without spaces or dashes.
"""

import re
import secrets

# A totally anti-symmetric quasigroup of order 10 (Damm's thesis, table 5.2): every row
# and column is a permutation (single errors change the result) and (c*x)*y == (c*y)*x
# only when x == y (adjacent swaps change it). tests/accounts/test_customer_numbers.py
# checks both properties exhaustively.
_DAMM_TABLE = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)

BODY_LENGTH = 8
NUMBER_LENGTH = BODY_LENGTH + 1
_SEPARATORS = re.compile(r"[\s\-.]+")


def damm_interim(digits: str) -> int:
    interim = 0
    for digit in digits:
        interim = _DAMM_TABLE[interim][int(digit)]
    return interim


def check_digit(body: str) -> str:
    return str(damm_interim(body))


def is_valid(number: str) -> bool:
    """True for nine digits whose Damm checksum is zero."""
    return len(number) == NUMBER_LENGTH and number.isascii() and number.isdigit() and damm_interim(number) == 0


def normalize(raw: str) -> str:
    """Strip the spaces, dashes and dots people type; the result may still be invalid."""
    return _SEPARATORS.sub("", raw or "")


def format_number(number: str) -> str:
    """``482109375`` -> ``4821 0937 5``."""
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def random_number() -> str:
    body = str(secrets.randbelow(9 * 10 ** (BODY_LENGTH - 1)) + 10 ** (BODY_LENGTH - 1))
    return body + check_digit(body)


def axes_username(request, credentials) -> str | None:
    """django-axes counts failures per customer number however it was typed."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username")
    return normalize(raw) if raw is not None else None
