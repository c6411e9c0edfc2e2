"""Writes on customer accounts that touch several things or have side effects.

Emails are queued as tasks only once the transaction commits, so a rolled-back change
never sends mail.
"""

from functools import partial
from importlib import import_module

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import customer_numbers, two_factor
from accounts.models import AccountEvent, Customer, DataExport, LoginSession, MarketingProfile, PrivacyRequest
from accounts.tasks import build_data_export, send_account_email


class EmailAlreadyUsed(Exception):
    pass


def _record(customer: Customer, kind: str, *, actor: Customer | None, changed_fields=()) -> None:
    AccountEvent.objects.create(customer=customer, kind=kind, actor=actor, changed_fields=list(changed_fields))


def _send_after_commit(message: str, customer: Customer, **kwargs) -> None:
    transaction.on_commit(partial(send_account_email.enqueue, message, customer.pk, **kwargs))


@transaction.atomic
def customer_sign_up(*, email: str, password: str, **fields) -> Customer | None:
    """Create the account, give it a customer number, and email the number with a link
    that verifies the address.

    If the address already has an account, its owner is told instead and nothing is
    created: the visitor sees the same answer either way, after the same work (one password
    hash, one email queued), so sign-up cannot be used to find out who has an account.
    """
    owner = Customer.objects.with_email(email).first()
    if owner is None:
        try:
            with transaction.atomic():
                customer = Customer.objects.create_user(email=email, password=password, **fields)
        except IntegrityError:
            # Two sign-ups with one address at the same moment: the unique index decides.
            owner = Customer.objects.with_email(email).first()
        else:
            _record(customer, AccountEvent.Kind.SIGNED_UP, actor=customer)
            _send_after_commit("welcome", customer)
            return customer
    make_password(password)  # the time the new account's password hash would have taken
    if owner is not None:
        _send_after_commit("sign_up_email_used", owner)
    return None


def customer_send_verification(*, customer: Customer) -> None:
    _send_after_commit("verify_email", customer)


@transaction.atomic
def customer_verify_email(*, customer: Customer) -> None:
    customer.email_verified_at = timezone.now()
    customer.save(update_fields=["email_verified_at"])
    _record(customer, AccountEvent.Kind.EMAIL_VERIFIED, actor=None, changed_fields=["email_verified_at"])


def customer_send_number_reminder(*, email: str) -> None:
    """Email the customer number to this address if an account uses it; say nothing either way."""
    customer = Customer.objects.with_email(email).filter(is_active=True).first()
    if customer is not None:
        _send_after_commit("customer_number", customer)


def find_customer_for_reset(identifier: str) -> Customer | None:
    """The active customer a password-reset request names, by customer number or email."""
    number = customer_numbers.normalize(identifier)
    if customer_numbers.is_valid(number):
        found = Customer.objects.filter(customer_number=number)
    else:
        found = Customer.objects.with_email(identifier)
    return found.filter(is_active=True).first()


def customer_request_password_reset(*, identifier: str) -> None:
    customer = find_customer_for_reset(identifier)
    if customer is not None:
        _send_after_commit("password_reset", customer)


@transaction.atomic
def customer_update_details(*, customer: Customer, changes: dict, actor: Customer) -> list[str]:
    """Save corrections to names, language or postal address; return the fields changed."""
    changed = [name for name, value in changes.items() if getattr(customer, name) != value]
    for name in changed:
        setattr(customer, name, changes[name])
    if changed:
        customer.save(update_fields=changed)
        _record(customer, AccountEvent.Kind.DETAILS_CORRECTED, actor=actor, changed_fields=changed)
    return changed


@transaction.atomic
def customer_request_email_change(*, customer: Customer, new_email: str) -> None:
    """Start moving the account to a new address; it changes only once the link sent there
    is followed. If another account already uses the address, its owner is told instead,
    and the asker sees the same answer, so the form cannot be used to probe addresses."""
    # Recorded the same way whatever follows, so the history cannot probe addresses either.
    _record(customer, AccountEvent.Kind.EMAIL_CHANGE_REQUESTED, actor=customer)
    owner = Customer.objects.with_email(new_email).exclude(pk=customer.pk).first()
    if owner is not None:
        _send_after_commit("email_already_used", owner)
        return
    customer.pending_email = new_email
    customer.save(update_fields=["pending_email"])
    _send_after_commit("email_change_confirm", customer)


