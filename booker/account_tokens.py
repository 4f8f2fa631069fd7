"""Account tokens (password reset, email verification): HMAC-SHA256(BOOKER_SECRET,
"<purpose>:<token id>"), base64url.

Derived, not stored: the edge makes a random token id, derives the token and gives the
database only its SHA-256 (api.request_password_reset, api.request_email_verification);
the worker derives the same token from the id in the outbox payload to write the link.
So neither the database nor the outbox holds a usable token, and rotating BOOKER_SECRET
voids every link already sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

PASSWORD_RESET = "password_reset"
VERIFY_EMAIL = "verify_email"
PATHS = {PASSWORD_RESET: "/account/reset", VERIFY_EMAIL: "/account/verify"}


def account_token(secret: str, purpose: str, token_id: object) -> str:
    digest = hmac.new(secret.encode(), f"{purpose}:{token_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def account_link(public_url: str, secret: str, purpose: str, token_id: object) -> str:
    return f"{public_url.rstrip('/')}{PATHS[purpose]}?token={account_token(secret, purpose, token_id)}"
