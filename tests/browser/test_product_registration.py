"""Journey 5: a customer registers a product with the configuration of their computer,
corrects the registration, and deletes it."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from registrations.models import Registration
from tests.browser.visit import JOURNEY_MARKS, in_both_languages
from tests.conftest import PASSWORD, make_customer

pytestmark = JOURNEY_MARKS

LSPCI = """\
00:00.0 Host bridge: Intel Corporation 82845 845 [Brookdale] Chipset Host Bridge (rev 04)
00:1f.5 Multimedia audio controller: Intel Corporation 82801BA/BAM AC'97 Audio (rev 05)
01:00.0 VGA compatible controller: nVidia Corporation NV17 [GeForce4 MX 440] (rev a3)
02:05.0 Ethernet controller: 3Com Corporation 3c905C-TX/TX-M [Tornado] (rev 78)
"""


@in_both_languages(desktop="fr")
def test_product_registration(visit, products):
    customer = make_customer("colette@example.fr", first_name="Colette", language=visit.language)
    purchased = timezone.localdate() - datetime.timedelta(days=20)
    visit.start_logged_in(customer.formatted_number, PASSWORD)

    visit.follow(visit.tr("Product registrations"), within=visit.account_navigation)
    expect(visit.main).to_contain_text(
        visit.tr("You have not registered any product yet. Registering gives you the support your purchase includes.")
    )
    visit.follow(visit.tr("Register a product"))
    visit.choose(visit.tr("product"), "Mandrake Linux 8.2 ProSuite")
    visit.fill(visit.tr("registration key"), "mdk-9zc2-m4ht-0epn")
    visit.fill(visit.tr("purchase date"), purchased.isoformat())
    visit.fill(visit.tr("place of purchase"), "MandrakeStore")
    visit.press(visit.tr("Register"))
    expect(visit.heading()).to_have_text(visit.tr("Describe your computer"))

    visit.choose(visit.tr("architecture"), visit.tr("Intel or compatible, 32-bit (i386 to i686)"))
    visit.fill(visit.tr("processor"), "Intel Pentium 4")
    visit.fill(visit.tr("processor speed"), "1800")
    visit.fill(visit.tr("Memory (RAM)"), "1")
    visit.choose(visit.tr("Memory unit"), "GiB")
    visit.fill(visit.tr("Disks"), "40 GB IDE Maxtor")
    visit.fill(visit.tr("hardware listing (lspci)"), LSPCI)
    visit.press(visit.tr("Save the configuration"))
    expect(visit.main.get_by_role("status")).to_contain_text(visit.tr("The configuration of your computer is saved."))
    expect(
        visit.main.get_by_role("table", name=visit.tr("Devices found in the hardware listing you pasted"))
    ).to_contain_text("GeForce4 MX 440")
    expect(visit.main.locator("#support-status")).to_contain_text(visit.tr("Support active"))

    visit.follow(visit.tr("Correct this registration"))
    visit.fill(visit.tr("place of purchase"), "Fnac Lyon Bellecour")
    visit.press(visit.tr("Save the corrections"))
    expect(visit.main.get_by_role("status")).to_contain_text(visit.tr("Your registration is saved."))
    expect(visit.main.locator("#registration-details")).to_contain_text("Fnac Lyon Bellecour")
    registration = Registration.objects.get(customer=customer)
    assert registration.serial == "MDK-9ZC2-M4HT-0EPN"
    assert registration.configuration.memory_mib == 1024

    visit.follow(visit.tr("Delete this registration"))
    visit.press(visit.tr("Delete the registration"))
    expect(visit.main.get_by_role("status")).to_contain_text(
        visit.tr("The registration of %(product)s is deleted.", product="Mandrake Linux 8.2 ProSuite")
    )
    assert not Registration.objects.filter(customer=customer).exists()
