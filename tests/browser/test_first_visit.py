import re

import pytest
from playwright.sync_api import expect

from accounts.models import Customer
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def label(text: str) -> re.Pattern:
    # crispy-forms marks required fields with an asterisk after the label text.
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def test_sign_up_log_in_with_the_number_and_correct_the_address_in_french(page, mailoutbox):
    page.goto("/")
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    page.get_by_role("link", name="Créer un compte").click()
    page.get_by_label(label("Adresse e-mail")).fill("juliette@example.fr")
    page.get_by_label(label("Prénom")).fill("Juliette")
    page.get_by_label(label("Nom")).fill("Moreau")
    page.get_by_label(label("Langue préférée")).select_option("fr")
    page.get_by_label(label("Mot de passe"), exact=True).fill(PASSWORD)
    page.get_by_label(label("Confirmation du mot de passe")).fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()

    # The number comes by email only, so that the page cannot tell who already has an account.
    customer = Customer.objects.get(email="juliette@example.fr")
    assert mailoutbox[0].subject == "Votre numéro de client Mandrake"
    number = customer.formatted_number
    assert number in mailoutbox[0].body

    page.get_by_role("navigation").get_by_role("link", name="Se connecter").click()
    page.get_by_label(label("Numéro de client")).fill(number)
    page.get_by_label(label("Mot de passe")).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")

    page.get_by_role("link", name="Corriger mon adresse postale").click()
    page.get_by_label(label("Adresse (ligne 1)")).fill("8 place Bellecour")
    page.get_by_label(label("Code postal")).fill("69002")
    page.get_by_label(label("Ville")).fill("Lyon")
    page.get_by_label(label("Pays")).select_option("FR")
    page.get_by_role("button", name="Enregistrer mon adresse").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    expect(page.get_by_text("8 place Bellecour")).to_be_visible()
    customer.refresh_from_db()
    assert customer.address_lines() == ["8 place Bellecour", "69002 Lyon", "France"]
