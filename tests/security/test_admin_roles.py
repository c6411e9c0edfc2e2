"""Each staff role sees exactly what it needs in the admin: every changelist, add and change
page of every registered model (and our own admin pages) is requested by each role, and
must be allowed (200) or forbidden (403) as this table says. A model registered in the admin
without a line here fails the test."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from accounts import two_factor
from accounts.models import AccountEvent, Customer, DataExport, PrivacyRequest
from billing.models import Donation, Invoice, Order, Payment, Refund, StoreEvent
from mailinglists.models import SubscriberExport
from registrations.models import Partner
from tests.billing.conftest import apply, donation, paid, placed, refund
from tests.conftest import CommittingClient, log_in_staff, make_customer
from tests.mailinglists.conftest import make_list, subscribe
from tests.registrations.conftest import make_disclosure, make_product, make_registration

pytestmark = pytest.mark.django_db

V, A = "view", "add"  # may open the changelist and change pages; may open the add page

# What each role may do, per model. Anything not listed is forbidden.
SUPPORT = {
    "accounts.customer": {V},
    "registrations.product": {V},
    "registrations.registration": {V},
    "registrations.partner": {V},
    "registrations.disclosure": {V, A},
}
BILLING = {
    "accounts.customer": {V},
    "billing.order": {V},
    "billing.invoice": {V},
    "billing.donation": {V},
    "billing.payment": {V},
    "billing.refund": {V},
    "billing.storeevent": {V},
}
LIST_MANAGERS = {
    "mailinglists.mailinglist": {V, A},
    "mailinglists.subscription": {V},
    "mailinglists.subscriberexport": {V},
    "mailinglists.post": {V, A},
    "mailinglists.delivery": {V},
}
PRIVACY_OFFICER = {
    "accounts.customer": {V},
    "accounts.privacyrequest": {V, A},
    "accounts.dataexport": {V},
    "accounts.accountevent": {V},
    "admin.logentry": {V},
    "mailinglists.subscriberexport": {V},
    "registrations.disclosure": {V},
}
# Superusers see everything; the records that come from elsewhere or are trails are never
# added by hand, not even by them.
SUPERUSER = {
    "auth.group": {V, A},
    "accounts.customer": {V, A},
    "accounts.privacyrequest": {V, A},
    "accounts.dataexport": {V},
    "accounts.accountevent": {V},
    "admin.logentry": {V},
    "otp_totp.totpdevice": {V},
    "otp_static.staticdevice": {V},
    "django_tasks_database.dbtaskresult": {V},
    "axes.accessattempt": {V},
    "axes.accesslog": {V},
    "axes.accessfailurelog": {V},
    "mailinglists.mailinglist": {V, A},
    "mailinglists.subscription": {V},
    "mailinglists.subscriberexport": {V},
    "mailinglists.post": {V, A},
    "mailinglists.delivery": {V},
    "registrations.product": {V, A},
    "registrations.registration": {V, A},
    "registrations.partner": {V, A},
    "registrations.disclosure": {V, A},
    "billing.order": {V},
    "billing.invoice": {V},
    "billing.donation": {V},
    "billing.payment": {V},
    "billing.refund": {V},
    "billing.storeevent": {V},
}
ROLES = {
    "Support": SUPPORT,
    "Billing": BILLING,
    "List managers": LIST_MANAGERS,
    "Privacy officer": PRIVACY_OFFICER,
    "superuser": SUPERUSER,
}

# Our own admin pages, by name: who may open them.
EXTRA_PAGES = {
    "accounts_customer_export_data": {"Privacy officer", "superuser"},
    "accounts_customer_delete_account": {"Privacy officer", "superuser"},
    "billing_invoice_pdf": {"Billing", "superuser"},
    "mailinglists_mailinglist_export": {"List managers", "superuser"},
}


def test_every_model_in_the_admin_is_in_the_table():
    registered = {model._meta.label_lower for model in admin.site._registry}

    assert registered == set(SUPERUSER)
    for role, allowed in ROLES.items():
        assert set(allowed) <= registered, role


@pytest.fixture
def one_of_each(customer, staff):
    """One object of every model registered in the admin."""
    product = make_product()
    registration = make_registration(customer, product)
    partner = Partner.objects.create(name="Pingouin Services", country="FR")
    two_factor.new_recovery_codes(customer)
    mailing_list = make_list("cooker")
    subscribe(customer, mailing_list)
    apply(placed(customer), paid(), refund(), donation(customer))
    now = timezone.now()
    axes_fields = {"user_agent": "x", "ip_address": "192.0.2.1", "username": "x", "http_accept": "x", "path_info": "/"}
    objects = [
        Group.objects.get(name="Support"),
        customer,
        PrivacyRequest.objects.create(customer_number=customer.customer_number, kind="access", channel="letter"),
        DataExport.objects.create(customer=customer),
        AccountEvent.objects.create(customer=customer, kind=AccountEvent.Kind.SIGNED_UP),
        LogEntry.objects.create(
            user=staff,
            content_type=ContentType.objects.get_for_model(Customer),
            object_id=str(customer.pk),
            object_repr=str(customer),
            action_flag=CHANGE,
        ),
        TOTPDevice.objects.create(user=customer, name="authenticator"),
        StaticDevice.objects.get(user=customer),
        DBTaskResult.objects.create(
            enqueued_at=now, args_kwargs={}, task_path="x", backend_name="default", run_after=now
        ),
        AccessAttempt.objects.create(**axes_fields, get_data="", post_data="", failures_since_start=1),
        AccessLog.objects.create(**axes_fields),
        AccessFailureLog.objects.create(**axes_fields),
        mailing_list,
        mailing_list.subscriptions.get(),
        SubscriberExport.objects.create(mailing_list=mailing_list, exported_by=staff, subscriber_count=1),
        product,
        registration,
        partner,
        make_disclosure(registration, partner, staff),
        Order.objects.get(),
        Invoice.objects.filter(kind="invoice").get(),
        Donation.objects.get(),
        Payment.objects.get(),
        Refund.objects.get(),
        StoreEvent.objects.first(),
    ]
    return {obj._meta.label_lower: obj for obj in objects}


def member_of(role: str, staff) -> Customer:
    if role == "superuser":
        return staff
    member = make_customer(f"{role.replace(' ', '.').lower()}@mandrake.example", is_staff=True)
    member.groups.add(Group.objects.get(name=role))
    return member


def pages(one_of_each):
    for label, obj in one_of_each.items():
        prefix = f"/admin/{label.replace('.', '/')}/"
        yield label, V, prefix
        yield label, V, f"{prefix}{obj.pk}/change/"
        yield label, A, f"{prefix}add/"


def extra_pages(one_of_each):
    customer = one_of_each["accounts.customer"]
    mailing_list = one_of_each["mailinglists.mailinglist"]
    return {
        "accounts_customer_export_data": f"/admin/accounts/customer/{customer.pk}/export-data/",
        "accounts_customer_delete_account": f"/admin/accounts/customer/{customer.pk}/delete-account/",
        "billing_invoice_pdf": f"/admin/billing/invoice/{one_of_each['billing.invoice'].pk}/pdf/",
        "mailinglists_mailinglist_export": f"/admin/mailinglists/mailinglist/{mailing_list.pk}/export/",
    }


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_opens_exactly_the_pages_of_its_table(role, staff, one_of_each):
    browser = log_in_staff(CommittingClient(), member_of(role, staff))
    allowed = ROLES[role]

    wrong = []
    for label, action, url in pages(one_of_each):
        expected = 200 if action in allowed.get(label, set()) else 403
        status = browser.get(url).status_code
        if status != expected:
            wrong.append(f"{url}: {status}, expected {expected}")
    for name, url in extra_pages(one_of_each).items():
        expected = 200 if role in EXTRA_PAGES[name] else 403
        status = browser.get(url).status_code
        if status != expected:
            wrong.append(f"{url}: {status}, expected {expected}")

    assert wrong == []


def test_the_home_page_of_the_admin_lists_only_the_roles_models(staff, one_of_each):
    browser = log_in_staff(CommittingClient(), member_of("Billing", staff))

    page = browser.get("/admin/").content.decode()

    assert "/admin/billing/order/" in page
    assert "/admin/registrations/" not in page
    assert "/admin/mailinglists/" not in page


def test_a_customer_reaches_no_admin_page(customer, one_of_each):
    browser = CommittingClient()
    browser.force_login(customer)

    for _label, _action, url in pages(one_of_each):
        response = browser.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/")


def test_staff_without_the_second_factor_reach_no_admin_page(staff, one_of_each):
    browser = CommittingClient()
    browser.force_login(staff)  # a superuser, but with the password only

    for _label, _action, url in pages(one_of_each):
        assert browser.get(url).status_code == 302, url


def test_the_privacy_officer_group_holds_exactly_its_permissions():
    group = Group.objects.get(name="Privacy officer")

    held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}

    assert held == {
        "accounts.view_customer",
        "accounts.export_customer_data",
        "accounts.delete_customer_account",
        "accounts.view_dataexport",
        "accounts.view_privacyrequest",
        "accounts.add_privacyrequest",
        "accounts.change_privacyrequest",
        "accounts.view_accountevent",
        "admin.view_logentry",
        "mailinglists.view_subscriberexport",
        "registrations.view_disclosure",
    }
