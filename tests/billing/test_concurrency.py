"""Invoice numbers under concurrent payments, on the real PostgreSQL: consecutive, no gap,
no duplicate. Each thread has its own database connection and transaction."""

import pytest

from billing import intake
from billing.models import DocumentCounter, Invoice, Payment
from tests.billing.conftest import apply, paid, placed, refund
from tests.conftest import make_customer, run_together

# Real commits from several connections; serialized_rollback restores the data the
# migrations made (the Billing group) once the test has emptied the tables.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

THREADS = 8


def test_concurrent_payments_get_consecutive_invoice_numbers():
    customer = make_customer("concurrent@example.com")
    numbers = [f"WEB-{index}" for index in range(THREADS)]
    apply(*(placed(customer, number=number) for number in numbers))
    # One payment is refused: the others' numbers still follow each other.
    jobs = [lambda number=number: apply(paid(number)) for number in numbers[1:]]
    jobs.append(lambda: apply(paid(numbers[0], amount="0.01")))

    results = run_together(jobs)

    errors = [result for result in results if isinstance(result, Exception)]
    assert [error.code for error in errors] == ["amount_mismatch"]
    sequences = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, THREADS))
    assert len(set(Invoice.objects.values_list("number", flat=True))) == THREADS - 1
    assert DocumentCounter.objects.get().last_number == THREADS - 1


def test_a_credit_note_refused_after_taking_its_number_leaves_no_gap():
    customer = make_customer("refunds@example.com")
    numbers = [f"WEB-{index}" for index in range(THREADS)]
    for number in numbers:
        apply(placed(customer, number=number), paid(number))
    # The amount is checked against the credit note once it is drawn up, so the refused
    # refund has taken a number when it fails: rolling back must give it back.
    jobs = [lambda number=number: apply(refund(number)) for number in numbers[1:]]
    jobs.append(lambda: apply(refund(numbers[0], amount="1.00")))

    results = run_together(jobs)

    assert [result.code for result in results if isinstance(result, Exception)] == ["amount_mismatch"]
    credit_notes = Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE)
    assert sorted(credit_notes.values_list("sequence", flat=True)) == list(range(1, THREADS))


def test_the_same_event_delivered_twice_at_once_is_applied_once():
    customer = make_customer("twice@example.com")
    apply(placed(customer))
    payment = paid()

    results = run_together([lambda: intake.process_event(dict(payment), via="webhook") for _ in range(4)])

    outcomes = sorted(result.already_processed for result in results)
    assert outcomes == [False, True, True, True]
    assert Payment.objects.count() == 1
    assert Invoice.objects.get().sequence == 1
