"""Argon2id password hashing and the password policy (ANSSI: length over complexity)."""

from __future__ import annotations

import functools
import gzip
import re
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the RFC 9106 "low memory" profile
# Verified against when the e-mail is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("orientation-timing-equaliser")

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
# 20,000 passwords most found in leaks (the list Django ships, compiled by Royce Williams), plus
# French and local ones that attackers try first on a French public service.
COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt.gz"
LOCAL_COMMON_PASSWORDS = {
    "motdepasse",
    "monmotdepasse",
    "azerty",
    "azertyuiop",
    "azertyuiopqsdfghjklm",
    "soleil",
    "bonjour",
    "doudou",
    "chouchou",
    "loulou",
    "marseille",
    "avignon",
    "vaucluse",
    "orientation",
    "carpentras",
    "cavaillon",
    "orange",
    "provence",
    "bienvenue",
    "jetaime",
    "nicolas",
    "camille",
    "motdepasseoublie",
    "cpamvaucluse",
    "departement",
    "edes",
    "changeme",
    "administrateur",
    "utilisateur",
}
_TRAILING_NOISE = re.compile(r"[\d\W_]+$")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str, *, email: str = "") -> str | None:
    """The French reason a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Le mot de passe doit contenir au moins {MIN_PASSWORD_LENGTH} caractères."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Le mot de passe ne peut pas dépasser {MAX_PASSWORD_LENGTH} caractères."
    if len(set(password)) < 5:
        return "Le mot de passe est trop répétitif : variez les caractères."
    local_part = email.split("@")[0].lower()
    if local_part and len(local_part) >= 4 and local_part in password.lower():
        return "Le mot de passe ne doit pas contenir votre adresse e-mail."
    if is_common_password(password):
        return (
            "Ce mot de passe fait partie des mots de passe les plus courants, essayés en premier par "
            "les attaquants : choisissez-en un autre, par exemple une phrase de plusieurs mots."
        )
    return None


def is_common_password(password: str) -> bool:
    """A leaked or obvious password, also when only digits or symbols were added at the end."""
    lowered = password.lower().strip()
    base = _TRAILING_NOISE.sub("", lowered)
    candidates = {lowered, base, base.replace(" ", ""), lowered.replace(" ", "")}
    return any(candidate in _common_passwords() for candidate in candidates if candidate)


@functools.cache
def _common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        leaked = {line.strip().lower() for line in lines if line.strip()}
    return frozenset(leaked | LOCAL_COMMON_PASSWORDS)
