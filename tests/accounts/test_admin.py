import pytest

from accounts.models import Customer
from tests.conftest import PASSWORD, log_in_staff, make_customer
from tests.test_admin_lists import assert_no_full_scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff):
    log_in_staff(client, staff)
    return client


@pytest.mark.parametrize("query", ["number", "formatted", "email", "last name"])
def test_staff_find_a_customer_by_number_email_or_name(staff_client, customer, other_customer, query):
    typed = {
        "number": customer.customer_number,
        "formatted": customer.formatted_number,
        "email": "alice@example",
        "last name": "Durand",
    }[query]

    response = staff_client.get("/admin/accounts/customer/", {"q": typed})

    found = list(response.context["cl"].result_list)
    assert customer in found
    assert other_customer not in found


def test_the_customer_number_is_read_only_in_the_admin(staff_client, customer):
    page = staff_client.get(f"/admin/accounts/customer/{customer.pk}/change/")

    assert page.status_code == 200
    assert 'name="customer_number"' not in page.content.decode()
    assert customer.customer_number in page.content.decode()


def test_staff_create_a_customer_who_gets_a_number(staff_client):
    response = staff_client.post(
        "/admin/accounts/customer/add/",
        {
            "email": "new@example.com",
            "first_name": "New",
            "last_name": "Person",
            "language": "en",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 302
    created = Customer.objects.get(email="new@example.com")
    assert len(created.customer_number) == 9


def test_customers_cannot_open_the_admin(customer_client):
    response = customer_client.get("/admin/accounts/customer/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert customer_client.get(response["Location"]).status_code == 403


@pytest.mark.parametrize("typed", ["4821", "4821 09", "4821-0937-5", "482109375"])
def test_staff_find_a_customer_by_the_first_digits_of_the_number(staff_client, typed):
    wanted = make_customer("zoe@example.net", customer_number="482109375")
    make_customer("yann@example.net", customer_number="482200007")

    response = staff_client.get("/admin/accounts/customer/", {"q": typed})

    assert list(response.context["cl"].result_list) == [wanted]


def test_staff_find_a_customer_by_first_and_last_name_together(staff_client, customer, other_customer):
    response = staff_client.get("/admin/accounts/customer/", {"q": "ali dur"})

    assert list(response.context["cl"].result_list) == [customer]


@pytest.mark.parametrize("typed", ["482109375", "4821 0937 5", "alice@exa", "Durand"])
def test_each_customer_search_goes_through_an_index(staff_client, customer, typed):
    queryset = staff_client.get("/admin/accounts/customer/", {"q": typed}).context["cl"].queryset

    assert_no_full_scan(queryset, "accounts_customer")


def test_the_first_page_of_customers_is_read_through_an_index(staff_client, customer):
    queryset = staff_client.get("/admin/accounts/customer/").context["cl"].queryset[:100]

    assert_no_full_scan(queryset, "accounts_customer")


@pytest.mark.parametrize("customers", [1, 30])
def test_the_customer_list_runs_a_constant_number_of_queries(staff_client, django_assert_num_queries, customers):
    for number in range(customers):
        make_customer(f"customer{number}@example.net")

    # Session, staff member, their second factor, the count (estimated on a big table), the page.
    with django_assert_num_queries(5):
        response = staff_client.get("/admin/accounts/customer/")

    assert response.context["cl"].result_count == customers + 1  # and the staff member


def test_customers_cannot_be_deleted_in_bulk_from_the_list(staff_client, customer):
    response = staff_client.post(
        "/admin/accounts/customer/", {"action": "delete_selected", "_selected_action": [customer.pk], "post": "yes"}
    )

    assert "delete_selected" not in response.content.decode()
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_the_customer_list_names_each_customers_country(staff_client, customer):
    customer.country = "FR"
    customer.save()

    page = staff_client.get("/admin/accounts/customer/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<td class="field-country_name">France</td>' in page
