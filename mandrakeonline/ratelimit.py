"""Limits on the endpoints a robot would hammer (sign-up, forgot-number, password reset,
email links, unsubscribe, webhooks).

Counters live in PostgreSQL (mandrakeonline.RateLimitCounter), so every web process shares
them: one upsert per limited request, and nothing more (the nightly retention run,
accounts/retention.py, deletes the counters of past windows). A limit is a number of requests
per fixed window for one key (the client's address, an email address, a customer). Past it,
the visitor gets a translated 429 page with Retry-After, and nothing else happens; the
window's end lifts it.
Logins are limited by django-axes instead.
"""

import datetime
from collections.abc import Callable
from functools import wraps

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac

from mandrakeonline.client_ip import client_ip

_UPSERT = """
    INSERT INTO mandrakeonline_ratelimitcounter (scope, key_digest, window_start, hits)
    VALUES (%s, %s, %s, 1)
    ON CONFLICT (scope, key_digest, window_start) DO UPDATE SET hits = mandrakeonline_ratelimitcounter.hits + 1
    RETURNING hits
"""


def _now() -> datetime.datetime:
    # One place to read the clock, so tests can hold a window still.
    return timezone.now()


def _window_start(now: datetime.datetime, seconds: int) -> datetime.datetime:
    epoch = int(now.timestamp())
    return datetime.datetime.fromtimestamp(epoch - epoch % seconds, tz=datetime.UTC)


def count_hit(scope: str, key: str, *, window_seconds: int) -> int:
    """Count one request and return how many this key made in the current window."""
    digest = salted_hmac("mandrakeonline.ratelimit", f"{scope}:{key}", algorithm="sha256").hexdigest()
    window_start = _window_start(_now(), window_seconds)
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [scope, digest, window_start])
        return cursor.fetchone()[0]


def by_ip(request) -> str:
    return client_ip(request)


def by_posted(field: str) -> Callable:
    """Key on a posted value (an email, a customer number), the same however it is cased."""

    def key(request) -> str:
        return request.POST.get(field, "").strip().lower()

    return key


def by_customer(request) -> str:
    return str(request.user.pk)


def rate_limit(scope: str, *, limit: int, window_seconds: int, key: Callable = by_ip, methods=("POST",)):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                value = key(request)
                if value and count_hit(scope, value, window_seconds=window_seconds) > limit:
                    remaining = window_seconds - int(_now().timestamp()) % window_seconds
                    return too_many_requests(request, remaining)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def too_many_requests(request, retry_after: int):
    if request.content_type == "application/json":
        # Machines calling our JSON endpoints (the store's webhook) get JSON, like every other error there.
        response = JsonResponse({"error": "Too many requests; retry later.", "code": "rate_limited"}, status=429)
    else:
        response = render(request, "429.html", {"retry_minutes": max(1, retry_after // 60)}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
