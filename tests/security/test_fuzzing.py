"""Fuzzing every form and JSON endpoint with Hypothesis: random text, control characters,
invalid UTF-8, huge values, repeated and unexpected fields. The site never answers with a
server error, and a rejected request writes nothing."""

import json
import time
from urllib.parse import quote, quote_from_bytes

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from billing import signing
from mandrakeonline.personal_data import OWN_APPS
from tests.conftest import PASSWORD
from tests.security.conftest import CASES, post_forms, site_routes, url_for

pytestmark = pytest.mark.django_db

# Every form of the site: where it is sent, who sends it, its fields. The first test checks
# this against the forms the pages really show, so a new form cannot be left out.
ANONYMOUS, OWNER = "anonymous", "owner"
ADDRESS = ["address_line1", "address_line2", "postal_code", "city", "region", "country"]
REGISTRATION = [
    "product",
    "serial",
    "purchase_date",
    "place_of_purchase",
    "support_contact_name",
    "support_contact_email",
    "support_contact_phone",
]
FORMS = {
    "accounts:sign_up": (
        ANONYMOUS,
        ["email", "first_name", "last_name", "language", "password1", "password2", *ADDRESS],
    ),
    "accounts:login": (ANONYMOUS, ["username", "password"]),
    "accounts:login_code": (ANONYMOUS, ["code"]),
    "accounts:forgot_number": (ANONYMOUS, ["email"]),
    "accounts:password_reset": (ANONYMOUS, ["identifier"]),
    "accounts:password_reset_confirm": (ANONYMOUS, ["new_password1", "new_password2"]),
    "accounts:verify_email": (ANONYMOUS, []),
    "accounts:confirm_email_change": (ANONYMOUS, []),
    "mailinglists:unsubscribe": (ANONYMOUS, ["action", "List-Unsubscribe"]),
    "set_language": (ANONYMOUS, ["language", "next"]),
    "accounts:logout": (OWNER, []),
    "accounts:edit_profile": (OWNER, ["first_name", "last_name", "language"]),
    "accounts:edit_address": (OWNER, ADDRESS),
    "accounts:change_email": (OWNER, ["new_email"]),
    "accounts:resend_verification": (OWNER, []),
    "accounts:change_password": (OWNER, ["new_password1", "new_password2"]),
    "accounts:confirm_password": (OWNER, ["password"]),
    "accounts:two_factor_setup": (OWNER, ["code"]),
    "accounts:two_factor_disable": (OWNER, []),
    "accounts:renew_recovery_codes": (OWNER, []),
    "accounts:end_session": (OWNER, []),
    "accounts:end_other_sessions": (OWNER, []),
    "accounts:request_data_export": (OWNER, []),
    "accounts:delete_account": (OWNER, ["understood"]),
    "accounts:marketing": (OWNER, ["usage", "interests", "organisation_size", "heard_from"]),
    "accounts:withdraw_marketing": (OWNER, []),
    "mailinglists:join": (OWNER, []),
    "mailinglists:leave": (OWNER, []),
    "mailinglists:leave_all": (OWNER, []),
    "registrations:create": (
        OWNER,
        REGISTRATION,
    ),
    "registrations:edit": (
        OWNER,
        REGISTRATION,
    ),
    "registrations:configuration": (
        OWNER,
        [
            "architecture",
            "processor",
            "processor_mhz",
            "memory_amount",
            "memory_unit",
            "disks",
            "graphics_card",
            "sound_card",
            "network_card",
            "printer",
            "kernel_version",
            "bootloader",
            "other_systems",
            "hardware_listing",
            "notes",
        ],
    ),
    "registrations:delete": (OWNER, []),
}

VALUES = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200).map(str.encode),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=40).map(str.encode),  # control characters
    st.binary(max_size=120),  # mostly invalid UTF-8
    st.sampled_from(
        [b"", b"0", b"-1", b"1e309", b"99999999999999999999999", b"4111 1111 1111 1111", b"2026-02-30", b"[]", b"{}"]
    ),
    st.integers(min_value=1_000, max_value=40_000).map(lambda size: b"\xc3\xa9" * size),  # huge
)


