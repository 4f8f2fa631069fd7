"""A guest's manage token: HMAC-SHA256(BOOKER_SECRET, "manage:" + booking id), base64url.

Derived, not stored: the edge computes it for the 201 answer to a guest and to check
X-Manage-Token; the worker computes it for the link in the guest's emails. Rotating
BOOKER_SECRET therefore invalidates every manage link already sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def manage_token(secret: str, booking_id: object) -> str:
    digest = hmac.new(secret.encode(), f"manage:{booking_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def manage_token_ok(secret: str, booking_id: object, token: str) -> bool:
    """Constant-time check of a presented token against the booking's derived one."""
    return hmac.compare_digest(manage_token(secret, booking_id).encode(), token.encode())
