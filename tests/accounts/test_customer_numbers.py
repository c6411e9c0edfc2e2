import itertools

import pytest

from accounts import customer_numbers
from accounts.customer_numbers import _DAMM_TABLE, check_digit, format_number, is_valid, normalize
from accounts.models import IssuedCustomerNumber
from tests.conftest import make_customer


def test_damm_table_rows_and_columns_are_permutations_so_every_single_digit_error_is_caught():
    for row in _DAMM_TABLE:
        assert sorted(row) == list(range(10))
    for column in zip(*_DAMM_TABLE, strict=True):
        assert sorted(column) == list(range(10))


def test_damm_table_is_weakly_anti_symmetric_so_every_adjacent_swap_is_caught():
    for c, x, y in itertools.product(range(10), repeat=3):
        if x != y:
            assert _DAMM_TABLE[_DAMM_TABLE[c][x]][y] != _DAMM_TABLE[_DAMM_TABLE[c][y]][x]


def test_known_check_digit():
    # The worked example of Damm's algorithm: 572 gets the check digit 4.
    assert check_digit("572") == "4"


@pytest.mark.parametrize("seed", range(20))
def test_every_typo_and_swap_in_a_generated_number_is_rejected(seed):
    number = customer_numbers.random_number()
    assert is_valid(number)
    for position in range(len(number)):
        for digit in "0123456789":
            if digit != number[position]:
                assert not is_valid(number[:position] + digit + number[position + 1 :])
    for position in range(len(number) - 1):
        a, b = number[position], number[position + 1]
        if a != b:
            assert not is_valid(number[:position] + b + a + number[position + 2 :])


def test_numbers_are_nine_digits_never_starting_with_zero():
    numbers = {customer_numbers.random_number() for _ in range(200)}
    assert all(len(n) == 9 and n[0] != "0" and n.isdigit() for n in numbers)
    assert len(numbers) > 190  # random, not sequential


def test_numbers_read_in_groups_and_are_typed_any_way():
    assert format_number("482109375") == "4821 0937 5"
    assert normalize(" 4821 0937 5 ") == "482109375"
    assert normalize("4821-0937-5") == "482109375"
    assert not is_valid("48210937")
    assert not is_valid("\uff14\uff18\uff12\uff11\uff10\uff19\uff13\uff17\uff15")  # full-width digits


@pytest.mark.django_db
def test_a_deleted_customers_number_is_never_issued_again(monkeypatch):
    first = make_customer("first@example.com")
    taken = first.customer_number
    first.delete()
    fresh = "100000006"
    assert is_valid(fresh)
    candidates = iter([taken, fresh])
    monkeypatch.setattr(customer_numbers, "random_number", lambda: next(candidates))

    second = make_customer("second@example.com")

    assert second.customer_number == fresh
    assert IssuedCustomerNumber.objects.filter(number=taken).exists()
