"""Insecure direct object references: every URL of the site that takes an id, a token or a
number, requested as anonymous, as another customer and as the owner. Only the owner gets
the object; the others get 404 (or, anonymous, a redirect to log in)."""

import pytest

from tests.conftest import CommittingClient
from tests.security.conftest import CASES, site_routes

pytestmark = pytest.mark.django_db

PARAMETRISED = sorted(name for name, (_route, takes_parameters) in site_routes().items() if takes_parameters)


def test_every_url_with_an_id_token_or_number_has_a_case():
    # A new URL with a parameter needs a case in tests/security/conftest.py CASES.
    assert sorted(CASES) == PARAMETRISED


def request(client, case, url):
    return getattr(client, case.method)(url)


@pytest.mark.parametrize("name", PARAMETRISED)
def test_only_the_owner_gets_the_object(name, customer, other_customer, owned):
    case = CASES[name](customer, owned)
    anonymous, outsider, owner = CommittingClient(), CommittingClient(), CommittingClient()
    outsider.force_login(other_customer)
    if case.forged_url is None:
        owner.force_login(customer)

    refused_anonymous = request(anonymous, case, case.forged_url or case.url)
    if case.forged_url is None:
        assert refused_anonymous.status_code == 302
        assert refused_anonymous["Location"].startswith("/login/?next=")
    else:
        assert refused_anonymous.status_code == 404

    refused_outsider = request(outsider, case, case.forged_url or case.url)
    assert refused_outsider.status_code == case.outsider_status, case.note

    assert request(owner, case, case.url).status_code == case.owner_status


def test_a_valid_email_link_works_for_whoever_holds_it(customer, other_customer, owned):
    # The token is the authority, not the session: a customer logged in as someone else
    # who follows their own link still gets its page.
    case = CASES["mailinglists:unsubscribe"](customer, owned)
    browser = CommittingClient()
    browser.force_login(other_customer)

    assert browser.get(case.url).status_code == 200