@transaction.atomic
def customer_confirm_email_change(*, customer: Customer) -> None:
    """Make the pending address the account's address and tell the old one."""
    old_email = customer.email
    customer.email = customer.pending_email
    customer.pending_email = ""
    customer.email_verified_at = timezone.now()
    try:
        with transaction.atomic():
            customer.save(update_fields=["email", "pending_email", "email_verified_at"])
    except IntegrityError as error:
        # Another account took the address since the link was sent.
        customer.refresh_from_db()
        raise EmailAlreadyUsed from error
    _record(customer, AccountEvent.Kind.EMAIL_CHANGED, actor=None, changed_fields=["email"])
    _send_after_commit("email_changed", customer, old_email=old_email)


@transaction.atomic
def customer_password_changed(
    *, customer: Customer, actor: Customer | None, current_session_key: str | None = None
) -> None:
    """Record a password change (made by the customer, or through a reset link when actor
    is None), log out every other browser, and tell the customer."""
    _record(customer, AccountEvent.Kind.PASSWORD_CHANGED, actor=actor, changed_fields=["password"])
    login_sessions_end_others(customer=customer, current_session_key=current_session_key)
    _send_after_commit("password_changed", customer)


@transaction.atomic
def customer_corrected_by_staff(*, customer: Customer, staff: Customer, changed_fields: list[str]) -> None:
    """Record a correction made in the admin, naming the staff member."""
    if changed_fields:
        _record(customer, AccountEvent.Kind.DETAILS_CORRECTED, actor=staff, changed_fields=changed_fields)


def login_session_start(*, customer: Customer, session_key: str, user_agent: str, ip_address: str | None) -> None:
    LoginSession.objects.update_or_create(
        session_key=session_key,
        defaults={"customer": customer, "user_agent": user_agent[:400], "ip_address": ip_address or None},
    )


def login_session_touch(*, session_key: str) -> None:
    LoginSession.objects.filter(session_key=session_key).update(last_seen=timezone.now())


def login_session_rekey(*, old_key: str, new_key: str) -> None:
    """Follow a session whose key changed (Django renews it when the password changes)."""
    LoginSession.objects.filter(session_key=old_key).update(session_key=new_key)


def login_session_forget(*, session_key: str) -> None:
    LoginSession.objects.filter(session_key=session_key).delete()


@transaction.atomic
def login_sessions_end(*, customer: Customer, sessions) -> int:
    """Log these browsers out: their sessions are deleted, so their next request is anonymous."""
    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for login_session in sessions.filter(customer=customer):
        session_store(session_key=login_session.session_key).delete()
        login_session.delete()
        ended += 1
    return ended


def login_sessions_end_others(*, customer: Customer, current_session_key: str | None) -> int:
    others = LoginSession.objects.for_customer(customer).exclude(session_key=current_session_key or "")
    return login_sessions_end(customer=customer, sessions=others)


class ExportAlreadyRunning(Exception):
    pass


@transaction.atomic
def data_export_request(*, customer: Customer, actor: Customer | None = None) -> DataExport:
    """Queue the building of a new export; one at a time per customer. The actor is the
    customer, or a staff member answering a request by letter or phone."""
    # Locking the customer row serialises two clicks on the button.
    Customer.objects.select_for_update().get(pk=customer.pk)
    unfinished = (DataExport.Status.QUEUED, DataExport.Status.RUNNING)
    if DataExport.objects.for_customer(customer).filter(status__in=unfinished).exists():
        raise ExportAlreadyRunning
    data_export = DataExport.objects.create(customer=customer)
    _record(customer, AccountEvent.Kind.DATA_EXPORTED, actor=actor or customer)
    transaction.on_commit(partial(build_data_export.enqueue, data_export.pk))
    return data_export


