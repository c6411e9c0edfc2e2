"""The benchmark data generator (manage.py generate_bench_data), at a small scale: data the
portal itself could have written, and refusals where it must not run."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Sum

from accounts import customer_numbers, two_factor
from accounts.models import Customer, IssuedCustomerNumber
from billing.models import DocumentCounter, Invoice, Order, OrderLine
from mailinglists.models import Subscription
from mandrakeonline.bench_data import BENCH_PASSWORD, EXPORT_EMAIL, PROFILE_COUNT, PROFILE_EMAIL, STAFF_EMAIL
from registrations.models import Configuration, Registration
from tests.conftest import CommittingClient, make_customer

pytestmark = pytest.mark.django_db

SCALE = 0.0005  # 500 customers, besides the benchmark's own


@pytest.fixture(autouse=True)
def development(settings):
    # The test runner turns DEBUG off; the command runs in development only.
    settings.DEBUG = True


@pytest.fixture
def generated():
    call_command("generate_bench_data", scale=SCALE, seed=7, stdout=io.StringIO())


def test_the_data_is_what_the_portal_itself_could_have_written(generated):
    numbers = list(Customer.objects.values_list("customer_number", flat=True))
    assert len(numbers) == 500 + PROFILE_COUNT + 2
    assert all(customer_numbers.is_valid(number) for number in numbers)
    assert set(IssuedCustomerNumber.objects.values_list("number", flat=True)) == set(numbers)
    # Keys look like the products' keys.
    registrations = Registration.objects.select_related("product")
    assert all(registration.product.serial_matches(registration.serial) for registration in registrations)
    # Orders add up.
    sums = OrderLine.objects.values("order").annotate(net=Sum("net_amount"), gross=Sum("gross_amount"))
    totals = {order.pk: (order.total_net, order.total_gross) for order in Order.objects.all()}
    assert {row["order"]: (row["net"], row["gross"]) for row in sums} == totals
    # Invoices are numbered without gaps, in the order of issue, and the counters hold the last.
    series = Invoice.objects.values("series").annotate(count=Count("pk")).order_by()
    assert series
    for row in series:
        issued = Invoice.objects.filter(series=row["series"]).order_by("sequence")
        assert list(issued.values_list("sequence", flat=True)) == list(range(1, row["count"] + 1))
        moments = list(issued.values_list("issued_at", flat=True))
        assert moments == sorted(moments)
        assert DocumentCounter.objects.get(series=row["series"]).last_number == row["count"]
    # New rows get ids after the generated ones, and the planner knows the tables' sizes.
    newest = Customer.objects.order_by("-pk").first()
    assert make_customer("after.the.benchmark@example.net").pk > newest.pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'accounts_customer'::regclass")
        assert cursor.fetchone()[0] == len(numbers)


def test_the_benchmark_accounts_hold_what_the_targets_name_and_log_in(generated, django_assert_num_queries):
    profile = Customer.objects.get(email=PROFILE_EMAIL.format(0))
    export = Customer.objects.get(email=EXPORT_EMAIL)
    assert Subscription.objects.for_customer(profile).active().count() == 10
    assert Registration.objects.for_customer(profile).count() == 5
    assert Order.objects.for_customer(profile).count() == 20
    assert Order.objects.for_customer(export).count() == 1000
    assert Registration.objects.for_customer(export).count() == 100
    assert Configuration.objects.filter(registration__customer=export).count() == 100
    staff = Customer.objects.get(email=STAFF_EMAIL)
    assert staff.is_staff
    assert two_factor.has_two_factor(staff)

    browser = CommittingClient()
    response = browser.post("/login/", {"username": profile.customer_number, "password": BENCH_PASSWORD})
    assert response.status_code == 302

    with django_assert_num_queries(3):
        assert browser.get("/account/").status_code == 200


def test_it_refuses_to_run_twice(generated):
    with pytest.raises(CommandError, match="already holds benchmark data"):
        call_command("generate_bench_data", scale=SCALE, force=True)


def test_it_refuses_a_database_that_has_customers(customer):
    with pytest.raises(CommandError, match="already has customers"):
        call_command("generate_bench_data", scale=SCALE)

    assert Customer.objects.count() == 1


def test_it_never_runs_in_production(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="never runs with DEBUG off"):
        call_command("generate_bench_data", scale=SCALE)

    assert not Customer.objects.exists()
