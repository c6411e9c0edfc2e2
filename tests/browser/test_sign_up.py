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

    customer = Customer.objects.get(email="juliette@example.fr")
    expect(visit.page.locator("#customer-number")).to_have_text(customer.formatted_number)
    welcome = mailoutbox[-1]
    assert welcome.subject == visit.tr("Your Mandrake customer number")
    assert customer.formatted_number in welcome.body

    visit.press(visit.tr("Log out"), within=visit.header)
    visit.open(link_in(welcome, "verify-email"))
    visit.press(visit.tr("Confirm my address"))
    expect(visit.main.get_by_role("status")).to_contain_text(visit.tr("Thank you: your email address is verified."))
    customer.refresh_from_db()
    assert customer.email_verified

    visit.fill(visit.tr("Customer number"), customer.formatted_number)
    visit.fill(visit.tr("Password"), PASSWORD)
    visit.press(visit.tr("Log in"))
    expect(visit.heading()).to_have_text(visit.tr("My account"))
