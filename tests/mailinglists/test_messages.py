"""The list email: headers, footer and link, read from the raw message as a mail program would."""

import email
from email import policy

import pytest
from django.test import Client

from mailinglists.messages import build_list_message, unsubscribe_url
from mailinglists.models import Subscription
from mailinglists.tokens import make_token
from tests.mailinglists.conftest import subscribe

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


def parse(message):
    return email.message_from_bytes(message.message().as_bytes(), policy=policy.default)


def part(parsed, content_type: str) -> str:
    return parsed.get_body(preferencelist=(content_type.split("/")[1],)).get_content()


def header_links(parsed) -> list[str]:
    return [link.strip().strip("<>") for link in str(parsed["List-Unsubscribe"]).split(",")]


def test_a_list_message_carries_exactly_the_list_headers(subscription):
    token = make_token(subscription)

    parsed = parse(build_list_message(subscription, "Cooker weekly", "Hello.", "<p>Hello.</p>"))

    assert parsed["List-Id"] == '"Cooker (development)" <cooker.lists.mandrakeonline.net>'
    assert header_links(parsed) == [
        f"{SITE}/unsubscribe/{token}/",
        f"mailto:cooker-request@lists.mandrakeonline.net?subject=unsubscribe%20{token}",
    ]
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sorted(name for name in parsed if name.lower().startswith("list-")) == [
        "List-Id",
        "List-Post",
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
    ]
    # "Reply to list" (RFC 2369); the loop mark and the hint to auto-responders (RFC 3834).
    assert parsed["List-Post"] == "<mailto:cooker@lists.mandrakeonline.net>"
    assert parsed["X-Loop"] == "cooker.lists.mandrakeonline.net"
    assert parsed["Precedence"] == "list"
    assert parsed["To"] == "alice@example.com"
    assert parsed["From"] == "cooker@lists.mandrakeonline.net"
    assert parsed["Subject"] == "Cooker weekly"


def test_without_a_list_address_there_is_no_mailto(customer, announcements, settings):
    settings.LIST_ID_DOMAIN = "lists.example.org"
    subscription = subscribe(customer, announcements)

    parsed = parse(build_list_message(subscription, "News", "Hello."))

    assert header_links(parsed) == [unsubscribe_url(subscription)]
    assert parsed["List-Id"] == '"Mandrake announcements" <announcements.lists.example.org>'
    assert parsed["From"] == "Mandrake Online <no-reply@mandrakeonline.net>"
    assert parsed["List-Post"] is None  # an announcement list: nobody writes to it


def test_quotes_in_a_list_name_stay_inside_the_list_id_phrase(subscription, cooker):
    cooker.name_en = 'The "Cooker" list'
    cooker.save()

    parsed = parse(build_list_message(subscription, "x", "y"))

    assert parsed["List-Id"] == r'"The \"Cooker\" list" <cooker.lists.mandrakeonline.net>'


def test_the_footers_carry_the_link(subscription):
    url = unsubscribe_url(subscription)

    parsed = parse(
        build_list_message(subscription, "Cooker weekly", "Hello.\n", "<html><body><p>Hello.</p></body></html>")
    )

    text = part(parsed, "text/plain")
    assert text.startswith("Hello.\n\n-- \nYou receive Cooker (development) because you joined it")
    assert f"To unsubscribe, open this link:\n{url}\n" in text
    html = part(parsed, "text/html")
    assert f'<a href="{url}">Unsubscribe from Cooker (development)</a>' in html
    assert html.index("<p>Hello.</p>") < html.index(url) < html.index("</body>")


def test_the_footer_is_in_the_subscribers_language(other_customer, cooker):
    subscription = subscribe(other_customer, cooker)

    parsed = parse(build_list_message(subscription, "Cooker weekly", "Salut.", "<p>Salut.</p>"))

    assert "Cooker (développement)" in part(parsed, "text/plain")
    assert "Cooker (développement)" in part(parsed, "text/html")
    assert "Cooker (development)" not in part(parsed, "text/plain")
    # The List-Id is the same for everyone.
    assert parsed["List-Id"] == '"Cooker (development)" <cooker.lists.mandrakeonline.net>'


def test_a_caller_may_name_the_sender(subscription):
    parsed = parse(build_list_message(subscription, "Re: kernel", "Hi", from_email="Poster <poster@example.net>"))

    assert parsed["From"] == "Poster <poster@example.net>"


@pytest.mark.parametrize("status", [Subscription.Status.UNSUBSCRIBED, Subscription.Status.SUSPENDED])
def test_no_list_message_for_someone_who_does_not_receive_the_list(customer, cooker, status):
    subscription = subscribe(customer, cooker, status=status)

    with pytest.raises(ValueError, match="active"):
        build_list_message(subscription, "x", "y")


def test_from_a_real_list_email_one_click_leaves_the_list_and_the_account_page_shows_it(
    customer_client, customer, cooker, mailoutbox
):
    customer_client.post("/account/lists/cooker/join/")
    (welcome,) = mailoutbox
    parsed = parse(welcome)
    https_link = header_links(parsed)[0]
    assert https_link in part(parsed, "text/plain")
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # What a mail program does with those two headers (RFC 8058 section 3.1).
    response = Client().post(
        https_link.removeprefix(SITE), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    page = " ".join(customer_client.get("/account/lists/", HTTP_ACCEPT_LANGUAGE="en").content.decode().split())
    assert 'Your status:</strong> <span class="badge text-bg-secondary">Unsubscribed</span>' in page
    overview = customer_client.get("/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You are on no mailing list." in overview


def test_from_a_real_list_email_a_person_leaves_with_the_button(client, other_customer, cooker, mailoutbox):
    client.force_login(other_customer)
    client.post("/account/lists/cooker/join/")
    client.logout()
    (welcome,) = mailoutbox
    assert welcome.to == [other_customer.email]
    assert "Cooker (développement)" in welcome.body  # in the subscriber's language
    link = header_links(parse(welcome))[0].removeprefix(SITE)

    assert client.get(link).status_code == 200
    client.post(link, {"action": "unsubscribe"})

    subscription = Subscription.objects.get(customer=other_customer)
    assert subscription.status == Subscription.Status.UNSUBSCRIBED
