"""OSM `opening_hours` (the format data·inclusion asks for), read in Europe/Paris time."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
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


# The subset of the format data·inclusion files use, read into a week that the edit form and the
# French rendering share: day selectors (Mo-Fr, Mo,We, Sa), time ranges (08:30-12:00,13:30-17:00),
# off/closed, 24/7 and public holidays (PH off, PH 09:00-12:00). Anything else (months, weeks,
# comments, fallback rules) is "not recognised": shown as written, never guessed at.

DAY_CODES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
NBSP = "\u00a0"
_SELECTOR_ITEM = r"(?:mo|tu|we|th|fr|sa|su)(?:\s*-\s*(?:mo|tu|we|th|fr|sa|su))?|ph"
_RULE = re.compile(rf"^(?P<selector>(?:{_SELECTOR_ITEM})(?:\s*,\s*(?:{_SELECTOR_ITEM}))*)?\s*(?P<times>.*)$", re.I)
_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
# « Mo 09:00-12:00, We 14:00-18:00 »: a comma after a time or off/closed (no day code ends in d or f)
_ADDITIONAL_RULE = re.compile(r"(?<=[0-9dDfF]),\s*(?=(?:mo|tu|we|th|fr|sa|su|ph)\b)", re.I)

Range = tuple[str, str]  # ("08:30", "12:00")


class Holidays(enum.StrEnum):
    NOT_SAID = "not-said"  # no PH rule: public holidays follow the days' hours
    CLOSED = "closed"  # PH off
    OWN_HOURS = "own-hours"  # PH 09:00-12:00


@dataclass(frozen=True)
class Week:
    """Opening ranges per day (Monday first; no range: closed) and public holidays."""

    days: tuple[tuple[Range, ...], ...] = ((),) * 7
    holidays: Holidays = Holidays.NOT_SAID
    holiday_ranges: tuple[Range, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not any(self.days) and self.holidays is Holidays.NOT_SAID


def _time(hour: str, minute: str) -> str | None:
    h, m = int(hour), int(minute)
    if h > 24 or m > 59 or (h == 24 and m):
        return None
    return f"{h:02d}:{m:02d}"


def _ranges(text: str) -> tuple[Range, ...] | None:
    ranges = []
    for part in text.split(","):
        match = _RANGE.match(part.strip())
        if not match:
            return None
        start, end = _time(*match.group(1, 2)), _time(*match.group(3, 4))
        if start is None or end is None or (start >= end and end != "00:00"):
            return None
        ranges.append((start, "24:00" if end == "00:00" else end))
    return tuple(ranges)


def _selected_days(selector: str) -> tuple[set[int], bool] | None:
    """(weekdays, includes PH) of « Mo-Fr,Sa,PH »; a range may wrap (« Fr-Mo »)."""
    days: set[int] = set()
    holidays = False
    for item in selector.replace(" ", "").split(","):
        if item.lower() == "ph":
            holidays = True
            continue
        bounds = [DAY_CODES.index(code.capitalize()) for code in item.split("-")]
        first, last = bounds[0], bounds[-1]
        days.update((first + offset) % 7 for offset in range((last - first) % 7 + 1))
    return days, holidays


def parse(expression: str | None) -> Week | None:
    """The week an expression describes, or None when it is empty or outside the subset above."""
    text = (expression or "").strip()
    if not text or "||" in text or '"' in text:
        return None
    if text == "24/7":
        return Week(days=((("00:00", "24:00"),),) * 7)
    days: list[tuple[Range, ...]] = [()] * 7
    holidays, holiday_ranges = Holidays.NOT_SAID, ()
    for rule in (part.strip() for chunk in text.split(";") for part in _ADDITIONAL_RULE.split(chunk)):
        if not rule:
            continue
        match = _RULE.match(rule)
        selector, times = match.group("selector"), match.group("times").strip()
        if not times:
            return None
        ranges = () if times.lower() in ("off", "closed") else _ranges(times)
        if ranges is None:
            return None
        weekdays, with_holidays = _selected_days(selector) if selector else (set(range(7)), False)
        for day in weekdays:
            days[day] = ranges
        if with_holidays:
            holidays = Holidays.OWN_HOURS if ranges else Holidays.CLOSED
            holiday_ranges = ranges
    return Week(tuple(days), holidays, holiday_ranges)


def _runs(days: list[int]) -> list[list[int]]:
    """Consecutive runs of sorted weekdays: [0, 1, 2, 4] → [[0, 1, 2], [4]]."""
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _groups(week: Week) -> list[tuple[list[int], tuple[Range, ...]]]:
    """Open days grouped by identical ranges, in the order of their first day."""
    groups: dict[tuple[Range, ...], list[int]] = {}
    for day, ranges in enumerate(week.days):
        if ranges:
            groups.setdefault(ranges, []).append(day)
    return [(days, ranges) for ranges, days in groups.items()]


def to_osm(week: Week) -> str | None:
    """The data·inclusion expression of a week (« Mo-Fr 08:30-12:00,13:30-17:00; PH off »)."""
    rules = []
    for days, ranges in _groups(week):
        selector = ",".join(
            f"{DAY_CODES[run[0]]}-{DAY_CODES[run[-1]]}" if len(run) > 2 else ",".join(DAY_CODES[d] for d in run)
            for run in _runs(days)
        )
        rules.append(f"{selector} {','.join(f'{start}-{end}' for start, end in ranges)}")
    if week.holidays is Holidays.CLOSED:
        rules.append("PH off")
    elif week.holidays is Holidays.OWN_HOURS:
        rules.append(f"PH {','.join(f'{start}-{end}' for start, end in week.holiday_ranges)}")
    return "; ".join(rules) or None


def _french_time(value: str) -> str:
    hour, minute = value.split(":")
    return f"{int(hour)}{NBSP}h" + (f"{NBSP}{minute}" if minute != "00" else "")


def _french_ranges(ranges: tuple[Range, ...]) -> str:
    return ", ".join(f"{_french_time(start)} – {_french_time(end)}" for start, end in ranges)


def _french_days(days: list[int]) -> str:
    """« du lundi au vendredi », « lundi et mardi », « lundi, mercredi et vendredi »."""
    parts = []
    for run in _runs(days):
        if len(run) > 2:
            parts.append(f"du {DAY_NAMES[run[0]]} au {DAY_NAMES[run[-1]]}")
        else:
            parts.extend(DAY_NAMES[day] for day in run)
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} et {parts[-1]}"


def french(expression: str | None) -> str | None:
    """Opening hours in plain French, or None when they cannot be read (show them as written)."""
    week = parse(expression)
    if week is None:
        return None
    if all(ranges == (("00:00", "24:00"),) for ranges in week.days) and week.holidays is Holidays.NOT_SAID:
        return "ouvert 24 h sur 24, 7 jours sur 7"
    parts = [f"{_french_days(days)} : {_french_ranges(ranges)}" for days, ranges in _groups(week)]
    if week.holidays is Holidays.CLOSED:
        parts.append("fermé les jours fériés")
    elif week.holidays is Holidays.OWN_HOURS:
        parts.append(f"jours fériés : {_french_ranges(week.holiday_ranges)}")
    return " ; ".join(parts) or "fermé"
