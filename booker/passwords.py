"""Password hashing (argon2id). Slow on purpose: the edge runs it in a thread."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        _hasher.hash(password)  # same cost whether or not the account exists
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why a password is too weak, or None: at least 8 characters, a letter and a digit."""
    if len(password) < 8:
        return "must be at least 8 characters"
    if len(password) > 1024:
        return "must be at most 1024 characters"
    if not re.search(r"[^\W\d_]", password):
        return "must contain a letter"
    if not re.search(r"\d", password):
        return "must contain a digit"
    return None
