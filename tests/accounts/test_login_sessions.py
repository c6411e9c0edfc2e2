import pytest
from django.contrib.sessions.models import Session

from accounts.models import LoginSession
from tests.conftest import PASSWORD, CommittingClient

pytestmark = pytest.mark.django_db

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
)


def logged_in_browser(customer, user_agent, address):
    browser = CommittingClient(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
    response = browser.post("/login/", {"username": customer.customer_number, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def test_the_security_page_lists_each_browser_with_its_system_and_address(customer):
    laptop = logged_in_browser(customer, FIREFOX_LINUX, "203.0.113.10")
    logged_in_browser(customer, CHROME_ANDROID, "198.51.100.20")

    page = laptop.get("/account/security/").content.decode()

    assert "Firefox on Linux" in page
    assert "Chrome on Android" in page
    assert "203.0.113.10" in page
    assert "198.51.100.20" in page
    assert page.count("(this browser)") == 1


def test_a_customer_logs_out_another_browser(customer):
    laptop = logged_in_browser(customer, FIREFOX_LINUX, "203.0.113.10")
    phone = logged_in_browser(customer, CHROME_ANDROID, "198.51.100.20")
    phone_session = LoginSession.objects.get(user_agent=CHROME_ANDROID)

    response = laptop.post(f"/account/security/sessions/{phone_session.pk}/end/", follow=True)

    assert "That browser is logged out." in response.content.decode()
    assert phone.get("/account/").status_code == 302
    assert laptop.get("/account/").status_code == 200
    assert not Session.objects.filter(session_key=phone_session.session_key).exists()


def test_log_out_every_other_browser(customer):
    laptop = logged_in_browser(customer, FIREFOX_LINUX, "203.0.113.10")
    phone = logged_in_browser(customer, CHROME_ANDROID, "198.51.100.20")
    tablet = logged_in_browser(customer, CHROME_ANDROID, "198.51.100.21")

    laptop.post("/account/security/sessions/end-others/")

    assert laptop.get("/account/").status_code == 200
    assert phone.get("/account/").status_code == 302
    assert tablet.get("/account/").status_code == 302
    assert LoginSession.objects.for_customer(customer).count() == 1


def test_another_customers_session_cannot_be_ended(customer, other_customer):
    logged_in_browser(other_customer, FIREFOX_LINUX, "203.0.113.99")
    theirs = LoginSession.objects.get(customer=other_customer)
    mine = logged_in_browser(customer, FIREFOX_LINUX, "203.0.113.10")

    assert mine.post(f"/account/security/sessions/{theirs.pk}/end/").status_code == 404
    assert LoginSession.objects.filter(pk=theirs.pk).exists()


def test_a_password_change_logs_out_every_other_browser(customer):
    laptop = logged_in_browser(customer, FIREFOX_LINUX, "203.0.113.10")
    phone = logged_in_browser(customer, CHROME_ANDROID, "198.51.100.20")
    new_password = "a completely new passphrase"

    laptop.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    assert laptop.get("/account/").status_code == 200
    assert phone.get("/account/").status_code == 302
    assert list(LoginSession.objects.for_customer(customer).values_list("user_agent", flat=True)) == [FIREFOX_LINUX]


def test_logging_out_removes_the_browser_from_the_list(customer):
    laptop = logged_in_browser(customer, FIREFOX_LINUX, "203.0.113.10")

    laptop.post("/logout/")

    assert not LoginSession.objects.exists()


@pytest.mark.parametrize("browsers", [1, 8])
def test_the_security_page_runs_a_constant_number_of_queries(customer, django_assert_num_queries, browsers):
    for index in range(browsers):
        current = logged_in_browser(customer, FIREFOX_LINUX, f"203.0.113.{index + 1}")

    # Session, customer, sessions, the authenticator app, the recovery codes left.
    with django_assert_num_queries(5):
        current.get("/account/security/")


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get("/account/security/")["Location"] == "/login/?next=/account/security/"
    assert client.post("/account/security/sessions/end-others/")["Location"].startswith("/login/")
