"""Throttling of failed logins, per account and per IP address.

Counts live in the rate-limit storage of Flask-Limiter: Redis when REDIS_URL is set (shared by
every web process), memory otherwise.
"""

from __future__ import annotations

import math
import time

from flask import current_app
from limits import RateLimitItemPerMinute

from orientation.extensions import limiter


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
    waits = []
    for item, key in zip(_limits(), _keys(email, ip), strict=True):
        if not limiter.limiter.test(item, key):
            reset_at = limiter.limiter.get_window_stats(item, key).reset_time
            waits.append(max(1, math.ceil(reset_at - time.time())))
    return max(waits) if waits else None


def record_login_failure(email: str, ip: str) -> None:
    for item, key in zip(_limits(), _keys(email, ip), strict=True):
        limiter.limiter.hit(item, key)


def clear_login_failures(email: str, ip: str) -> None:
    per_account, _ = _limits()
    account_key, _ = _keys(email, ip)
    limiter.limiter.clear(per_account, account_key)
