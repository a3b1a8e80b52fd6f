"""API token secrets: generated once, shown once, stored as a SHA-256 (a token is 256 random bits,
so a fast hash is enough: nothing to brute-force), found by that hash."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "ori_"  # noqa: S105 (a prefix that makes leaked tokens recognisable, not a secret)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def display_prefix(token: str) -> str:
    return token[:12]


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header, or None."""
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()
