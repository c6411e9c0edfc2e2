import datetime
import io
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import Customer, DataExport, PrivacyRequest
from tests.conftest import CommittingClient, log_in_staff, make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"


@pytest.fixture
def privacy_officer(db):
    officer = make_customer("officer@example.com", first_name="Pia", last_name="Officer", is_staff=True)
    officer.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "view_customer",
                "export_customer_data",
                "delete_customer_account",
                "view_dataexport",
                "view_privacyrequest",
            ]
        )
    )
    return officer


@pytest.fixture
def officer_client(privacy_officer):
    browser = CommittingClient()
    log_in_staff(browser, privacy_officer)
    return browser


def test_staff_export_a_customers_data_for_a_letter_and_download_it(officer_client, customer, privacy_officer):
    received = timezone.localdate() - datetime.timedelta(days=3)
    response = officer_client.post(
        f"/admin/accounts/customer/{customer.pk}/export-data/",
        {"channel": "letter", "received_on": received.isoformat(), "notes": "Signed letter, ID checked."},
    )

    data_export = DataExport.objects.get(customer=customer)
    assert response["Location"] == f"/admin/accounts/dataexport/{data_export.pk}/change/"
    assert data_export.status == DataExport.Status.READY
    download = officer_client.get(f"/admin/accounts/dataexport/{data_export.pk}/download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert "data.json" in archive.namelist()
    logged = PrivacyRequest.objects.get()
    assert (logged.kind, logged.channel, logged.received_on, logged.handled_by) == (
        "export",
        "letter",
        received,
        privacy_officer,
    )
    assert logged.due_on == received.replace(month=received.month % 12 + 1) or logged.due_on > received


def test_staff_delete_an_account_through_the_same_path_as_the_customer(officer_client, customer, privacy_officer):
    response = officer_client.post(
        f"/admin/accounts/customer/{customer.pk}/delete-account/",
        {"channel": "phone", "received_on": timezone.localdate().isoformat(), "confirm": "on"},
    )

    assert response.status_code == 302
    assert not Customer.objects.filter(pk=customer.pk).exists()
    logged = PrivacyRequest.objects.get()
    assert (logged.kind, logged.channel, logged.handled_by) == ("deletion", "phone", privacy_officer)


def test_a_request_dated_in_the_future_is_refused(officer_client, customer):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = officer_client.post(
        f"/admin/accounts/customer/{customer.pk}/delete-account/",
        {"channel": "phone", "received_on": tomorrow.isoformat(), "confirm": "on"},
    )

    assert response.status_code == 200
    assert "A request cannot be received in the future." in response.content.decode()
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_staff_without_the_permission_cannot_export_or_delete(customer):
    support = make_customer("support@example.com", is_staff=True)
    support.user_permissions.add(Permission.objects.get(codename="view_customer"))
    browser = CommittingClient()
    log_in_staff(browser, support)

    assert browser.get(f"/admin/accounts/customer/{customer.pk}/export-data/").status_code == 403
    assert browser.post(f"/admin/accounts/customer/{customer.pk}/delete-account/").status_code == 403
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_the_request_log_shows_overdue_requests(officer_client):
    PrivacyRequest.objects.create(
        customer_number="100000006",
        kind="access",
        channel="letter",
        received_on=timezone.localdate() - datetime.timedelta(days=40),
    )
    PrivacyRequest.objects.create(customer_number="482109375", kind="access", channel="letter")

    page = officer_client.get("/admin/accounts/privacyrequest/?answer=overdue").content.decode()

    assert "1000 0000 6" in page
    assert "4821 0937 5" not in page


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (datetime.date(2026, 1, 31), datetime.date(2026, 2, 28)),
        (datetime.date(2026, 12, 15), datetime.date(2027, 1, 15)),
        (datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)),
    ],
)
def test_the_answer_is_due_one_month_after_receipt(received, due):
    logged = PrivacyRequest.objects.create(
        customer_number="482109375", kind="access", channel="email", received_on=received
    )

    assert logged.due_on == due
