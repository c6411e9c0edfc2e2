import datetime
import io
import json
import zipfile
from pathlib import Path

import jsonschema
import pytest
from django.utils import timezone

from accounts.models import AccountEvent, DataExport
from mandrakeonline.personal_data import registry
from tests.conftest import forget_when_password_was_typed

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "export.schema.json").read_text())


@pytest.fixture(autouse=True)
def _export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"


def request_export(client):
    return client.post("/account/data/export/", HTTP_ACCEPT_LANGUAGE="en", follow=True)


def download(client, data_export):
    response = client.get(f"/account/data/export/{data_export.pk}/download/")
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_export_holds_every_registered_field_and_validates_against_the_schema(
    customer_client, customer, mailoutbox
):
    customer.city, customer.country = "Nantes", "FR"
    customer.save()
    AccountEvent.objects.create(customer=customer, kind=AccountEvent.Kind.PASSWORD_CHANGED, actor=customer)

    response = request_export(customer_client)

    data_export = DataExport.objects.get()
    assert response.redirect_chain[-1][0] == f"/account/data/export/{data_export.pk}/"
    assert data_export.status == DataExport.Status.READY
    assert "Your file is ready." in response.content.decode()
    assert [message.subject for message in mailoutbox] == ["Your data is ready to download"]
    archive = download(customer_client, data_export)
    assert {"data.json", "data.html"} <= set(archive.namelist())
    data = json.loads(archive.read("data.json"))
    jsonschema.validate(data, SCHEMA)
    assert data["customer_number"] == customer.customer_number
    assert set(data["records"]) == {declared.label for declared in registry.personal_models()}
    [account] = data["records"]["accounts.customer"]
    assert set(account["fields"]) == {entry.name for entry in registry.fields_of(type(customer))}
    assert account["fields"]["city"] == "Nantes"
    kinds = [row["fields"]["kind"] for row in data["records"]["accounts.accountevent"]]
    assert "password_changed" in kinds
    page = archive.read("data.html").decode()
    assert "Nantes" in page
    assert customer.formatted_number in page


def test_the_export_holds_nothing_of_other_customers(customer_client, customer, other_customer):
    AccountEvent.objects.create(customer=other_customer, kind=AccountEvent.Kind.PASSWORD_CHANGED)

    request_export(customer_client)

    archive = download(customer_client, DataExport.objects.get())
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert other_customer.email not in everything
    assert other_customer.customer_number not in everything
    assert other_customer.last_name not in everything


def test_without_a_recent_password_nothing_is_exported(customer_client, mailoutbox):
    forget_when_password_was_typed(customer_client)

    response = request_export(customer_client)

    assert response.redirect_chain[-1][0] == "/account/confirm-password/?next=%2Faccount%2Fdata%2Fexport%2F"
    assert not DataExport.objects.exists()
    assert mailoutbox == []


def test_another_customer_gets_404_on_every_export_url(customer_client, other_customer, client):
    request_export(customer_client)
    data_export = DataExport.objects.get()
    client.force_login(other_customer)

    for suffix in ("", "status/", "download/"):
        assert client.get(f"/account/data/export/{data_export.pk}/{suffix}").status_code == 404


def test_an_expired_link_no_longer_downloads(customer_client):
    request_export(customer_client)
    DataExport.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    response = customer_client.get(f"/account/data/export/{DataExport.objects.get().pk}/download/")

    assert response.status_code == 410
    assert "This link has expired." in response.content.decode()


def test_the_status_endpoint_reports_progress(customer_client):
    request_export(customer_client)

    status = customer_client.get(f"/account/data/export/{DataExport.objects.get().pk}/status/").json()

    assert status == {"status": "ready", "percent": 100}


def test_a_second_request_while_one_is_running_starts_nothing(customer_client, customer):
    running = DataExport.objects.create(customer=customer, status=DataExport.Status.RUNNING)

    response = request_export(customer_client)

    assert DataExport.objects.count() == 1
    assert response.redirect_chain[-1][0] == f"/account/data/export/{running.pk}/"
    assert "Your previous export is still being prepared." in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get("/account/data/export/")["Location"].startswith("/login/")
