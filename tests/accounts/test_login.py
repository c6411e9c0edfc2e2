import pytest
from axes.models import AccessAttempt

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(client, username, password=PASSWORD, **extra):
    return client.post("/login/", {"username": username, "password": password}, HTTP_ACCEPT_LANGUAGE="en", **extra)


@pytest.mark.parametrize("written", ["digits", "grouped", "dashed"])
def test_customer_logs_in_with_the_number_written_any_way(client, customer, written):
    number = customer.customer_number
    typed = {
        "digits": number,
        "grouped": customer.formatted_number,
        "dashed": f"{number[:4]}-{number[4:8]}-{number[8]}",
    }[written]

    response = log_in(client, typed)

    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert client.get("/account/").context["user"] == customer


def test_the_number_field_leaves_room_for_spaces_and_dashes(client):
    # A nine-character limit made browsers cut "4821 0937 5" to "4821 0937".
    page = client.get("/login/").content.decode()

    assert 'maxlength="20"' in page
    assert 'name="username"' in page


def test_a_wrong_check_digit_is_called_out_as_not_a_customer_number(client, customer):
    number = customer.customer_number
    mistyped = number[:-1] + str((int(number[-1]) + 1) % 10)

    response = log_in(client, mistyped)

    assert response.status_code == 200
    assert "This is not a valid customer number." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_password_and_unknown_number_get_the_same_message(client, customer):
    wrong_password = log_in(client, customer.customer_number, "not the password at all")
    unknown_number = log_in(client, "100000006")

    message = "The customer number or the password is wrong."
    assert message in wrong_password.content.decode()
    assert message in unknown_number.content.decode()
    assert wrong_password.context["form"].errors == unknown_number.context["form"].errors


def test_an_inactive_customer_cannot_log_in(client, customer):
    customer.is_active = False
    customer.save(update_fields=["is_active"])

    response = log_in(client, customer.customer_number)

    assert "The customer number or the password is wrong." in response.content.decode()


def test_after_five_failures_the_number_is_paused_with_a_clear_message(client, customer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, customer.formatted_number, "wrong password!").status_code == 200

    locked = log_in(client, customer.customer_number, "wrong password!")
    assert locked.status_code == 429
    assert "Please try again in 15 minutes." in locked.content.decode()

    # Even the right password is refused during the cool-off...
    assert log_in(client, customer.customer_number).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_pause_ends_after_the_cool_off(client, customer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, customer.customer_number, "wrong password!")
    assert log_in(client, customer.customer_number).status_code == 429

    # What the cool-off does: attempts older than AXES_COOLOFF_TIME stop counting.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME)

    assert log_in(client, customer.customer_number).status_code == 302


def test_the_site_switches_to_the_customers_language_on_login(client, other_customer):
    response = log_in(client, other_customer.customer_number)

    assert response.cookies["django_language"].value == "fr"
    assert "Mon compte" in client.get("/account/").content.decode()


def test_logout_ends_the_session(customer_client):
    customer_client.post("/logout/")

    assert customer_client.get("/account/")["Location"] == "/login/?next=/account/"
