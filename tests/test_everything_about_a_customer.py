"""A customer with data in every app: the account pages show all of it, the export holds
all of it and nothing of anyone else, and deletion leaves nothing that identifies them
outside the invoices the law makes us keep."""

import io
import json
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import export
from accounts.models import AccountEvent, Customer, DataExport, MarketingProfile
from billing.models import Invoice, Order
from mandrakeonline.personal_data import registry
from registrations.models import Configuration, Disclosure, Partner
from tests.billing.conftest import apply, donation, paid, placed, shipped
from tests.conftest import PASSWORD, CommittingClient, make_customer
from tests.mailinglists.conftest import make_list, subscribe
from tests.registrations.conftest import make_disclosure, make_product, make_registration

pytestmark = pytest.mark.django_db

SERIAL = "MDK-QWER-TYUI-OPAS"
TRACKING = "6A55512345678"


def give_data_everywhere(customer, *, street, city, order_number, serial, tracking, list_slug, product, partner, staff):
    customer.address_line1, customer.postal_code, customer.city, customer.country = street, "13100", city, "FR"
    customer.save()
    subscribe(customer, make_list(list_slug))
    registration = make_registration(customer, product, serial=serial)
    Configuration.objects.create(registration=registration, processor="Pentium III", memory_mib=512)
    make_disclosure(registration, partner, staff)
    apply(placed(customer, number=order_number), paid(number=order_number), donation(customer))
    shipped_event = shipped(number=order_number)
    shipped_event["data"].update(
        carrier="La Poste",
        tracking_number=tracking,
        tracking_url=f"https://www.laposte.fr/outils/suivre-vos-envois?code={tracking}",
    )
    apply(shipped_event)
    MarketingProfile.objects.create(customer=customer, usage="work", interests=["security"])
    AccountEvent.objects.create(customer=customer, kind=AccountEvent.Kind.DETAILS_CORRECTED, actor=customer)


@pytest.fixture
def everywhere(settings, tmp_path, staff):
    settings.EXPORT_ROOT = tmp_path
    partner = Partner.objects.create(name="Pingouin Services", country="FR", purpose="Repairs")
    product = make_product()
    alice = make_customer("hortense.vandersmissen@example.com", first_name="Hortense", last_name="Vandersmissen")
    bob = make_customer("bob.other@example.org", first_name="Barnabé", last_name="Quelqu'un")
    give_data_everywhere(
        alice,
        street="9 chemin des Écureuils",
        city="Aix-en-Provence",
        order_number="WEB-7001",
        serial=SERIAL,
        tracking=TRACKING,
        list_slug="cooker",
        product=product,
        partner=partner,
        staff=staff,
    )
    give_data_everywhere(
        bob,
        street="1 place du Marché",
        city="Marseille",
        order_number="WEB-7002",
        serial="MDK-ZZZZ-YYYY-XXXX",
        tracking="7B98765432101",
        list_slug="announce",
        product=product,
        partner=partner,
        staff=staff,
    )
    browser = CommittingClient(HTTP_ACCEPT_LANGUAGE="en")
    assert browser.post("/login/", {"username": alice.customer_number, "password": PASSWORD}).status_code == 302
    return alice, bob, browser


def test_the_data_page_lists_every_kind_of_data_with_the_customers_records(everywhere):
    alice, _bob, browser = everywhere

    page = " ".join(browser.get("/account/data/").content.decode().split())

    for item in registry.summary(alice):
        assert str(item["title"]) in page
    held = {str(item["title"]) for item in registry.summary(alice) if item["count"]}
    for declared in registry.personal_models():
        if declared.model in (Customer, Order, Invoice, MarketingProfile, Disclosure):
            assert str(declared.title) in held, declared.label


