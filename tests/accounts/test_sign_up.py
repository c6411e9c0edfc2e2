import pytest

from accounts.models import Customer, IssuedCustomerNumber
from tests.conftest import PASSWORD, link_in

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "email": "Claire.Dupont@Example.com",
    "first_name": "Claire",
    "last_name": "Dupont",
    "language": "fr",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def test_sign_up_emails_the_new_number_in_the_chosen_language(client, mailoutbox):
    response = client.post("/signup/", SIGN_UP, follow=True)

    customer = Customer.objects.get()
    assert response.redirect_chain[-1][0] == "/signup/sent/"
    # The page says nothing an existing address would not get: the number is in the email.
    assert customer.formatted_number not in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert customer.email == "Claire.Dupont@example.com"  # the domain is lower-cased
    assert not customer.email_verified
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["Claire.Dupont@example.com"]
    assert message.subject == "Votre numéro de client Mandrake"
    assert customer.formatted_number in message.body
    assert customer.formatted_number in message.alternatives[0][0]
    assert client.cookies["django_language"].value == "fr"


def test_the_number_from_the_email_logs_in(client, mailoutbox):
    client.post("/signup/", SIGN_UP)
    number = Customer.objects.get().formatted_number

    response = client.post("/login/", {"username": number, "password": PASSWORD})

    assert response["Location"] == "/account/"


def test_the_link_in_the_welcome_email_verifies_the_address_on_post_only(client, mailoutbox):
    client.post("/signup/", SIGN_UP)
    link = link_in(mailoutbox[0], "/verify-email/")

    response = client.get(link)  # what a mail scanner does
    assert response.status_code == 200
    assert not Customer.objects.get().email_verified

    confirmed = client.post(link)
    customer = Customer.objects.get()
    assert customer.email_verified
    # Having the mailbox, the new customer now also sees their number on screen.
    assert customer.formatted_number in confirmed.content.decode()

    # Used once, the link no longer works.
    assert client.get(link).status_code == 404


def test_a_tampered_verification_link_gets_a_friendly_404(client, mailoutbox):
    client.post("/signup/", SIGN_UP)
    link = link_in(mailoutbox[0], "/verify-email/")

    response = client.post(link[:-3] + "xx/")

    assert response.status_code == 404
    assert (
        "This link does not work" in response.content.decode()
        or "Ce lien ne fonctionne pas" in response.content.decode()
    )
    assert not Customer.objects.get().email_verified


def test_an_address_already_used_gets_the_same_answer_and_its_owner_is_told(client, customer, mailoutbox):
    response = client.post("/signup/", {**SIGN_UP, "email": "ALICE@example.com"}, follow=True)

    assert response.redirect_chain[-1][0] == "/signup/sent/"
    assert Customer.objects.count() == 1
    [notice] = mailoutbox
    assert notice.to == ["alice@example.com"]
    assert notice.subject == "Someone tried to create an account with your address"
    assert "/forgot-number/" in notice.body


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pass1", "at least 12 characters"),
        ("password1234", "too common"),
        ("claire.dupont@example.com", "too similar"),
    ],
)
def test_weak_passwords_are_refused_and_nothing_is_saved(client, mailoutbox, password, message):
    response = client.post(
        "/signup/",
        {**SIGN_UP, "language": "en", "password1": password, "password2": password},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Customer.objects.exists()
    assert not IssuedCustomerNumber.objects.exists()
    assert mailoutbox == []


def test_mismatched_passwords_are_refused(client):
    response = client.post("/signup/", {**SIGN_UP, "password2": PASSWORD + "!"}, HTTP_ACCEPT_LANGUAGE="en")

    assert "The two passwords are not the same." in response.content.decode()
    assert not Customer.objects.exists()


def test_the_address_is_optional_but_a_partial_one_is_refused(client):
    response = client.post("/signup/", {**SIGN_UP, "postal_code": "75011"}, HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert "Enter the street and number." in page
    assert "Choose the country." in page
    assert not Customer.objects.exists()

    client.post("/signup/", {**SIGN_UP, "address_line1": "1 rue de la Paix", "city": "Paris", "country": "FR"})
    assert Customer.objects.get().address_lines() == ["1 rue de la Paix", "Paris", "France"]


def test_the_error_summary_names_each_field_in_error(client):
    response = client.post("/signup/", {**SIGN_UP, "email": "not an address"}, HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert 'class="alert alert-danger error-summary"' in page
    assert '<a href="#id_email">Email address: Enter a valid email address.</a>' in page
