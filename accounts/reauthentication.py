"""Asking for the password again before the actions that would hurt most in the hands of
whoever finds a browser left logged in: changing the email address or the password, turning
two-factor authentication on or off, exporting the data, deleting the account.

Typing the password (at login, or on the confirmation page) is remembered in the session;
for REAUTHENTICATION_SECONDS afterwards these actions go through without asking again.
"""

import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse

# The session key (not a secret) holding when the password was last typed.
PASSWORD_TYPED_AT = "_password_typed_at"  # noqa: S105


def mark_password_typed(request) -> None:
    request.session[PASSWORD_TYPED_AT] = int(time.time())


def password_recently_typed(request) -> bool:
    typed_at = request.session.get(PASSWORD_TYPED_AT)
    return typed_at is not None and time.time() - typed_at <= settings.REAUTHENTICATION_SECONDS


def reauthentication_required(view):
    """Put under @login_required: sends to the password page first when it is not recent."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not password_recently_typed(request):
            query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
            return redirect(f"{reverse('accounts:confirm_password')}?{query}")
        return view(request, *args, **kwargs)

    return wrapped


def password_typed_at_login(sender, request, user, **kwargs):
    """Receiver of user_logged_in: every login of ours checked the password just now."""
    if request is not None and hasattr(request, "session"):
        mark_password_typed(request)
