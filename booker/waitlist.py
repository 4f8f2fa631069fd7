"""Waitlist tokens: HMAC-SHA256(BOOKER_SECRET, "<kind>:" + id), base64url, like the manage
token of a guest's booking (booker/manage.py). A guest's entry token (to see or leave the
waitlist) is in the answer to joining; an offer token is in the offer email's link, which
the worker derives from the offer's id. Nothing is stored."""

from __future__ import annotations

import base64
import hashlib
import hmac

ENTRY = "waitlist-entry"
OFFER = "waitlist-offer"


def waitlist_token(secret: str, kind: str, ident: object) -> str:
    digest = hmac.new(secret.encode(), f"{kind}:{ident}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def waitlist_token_ok(secret: str, kind: str, ident: object, token: str) -> bool:
    return hmac.compare_digest(waitlist_token(secret, kind, ident).encode(), token.encode())


def offer_path(secret: str, offer_id: object) -> str:
    """The offer page's path and query: the email's link, without the public URL."""
    return f"/waitlist/offer/{offer_id}?token={waitlist_token(secret, OFFER, offer_id)}"
