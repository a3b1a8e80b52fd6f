"""Working days in Europe/Paris: weekends and French public holidays excluded."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from orientation.notifications.workdays import add_working_days, is_working_day, working_days_between

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Easter Monday 21 April 2025: Friday 18 + 2 working days → Tuesday 22 and Wednesday 23.
        (paris(2025, 4, 18, 10), 2, paris(2025, 4, 23, 10)),
        # 14 July 2025 is a Monday.
        (paris(2025, 7, 11, 9), 1, paris(2025, 7, 15, 9)),
        # 15 August 2025 is a Friday.
        (paris(2025, 8, 14, 9), 1, paris(2025, 8, 18, 9)),
        # 1 November 2024 is a Friday, 11 November a Monday.
        (paris(2024, 10, 31, 9), 1, paris(2024, 11, 4, 9)),
        (paris(2024, 11, 8, 9), 1, paris(2024, 11, 12, 9)),
        # Christmas and New Year: Tuesday 24 Dec 2024 + 2 → Thursday 26, Friday 27; + 5 → Thursday 2 Jan 2025.
        (paris(2024, 12, 24, 9), 2, paris(2024, 12, 27, 9)),
        (paris(2024, 12, 24, 9), 5, paris(2025, 1, 2, 9)),
        # Ascension Thursday 29 May 2025 and Whit Monday 9 June 2025.
        (paris(2025, 5, 28, 9), 1, paris(2025, 5, 30, 9)),
        (paris(2025, 6, 6, 9), 1, paris(2025, 6, 10, 9)),
        # A weekend start counts from Monday.
        (paris(2025, 3, 8, 15), 2, paris(2025, 3, 11, 15)),
        (paris(2025, 3, 3, 9), 0, paris(2025, 3, 3, 9)),
    ],
)
def test_add_working_days_skips_weekends_and_holidays(start, n, expected):
    assert add_working_days(start, n) == expected
    assert working_days_between(start, expected) == n


@pytest.mark.parametrize(
    "day",
    [
        "2025-01-01",
        "2025-04-21",
        "2025-05-01",
        "2025-05-08",
        "2025-05-29",
        "2025-06-09",
        "2025-07-14",
        "2025-08-15",
        "2025-11-01",
        "2025-11-11",
        "2025-12-25",
    ],
)
def test_french_public_holidays_are_not_working_days(day):
    assert not is_working_day(datetime.fromisoformat(day).date())


def test_alsace_moselle_days_are_working_days_in_vaucluse():
    assert is_working_day(datetime(2025, 4, 18).date())  # Good Friday
    assert is_working_day(datetime(2025, 12, 26).date())  # Saint-Étienne


def test_dst_spring_forward_keeps_the_paris_wall_clock_time():
    # 30 March 2025: 2:00 → 3:00 in Paris. Friday 28 March 9:00 (8:00 UTC) + 1 → Monday 9:00 (7:00 UTC).
    start = datetime(2025, 3, 28, 8, 0, tzinfo=UTC)
    result = add_working_days(start, 1)
    assert result == datetime(2025, 3, 31, 7, 0, tzinfo=UTC)
    assert result.tzinfo is UTC
    assert result.astimezone(PARIS).hour == 9


def test_dst_autumn_back_keeps_the_paris_wall_clock_time():
    # 26 October 2025: 3:00 → 2:00. Friday 24 October 9:00 (7:00 UTC) + 1 → Monday 27 9:00 (8:00 UTC).
    assert add_working_days(datetime(2025, 10, 24, 7, 0, tzinfo=UTC), 1) == datetime(2025, 10, 27, 8, 0, tzinfo=UTC)


def test_paris_day_boundary_not_utc():
    # 23:30 UTC on Friday 11 July is already Saturday 12 July in Paris: next working day is Tuesday 15.
    start = datetime(2025, 7, 11, 23, 30, tzinfo=UTC)
    assert add_working_days(start, 1).astimezone(PARIS).date().isoformat() == "2025-07-15"


def test_working_days_between_counts_only_elapsed_days():
    monday = paris(2025, 3, 3, 9)
    assert working_days_between(monday, monday + timedelta(days=1, hours=-1)) == 0
    assert working_days_between(monday, monday + timedelta(days=1)) == 1
    assert working_days_between(monday, paris(2025, 3, 10, 9)) == 5
    assert working_days_between(paris(2025, 3, 10, 9), monday) == -5
    # From Friday before Easter to the Tuesday after: only the Tuesday counts.
    assert working_days_between(paris(2025, 4, 18, 17), paris(2025, 4, 22, 17)) == 1


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        add_working_days(datetime(2025, 1, 1), 1)
