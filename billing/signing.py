"""Signatures of the store's webhook calls.

The store sends ``X-Store-Timestamp`` (Unix seconds) and ``X-Store-Signature``
(``sha256=`` and the hex HMAC-SHA256 of ``<timestamp>.<raw body>`` under the shared secret).
Signing the timestamp with the body means an old call cannot be replayed with a new time.
"""

import hashlib
import hmac

TIMESTAMP_HEADER = "X-Store-Timestamp"
SIGNATURE_HEADER = "X-Store-Signature"
SCHEME = "sha256="


def signature(*, secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return SCHEME + digest


def signature_matches(*, secret: str, timestamp: str, body: bytes, given: str) -> bool:
    # compare_digest takes the same time wherever the strings differ, so the signature
    # cannot be guessed byte by byte from response times.
    return hmac.compare_digest(signature(secret=secret, timestamp=timestamp, body=body), given)