# A few examples per form on every run keep the suite fast; Hypothesis varies them from run
# to run. No example database: nothing is written to the working tree.
FUZZ = hypothesis_settings(
    max_examples=6,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def bodies(fields: list[str]):
    """A url-encoded body: the form's fields (some missing, some repeated) and strangers."""
    names = st.sampled_from([*fields, "unexpected", "csrfmiddlewaretoken"]) if fields else st.just("unexpected")
    pairs = st.lists(st.tuples(names, VALUES), max_size=len(fields) + 4)
    return pairs.map(lambda items: "&".join(f"{quote(name)}={quote_from_bytes(value)}" for name, value in items))


def database_state():
    """Every row of our apps' tables, to see whether a request wrote anything."""
    return [
        (model._meta.label, list(model._default_manager.order_by("pk").values()))
        for label in OWN_APPS
        for model in apps.get_app_config(label).get_models()
    ]


def rejected(response) -> bool:
    if response.status_code >= 400:
        return True
    form = (response.context or {}).get("form") if response.status_code == 200 else None
    return bool(form is not None and form.errors)


def test_every_form_of_the_site_is_fuzzed(customer, owned):
    anonymous, owner = Client(), Client()
    owner.force_login(customer)
    shown = {}
    for name in site_routes():
        for client in (anonymous, owner):
            for target, fields in post_forms(client, url_for(name, customer, owned)).items():
                shown.setdefault(target, set()).update(fields)

    for target, fields in shown.items():
        assert target in FORMS, f"a form posting to {target} is not fuzzed"
        assert fields <= set(FORMS[target][1]), target


def _client_for(name: str, who: str, customer) -> Client:
    client = Client()
    if who == OWNER:
        client.force_login(customer)
    elif name == "accounts:login_code":
        # The code step follows a right password for an account with a second factor.
        TOTPDevice.objects.create(user=customer, name="authenticator", confirmed=True)
        client.post("/login/", {"username": customer.customer_number, "password": PASSWORD})
    return client


@pytest.mark.parametrize("name", sorted(FORMS))
def test_a_form_never_fails_and_writes_nothing_when_it_refuses(name, customer, owned):
    who, fields = FORMS[name]
    client = _client_for(name, who, customer)
    url = url_for(name, customer, owned)

    @hypothesis_settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(body=bodies(fields))
    def fuzz(body):
        with transaction.atomic():
            before = database_state()
            response = client.post(url, body, content_type="application/x-www-form-urlencoded")
            assert response.status_code < 500
            if rejected(response):
                assert database_state() == before, f"{response.status_code} but something was written"
            transaction.set_rollback(True)

    fuzz()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=6),
    max_leaves=25,
)
EVENT_LIKE = st.fixed_dictionaries(
    {
        "id": st.text(max_size=80),
        "type": st.sampled_from(["order.placed", "order.paid", "order.refunded", "donation.received", "x"]),
        "occurred_at": st.one_of(st.text(max_size=30), st.just("2026-01-01T00:00:00Z")),
        "data": JSON_VALUES,
    }
)


@hypothesis_settings(FUZZ, max_examples=30)
@given(payload=st.one_of(JSON_VALUES, EVENT_LIKE), raw=st.one_of(st.none(), st.binary(max_size=300)))
def test_the_webhook_never_fails_on_signed_garbage_and_writes_nothing_when_it_refuses(db, payload, raw):
    body = raw if raw is not None else json.dumps(payload).encode()
    stamp = str(int(time.time()))
    signature = signing.signature(secret=settings.STORE_WEBHOOK_SECRET, timestamp=stamp, body=body)

    with transaction.atomic():
        before = database_state()
        response = Client().post(
            "/webhooks/store/",
            body,
            content_type="application/json",
            HTTP_X_STORE_TIMESTAMP=stamp,
            HTTP_X_STORE_SIGNATURE=signature,
        )
        assert response.status_code < 500
        assert response["Content-Type"] == "application/json"
        if response.status_code >= 400:
            assert database_state() == before
        transaction.set_rollback(True)


def test_the_export_status_endpoint_answers_json_for_any_id(customer, owned):
    client = Client()
    client.force_login(customer)

    for export_id in (0, 2**31 - 1, 2**63 - 1, owned["export"].pk):
        response = client.get(f"/account/data/export/{export_id}/status/")
        assert response.status_code in {200, 404}
    assert client.get("/account/data/export/99999999999999999999999/status/").status_code == 404
    assert CASES  # the status URL of the customer's own export is in the IDOR matrix too
