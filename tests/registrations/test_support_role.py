"""The Support staff role, created by a data migration: reads what support needs, records
disclosures, and nothing of billing."""

import pytest
from django.contrib.auth.models import Group, Permission

from tests.conftest import CommittingClient, log_in_staff
from tests.registrations.conftest import page_text

pytestmark = pytest.mark.django_db


def codenames(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_the_support_group_exists_with_exactly_its_permissions():
    assert codenames(Group.objects.get(name="Support")) == {
        "accounts.view_customer",
        "registrations.view_product",
        "registrations.view_registration",
        "registrations.view_configuration",
        "registrations.view_partner",
        "registrations.view_disclosure",
        "registrations.record_disclosure",
    }


def test_support_has_no_billing_permission_and_cannot_change_customers():
    permissions = codenames(Group.objects.get(name="Support"))

    assert not [name for name in permissions if name.startswith("billing.")]
    assert not {"accounts.change_customer", "accounts.delete_customer", "accounts.add_customer"} & permissions


def test_nobody_can_be_given_the_right_to_change_or_delete_a_disclosure():
    assert not Permission.objects.filter(
        content_type__app_label="registrations", codename__in=["change_disclosure", "delete_disclosure"]
    ).exists()


@pytest.fixture
def support_client(support):
    client = CommittingClient()
    log_in_staff(client, support)
    return client


def test_support_finds_a_registration_and_reads_it(support_client, registration, configuration):
    found = support_client.get("/admin/registrations/registration/", {"q": registration.serial.lower()})
    page = support_client.get(f"/admin/registrations/registration/{registration.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")

    assert list(found.context["cl"].result_list) == [registration]
    assert page.status_code == 200
    assert "AMD Athlon" in page_text(page)
    assert "Record a disclosure of this registration to a partner" in page_text(page)


def test_support_cannot_change_a_registration(support_client, registration):
    response = support_client.post(
        f"/admin/registrations/registration/{registration.pk}/change/", {"serial": "MDK-ZZZZ-ZZZZ-ZZZZ"}
    )

    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.serial == "MDK-AAAA-BBBB-CCCC"


def test_support_reads_customers_but_cannot_change_them(support_client, customer):
    page = support_client.get(f"/admin/accounts/customer/{customer.pk}/change/")
    change = support_client.post(f"/admin/accounts/customer/{customer.pk}/change/", {"first_name": "Mallory"})

    assert page.status_code == 200
    assert change.status_code == 403
    customer.refresh_from_db()
    assert customer.first_name == "Alice"


@pytest.mark.parametrize("url", ["/admin/billing/", "/admin/mailinglists/"])
def test_support_cannot_open_billing_or_list_admin_pages(support_client, url):
    response = support_client.get(url)

    assert response.status_code in (403, 404)


def test_support_cannot_open_any_billing_model_page(support_client):
    from django.apps import apps
    from django.contrib import admin

    billing_models = [model for model in apps.get_app_config("billing").get_models() if admin.site.is_registered(model)]
    for model in billing_models:
        url = f"/admin/billing/{model._meta.model_name}/"
        assert support_client.get(url).status_code == 403, url


def test_the_admin_index_shows_support_no_billing(support_client):
    page = support_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "/admin/registrations/registration/" in page
    assert "/admin/billing/" not in page
