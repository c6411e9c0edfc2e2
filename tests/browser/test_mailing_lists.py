"""Journey 4: a customer joins a list, receives a list email, leaves with the link in it
(without logging in, as on a phone), and changes their mind."""

from django.utils import translation
from playwright.sync_api import expect

from mailinglists.models import Subscription
from tests.browser.visit import JOURNEY_MARKS, in_both_languages
from tests.conftest import PASSWORD, link_in, make_customer

pytestmark = JOURNEY_MARKS


@in_both_languages(desktop="fr")
def test_mailing_lists(visit, mailoutbox, mailing_lists):
    customer = make_customer("colette@example.fr", first_name="Colette", language=visit.language)
    with translation.override(visit.language):
        cooker = mailing_lists["cooker"].name
    visit.start_logged_in(customer.formatted_number, PASSWORD)

    visit.follow(visit.tr("Mailing lists"), within=visit.account_navigation)
    cooker_card = visit.main.get_by_role("region", name=cooker)
    expect(cooker_card).to_contain_text(visit.tr("Not subscribed"))
    visit.press(visit.tr("Join %(name)s", name=cooker))
    expect(visit.main.get_by_role("status")).to_contain_text(
        visit.tr(
            "You joined %(list)s. A welcome message is on its way to %(email)s.", list=cooker, email=customer.email
        )
    )
    expect(cooker_card).to_contain_text(visit.tr("Subscribed"))

    welcome = mailoutbox[-1]
    assert welcome.subject == visit.tr("Welcome to %(name)s", name=cooker)
    assert welcome.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    visit.press(visit.tr("Log out"), within=visit.header)

    unsubscribe_link = link_in(welcome, "/unsubscribe/")
    visit.open(unsubscribe_link)
    visit.press(visit.tr("Unsubscribe from %(name)s", name=cooker))
    expect(visit.main.get_by_role("status")).to_contain_text(
        visit.tr("You are unsubscribed from %(list)s.", list=cooker)
    )
    expect(visit.heading()).to_have_text(visit.tr("You are unsubscribed from %(name)s", name=cooker))
    subscription = Subscription.objects.get(customer=customer)
    assert not subscription.is_receiving

    visit.press(visit.tr("Undo: subscribe again to %(name)s", name=cooker))
    expect(visit.main.get_by_role("status")).to_contain_text(
        visit.tr("You are subscribed to %(list)s again.", list=cooker)
    )
    subscription.refresh_from_db()
    assert subscription.is_receiving
