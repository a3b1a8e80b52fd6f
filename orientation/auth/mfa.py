"""Second factor: TOTP codes (RFC 6238, any authenticator app) and one-time recovery codes."""

from __future__ import annotations

import secrets

import pyotp
import segno
from flask import current_app

from orientation import clock
from orientation.audit import security
from orientation.audit.models import SecurityEventKind
from orientation.auth.models import RecoveryCode, User
from orientation.auth.tokens import hash_opaque_token
from orientation.extensions import db

RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or copied from paper
TOTP_VALID_WINDOW = 1  # one 30-second step either side, for phones whose clock drifts


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=current_app.config["MFA_ISSUER"])


def qr_code_data_uri(uri: str) -> str:
    """The enrolment QR code as an SVG data URI, drawn on the server (no script, CSP-friendly)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#161616", light="#ffffff")


def _normalise(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _looks_like_totp(code: str) -> bool:
    # ASCII digits only: "²" or "٣" are digits to str.isdigit(), and compare_digest refuses non-ASCII text.
    return len(code) == 6 and code.isascii() and code.isdigit()


def accepted_totp_step(secret: str, code: str, last_step: int | None = None) -> int | None:
    """The time step `code` belongs to when it is valid now and newer than `last_step`, else None."""
    code = _normalise(code)
    if not _looks_like_totp(code):
        return None
    totp = pyotp.TOTP(secret)
    now = clock.now()
    current_step = totp.timecode(now)
    for offset in range(-TOTP_VALID_WINDOW, TOTP_VALID_WINDOW + 1):
        step = current_step + offset
        if secrets.compare_digest(totp.generate_otp(step), code) and (last_step is None or step > last_step):
            return step
    return None


def verify_totp(user: User, code: str) -> bool:
    """Check the user's current code and remember its step, so the same code is refused next time."""
    secret = user.totp_secret
    if secret is None:  # none, or unreadable since the key changed: a coordinator resets it
        return False
    step = accepted_totp_step(secret, code, user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    db.session.flush()
    return True


def enable_totp(user: User, secret: str, code: str) -> list[str] | None:
    """Turn the second factor on when `code` proves the app holds `secret`; return new recovery codes."""
    step = accepted_totp_step(secret, code)
    if step is None:
        return None
    user.totp_secret = secret
    user.totp_last_step = step
    user.totp_enabled_at = clock.now()
    security.record(SecurityEventKind.TOTP_ENABLED, user=user)
    return _issue_recovery_codes(user)


def disable_totp(user: User) -> None:
    """By the user, or by a coordinator when the phone and the recovery codes are lost (a reset)."""
    reset = security.acting_user_id() not in (None, user.id)
    security.record(SecurityEventKind.TOTP_RESET if reset else SecurityEventKind.TOTP_DISABLED, user=user)
    user.totp_secret = None
    user.totp_last_step = None
    user.totp_enabled_at = None
    user.recovery_codes.clear()
    db.session.flush()


def replace_recovery_codes(user: User) -> list[str]:
    """New recovery codes (shown once); only their hashes are stored; the previous ones stop working."""
    security.record(SecurityEventKind.RECOVERY_CODES_REPLACED, user=user)
    return _issue_recovery_codes(user)


def _issue_recovery_codes(user: User) -> list[str]:
    codes = [
        "-".join("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(5)) for _ in range(2))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    user.recovery_codes.clear()
    db.session.flush()
    user.recovery_codes.extend(RecoveryCode(code_hash=hash_opaque_token(_normalise(code))) for code in codes)
    db.session.flush()
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one unused recovery code of the user; each works once."""
    code_hash = hash_opaque_token(_normalise(code))
    spent = db.session.execute(
        db.update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == code_hash, RecoveryCode.used_at.is_(None))
        .values(used_at=clock.now())
    )
    return spent.rowcount == 1


def remaining_recovery_codes(user: User) -> int:
    return db.session.scalar(
        db.select(db.func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def verify_second_factor(user: User, code: str) -> bool:
    """A TOTP code, or failing that a recovery code (longer, with letters)."""
    normalised = _normalise(code)
    if _looks_like_totp(normalised):
        return verify_totp(user, normalised)
    return use_recovery_code(user, normalised)
