"""The bytes of attachments on disk: ATTACHMENTS_FOLDER (instance/attachments), one random name per file.

Accepted: PDF, JPEG, PNG, and office documents (ODT, DOCX) — checked by their first bytes, not by
the name or the browser's claim; at most ATTACHMENTS_MAX_BYTES (10 Mo).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import current_app

# extension -> (content type, magic bytes at the start of the file)
ACCEPTED = {
    "pdf": ("application/pdf", b"%PDF-"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "odt": ("application/vnd.oasis.opendocument.text", b"PK\x03\x04"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
}
ACCEPTED_LABEL = "PDF, JPEG, PNG, ODT ou DOCX"


class RejectedFile(ValueError):
    """The file is refused: the message says why, in French."""


def folder() -> Path:
    return Path(current_app.config.get("ATTACHMENTS_FOLDER") or Path(current_app.instance_path) / "attachments")


def max_bytes() -> int:
    return int(current_app.config.get("ATTACHMENTS_MAX_BYTES", 10 * 1024 * 1024))


def checked(filename: str, data: bytes) -> str:
    """The content type of an accepted file; RejectedFile otherwise."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ACCEPTED:
        raise RejectedFile(f"Ce type de fichier n'est pas accepté : choisissez un fichier {ACCEPTED_LABEL}.")
    if not data:
        raise RejectedFile("Le fichier est vide.")
    if len(data) > max_bytes():
        raise RejectedFile(
            f"Le fichier dépasse {max_bytes() // (1024 * 1024)} Mo : réduisez-le ou scannez-le en qualité moindre."
        )
    content_type, magic = ACCEPTED[extension]
    if not data.startswith(magic):
        raise RejectedFile(f"Le contenu du fichier ne correspond pas à un fichier {extension.upper()}.")
    return content_type


def path_of(key: str) -> Path:
    if not key.isalnum():
        raise ValueError("bad storage key")
    return folder() / key[:2] / key


def save(data: bytes) -> str:
    key = secrets.token_hex(16)
    path = path_of(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".part")
    temporary.write_bytes(data)
    os.replace(temporary, path)  # never a half-written file under its real name
    return key


def remove(key: str) -> None:
    path_of(key).unlink(missing_ok=True)
