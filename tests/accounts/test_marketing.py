import pytest

from accounts.models import AccountEvent, MarketingProfile
from mandrakeonline.personal_data import registry

pytestmark = pytest.mark.django_db

ANSWERS = {"usage": "work", "interests": ["development", "security"], "organisation_size": "10-249", "heard_from": ""}


def test_a_customer_answers_the_optional_questions(customer_client, customer):
    response = customer_client.post("/account/marketing/", ANSWERS, HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert "Thank you: your answers are saved." in response.content.decode()
    profile = MarketingProfile.objects.get(customer=customer)
    assert (profile.usage, profile.interests, profile.organisation_size) == (
        "work",
        ["development", "security"],
        "10-249",
    )
    assert profile.consent_at is not None
    assert AccountEvent.objects.filter(customer=customer, kind=AccountEvent.Kind.MARKETING_ANSWERED).exists()


def test_answering_again_updates_and_renews_the_consent_date(customer_client, customer):
    customer_client.post("/account/marketing/", ANSWERS)
    first_consent = MarketingProfile.objects.get().consent_at

    customer_client.post("/account/marketing/", {**ANSWERS, "usage": "home", "interests": []})

    profile = MarketingProfile.objects.get()
    assert (profile.usage, profile.interests) == ("home", [])
    assert profile.consent_at > first_consent


def test_withdrawing_deletes_the_answers(customer_client, customer):
    customer_client.post("/account/marketing/", ANSWERS)

    response = customer_client.post("/account/marketing/withdraw/", HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert "Your answers are deleted." in response.content.decode()
    assert not MarketingProfile.objects.exists()


def test_an_empty_questionnaire_is_refused(customer_client):
    response = customer_client.post("/account/marketing/", {}, HTTP_ACCEPT_LANGUAGE="en")

    assert "Answer at least one question" in response.content.decode()
    assert not MarketingProfile.objects.exists()


def test_an_unknown_choice_is_refused(customer_client):
    response = customer_client.post(
        "/account/marketing/", {**ANSWERS, "interests": ["mind-reading"]}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert "Select a valid choice." in response.content.decode()
    assert not MarketingProfile.objects.exists()


def test_the_answers_are_listed_with_the_customers_data_and_exported_only_to_them(customer_client, customer):
    customer_client.post("/account/marketing/", ANSWERS)

    page = customer_client.get("/account/data/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    exported = registry.export_instance(MarketingProfile.objects.get())

    assert "Your answers to our marketing questions" in page
    assert "For our own use only" in page
    assert exported["interests"] == ["development", "security"]


def test_another_customers_answers_are_never_shown(customer_client, other_customer):
    MarketingProfile.objects.create(customer=other_customer, usage="servers")

    page = customer_client.get("/account/marketing/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "You gave these answers on" not in page
    assert 'value="servers" selected' not in page


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get("/account/marketing/")["Location"] == "/login/?next=/account/marketing/"
