"""Throttling of failed logins, per account and per IP address.

Counts live in the rate-limit storage of Flask-Limiter: Redis when REDIS_URL is set (shared by
every web process), memory otherwise. Only failures are counted, per account and per address; a
successful login clears its account's counter (not the address's: one valid account must not
open the door to guessing others from the same address).

While Redis is down the counts fall back to this process's memory (`_fallback`) rather than
failing open: guessing stays throttled — per process, so a server with N workers lets at most
N times the attempts through during the outage —, and logging in keeps working instead of
answering 500. A warning is logged when that happens; Redis is tried again after
`STORAGE_RETRY_SECONDS`, so a dead Redis costs a request at most one short timeout that often.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from flask import current_app
from limits import RateLimitItemPerMinute
from limits.errors import StorageError
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter, RateLimiter

from orientation.extensions import limiter

log = logging.getLogger(__name__)
STORAGE_RETRY_SECONDS = 10.0
T = TypeVar("T")


class _Fallback:
    """The per-process memory counts used while the shared storage is unreachable."""

    def __init__(self):
        self.lock = threading.Lock()
        self.limiter: RateLimiter | None = None  # created on first need: nothing at import time
        self.storage_down_until = 0.0

    def get(self) -> RateLimiter:
        with self.lock:
            if self.limiter is None:
                self.limiter = FixedWindowRateLimiter(MemoryStorage())
            return self.limiter


_fallback = _Fallback()


def _storage_errors() -> tuple[type[Exception], ...]:
    errors = limiter.storage.base_exceptions  # RedisError for Redis
    return (StorageError, *(errors if isinstance(errors, tuple) else (errors,)))


def _shared_limiter() -> RateLimiter:
    return FixedWindowRateLimiter(limiter.storage)


def _counted(operation: Callable[[RateLimiter], T]) -> T:
    """Run `operation` on the shared storage, or on this process's memory while it is down."""
    if time.monotonic() >= _fallback.storage_down_until:
        try:
            return operation(_shared_limiter())
        except _storage_errors() as error:
            _fallback.storage_down_until = time.monotonic() + STORAGE_RETRY_SECONDS
            log.warning(
                "login throttling: rate-limit storage unreachable (%s), counting in this process's memory",
                type(error).__name__,
            )
    return operation(_fallback.get())


def _limits() -> tuple[RateLimitItemPerMinute, RateLimitItemPerMinute]:
    minutes = current_app.config["LOGIN_THROTTLE_MINUTES"]
    per_account = RateLimitItemPerMinute(current_app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"], minutes)
    per_ip = RateLimitItemPerMinute(current_app.config["LOGIN_MAX_FAILURES_PER_IP"], minutes)
    return per_account, per_ip


def _keys(email: str, ip: str) -> tuple[str, str]:
    prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
    return f"{prefix}:login-failures:account:{email.strip().lower()}", f"{prefix}:login-failures:ip:{ip}"


def login_retry_after(email: str, ip: str) -> int | None:
    """Seconds before a new attempt is allowed, or None when logins are allowed now."""

    def retry_after(rate_limiter: RateLimiter) -> int | None:
        waits = []
        for item, key in zip(_limits(), _keys(email, ip), strict=True):
            if not rate_limiter.test(item, key):
                reset_at = rate_limiter.get_window_stats(item, key).reset_time
                waits.append(max(1, math.ceil(reset_at - time.time())))
        return max(waits) if waits else None

    return _counted(retry_after)


def record_login_failure(email: str, ip: str) -> None:
    def record(rate_limiter: RateLimiter) -> None:
        for item, key in zip(_limits(), _keys(email, ip), strict=True):
            rate_limiter.hit(item, key)

    _counted(record)


def clear_login_failures(email: str, ip: str) -> None:
    per_account, _ = _limits()
    account_key, _ = _keys(email, ip)
    _counted(lambda rate_limiter: rate_limiter.clear(per_account, account_key))
