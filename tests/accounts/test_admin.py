import pytest

from accounts.models import Customer
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
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


def test_staff_log_in_to_the_admin_with_a_grouped_number(client, staff):
    response = client.post("/admin/login/", {"username": staff.formatted_number, "password": PASSWORD})

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_admin_number_field_leaves_room_for_spaces_and_dashes(client):
    # The browser journey found it: a nine-character limit cut "4821 0937 5" to "4821 0937".
    page = client.get("/admin/login/").content.decode()

    assert 'maxlength="20"' in page
    assert 'maxlength="9"' not in page


def test_customers_cannot_open_the_admin(customer_client):
    response = customer_client.get("/admin/accounts/customer/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
