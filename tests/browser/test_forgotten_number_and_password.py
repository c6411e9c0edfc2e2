"""Journey 2: a customer who forgot the number gets it by email and logs in; then resets
the password they also forgot."""

from playwright.sync_api import expect

from tests.browser.visit import JOURNEY_MARKS, in_both_languages
from tests.conftest import PASSWORD, link_in, make_customer

pytestmark = JOURNEY_MARKS

NEW_PASSWORD = "a completely new passphrase"


@in_both_languages(desktop="fr")
def test_forgotten_number_and_password(visit, mailoutbox):
    customer = make_customer("colette@example.fr", first_name="Colette", language=visit.language)

    visit.open("/")
    visit.switch_language()
    visit.follow(visit.tr("Log in"))
    # A number typed with a wrong check digit is caught before any password is checked.
    wrong_check_digit = "1" if customer.customer_number.endswith("0") else "0"
    visit.fill(visit.tr("Customer number"), customer.formatted_number[:-1] + wrong_check_digit)
    visit.fill(visit.tr("Password"), PASSWORD)
    visit.press(visit.tr("Log in"))
    visit.check_error_summary(visit.tr("Customer number"))

    visit.follow(visit.tr("I forgot my customer number"))
    visit.fill(visit.tr("Email address"), "colette@example.fr")
    visit.press(visit.tr("Send me my number"))
    expect(visit.heading()).to_have_text(visit.tr("Check your email"))
    reminder = mailoutbox[-1]
    assert reminder.to == ["colette@example.fr"]
    assert reminder.subject == visit.tr("Your Mandrake customer number")
    assert customer.formatted_number in reminder.body

    visit.follow(visit.tr("Log in"))
    visit.log_in(customer.formatted_number, PASSWORD)
    expect(visit.heading()).to_have_text(visit.tr("My account"))
    visit.press(visit.tr("Log out"), within=visit.header)
    expect(visit.main.get_by_role("status")).to_contain_text(visit.tr("You are logged out."))

    visit.follow(visit.tr("I forgot my password"))
    visit.fill(visit.tr("Customer number or email address"), customer.formatted_number)
    visit.press(visit.tr("Send me a link"))
    expect(visit.heading()).to_have_text(visit.tr("Check your email"))
    reset = mailoutbox[-1]
    assert reset.subject == visit.tr("Choose a new password")

    visit.open(link_in(reset, "/reset/"))
    visit.fill(visit.tr("New password"), NEW_PASSWORD)
    visit.fill(visit.tr("New password confirmation"), NEW_PASSWORD)
    visit.press(visit.tr("Save my new password"))
    expect(visit.main.get_by_role("status")).to_contain_text(
        visit.tr("Your new password is set. You can log in with it now.")
    )
    visit.log_in(customer.formatted_number, NEW_PASSWORD)
    expect(visit.heading()).to_have_text(visit.tr("My account"))
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)
