"""Journey 7: a customer views everything held about them, downloads the export, deletes
the account, and can no longer log in."""

import json
import zipfile

from playwright.sync_api import expect

from accounts.models import Customer
from tests.browser.visit import JOURNEY_MARKS, in_both_languages
from tests.conftest import PASSWORD, make_customer

pytestmark = JOURNEY_MARKS


@in_both_languages(desktop="fr")
def test_my_data_and_deletion(visit, settings, tmp_path, mailoutbox):
    settings.EXPORT_ROOT = tmp_path / "exports"
    customer = make_customer(
        "colette@example.fr", first_name="Colette", language=visit.language, city="Lyon", country="FR"
    )
    number = customer.formatted_number
    visit.start_logged_in(number, PASSWORD)

    visit.follow(visit.tr("My data"), within=visit.account_navigation)
    expect(visit.heading()).to_have_text(visit.tr("Everything we hold about you"))
    # Back after a break: the export asks for the password again first.
    visit.time_passes()
    visit.follow(visit.tr("Download my data"))
    visit.confirm_it_is_me(PASSWORD)
    visit.press(visit.tr("Prepare my download"))
    # The tests' task backend builds the file before the page answers; in production the
    # page updates itself until the worker is done, and an email says so too.
    assert mailoutbox[-1].subject == visit.tr("Your data is ready to download")
    archive = visit.download(visit.link(visit.tr("Download the ZIP file")))
    with zipfile.ZipFile(archive.path()) as export:
        data = json.loads(export.read("data.json"))
    assert json.dumps(data).count(customer.customer_number) >= 1
    assert "colette@example.fr" in json.dumps(data)

    visit.follow(visit.tr("My data"), within=visit.account_navigation)
    # And again before deleting the account, after another break.
    visit.time_passes()
    visit.follow(visit.tr("Delete my account"))
    visit.confirm_it_is_me(PASSWORD)
    visit.tick(
        visit.tr("I understand that my account and its data will be erased for good, except what is listed as kept.")
    )
    visit.press(visit.tr("Delete my account for good"))
    expect(visit.heading()).to_have_text(visit.tr("Your account is deleted"))
    assert mailoutbox[-1].subject == visit.tr("Your Mandrake account is deleted")
    assert not Customer.objects.filter(email="colette@example.fr").exists()

    visit.follow(visit.tr("Log in"), within=visit.header)
    visit.log_in(number, PASSWORD)
    visit.check_error_summary()
    expect(visit.main.locator(".error-summary")).to_contain_text(
        visit.tr("The customer number or the password is wrong. Check both and try again.")
    )
