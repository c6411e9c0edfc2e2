"""Admin lists of the big tables: page counts without counting every row, searches through
indexes (mandrakeonline/admin_lists.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Customer
from mandrakeonline.admin_lists import EstimatedCountPaginator
from tests.conftest import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def thirty_customers():
    for number in range(30):
        make_customer(f"customer{number}@example.net")
    # What autovacuum does on a real table: record its size in pg_class.reltuples.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_customer")


def test_a_small_table_is_counted_exactly_in_one_query(thirty_customers):
    with CaptureQueriesContext(connection) as queries:
        count = EstimatedCountPaginator(Customer.objects.order_by("pk"), 10).count

    assert count == 30
    assert len(queries) == 1


def test_a_big_table_is_counted_from_postgresqls_estimate_without_reading_it(thirty_customers, monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "estimate_above", 1)
    make_customer("not-yet-in-the-estimate@example.net")

    with CaptureQueriesContext(connection) as queries:
        count = EstimatedCountPaginator(Customer.objects.order_by("pk"), 10).count

    # The estimate recorded by ANALYZE, not the 31 rows there are now.
    assert count == 30
    assert len(queries) == 1
    assert "pg_class" in queries[0]["sql"]


def test_a_filtered_list_is_counted_exactly(thirty_customers, monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "estimate_above", 1)

    count = EstimatedCountPaginator(Customer.objects.filter(email__istartswith="customer1").order_by("pk"), 10).count

    assert count == 11  # customer1 and customer10 to customer19


def plan(queryset) -> str:
    """PostgreSQL's plan for a queryset when it may use an index: with sequential scans
    priced out, a scan of the whole table remains only if no index can serve the query."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


def assert_no_full_scan(queryset, table: str) -> None:
    found = plan(queryset)
    assert f"Seq Scan on {table}" not in found, found
