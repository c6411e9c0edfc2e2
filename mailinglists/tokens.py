"""Unsubscribe tokens, the authority behind the link in every list email.

A token is the subscription's random public key followed by an HMAC of that key, made with
the site's SECRET_KEY and a salt of its own. It names exactly one subscription, cannot be
made for another one without the secret, shows nothing readable (both halves look random),
and never expires: whoever received a list email can always leave the list (promise P8).

Unlike the account links, it is not an HMAC over state that its use changes: using it twice
must be harmless, and it must keep working for the undo.
"""

import base64

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from mailinglists.models import PUBLIC_KEY_LENGTH, Subscription

SALT = "mailinglists.tokens.unsubscribe"
MAC_BYTES = 16  # 128 bits: guessing one is hopeless, and the link stays short
MAC_LENGTH = 22  # MAC_BYTES in url-safe base64, without padding
TOKEN_LENGTH = PUBLIC_KEY_LENGTH + MAC_LENGTH


def _mac(public_key: str, secret: str) -> str:
    digest = salted_hmac(SALT, public_key, secret=secret, algorithm="sha256").digest()[:MAC_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def make_token(subscription: Subscription) -> str:
    return subscription.public_key + _mac(subscription.public_key, settings.SECRET_KEY)


def public_key_from_token(token: str) -> str | None:
    """The public key a genuine token names, or None for a tampered, truncated or made-up one."""
    if len(token) != TOKEN_LENGTH:
        return None
    public_key, mac = token[:PUBLIC_KEY_LENGTH], token[PUBLIC_KEY_LENGTH:]
    # Links already sent must survive a rotation of SECRET_KEY (old keys move to the fallbacks).
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        if constant_time_compare(mac, _mac(public_key, secret)):
            return public_key
    return None


def subscription_from_token(token: str) -> Subscription | None:
    public_key = public_key_from_token(token)
    if public_key is None:
        return None
    return Subscription.objects.select_related("mailing_list", "customer").filter(public_key=public_key).first()
