"""The client's IP address behind our own proxies, without trusting what clients send.

Each proxy appends the address it received the request from to X-Forwarded-For. With
TRUSTED_PROXY_COUNT proxies of ours in front of the application, the client's address is
the entry that the outermost of them appended: the TRUSTED_PROXY_COUNT-th from the right.
Anything further left was written by the client and may be forged.
"""

import ipaddress

from django.conf import settings


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request) -> str:
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote_addr
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        # Fewer hops than proxies configured: the request did not come through all of
        # them (or the count is wrong); the direct peer is the only address we can trust.
        return remote_addr
    candidate = forwarded[-proxies]
    return candidate if _valid(candidate) else remote_addr
