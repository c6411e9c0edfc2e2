"""The site's URLs, read from the URL configuration, and for each one that takes an id, a
token or a number, how to build it for a customer's own object (the attack tests request
them as anonymous, as another customer and as the owner)."""

from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import DataExport, LoginSession
from accounts.tokens import email_change_token, email_verification_token
from billing.models import Donation, Invoice, Order
from mailinglists.models import Post
from mailinglists.tokens import make_token
from registrations.models import Configuration
from tests.billing.conftest import apply, donation, paid, placed
from tests.mailinglists.conftest import make_list, subscribe
from tests.registrations.conftest import make_product, make_registration

# The admin is covered by tests/security/test_admin_roles.py, page by page and role by role.
# anymail's ESP webhooks are server-to-server calls authenticated by basic auth and the
# ESP's signature, not by a customer's session: tests/mailinglists/test_webhooks.py posts
# genuine and forged calls to them.
SKIPPED_NAMESPACES = {"admin", "anymail"}


def site_routes() -> dict[str, tuple[str, bool]]:
    """Every named URL outside the admin: name -> (route, whether it takes parameters)."""
    routes = {}

    def walk(patterns, prefix: str, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in SKIPPED_NAMESPACES:
                    continue
                inner = pattern.namespace or namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                takes_parameters = bool(pattern.pattern.regex.groups)
                routes[name] = (prefix + str(pattern.pattern), takes_parameters)

    walk(get_resolver().url_patterns, "/", None)
    return routes


def all_callbacks():
    """Every view the URL configuration can reach, the admin's included."""

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            else:
                yield pattern

    yield from walk(get_resolver().url_patterns)


@dataclass
class Case:
    """How the attack tests request one URL of a customer's object."""

    url: str  # the owner's
    method: str = "get"
    owner_status: int = 200
    # Links from emails: their token is the only authority, so the owner follows them
    # without logging in, and everyone else gets this URL (the owner's id, a forged token).
    forged_url: str | None = None
    # What another logged-in customer gets.
    outsider_status: int = 404
    # Why an outsider is not refused, when they are not.
    note: str = ""


def _uid(customer) -> str:
    return urlsafe_base64_encode(force_bytes(customer.pk))


def _forged(token: str) -> str:
    return token[:-4] + ("aaaa" if not token.endswith("aaaa") else "bbbb")


@pytest.fixture
def owned(customer, other_customer):
    """One of everything a customer can own, all belonging to `customer`."""
    registration = make_registration(customer, make_product())
    Configuration.objects.create(registration=registration, processor="AMD Athlon")
    mailing_list = make_list("cooker")
    subscription = subscribe(customer, mailing_list)
    apply(placed(customer), paid(), donation(customer))
    customer.pending_email = "alice.new@example.net"
    customer.save(update_fields=["pending_email"])
    post = Post.objects.create(
        mailing_list=mailing_list, subject="Cooker is frozen", text="Test the release.", status=Post.Status.SENT
    )
    return {
        "post": post,
        "registration": registration,
        "list": mailing_list,
        "subscription": subscription,
        "order": Order.objects.get(customer=customer),
        "invoice": Invoice.objects.get(order__customer=customer),
        "donation": Donation.objects.get(customer=customer),
        "export": DataExport.objects.create(customer=customer),
        "login_session": LoginSession.objects.create(customer=customer, session_key="s" * 32),
    }


def _registration(name: str, **extra) -> Callable:
    return lambda customer, owned: Case(reverse(name, args=[owned["registration"].pk]), **extra)


def _email_link(name: str, generator) -> Callable:
    def build(customer, owned):
        token = generator.make_token(customer)
        return Case(
            reverse(name, args=[_uid(customer), token]),
            forged_url=reverse(name, args=[_uid(customer), _forged(token)]),
        )

    return build


def _unsubscribe(customer, owned):
    token = make_token(owned["subscription"])
    return Case(
        reverse("mailinglists:unsubscribe", args=[token]),
        forged_url=reverse("mailinglists:unsubscribe", args=[_forged(token)]),
    )


# Every URL that takes an id, a token or a number. A new one must be added here.
CASES: dict[str, Callable[..., Case]] = {
    "accounts:password_reset_confirm": lambda customer, owned: Case(
        reverse("accounts:password_reset_confirm", args=[_uid(customer), default_token_generator.make_token(customer)]),
        # Django moves the token out of the URL into the session, then shows the form.
        owner_status=302,
        forged_url=reverse("accounts:password_reset_confirm", args=[_uid(customer), "set-password"]),
    ),
    "accounts:verify_email": _email_link("accounts:verify_email", email_verification_token),
    "accounts:confirm_email_change": _email_link("accounts:confirm_email_change", email_change_token),
    "accounts:data_export": lambda customer, owned: Case(reverse("accounts:data_export", args=[owned["export"].pk])),
    "accounts:data_export_status": lambda customer, owned: Case(
        reverse("accounts:data_export_status", args=[owned["export"].pk])
    ),
    "accounts:download_data_export": lambda customer, owned: Case(
        reverse("accounts:download_data_export", args=[owned["export"].pk]),
        owner_status=410,  # still being prepared: "gone" until ready, for its owner only
    ),
    "accounts:end_session": lambda customer, owned: Case(
        reverse("accounts:end_session", args=[owned["login_session"].pk]), method="post", owner_status=302
    ),
    "mailinglists:join": lambda customer, owned: Case(
        reverse("mailinglists:join", args=[owned["list"].slug]),
        method="post",
        owner_status=302,
        outsider_status=302,
        note="a list's name is public; any customer may join it, and what they join is their own subscription",
    ),
    "mailinglists:leave": lambda customer, owned: Case(
        reverse("mailinglists:leave", args=[owned["list"].slug]), method="post", owner_status=302
    ),
    "mailinglists:history": lambda customer, owned: Case(reverse("mailinglists:history", args=[owned["list"].slug])),
    "mailinglists:unsubscribe": _unsubscribe,
    # The archive of a list is its members' only: for anyone else the list has none (404).
    "mailinglists:archive": lambda customer, owned: Case(reverse("mailinglists:archive", args=[owned["list"].slug])),
    "mailinglists:archive_post": lambda customer, owned: Case(
        reverse("mailinglists:archive_post", args=[owned["list"].slug, owned["post"].pk])
    ),
    "registrations:detail": _registration("registrations:detail"),
    "registrations:edit": _registration("registrations:edit"),
    "registrations:configuration": _registration("registrations:configuration"),
    "registrations:delete": _registration("registrations:delete"),
    "billing:order": lambda customer, owned: Case(reverse("billing:order", args=[owned["order"].number])),
    "billing:invoice": lambda customer, owned: Case(reverse("billing:invoice", args=[owned["invoice"].number])),
    "billing:invoice_pdf": lambda customer, owned: Case(reverse("billing:invoice_pdf", args=[owned["invoice"].number])),
    "billing:donation_receipt": lambda customer, owned: Case(
        reverse("billing:donation_receipt", args=[owned["donation"].receipt_number])
    ),
    "billing:donation_receipt_pdf": lambda customer, owned: Case(
        reverse("billing:donation_receipt_pdf", args=[owned["donation"].receipt_number])
    ),
}


def url_for(name: str, customer, owned) -> str:
    """A working URL for any named route: the owner's object for those with parameters."""
    if name in CASES:
        return CASES[name](customer, owned).url
    return reverse(name)


class _FormParser(HTMLParser):
    """The POST forms of a page: their action and the names of their fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, set[str]]] = []
        self._current: tuple[str, set[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self._current = (attrs.get("action") or "", set())
            self.forms.append(self._current)
        elif self._current and tag in {"input", "select", "textarea", "button"} and attrs.get("name"):
            self._current[1].add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def post_forms(client, url: str) -> dict[str, set[str]]:
    """The route names the page's POST forms are sent to, with their fields."""
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return {}
    parser = _FormParser()
    parser.feed(response.content.decode())
    found = {}
    for action, fields in parser.forms:
        fields.discard("csrfmiddlewaretoken")
        path = urlsplit(action or url).path
        match = resolve(path)
        found.setdefault(match.view_name, set()).update(fields)
    return found
