"""One-use tokens for the links we email, in the manner of contrib.auth's reset tokens.

A token is an HMAC over the state its use changes, so it stops working once used: the
verification token covers the verification date, the email-change token the current and
pending addresses. Each purpose has its own salt. They expire after PASSWORD_RESET_TIMEOUT
and reveal nothing readable.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, customer, timestamp):
        return f"{customer.pk}{customer.email.lower()}{customer.email_verified_at}{timestamp}"


class EmailChangeTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.EmailChangeTokenGenerator"

    def _make_hash_value(self, customer, timestamp):
        return f"{customer.pk}{customer.email.lower()}{customer.pending_email.lower()}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()
email_change_token = EmailChangeTokenGenerator()
