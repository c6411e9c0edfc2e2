"""With JavaScript off, every form still works: the scripts only help (focus on the error
summary, the colour scheme, the export's progress)."""

import re

from playwright.sync_api import expect

from mailinglists.models import Subscription
from mailinglists.tokens import make_token
from tests.browser.visit import JOURNEY_MARKS, label
from tests.conftest import PASSWORD, make_customer

pytestmark = JOURNEY_MARKS


def test_log_in_switch_language_correct_the_address_and_unsubscribe_without_javascript(
    page_without_javascript, mailing_lists
):
    page = page_without_javascript
    customer = make_customer("colette@example.fr", first_name="Colette", language="en")
    subscription = Subscription.objects.create(customer=customer, mailing_list=mailing_lists["cooker"])

    page.goto("/login/")
    page.get_by_label(label("Customer number")).fill(customer.formatted_number)
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")

    page.get_by_role("banner").get_by_label("Language").select_option("fr")
    page.get_by_role("banner").get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("banner").get_by_label("Langue").select_option("en")
    page.get_by_role("banner").get_by_role("button", name="Changer").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("link", name="Correct my postal address").click()
    page.get_by_label(label("Address line 1")).fill("8 place Bellecour")
    page.get_by_role("button", name="Save my address").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("City: Enter the city.")
    page.get_by_label(label("City")).fill("Lyon")
    page.get_by_label(label("Country")).select_option("FR")
    page.get_by_role("button", name="Save my address").click()
    expect(page.get_by_role("status")).to_have_text(re.compile("Your postal address is saved."))

    page.goto(f"/unsubscribe/{make_token(subscription)}/")
    page.get_by_role("button", name="Unsubscribe from Cooker (development)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed from Cooker (development)")
    subscription.refresh_from_db()
    assert not subscription.is_receiving