def test_the_export_holds_every_registered_field_and_nothing_of_anyone_else(everywhere):
    alice, bob, browser = everywhere

    browser.post("/account/data/export/", {"password": PASSWORD})
    download = browser.get(f"/account/data/export/{alice.data_exports.get().pk}/download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    data = json.loads(archive.read("data.json"))

    for declared in registry.personal_models():
        names = {entry.name for entry in registry.fields_of(declared.model)}
        for row in data["records"][declared.label]:
            assert set(row["fields"]) == names, declared.label
    for label in ("mailinglists.subscription", "registrations.registration", "billing.order", "billing.invoice"):
        assert data["records"][label], label
    assert any(name.startswith("attachments/") and name.endswith(".pdf") for name in archive.namelist())
    everything = b"".join(archive.read(name) for name in archive.namelist() if not name.endswith(".pdf")).decode()
    for value in (bob.email, bob.last_name, bob.customer_number, "MDK-ZZZZ-YYYY-XXXX", "WEB-7002"):
        assert value not in everything, value
    assert SERIAL in everything


def columns_containing(value: str) -> set[str]:
    found = set()
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT table_name, column_name FROM information_schema.columns
               WHERE table_schema = 'public'
                 AND data_type IN ('character varying', 'text', 'jsonb', 'json', 'inet', 'ARRAY')"""
        )
        for table, column in cursor.fetchall():
            cursor.execute(
                f'SELECT 1 FROM "{table}" WHERE "{column}"::text ILIKE %s LIMIT 1',  # noqa: S608 (catalogue names)
                [f"%{value}%"],
            )
            if cursor.fetchone():
                found.add(f"{table}.{column}")
    return found


# Where the law makes us keep a deleted customer's name and address: on their invoices.
INVOICE_BUYER = {"billing_invoice.buyer_name", "billing_invoice.buyer_address"}


def test_deletion_leaves_nothing_that_identifies_the_person_outside_the_invoices(everywhere):
    alice, bob, browser = everywhere
    must_vanish = [alice.email, SERIAL, TRACKING]
    kept_on_invoices = [alice.first_name, alice.last_name, "9 chemin des Écureuils", "Aix-en-Provence"]
    for value in must_vanish + kept_on_invoices:
        assert columns_containing(value), value  # the scan finds them before

    response = browser.post("/account/delete/", {"password": PASSWORD, "understood": "on"})

    assert response["Location"] == "/account/deleted/"
    for value in must_vanish:
        assert columns_containing(value) == set(), value
    for value in kept_on_invoices:
        assert columns_containing(value) <= INVOICE_BUYER, value
    assert Order.objects.filter(number="WEB-7001", customer__isnull=True).exists()
    # The other customer keeps everything.
    assert Customer.objects.filter(pk=bob.pk).exists()
    assert columns_containing(bob.email)
    assert columns_containing("MDK-ZZZZ-YYYY-XXXX")
    assert columns_containing("7B98765432101")


@pytest.mark.parametrize("scale", [1, 5])
def test_the_overview_costs_three_queries_however_much_the_customer_holds(
    customer_client, customer, staff, django_assert_num_queries, scale
):
    # At scale 5, the benchmark's customer: 10 lists, 5 registrations, 20 orders.
    product = make_product()
    partner = Partner.objects.create(name="Pingouin Services", country="FR", purpose="Repairs")
    for index in range(2 * scale):
        subscribe(customer, make_list(f"list-{index}"))
    for index in range(scale):
        make_disclosure(make_registration(customer, product, serial=f"MDK-AAAA-BBBB-{index:04d}"), partner, staff)
    for index in range(4 * scale):
        apply(placed(customer, number=f"WEB-{index}"), paid(number=f"WEB-{index}"), donation(customer))

    # Session, customer, and the rows of every section in one query.
    with django_assert_num_queries(3):
        page = customer_client.get("/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert page.count("MDK-AAAA-BBBB-") == scale
    assert page.count("/account/billing/orders/WEB-") == min(4 * scale, 3)


@pytest.mark.parametrize("scale", [1, 4])
def test_the_export_reads_each_kind_of_record_in_the_same_queries_whatever_the_volume(
    customer, staff, settings, tmp_path, scale
):
    settings.EXPORT_ROOT = tmp_path
    product = make_product()
    partner = Partner.objects.create(name="Pingouin Services", country="FR", purpose="Repairs")
    for index in range(scale):
        subscribe(customer, make_list(f"list-{index}"))
        make_disclosure(make_registration(customer, product, serial=f"MDK-AAAA-BBBB-{index:04d}"), partner, staff)
        apply(placed(customer, number=f"WEB-{index}"), paid(number=f"WEB-{index}"), donation(customer))
    data_export = DataExport.objects.create(customer=customer)

    with CaptureQueriesContext(connection) as queries:
        export._write_records(
            zipfile.ZipFile(io.BytesIO(), "w"), data_export, export._Progress(data_export), io.BytesIO()
        )

    # One query per kind of record for both files, whatever the number of rows (related
    # objects such as a subscription's list or an order's customer come with the rows).
    assert len(queries) == len(registry.personal_models())
