"""Who may read the metrics: the bearer of `METRICS_TOKEN`; without one, only development on localhost."""

from __future__ import annotations

import hmac

LOCAL_ADDRESSES = {"127.0.0.1", "::1"}


def can_read_metrics(config, authorization: str | None, remote_addr: str | None) -> bool:
    token = config.get("METRICS_TOKEN") or ""
    if token:
        scheme, _, given = (authorization or "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
    # No token: open to a developer's own machine, closed in production and tests.
    return config["ENV_NAME"] == "development" and remote_addr in LOCAL_ADDRESSES
