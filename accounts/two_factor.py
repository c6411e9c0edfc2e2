"""Two-factor authentication with django-otp: an authenticator app (TOTP) and single-use
recovery codes (a static device).

Optional for customers, required for staff in the admin. A login whose account has a
second factor stops after the password: the session remembers who passed it (for
TWO_FACTOR_LOGIN_SECONDS) and the customer is logged in only once a code matches. Writes
(turning it on or off, new recovery codes) are services in accounts/services.py.
"""

import base64
import time
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Customer

RECOVERY_CODE_COUNT = 10
# Internal names of the two devices; what the customer reads comes from the templates.
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_CODES_NAME = "recovery codes"

PENDING_LOGIN = "_two_factor_pending_login"


class CodeThrottled(Exception):
    """Too many wrong codes in a row: django-otp makes the next attempt wait."""


def has_two_factor(customer: Customer) -> bool:
    return TOTPDevice.objects.filter(user=customer, confirmed=True).exists()


def authenticator_of(customer: Customer) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=customer, confirmed=True).first()


def recovery_codes_left(customer: Customer) -> int:
    return StaticToken.objects.filter(device__user=customer, device__confirmed=True).count()


def unconfirmed_authenticator(customer: Customer) -> TOTPDevice:
    """The authenticator being set up: the same secret until it is confirmed, so that
    reloading the page shows the same QR code."""
    device = TOTPDevice.objects.filter(user=customer, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=customer, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed (base32), in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI of the QR code; it names the account by its customer number."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    issuer = settings.OTP_TOTP_ISSUER
    label = quote(f"{issuer}:{device.user.customer_number}")
    return f"otpauth://totp/{label}?secret={secret}&issuer={quote(issuer)}&digits={device.digits}&period={device.step}"


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The QR code as inline SVG: shapes only, no script and no style, so the strict
    Content-Security-Policy lets it show."""
    image = qrcode.make(provisioning_uri(device), image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    # Built by the qrcode package from our own URI; it contains no text from anyone else.
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308


def new_recovery_codes(customer: Customer) -> list[str]:
    """Replace the customer's recovery codes by RECOVERY_CODE_COUNT new ones and return them
    (they are shown once)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=customer, name=RECOVERY_CODES_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def normalize_code(code: str) -> str:
    # Codes are read off a phone or a sheet of paper: spaces and dashes are typing aids.
    return "".join(code.split()).replace("-", "").lower()


def matching_device(customer: Customer, code: str) -> Device | None:
    """The device (authenticator or recovery codes) that accepts this code, or None. A
    recovery code is used up; raises CodeThrottled while django-otp makes attempts wait."""
    code = normalize_code(code)
    with transaction.atomic():
        # Locked, so that one code cannot be accepted twice by two requests at once.
        candidates = list(devices_for_user(customer, for_verify=True))
        if candidates and not any(device.verify_is_allowed()[0] for device in candidates):
            raise CodeThrottled
        for device in candidates:
            if device.verify_token(code):
                return device
    return None


def is_recovery_code_device(device: Device) -> bool:
    return isinstance(device, StaticDevice)


def start_pending_login(request, customer: Customer, *, next_url: str) -> None:
    """The password was right and a code is needed: remember who, for a few minutes."""
    request.session[PENDING_LOGIN] = {
        "customer": customer.pk,
        "backend": customer.backend,
        "at": int(time.time()),
        "next": next_url,
    }


def pending_login(request) -> dict | None:
    pending = request.session.get(PENDING_LOGIN)
    if not pending or time.time() - pending["at"] > settings.TWO_FACTOR_LOGIN_SECONDS:
        return None
    return pending


def end_pending_login(request) -> None:
    request.session.pop(PENDING_LOGIN, None)
