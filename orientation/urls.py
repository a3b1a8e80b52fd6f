"""URL helpers."""

from __future__ import annotations

from urllib.parse import urlsplit

from werkzeug.routing import IntegerConverter

from orientation.db import MAX_ID


class IdConverter(IntegerConverter):
    """`<int:…>` in routes: an id within the database's key range; past it the page does not exist (404)
    instead of a query PostgreSQL refuses (500)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 (werkzeug's name)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def safe_next_url(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, else `default` (no open redirect)."""
    if not target or not isinstance(target, str):
        return default
    if "\\" in target or any(ord(char) < 32 for char in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target
