"""Journey 8: a support agent logs in to the admin with their customer number, their
password and the code of their authenticator app, finds a customer by number, records a
disclosure of the customer's registration to a partner, and cannot open billing, which
their role does not cover."""

import datetime
import importlib
import re

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Locator, expect

from registrations import services as registrations_services
from registrations.models import Disclosure, Registration
from tests.browser.visit import JOURNEY_MARKS, Visit, in_both_languages
from tests.conftest import PASSWORD, code_of, make_customer

pytestmark = JOURNEY_MARKS


def support_role() -> Group:
    """The Support role as its migration makes it: the tables it filled are emptied between
    browser journeys."""
    migration = importlib.import_module("registrations.migrations.0002_support_group")
    for app_label in {app_label for app_label, _codename in migration.SUPPORT_PERMISSIONS}:
        create_permissions(apps.get_app_config(app_label), verbosity=0)
    role, _created = Group.objects.get_or_create(name=migration.SUPPORT_GROUP)
    role.permissions.set(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in migration.SUPPORT_PERMISSIONS
    )
    return role


def staff_log_in(visit: Visit, authenticator: TOTPDevice, password: str) -> None:
    """The site's login, where the admin sends staff: number and password, then the code
    their authenticator app shows (computed here from the same secret)."""
    visit.log_in(authenticator.user.formatted_number, password)
    expect(visit.heading()).to_have_text(visit.tr("Enter your code"))
    visit.fill(visit.tr("Code"), code_of(authenticator))
    visit.press(visit.tr("Log in"))


def search_box(visit: Visit) -> Locator:
    # The admin labels its search box with a magnifying glass whose text is "Search", in
    # English whatever the language: found by the search form it is in instead.
    return visit.main.get_by_role("search").get_by_role("textbox")


@in_both_languages(desktop="fr")
def test_staff(visit, products, partner, mailoutbox):
    customer = make_customer("colette@example.fr", first_name="Colette", last_name="Renard", language=visit.language)
    registration = registrations_services.registration_create(
        customer=customer,
        details={
            "product": products["ProSuite"],
            "serial": "MDK-9ZC2-M4HT-0EPN",
            "purchase_date": timezone.localdate() - datetime.timedelta(days=20),
        },
        actor=customer,
    )
    agent = make_customer(
        "sam@mandrake.example", first_name="Sam", last_name="Support", language=visit.language, is_staff=True
    )
    agent.groups.add(support_role())
    # Set up on the agent's first day (the setup page is tested in tests/accounts).
    authenticator = TOTPDevice.objects.create(user=agent, name="authenticator", confirmed=True)

    visit.open("/")
    visit.switch_language()
    # The admin sends to the site's login, and back once the second factor is passed.
    visit.open("/admin/")
    expect(visit.heading()).to_have_text(visit.tr("Log in"))
    staff_log_in(visit, authenticator, PASSWORD)
    expect(visit.page).to_have_url(re.compile(r"/admin/$"))
    content = visit.page.locator("#content")

    visit.follow(visit.tr("customers").capitalize(), within=content)
    visit.fill(search_box(visit), customer.formatted_number)
    visit.press(visit.tr("Search"))
    results = visit.main.get_by_role("table")
    expect(results).to_contain_text("colette@example.fr")
    visit.follow(customer.formatted_number, within=results)
    expect(visit.main).to_contain_text("Renard")

    visit.follow(visit.tr("Home"), within=visit.page.locator(".breadcrumbs"))
    visit.follow(visit.tr("registrations").capitalize(), within=content)
    visit.fill(search_box(visit), customer.formatted_number)
    visit.press(visit.tr("Search"))
    visit.follow(registration.serial, within=visit.main.get_by_role("table"))
    visit.follow(visit.tr("Record a disclosure of this registration to a partner"))
    visit.choose(visit.tr("partner"), partner.name)
    visit.tick(visit.tr("Name and customer number"))
    visit.tick(visit.tr("Postal address"))
    visit.fill(visit.tr("reason"), "You asked for a technician to install Mandrake Linux 8.2 at your home.")
    visit.press(visit.tr("Save"))
    disclosure = Disclosure.objects.get()
    assert (disclosure.registration, disclosure.partner, disclosure.recorded_by) == (registration, partner, agent)
    assert mailoutbox[-1].to == ["colette@example.fr"]
    assert Registration.objects.get().customer == customer

    # Billing is not part of the Support role: not offered, and refused when asked for.
    expect(visit.page.locator("#nav-sidebar")).not_to_contain_text(visit.tr("Billing"))
    visit.open("/admin/billing/order/", status=403)
    expect(visit.heading()).to_have_text(visit.tr("Not allowed"))
