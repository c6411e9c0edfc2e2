import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

from accounts.services import login_session_touch

# Features no page of ours uses; denying them limits what injected content could do.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)


def permissions_policy(get_response):
    def middleware(request):
        response = get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    return middleware


SESSION_STARTED = "_session_started"
SESSION_LAST_SEEN = "_session_last_seen"
# Writing the session on every request would cost a database write per page; a minute's
# precision is enough for an idle timeout counted in minutes.
LAST_SEEN_PRECISION = 60


def mark_session_start(sender, request, user, **kwargs):
    """At login (receiver of user_logged_in), so the first page after it writes nothing."""
    request.session[SESSION_STARTED] = request.session[SESSION_LAST_SEEN] = int(time.time())


def session_timeouts(get_response):
    """Log out sessions idle for SESSION_IDLE_TIMEOUT, or older than SESSION_ABSOLUTE_TIMEOUT."""

    def middleware(request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault(SESSION_STARTED, now)
            last_seen = session.get(SESSION_LAST_SEEN, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT or now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                # The request goes on as anonymous: pages that need a login redirect to it.
                logout(request)
                messages.info(request, _("You were logged out to protect your account. Please log in again."))
            elif now - last_seen >= LAST_SEEN_PRECISION or SESSION_LAST_SEEN not in session:
                session[SESSION_LAST_SEEN] = now
                login_session_touch(session_key=session.session_key)
        return get_response(request)

    return middleware
