"""Every email the accounts app sends, one function each, in the customer's language."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Customer
from accounts.tokens import email_change_token, email_verification_token
from mandrakeonline.mail import absolute_url, send_templated_email


def _uid(customer: Customer) -> str:
    return urlsafe_base64_encode(force_bytes(customer.pk))


def verification_url(customer: Customer) -> str:
    token = email_verification_token.make_token(customer)
    return absolute_url(reverse("accounts:verify_email", args=[_uid(customer), token]))


def send_welcome(customer: Customer) -> None:
    send_templated_email(
        to=customer.email,
        template="welcome",
        context={"customer": customer, "verify_url": verification_url(customer)},
        language=customer.language,
    )


def send_verification(customer: Customer) -> None:
    send_templated_email(
        to=customer.email,
        template="verify_email",
        context={"customer": customer, "verify_url": verification_url(customer)},
        language=customer.language,
    )


def send_customer_number(customer: Customer) -> None:
    send_templated_email(
        to=customer.email,
        template="customer_number",
        context={
            "customer": customer,
            "login_url": absolute_url(reverse("accounts:login")),
        },
        language=customer.language,
    )


def send_password_reset(customer: Customer) -> None:
    token = default_token_generator.make_token(customer)
    reset_path = reverse("accounts:password_reset_confirm", args=[_uid(customer), token])
    send_templated_email(
        to=customer.email,
        template="password_reset",
        context={"customer": customer, "reset_url": absolute_url(reset_path)},
        language=customer.language,
    )


def send_email_change_confirmation(customer: Customer) -> None:
    token = email_change_token.make_token(customer)
    confirm_path = reverse("accounts:confirm_email_change", args=[_uid(customer), token])
    send_templated_email(
        to=customer.pending_email,
        template="email_change_confirm",
        context={"customer": customer, "confirm_url": absolute_url(confirm_path)},
        language=customer.language,
    )


def send_email_already_used(owner: Customer) -> None:
    # Someone asked to move their account to an address that already has one. We tell the
    # address's owner instead of telling the asker, so the form reveals nothing.
    send_templated_email(
        to=owner.email,
        template="email_already_used",
        context={
            "customer": owner,
            "forgot_number_url": absolute_url(reverse("accounts:forgot_number")),
        },
        language=owner.language,
    )


def send_sign_up_email_used(owner: Customer) -> None:
    # Someone tried to create an account with an address that has one. Its owner is told;
    # the visitor saw the same page as for a new account.
    send_templated_email(
        to=owner.email,
        template="sign_up_email_used",
        context={
            "customer": owner,
            "forgot_number_url": absolute_url(reverse("accounts:forgot_number")),
            "reset_url": absolute_url(reverse("accounts:password_reset")),
        },
        language=owner.language,
    )


def send_email_changed_notice(customer: Customer, old_email: str) -> None:
    send_templated_email(
        to=old_email,
        template="email_changed",
        context={
            "customer": customer,
            "old_email": old_email,
            "reset_url": absolute_url(reverse("accounts:password_reset")),
        },
        language=customer.language,
    )


def send_password_changed_notice(customer: Customer) -> None:
    send_templated_email(
        to=customer.email,
        template="password_changed",
        context={
            "customer": customer,
            "reset_url": absolute_url(reverse("accounts:password_reset")),
        },
        language=customer.language,
    )


def send_data_export_ready(customer: Customer, export_id: int) -> None:
    send_templated_email(
        to=customer.email,
        template="data_export_ready",
        context={"customer": customer, "export_url": absolute_url(reverse("accounts:data_export", args=[export_id]))},
        language=customer.language,
    )


def send_inactivity_warning(customer: Customer) -> None:
    send_templated_email(
        to=customer.email,
        template="inactivity_warning",
        context={
            "customer": customer,
            "login_url": absolute_url(reverse("accounts:login")),
            "years": settings.INACTIVE_ACCOUNT_YEARS,
            "days": settings.INACTIVITY_WARNING_DAYS,
        },
        language=customer.language,
    )


def _security_notice(template: str, customer: Customer, **context) -> None:
    send_templated_email(
        to=customer.email,
        template=template,
        context={"customer": customer, "reset_url": absolute_url(reverse("accounts:password_reset")), **context},
        language=customer.language,
    )


def send_two_factor_enabled_notice(customer: Customer) -> None:
    _security_notice("two_factor_enabled", customer)


def send_two_factor_disabled_notice(customer: Customer) -> None:
    _security_notice("two_factor_disabled", customer)


def send_recovery_code_used_notice(customer: Customer, codes_left: int) -> None:
    _security_notice("recovery_code_used", customer, codes_left=codes_left)


MESSAGES = {
    "welcome": send_welcome,
    "verify_email": send_verification,
    "customer_number": send_customer_number,
    "password_reset": send_password_reset,
    "email_change_confirm": send_email_change_confirmation,
    "email_already_used": send_email_already_used,
    "sign_up_email_used": send_sign_up_email_used,
    "email_changed": send_email_changed_notice,
    "password_changed": send_password_changed_notice,
    "inactivity_warning": send_inactivity_warning,
    "two_factor_enabled": send_two_factor_enabled_notice,
    "two_factor_disabled": send_two_factor_disabled_notice,
    "recovery_code_used": send_recovery_code_used_notice,
}
