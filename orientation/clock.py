"""The one clock of time-dependent code (notifications, reminders), so tests travel in time.

Code that decides *when* something is due calls `clock.now()` instead of `datetime.now()`; tests
freeze or advance it (`with clock.frozen(at) as frozen: frozen.advance(days=2)`) instead of
sleeping. The override is process-wide: a worker started in another process keeps the real time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")  # the Vaucluse's days: working days, opening hours, appointments, display
_override: datetime | None = None


def now() -> datetime:
    """The current time, timezone-aware in UTC (or the frozen time in tests)."""
    return _override if _override is not None else datetime.now(UTC)


def today() -> date:
    """Today in the Vaucluse (not the server's zone)."""
    return now().astimezone(PARIS).date()


class FrozenClock:
    def __init__(self, at: datetime):
        self.set(at)

    def set(self, at: datetime) -> None:
        global _override
        if at.tzinfo is None:
            raise ValueError("the clock needs a timezone-aware datetime")
        _override = at.astimezone(UTC)

    def advance(self, delta: timedelta | None = None, **kwargs) -> datetime:
        """Move the frozen time forward by `delta` or `timedelta(**kwargs)`; return the new time."""
        self.set(now() + (delta if delta is not None else timedelta(**kwargs)))
        return now()

    @property
    def now(self) -> datetime:
        return now()


@contextmanager
def frozen(at: datetime | None = None) -> Iterator[FrozenClock]:
    """Freeze the clock at `at` (default: the real current time) for the duration of the block."""
    global _override
    previous = _override
    try:
        yield FrozenClock(at or datetime.now(UTC))
    finally:
        _override = previous
