import pytest
from django.db import connection

from accounts.models import AccountEvent, Customer, IssuedCustomerNumber, LoginSession, PrivacyRequest
from tests.conftest import PASSWORD, CommittingClient, forget_when_password_was_typed

pytestmark = pytest.mark.django_db

# Tables allowed to hold the retired customer number after deletion, and why.
NUMBER_MAY_REMAIN_IN = {
    "accounts_issuedcustomernumber",  # retired for good, so it is never given again
    "accounts_privacyrequest",  # proof the request was answered
}


def tables_containing(value: str) -> set[str]:
    """Every (table.column) of the database whose text holds this value, whatever its case."""
    found = set()
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT table_name, column_name FROM information_schema.columns
               WHERE table_schema = 'public'
                 AND data_type IN ('character varying', 'text', 'jsonb', 'json', 'inet')"""
        )
        for table, column in cursor.fetchall():
            cursor.execute(
                f'SELECT 1 FROM "{table}" WHERE "{column}"::text ILIKE %s LIMIT 1',  # noqa: S608 (names from the catalogue)
                [f"%{value}%"],
            )
            if cursor.fetchone():
                found.add(f"{table}.{column}")
    return found


@pytest.fixture
def full_customer(customer):
    customer.first_name, customer.last_name = "Hortense", "Vandersmissen"
    customer.address_line1, customer.city, customer.postal_code, customer.country = (
        "17 impasse des Glycines",
        "Quimperlé",
        "29300",
        "FR",
    )
    customer.save()
    AccountEvent.objects.create(customer=customer, kind=AccountEvent.Kind.DETAILS_CORRECTED, actor=customer)
    return customer


def delete_account(client, understood=True):
    data = {"understood": "on"} if understood else {}
    return client.post("/account/delete/", data, HTTP_ACCEPT_LANGUAGE="en", follow=True)


def test_the_preview_says_what_goes_and_what_stays(customer_client, full_customer):
    page = " ".join(customer_client.get("/account/delete/", HTTP_ACCEPT_LANGUAGE="en").content.decode().split())

    assert "History of changes to your account" in page
    assert "Erased" in page
    assert "Download my data" in page


def test_deletion_leaves_nothing_that_identifies_the_person(full_customer, mailoutbox):
    browser = CommittingClient()
    browser.post("/login/", {"username": full_customer.customer_number, "password": PASSWORD})
    number = full_customer.customer_number
    personal_values = [
        full_customer.email,
        full_customer.first_name,
        full_customer.last_name,
        full_customer.address_line1,
        full_customer.city,
    ]
    for value in personal_values:
        assert tables_containing(value), value  # the scan does find them before

    response = delete_account(browser)

    assert response.redirect_chain[-1][0] == "/account/deleted/"
    for value in personal_values:
        assert tables_containing(value) == set(), value
    assert {table.split(".")[0] for table in tables_containing(number)} <= NUMBER_MAY_REMAIN_IN
    assert not Customer.objects.filter(pk=full_customer.pk).exists()
    assert not LoginSession.objects.exists()
    assert IssuedCustomerNumber.objects.filter(number=number).exists()
    request = PrivacyRequest.objects.get()
    assert (request.kind, request.channel, request.customer_number) == ("deletion", "online", number)
    assert request.completed_at is not None
    [confirmation] = mailoutbox
    assert confirmation.to == [full_customer.email]
    assert confirmation.subject == "Your Mandrake account is deleted"


def test_the_deleted_customer_is_logged_out_everywhere_and_cannot_log_in(full_customer):
    laptop, phone = CommittingClient(), CommittingClient()
    for browser in (laptop, phone):
        browser.post("/login/", {"username": full_customer.customer_number, "password": PASSWORD})

    delete_account(laptop)

    assert phone.get("/account/").status_code == 302
    again = laptop.post("/login/", {"username": full_customer.customer_number, "password": PASSWORD})
    assert again.status_code == 200
    assert "_auth_user_id" not in laptop.session


def test_the_number_of_a_deleted_account_is_never_issued_again(customer_client, customer, monkeypatch):
    from accounts import customer_numbers
    from tests.conftest import make_customer

    retired = customer.customer_number
    delete_account(customer_client)
    candidates = iter([retired, "100000006"])
    monkeypatch.setattr(customer_numbers, "random_number", lambda: next(candidates))

    assert make_customer("next@example.com").customer_number == "100000006"


def test_without_the_confirmation_nothing_is_deleted(customer_client, customer, mailoutbox):
    response = delete_account(customer_client, understood=False)

    assert response.status_code == 200
    assert "Please correct the following:" in response.content.decode()
    assert Customer.objects.filter(pk=customer.pk).exists()
    assert not PrivacyRequest.objects.exists()
    assert mailoutbox == []


def test_without_a_recent_password_nothing_is_deleted(customer_client, customer, mailoutbox):
    forget_when_password_was_typed(customer_client)

    response = delete_account(customer_client)

    assert response.redirect_chain[-1][0] == "/account/confirm-password/?next=%2Faccount%2Fdelete%2F"
    assert Customer.objects.filter(pk=customer.pk).exists()
    assert mailoutbox == []


def test_other_customers_are_untouched(customer_client, customer, other_customer):
    AccountEvent.objects.create(customer=other_customer, kind=AccountEvent.Kind.SIGNED_UP)

    delete_account(customer_client)

    assert Customer.objects.filter(pk=other_customer.pk).exists()
    assert AccountEvent.objects.filter(customer=other_customer).count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get("/account/delete/")["Location"] == "/login/?next=/account/delete/"
