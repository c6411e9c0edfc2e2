"""Retention: personal data is kept only as long as the configured periods allow.

Each rule finds what has outlived its period and erases it; with dry_run it only counts.
`manage.py apply_retention` runs them all (`--dry-run` to see first), and the task
`accounts.tasks.apply_retention_daily` runs them every night. Apps add their own rules
with `register_rule` (billing: accounting records after their legal period).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts import deletion, export
from accounts.models import AccountEvent, Customer, DataExport, LoginSession, PrivacyRequest
from accounts.services import customer_warn_of_inactivity
from mandrakeonline.models import RateLimitCounter


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    apply: Callable[[datetime.datetime, bool], int]


_rules: list[Rule] = []


def register_rule(name: str, description: str):
    def decorator(function: Callable[[datetime.datetime, bool], int]):
        _rules.append(Rule(name, description, function))
        return function

    return decorator


def apply_all(*, dry_run: bool, now: datetime.datetime | None = None) -> list[tuple[Rule, int]]:
    now = now or timezone.now()
    return [(rule, rule.apply(now, dry_run)) for rule in _rules]


def _customers():
    return Customer.objects.filter(is_staff=False, is_superuser=False).annotate(
        last_activity=Coalesce("last_login", "date_joined")
    )


@register_rule("unverified-sign-ups", "accounts whose email address was never confirmed")
def delete_unverified_sign_ups(now, dry_run):
    cutoff = now - datetime.timedelta(days=settings.UNVERIFIED_SIGNUP_DAYS)
    stale = Customer.objects.filter(is_staff=False, email_verified_at__isnull=True, date_joined__lt=cutoff)
    if dry_run:
        return stale.count()
    count = 0
    for customer in stale.iterator():
        # The address was never shown to be theirs: no email goes to it.
        deletion.account_delete(customer=customer, actor=None, channel=None, notice=None)
        count += 1
    return count


def _inactivity_cutoff(now):
    return now - datetime.timedelta(days=365 * settings.INACTIVE_ACCOUNT_YEARS)


@register_rule("inactivity-warnings", "warnings sent a month before deleting an unused account")
def warn_inactive_accounts(now, dry_run):
    warning_window = _inactivity_cutoff(now) + datetime.timedelta(days=settings.INACTIVITY_WARNING_DAYS)
    due = _customers().filter(last_activity__lt=warning_window, email_verified_at__isnull=False)
    # Warned already, and not active since: do not warn again.
    due = due.filter(Q(inactivity_warned_at__isnull=True) | Q(inactivity_warned_at__lt=F("last_activity")))
    if dry_run:
        return due.count()
    count = 0
    for customer in due.iterator():
        customer_warn_of_inactivity(customer=customer, now=now)
        count += 1
    return count


@register_rule("inactive-accounts", "accounts unused for years, a month after their warning")
def delete_inactive_accounts(now, dry_run):
    warned_before = now - datetime.timedelta(days=settings.INACTIVITY_WARNING_DAYS)
    stale = _customers().filter(
        last_activity__lt=_inactivity_cutoff(now),
        inactivity_warned_at__lte=warned_before,
        inactivity_warned_at__gt=F("last_activity"),
    )
    if dry_run:
        return stale.count()
    count = 0
    for customer in stale.iterator():
        deletion.account_delete(customer=customer, actor=None, channel=None, notice="account_deleted_inactive")
        count += 1
    return count


def _delete(queryset, dry_run) -> int:
    if dry_run:
        return queryset.count()
    deleted, _by_model = queryset.delete()
    return deleted


@register_rule("account-history", "entries of account histories past their period")
def purge_account_events(now, dry_run):
    cutoff = now - datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    return _delete(AccountEvent.objects.filter(created_at__lt=cutoff), dry_run)


@register_rule("privacy-requests", "answered privacy requests past their period")
def purge_privacy_requests(now, dry_run):
    cutoff = now - datetime.timedelta(days=365 * settings.PRIVACY_REQUEST_RETENTION_YEARS)
    return _delete(PrivacyRequest.objects.filter(completed_at__lt=cutoff), dry_run)


@register_rule("data-exports", "data exports whose download link has expired")
def purge_expired_exports(now, dry_run):
    expired = DataExport.objects.filter(
        Q(expires_at__lt=now) | Q(status=DataExport.Status.FAILED, requested_at__lt=now - datetime.timedelta(days=1))
    )
    if dry_run:
        return expired.count()
    for data_export in expired:
        export.delete_export_file(data_export)
    return _delete(expired, dry_run=False)


@register_rule("sessions", "ended sessions and the browsers they listed")
def purge_sessions(now, dry_run):
    expired = Session.objects.filter(expire_date__lt=now)
    gone = LoginSession.objects.exclude(
        session_key__in=Session.objects.filter(expire_date__gte=now).values("session_key")
    )
    return _delete(gone, dry_run) + _delete(expired, dry_run)


@register_rule("task-results", "finished background tasks (their arguments may name a customer)")
def purge_task_results(now, dry_run):
    cutoff = now - datetime.timedelta(days=settings.TASK_RESULT_RETENTION_DAYS)
    return _delete(DBTaskResult.objects.filter(finished_at__lt=cutoff), dry_run)


@register_rule("rate-limit-counters", "counters of abuse limits past their window")
def purge_rate_limit_counters(now, dry_run):
    return _delete(RateLimitCounter.objects.filter(window_start__lt=now - datetime.timedelta(days=1)), dry_run)
