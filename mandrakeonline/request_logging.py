"""Structured logs: a request id on every record, JSON lines in production, no secrets.

The middleware gives each request an id (or takes the one our own proxy set), keeps it in
a context variable for the filter to stamp on every record logged while the request runs,
and returns it in the X-Request-ID header so that a customer's report can be matched with
the logs. Nothing personal goes to the logs: records name routes, statuses and ids, never
addresses, names, numbers or tokens.
"""

import contextvars
import json
import logging
import re
import time
import uuid

from django.conf import settings
from django.utils.crypto import salted_hmac

REQUEST_ID_HEADER = "X-Request-ID"
_NO_REQUEST = "-"
# A proxy's id is believed only if it looks like one: no room for log injection.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default=_NO_REQUEST)
access_logger = logging.getLogger("mandrakeonline.requests")


def _request_id_for(request) -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    if settings.TRUST_REQUEST_ID_HEADER and _VALID_REQUEST_ID.match(given):
        return given
    return uuid.uuid4().hex


def request_id(get_response):
    """Give the request an id, log one line when it ends (route, status, duration)."""

    def middleware(request):
        request.request_id = _request_id_for(request)
        token = current_request_id.set(request.request_id)
        started = time.monotonic()
        try:
            response = get_response(request)
            response[REQUEST_ID_HEADER] = request.request_id
            access_logger.info(
                "%s %s %s",
                request.method,
                route_of(request),
                response.status_code,
                extra={"request_id": request.request_id, "duration_ms": round((time.monotonic() - started) * 1000, 1)},
            )
            return response
        finally:
            current_request_id.reset(token)

    return middleware


def route_of(request) -> str:
    """The URL pattern that served the request ("unsubscribe/<str:token>/"), not the path,
    which may hold a secret token; "(unmatched)" when no pattern matched."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.route is None:
        return "(unmatched)"
    return "/" + match.route


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a request's 4xx and 5xx answers once the middleware has returned: the
        # request it passes along still carries the id.
        request = getattr(record, "request", None)
        record.request_id = (
            getattr(record, "request_id", None) or getattr(request, "request_id", None) or current_request_id.get()
        )
        return True


class RedactPathsFilter(logging.Filter):
    """Django logs "Not Found: /unsubscribe/<the token>/" for every 4xx answer; put the route
    in place of the path, so that tokens from email links never reach the logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if path and isinstance(record.args, tuple):
            record.args = tuple(route_of(request) if arg == path else arg for arg in record.args)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, request id, message and extras."""

    # Attributes every LogRecord has; anything else was passed with extra= and is logged.
    _STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}
    # Objects Django attaches for its own handlers; they hold the whole request.
    _NEVER = {"request", "status_code", "server_time"}

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", _NO_REQUEST),
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in self._STANDARD and key not in self._NEVER:
                entry[key] = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def axes_client_str(username, ip_address, user_agent, path_info, request) -> str:
    """What django-axes writes in its log lines about a client: a keyed digest, the same for
    the same number and address (so lockouts can be followed), but neither of them."""
    digest = salted_hmac("mandrakeonline.axes-log", f"{username}|{ip_address}", algorithm="sha256").hexdigest()
    return f"client {digest[:16]}"
