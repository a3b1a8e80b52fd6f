"""French working days, in Europe/Paris: weekends and public holidays (metropolitan France) excluded.

Delays such as "not opened after 2 working days" are counted here. Public holidays come from the
`holidays` package for France without subdivision: the Alsace-Moselle extra days (Good Friday,
26 December) are not taken into account — Vaucluse does not have them. Pentecost Monday is
counted as a holiday (it is one for most services, even if it is also the "journée de solidarité").
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from orientation.clock import PARIS


@lru_cache(maxsize=64)
def _french_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("FR", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _french_holidays(day.year)


def add_working_days(start: datetime, n: int) -> datetime:
    """The moment `n` working days after `start`, at the same Paris wall-clock time.

    Counting starts from the next day, whatever `start` is (a message sent on a Saturday is
    "2 working days old" on Tuesday at the same time). The result keeps the timezone of `start`
    and is DST-safe: 9:00 in Paris stays 9:00 across the change of hour.
    """
    if start.tzinfo is None:
        raise ValueError("add_working_days needs a timezone-aware datetime")
    if n < 0:
        raise ValueError("n must be >= 0")
    local = start.astimezone(PARIS)
    day = local.date()
    remaining = n
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    result = datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=PARIS)
    return result.astimezone(start.tzinfo)


def working_days_between(a: datetime, b: datetime) -> int:
    """How many working days have fully elapsed from `a` to `b` (Paris days; negative if b < a).

    The inverse of `add_working_days`: `working_days_between(t, add_working_days(t, n)) == n`.
    A working day counts once the Paris wall-clock time of `a` has been reached on it.
    """
    if a.tzinfo is None or b.tzinfo is None:
        raise ValueError("working_days_between needs timezone-aware datetimes")
    if b < a:
        return -working_days_between(b, a)
    local_a, local_b = a.astimezone(PARIS), b.astimezone(PARIS)
    count = 0
    day = local_a.date() + timedelta(days=1)
    while day <= local_b.date():
        if is_working_day(day) and (day < local_b.date() or local_b.time() >= local_a.time()):
            count += 1
        day += timedelta(days=1)
    return count
