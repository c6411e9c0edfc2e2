"""Cross-site request forgery: every URL refuses a POST without the CSRF token, as its owner
would send it from a forging site (with the session cookie, without the token).

The documented exceptions carry their own authority instead of a cookie:
- the unsubscribe link, which mail programs POST to with "List-Unsubscribe=One-Click" and no
  cookie (RFC 8058); its secret token in the URL is the authority;
- the store's webhook, a server-to-server call authenticated by its HMAC signature;
- anymail's ESP webhooks (inbound mail, bounces, complaints), likewise server-to-server,
  authenticated by basic auth and the ESP's signature.
"""

import pytest
from django.test import Client

from tests.security.conftest import CASES, all_callbacks, site_routes, url_for

pytestmark = pytest.mark.django_db

CSRF_EXEMPT = {"mailinglists:unsubscribe", "billing:store_webhook"}
EXEMPT_VIEWS = {"unsubscribe", "store_webhook"}


def test_only_the_documented_views_are_exempt_from_csrf():
    exempt = {
        getattr(pattern.callback, "__name__", repr(pattern.callback))
        for pattern in all_callbacks()
        if getattr(pattern.callback, "csrf_exempt", False)
        # anymail's ESP webhooks: authenticated by basic auth and signature (see conftest).
        and not pattern.callback.__module__.startswith("anymail.")
    }

    assert exempt == EXEMPT_VIEWS


@pytest.mark.parametrize("name", sorted(set(site_routes()) - CSRF_EXEMPT))
def test_a_post_without_the_token_is_refused(name, customer, owned):
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(customer)

    response = forger.post(url_for(name, customer, owned), {"password": "x", "email": "eve@example.com"})

    assert response.status_code == 403, name


@pytest.mark.parametrize("name", sorted(CSRF_EXEMPT))
def test_the_exempt_urls_give_no_authority_to_the_session_cookie(name, customer, owned):
    # Without their own secret (a forged token, no signature), a logged-in customer's
    # cookie does not make them act.
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(customer)
    url = CASES[name](customer, owned).forged_url if name in CASES else url_for(name, customer, owned)

    response = forger.post(url, {"List-Unsubscribe": "One-Click"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code in {401, 404}
    owned["subscription"].refresh_from_db()
    assert owned["subscription"].status == "active"
