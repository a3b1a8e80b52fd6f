"""OSM `opening_hours` (the format data·inclusion asks for), read in Europe/Paris time."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

import opening_hours

from orientation.clock import PARIS


@lru_cache(maxsize=4096)
def _parse(expression: str):
    try:
        return opening_hours.OpeningHours(expression)
    except (opening_hours.ParserError, ValueError, TypeError):
        return None


def is_valid(expression: str) -> bool:
    return _parse(expression.strip()) is not None


def is_open(expression: str | None, when: datetime) -> bool | None:
    """True/False when the hours say; None when there are none or they cannot be read."""
    if not expression or not expression.strip():
        return None
    parsed = _parse(expression.strip())
    if parsed is None:
        return None
    local = when.astimezone(PARIS).replace(tzinfo=None) if when.tzinfo else when
    try:
        return bool(parsed.is_open(local))
    except Exception:  # noqa: BLE001 — a rule the parser accepts but cannot evaluate: unknown
        return None
