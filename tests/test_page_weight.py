"""Every customer page, with the stylesheets, scripts and icons it loads, is under 150 KB as
sent compressed in production: the HTML by GZipMiddleware, the static files as whitenoise
serves them, from what collectstatic makes (hashed names, so that browsers may keep them for
ever, and gzip beside each; brotli, when installed, is smaller still). No web font is loaded.

A size, measured on what the pages really reference; how fast they load is measured by
benchmarks/lighthouse.py, never by a test.
"""

import gzip
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.models import Customer, DataExport
from billing.models import Donation, Invoice, Order
from mailinglists.models import Subscription
from mailinglists.tokens import make_token
from registrations.models import Registration

BUDGET = 150 * 1024
ASSET = re.compile(r'(?:href|src)="(' + re.escape(settings.STATIC_URL) + r'[^"]+)"')
HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_static_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return tmp_path


@pytest.fixture
def demo_customer() -> Customer:
    call_command("seed_demo", force=True, stdout=io.StringIO())
    return Customer.objects.get(email="demo@example.com")


def public_pages(customer: Customer) -> list[str]:
    subscription = Subscription.objects.for_customer(customer).first()
    unsubscribe = f"/unsubscribe/{make_token(subscription)}/"
    return [
        "/",
        "/login/",
        "/signup/",
        "/signup/sent/",
        "/forgot-number/",
        "/password-reset/",
        "/privacy/",
        unsubscribe,
    ]


def customer_pages(customer: Customer) -> list[str]:
    registration = Registration.objects.for_customer(customer).first()
    order = Order.objects.for_customer(customer).first()
    invoice = Invoice.objects.for_customer(customer).first()
    donation = Donation.objects.for_customer(customer).first()
    subscription = Subscription.objects.for_customer(customer).first()
    receiving = Subscription.objects.for_customer(customer).receiving().first()
    data_export = DataExport.objects.create(customer=customer)
    return [
        "/account/",
        "/account/profile/",
        "/account/address/",
        "/account/email/",
        "/account/password/",
        "/account/marketing/",
        "/account/data/",
        "/account/data/export/",
        f"/account/data/export/{data_export.pk}/",
        "/account/delete/",
        "/account/security/",
        "/account/security/two-factor/",
        "/account/confirm-password/",
        "/account/history/",
        "/account/lists/",
        f"/account/lists/{subscription.mailing_list.slug}/history/",
        f"/account/lists/{receiving.mailing_list.slug}/archive/",
        "/account/registrations/",
        "/account/registrations/new/",
        f"/account/registrations/{registration.pk}/",
        f"/account/registrations/{registration.pk}/edit/",
        f"/account/registrations/{registration.pk}/configuration/",
        f"/account/registrations/{registration.pk}/delete/",
        "/account/billing/",
        f"/account/billing/orders/{order.number}/",
        f"/account/billing/invoices/{invoice.number}/",
        f"/account/billing/donations/{donation.receipt_number}/",
    ]


def test_every_customer_page_weighs_less_than_150_kb_compressed(client, demo_customer, production_static_files):
    weights = {}
    for path in public_pages(demo_customer):
        weights[path] = page_weight(client, path, production_static_files)
    client.force_login(demo_customer)
    for path in customer_pages(demo_customer):
        weights[path] = page_weight(client, path, production_static_files)

    too_heavy = {path: weight for path, weight in weights.items() if weight >= BUDGET}
    assert not too_heavy, f"pages over {BUDGET} bytes: {too_heavy}"
    # The budget would mean little if the pages loaded nothing: the stylesheet is counted.
    assert min(weights.values()) > 20 * 1024


def page_weight(client, path: str, static_root: Path) -> int:
    """The page compressed, and each static file it references as whitenoise sends it."""
    response = client.get(path, HTTP_ACCEPT_ENCODING="gzip, br", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200, path
    assert response["Content-Encoding"] == "gzip", path
    asset_bytes = 0
    for url in set(ASSET.findall(gzip.decompress(response.content).decode())):
        name = url.removeprefix(settings.STATIC_URL)
        assert HASHED.search(name), f"{path} loads {url}, whose name changes not with its content"
        compressed = static_root / f"{name}.gz"
        asset_bytes += (compressed if compressed.exists() else static_root / name).stat().st_size
    return len(response.content) + asset_bytes
