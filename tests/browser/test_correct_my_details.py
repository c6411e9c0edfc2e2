"""Journey 3: a customer corrects their name, their postal address and their email address
(the new address is confirmed with the link sent to it)."""

from playwright.sync_api import expect

from tests.browser.visit import JOURNEY_MARKS, in_both_languages
from tests.conftest import PASSWORD, link_in, make_customer

pytestmark = JOURNEY_MARKS


@in_both_languages(desktop="en")
def test_correct_my_details(visit, mailoutbox):
    customer = make_customer("colette@example.fr", first_name="Colete", last_name="Renard", language=visit.language)
    visit.start_logged_in(customer.formatted_number, PASSWORD)

    visit.follow(visit.tr("Correct my name or language"))
    visit.fill(visit.tr("first name"), "Colette")
    visit.press(visit.tr("Save"))
    expect(visit.main.get_by_role("status")).to_contain_text(visit.tr("Your name and language are saved."))
    expect(visit.main).to_contain_text("Colette")

    visit.follow(visit.tr("Correct my postal address"))
    # Half an address cannot carry a parcel: the form says what is missing, and saves nothing.
    visit.fill(visit.tr("address line 1"), "8 place Bellecour")
    visit.press(visit.tr("Save my address"))
    visit.check_error_summary(visit.tr("city"), visit.tr("country"))
    visit.fill(visit.tr("postal code"), "69002")
    visit.fill(visit.tr("city"), "Lyon")
    visit.choose(visit.tr("country"), visit.tr("France"))
    visit.press(visit.tr("Save my address"))
    expect(visit.main.get_by_role("status")).to_contain_text(visit.tr("Your postal address is saved."))
    expect(visit.main).to_contain_text("8 place Bellecour")

    # Back after a break: changing the address asks for the password again first.
    visit.time_passes()
    visit.follow(visit.tr("Change my email address"))
    visit.confirm_it_is_me(PASSWORD)
    expect(visit.heading()).to_have_text(visit.tr("Change my email address"))
    visit.fill(visit.tr("New email address"), "colette.renard@example.org")
    visit.press(visit.tr("Send the confirmation link"))
    expect(visit.main.get_by_role("status")).to_contain_text(
        visit.tr(
            "We sent a link to %(email)s. Your address changes when you follow it.", email="colette.renard@example.org"
        )
    )
    confirmation = mailoutbox[-1]
    assert confirmation.to == ["colette.renard@example.org"]
    assert confirmation.subject == visit.tr("Confirm your new email address")

    visit.open(link_in(confirmation, "/account/email/confirm/"))
    visit.press(visit.tr("Use this address"))
    expect(visit.main.get_by_role("status")).to_contain_text(
        visit.tr("Your email address is now %(email)s.", email="colette.renard@example.org")
    )
    customer.refresh_from_db()
    assert (customer.first_name, customer.email) == ("Colette", "colette.renard@example.org")
    assert customer.address_lines() == ["8 place Bellecour", "69002 Lyon", "France"]
