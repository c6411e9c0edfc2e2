import pytest

pytestmark = pytest.mark.django_db


def normalized(response) -> str:
    return " ".join(response.content.decode().split())


def test_a_customer_sees_their_number_and_the_account_navigation_on_every_page(customer_client, customer):
    page = normalized(customer_client.get("/account/lists/", HTTP_ACCEPT_LANGUAGE="en"))

    assert f'Customer number <span class="site-customer-number">{customer.formatted_number}</span>' in page
    assert '<nav class="account-nav no-print" aria-label="Your account">' in page
    for label in ["Overview", "My data", "Mailing lists", "Product registrations", "Orders and donations"]:
        assert f">{label}</a>" in page


def test_the_navigation_marks_the_page_and_the_section_a_page_belongs_to(customer_client):
    lists = normalized(customer_client.get("/account/lists/", HTTP_ACCEPT_LANGUAGE="en"))
    address = normalized(customer_client.get("/account/address/", HTTP_ACCEPT_LANGUAGE="en"))

    assert 'href="/account/lists/" aria-current="page">Mailing lists</a>' in lists
    assert 'aria-current="true"' not in lists
    # The address form belongs under the overview, which is not the page itself.
    assert 'href="/account/" aria-current="true">Overview</a>' in address
    assert 'aria-current="page"' not in address


def test_visitors_see_no_account_navigation(client):
    page = normalized(client.get("/login/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "account-nav" not in page
    assert "Customer number <span" not in page


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_language_selector_offers_each_language_under_its_own_name(client, language):
    page = normalized(client.get("/login/", HTTP_ACCEPT_LANGUAGE=language))

    assert '<option value="en" lang="en"' in page
    assert ">English</option>" in page
    assert ">Français</option>" in page


def test_logging_out_says_so(customer_client):
    response = customer_client.post("/logout/", follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert response.redirect_chain[-1][0] == "/"
    assert "You are logged out." in normalized(response)
    assert not response.context["user"].is_authenticated
