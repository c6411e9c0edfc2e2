"""Journey 1: sign up, read the email, confirm the address, log in with the customer number."""

from playwright.sync_api import expect

from accounts.models import Customer
from tests.browser.visit import JOURNEY_MARKS, LANGUAGE_NAMES, in_both_languages
from tests.conftest import PASSWORD, link_in

pytestmark = JOURNEY_MARKS


@in_both_languages(desktop="en")
def test_sign_up(visit, mailoutbox):
    visit.open("/")
    if visit.keyboard:
        visit.check_skip_link()
    visit.switch_language()
    visit.follow(visit.tr("Create an account"))

    visit.fill(visit.tr("email address"), "juliette@example.fr")
    visit.fill(visit.tr("first name"), "Juliette")
    visit.fill(visit.tr("last name"), "Moreau")
    visit.choose(visit.tr("preferred language"), visit.tr(LANGUAGE_NAMES[visit.language]))
    visit.fill(visit.tr("Password"), PASSWORD)
    visit.fill(visit.tr("Password again"), PASSWORD + " typo")
    visit.press(visit.tr("Create my account"))
    visit.check_error_summary(visit.tr("Password again"))
    assert not Customer.objects.exists()

    visit.fill(visit.tr("Password"), PASSWORD)
    visit.fill(visit.tr("Password again"), PASSWORD)
    visit.press(visit.tr("Create my account"))

    # The same page whether or not the address had an account: the number comes by email.
    expect(visit.heading()).to_have_text(visit.tr("Check your email"))
    customer = Customer.objects.get(email="juliette@example.fr")
    welcome = mailoutbox[-1]
    assert welcome.to == ["juliette@example.fr"]
    assert welcome.subject == visit.tr("Your Mandrake customer number")
    assert customer.formatted_number in welcome.body

    visit.open(link_in(welcome, "verify-email"))
    visit.press(visit.tr("Confirm my address"))
    expect(visit.heading()).to_have_text(visit.tr("Your email address is confirmed"))
    expect(visit.main.locator("#customer-number")).to_have_text(customer.formatted_number)
    customer.refresh_from_db()
    assert customer.email_verified

    visit.follow(visit.tr("Log in"))
    visit.log_in(customer.formatted_number, PASSWORD)
    expect(visit.heading()).to_have_text(visit.tr("My account"))
    expect(visit.header).to_contain_text(customer.formatted_number)
