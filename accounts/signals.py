"""Receivers that keep the list of logged-in browsers (LoginSession) in step with logins."""

from accounts import services
from mandrakeonline.client_ip import client_ip


def record_login_session(sender, request, user, **kwargs):
    if request is None or not request.session.session_key:
        return
    services.login_session_start(
        customer=user,
        session_key=request.session.session_key,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        ip_address=client_ip(request),
    )


def forget_login_session(sender, request, user, **kwargs):
    if request is not None and request.session.session_key:
        services.login_session_forget(session_key=request.session.session_key)
