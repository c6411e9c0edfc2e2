"""Billing in the admin: find records by order number, customer number or email; read
them; change nothing. The Billing role sees customers and billing records only."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from billing.models import Invoice, Order
from tests.billing.conftest import apply, paid, placed
from tests.conftest import log_in_staff, make_customer
from tests.test_admin_lists import assert_no_full_scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(staff):
    client = Client()
    log_in_staff(client, staff)
    return client


@pytest.fixture
def billing_staff():
    member = make_customer("billing@example.com", first_name="Bea", last_name="Billing", is_staff=True)
    member.groups.add(Group.objects.get(name="Billing"))
    return member


@pytest.fixture
def billing_client(billing_staff):
    client = Client()
    log_in_staff(client, billing_staff)
    return client


@pytest.fixture
def two_orders(customer, other_customer):
    apply(placed(customer, number="WEB-1001"), paid("WEB-1001"), placed(other_customer, number="WEB-2002"))


def found(client, url: str, **query) -> list[str]:
    response = client.get(url, query)
    assert response.status_code == 200
    return sorted(str(record) for record in response.context["cl"].result_list)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("WEB-1001", ["WEB-1001"]),
        ("web-2002", ["WEB-2002"]),
        ("alice@example", ["WEB-1001"]),
        ("bob@example.org", ["WEB-2002"]),
        ("grouped number", ["WEB-1001"]),
        ("bare number", ["WEB-1001"]),
        ("nothing", []),
    ],
)
def test_staff_find_orders_by_number_customer_number_or_email(staff_client, two_orders, customer, query, expected):
    typed = {"grouped number": customer.formatted_number, "bare number": customer.customer_number}.get(query, query)

    assert found(staff_client, "/admin/billing/order/", q=typed) == expected


def test_staff_filter_orders_by_status_and_date(staff_client, two_orders):
    order = Order.objects.get(number="WEB-1001")

    assert found(staff_client, "/admin/billing/order/", status__exact="paid") == ["WEB-1001"]
    assert found(staff_client, "/admin/billing/order/", status__exact="placed") == ["WEB-2002"]
    by_day = {
        "placed_at__year": order.placed_at.year,
        "placed_at__month": order.placed_at.month,
        "placed_at__day": order.placed_at.day,
    }
    assert found(staff_client, "/admin/billing/order/", **by_day) == ["WEB-1001", "WEB-2002"]
    assert found(staff_client, "/admin/billing/order/", placed_at__year=1999) == []


def test_the_order_list_runs_a_constant_number_of_queries(staff_client, customer, django_assert_max_num_queries):
    for index in range(10):
        apply(placed(customer, number=f"WEB-{index}"))

    with django_assert_max_num_queries(10):
        response = staff_client.get("/admin/billing/order/")

    assert len(response.context["cl"].result_list) == 10


def test_staff_find_invoices_by_customer_number(staff_client, two_orders, customer):
    assert found(staff_client, "/admin/billing/invoice/", q=customer.formatted_number) == [Invoice.objects.get().number]


def test_an_order_is_shown_but_cannot_be_changed(staff_client, two_orders):
    order = Order.objects.get(number="WEB-1001")
    url = f"/admin/billing/order/{order.pk}/change/"

    page = staff_client.get(url).content.decode()

    assert "WEB-1001" in page
    assert 'name="_save"' not in page
    assert staff_client.post(url, {"status": "delivered"}).status_code == 403
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


@pytest.mark.parametrize("action", ["add", "change", "delete"])
def test_invoices_are_read_only_in_the_admin(staff_client, two_orders, action):
    invoice = Invoice.objects.get()
    url = "/admin/billing/invoice/add/" if action == "add" else f"/admin/billing/invoice/{invoice.pk}/{action}/"

    response = staff_client.post(url, {"buyer_name": "Someone else", "post": "yes"})

    assert response.status_code == 403
    assert Invoice.objects.get().buyer_name == invoice.buyer_name


def test_staff_download_an_invoice_pdf_from_the_admin(staff_client, two_orders):
    invoice = Invoice.objects.get()

    page = staff_client.get(f"/admin/billing/invoice/{invoice.pk}/change/").content.decode()
    response = staff_client.get(f"/admin/billing/invoice/{invoice.pk}/pdf/")

    assert f"/admin/billing/invoice/{invoice.pk}/pdf/" in page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_the_billing_group_holds_only_customer_viewing_and_billing_permissions():
    group = Group.objects.get(name="Billing")

    permissions = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}

    assert "accounts.view_customer" in permissions
    assert "billing.view_order" in permissions
    assert "billing.view_invoice" in permissions
    assert "billing.view_donation" in permissions
    assert "billing.view_payment" in permissions
    outside = {name for name in permissions if not name.startswith("billing.") and name != "accounts.view_customer"}
    assert outside == set()
    assert all(name.split(".")[1].startswith("view_") for name in permissions)
    assert not Permission.objects.filter(group=group, content_type__app_label="registrations").exists()


def test_billing_staff_read_orders_and_customers_and_change_nothing(billing_client, two_orders, customer):
    order = Order.objects.get(number="WEB-1001")

    assert billing_client.get("/admin/billing/order/").status_code == 200
    assert billing_client.get(f"/admin/billing/order/{order.pk}/change/").status_code == 200
    assert billing_client.get(f"/admin/accounts/customer/{customer.pk}/change/").status_code == 200
    response = billing_client.post(
        f"/admin/accounts/customer/{customer.pk}/change/", {"first_name": "Changed", "last_name": "By billing"}
    )
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.first_name == "Alice"


def test_billing_staff_see_no_registrations_or_lists(billing_client):
    index = billing_client.get("/admin/").content.decode()

    assert "/admin/billing/order/" in index
    assert "/admin/registrations/" not in index
    assert "/admin/mailinglists/" not in index
    assert billing_client.get("/admin/auth/group/").status_code == 403


def test_customers_cannot_open_the_billing_admin(customer_client):
    response = customer_client.get("/admin/billing/order/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    ("url", "typed"),
    [
        ("/admin/billing/order/", "web-1001"),
        ("/admin/billing/order/", "alice@example"),
        ("/admin/billing/order/", "grouped number"),
        ("/admin/billing/invoice/", "WEB-1001"),
        ("/admin/billing/invoice/", "Alice"),
        ("/admin/billing/payment/", "pi_WEB-1001"),
        ("/admin/billing/donation/", "alice@example"),
    ],
)
def test_each_billing_search_goes_through_indexes(staff_client, two_orders, customer, url, typed):
    typed = customer.formatted_number if typed == "grouped number" else typed

    queryset = staff_client.get(url, {"q": typed}).context["cl"].queryset

    for table in ("billing_order", "billing_invoice", "billing_payment", "billing_donation", "accounts_customer"):
        assert_no_full_scan(queryset, table)
