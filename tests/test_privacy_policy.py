import pytest

from mandrakeonline.personal_data import registry

pytestmark = pytest.mark.django_db


def test_the_policy_lists_every_kind_of_data_held_in_english(client):
    page = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "We never share your personal information with other people or companies." in page
    assert "We never keep a credit card number" in page
    for declared in registry.personal_models():
        assert str(declared.title) in page


def test_the_policy_is_written_in_french_for_french_readers(client):
    page = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert '<html lang="fr">' in page
    assert "Nous ne partageons jamais vos informations personnelles" in page
    assert "Nous ne conservons jamais de numéro de carte de crédit" in page


def test_the_retention_periods_shown_are_the_configured_ones(client, settings):
    settings.INACTIVE_ACCOUNT_YEARS = 4

    page = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "nobody logged in to for 4 years is deleted" in page


def test_every_page_links_to_the_policy(client):
    assert 'href="/privacy/"' in client.get("/login/").content.decode()