@transaction.atomic
def marketing_answers_save(*, customer: Customer, answers: dict) -> MarketingProfile:
    """Save the optional marketing answers; giving them again renews the consent date."""
    profile, _created = MarketingProfile.objects.update_or_create(
        customer=customer, defaults={**answers, "consent_at": timezone.now()}
    )
    _record(customer, AccountEvent.Kind.MARKETING_ANSWERED, actor=customer, changed_fields=list(answers))
    return profile


@transaction.atomic
def marketing_answers_withdraw(*, customer: Customer) -> None:
    deleted, _rows = MarketingProfile.objects.filter(customer=customer).delete()
    if deleted:
        _record(customer, AccountEvent.Kind.MARKETING_WITHDRAWN, actor=customer)


def customer_record_viewed(*, customer: Customer, staff: Customer) -> None:
    _record(customer, AccountEvent.Kind.STAFF_VIEWED, actor=staff)


@transaction.atomic
def privacy_request_record(*, customer: Customer, kind: str, channel: str, received_on, staff: Customer, notes: str):
    """Log a request received by letter, phone or email, answered now by a staff member."""
    return PrivacyRequest.objects.create(
        customer_number=customer.customer_number,
        kind=kind,
        channel=channel,
        received_on=received_on,
        handled_by=staff,
        notes=notes,
        completed_at=timezone.now(),
    )


@transaction.atomic
def customer_warn_of_inactivity(*, customer: Customer, now) -> None:
    """Tell a customer who has not logged in for years that the account will be deleted in a
    month unless they log in."""
    customer.inactivity_warned_at = now
    customer.save(update_fields=["inactivity_warned_at"])
    _send_after_commit("inactivity_warning", customer)


class WrongCode(Exception):
    pass


@transaction.atomic
def two_factor_enable(*, customer: Customer, code: str, current_session_key: str | None) -> list[str]:
    """Confirm the authenticator being set up with a code it shows, make the recovery codes
    (returned, to be shown once), log out every other browser, and tell the customer."""
    device = TOTPDevice.objects.select_for_update().filter(user=customer, confirmed=False).first()
    if device is None or not device.verify_is_allowed()[0] or not device.verify_token(two_factor.normalize_code(code)):
        raise WrongCode
    # One authenticator per account: a new one replaces the old.
    TOTPDevice.objects.filter(user=customer, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = two_factor.new_recovery_codes(customer)
    _record(customer, AccountEvent.Kind.TWO_FACTOR_ENABLED, actor=customer)
    # A browser logged in before has not passed the second factor.
    login_sessions_end_others(customer=customer, current_session_key=current_session_key)
    _send_after_commit("two_factor_enabled", customer)
    return codes


@transaction.atomic
def two_factor_disable(*, customer: Customer, actor: Customer) -> None:
    """Remove the authenticator and the recovery codes; logins ask for the password only."""
    TOTPDevice.objects.filter(user=customer).delete()
    StaticDevice.objects.filter(user=customer).delete()
    _record(customer, AccountEvent.Kind.TWO_FACTOR_DISABLED, actor=actor)
    _send_after_commit("two_factor_disabled", customer)


@transaction.atomic
def recovery_codes_renew(*, customer: Customer) -> list[str]:
    """New recovery codes in place of the old ones (all of which stop working)."""
    codes = two_factor.new_recovery_codes(customer)
    _record(customer, AccountEvent.Kind.RECOVERY_CODES_RENEWED, actor=customer)
    return codes


@transaction.atomic
def recovery_code_used(*, customer: Customer) -> None:
    """Tell the customer a recovery code let someone in, and how many are left: if it was not
    them, their password and codes are known to someone else."""
    _record(customer, AccountEvent.Kind.RECOVERY_CODE_USED, actor=customer)
    _send_after_commit("recovery_code_used", customer, codes_left=two_factor.recovery_codes_left(customer))
