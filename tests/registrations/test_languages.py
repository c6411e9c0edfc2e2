"""The pages in both languages. French text asserted here comes from our data (product
names) or from docs/registrations.fr.json, which the lead merges into the catalogue."""

import pytest

from tests.registrations.conftest import make_disclosure

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(registration):
    return [
        "/account/registrations/",
        "/account/registrations/new/",
        f"/account/registrations/{registration.pk}/",
        f"/account/registrations/{registration.pk}/edit/",
        f"/account/registrations/{registration.pk}/configuration/",
        f"/account/registrations/{registration.pk}/delete/",
    ]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_page_answers_in_both_languages(customer_client, pages, registration, configuration, language):
    for url in pages:
        response = customer_client.get(url, HTTP_ACCEPT_LANGUAGE=language)

        page = response.content.decode()
        assert response.status_code == 200, url
        assert f'<html lang="{language}">' in page, url
        assert page.count("<h1") == 1, url
        assert "style=" not in page, url
        assert "<script>" not in page, url


def test_dates_follow_the_language(customer_client, registration):
    english = customer_client.get(f"/account/registrations/{registration.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    french = customer_client.get(f"/account/registrations/{registration.pk}/", HTTP_ACCEPT_LANGUAGE="fr")

    assert "Oct. 15, 2001" in english.content.decode()
    assert "15 octobre 2001" in french.content.decode()


def test_the_french_page_speaks_french(customer_client, registration, partner, staff):
    make_disclosure(registration, partner, staff)

    page = customer_client.get(f"/account/registrations/{registration.pk}/", HTTP_ACCEPT_LANGUAGE="fr")

    text = page.content.decode()
    assert "Mandrake Linux 8.1 PowerPack" in text
    assert "Pingouin Services (France)" in text
    # From docs/registrations.fr.json once merged into the catalogue.
    assert "Données transmises à des partenaires" in text
