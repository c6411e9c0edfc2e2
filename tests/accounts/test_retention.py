import datetime

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from accounts import retention
from accounts.models import AccountEvent, Customer, PrivacyRequest
from tests.conftest import make_customer

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def years_ago(years: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=365 * years)


def run(dry_run=False, now=NOW):
    # Like the nightly task, each run commits: the emails it queues go out.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return {rule.name: count for rule, count in retention.apply_all(dry_run=dry_run, now=now)}


def test_unverified_sign_ups_are_deleted_after_a_week_without_any_email(mailoutbox):
    stale = make_customer("stale@example.com", email_verified_at=None, date_joined=NOW - datetime.timedelta(days=8))
    fresh = make_customer("fresh@example.com", email_verified_at=None, date_joined=NOW - datetime.timedelta(days=2))

    counts = run()

    assert counts["unverified-sign-ups"] == 1
    assert not Customer.objects.filter(pk=stale.pk).exists()
    assert Customer.objects.filter(pk=fresh.pk).exists()
    assert mailoutbox == []
    assert not PrivacyRequest.objects.exists()  # retention is not somebody's request


def test_an_unused_account_is_warned_a_month_before_and_deleted_after(mailoutbox):
    idle = make_customer("idle@example.com", date_joined=years_ago(5), last_login=years_ago(2.95))

    assert run()["inactivity-warnings"] == 1
    assert [message.subject for message in mailoutbox] == ["Your Mandrake account will be deleted unless you log in"]
    assert run()["inactivity-warnings"] == 0  # warned once only

    # A month later, still unused: deleted, and told so.
    later = NOW + datetime.timedelta(days=31)
    counts = run(now=later)

    assert counts["inactive-accounts"] == 1
    assert not Customer.objects.filter(pk=idle.pk).exists()
    assert mailoutbox[-1].subject == "Your Mandrake account is deleted"
    assert "unused for years" in mailoutbox[-1].body


def test_logging_in_after_the_warning_keeps_the_account(mailoutbox):
    idle = make_customer("idle@example.com", date_joined=years_ago(5), last_login=years_ago(2.95))
    run()
    idle.refresh_from_db()
    idle.last_login = NOW + datetime.timedelta(days=1)
    idle.save(update_fields=["last_login"])

    assert run(now=NOW + datetime.timedelta(days=31))["inactive-accounts"] == 0
    assert Customer.objects.filter(pk=idle.pk).exists()


def test_staff_accounts_are_never_deleted_for_inactivity(staff):
    Customer.objects.filter(pk=staff.pk).update(last_login=years_ago(10), inactivity_warned_at=years_ago(1))

    run()

    assert Customer.objects.filter(pk=staff.pk).exists()


def test_old_history_entries_and_answered_requests_go(customer):
    old = AccountEvent.objects.create(customer=customer, kind="signed_up", created_at=years_ago(3.1))
    recent = AccountEvent.objects.create(customer=customer, kind="email_verified")
    PrivacyRequest.objects.create(
        customer_number="100000006", kind="access", channel="letter", completed_at=years_ago(4)
    )

    counts = run()

    assert counts["account-history"] == 1
    assert counts["privacy-requests"] == 1
    assert not AccountEvent.objects.filter(pk=old.pk).exists()
    assert AccountEvent.objects.filter(pk=recent.pk).exists()


def test_a_dry_run_changes_nothing(mailoutbox):
    make_customer("stale@example.com", email_verified_at=None, date_joined=NOW - datetime.timedelta(days=8))
    make_customer("idle@example.com", date_joined=years_ago(5), last_login=years_ago(2.95))

    counts = run(dry_run=True)

    assert counts["unverified-sign-ups"] == 1
    assert counts["inactivity-warnings"] == 1
    assert Customer.objects.count() == 2
    assert Customer.objects.filter(inactivity_warned_at__isnull=False).count() == 0
    assert mailoutbox == []


def test_the_command_prints_what_it_would_do(capsys):
    make_customer("stale@example.com", email_verified_at=None, date_joined=NOW - datetime.timedelta(days=8))

    call_command("apply_retention", "--dry-run")

    output = capsys.readouterr().out
    assert "unverified-sign-ups" in output
    assert "would erase      1" in output
    assert Customer.objects.count() == 1
