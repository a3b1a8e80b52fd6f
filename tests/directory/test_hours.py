"""Opening hours: the data·inclusion subset read into a week, written back, and said in plain French."""

from __future__ import annotations

import pytest

from orientation.directory import hours

NBSP = "\u00a0"


def _french(expression):
    text = hours.french(expression)
    return text.replace(NBSP, " ") if text else text


@pytest.mark.parametrize(
    ("expression", "french"),
    [
        (
            "Mo-Fr 08:30-12:00,13:30-17:00; PH off",
            "du lundi au vendredi : 8 h 30 – 12 h, 13 h 30 – 17 h ; fermé les jours fériés",
        ),
        (
            "Mo-Fr 08:30-12:00, 13:30-17:00; Sa 09:00-12:00",
            "du lundi au vendredi : 8 h 30 – 12 h, 13 h 30 – 17 h ; samedi : 9 h – 12 h",
        ),
        ("Mo,We,Fr 09:00-12:00; Tu 14:00-17:00", "lundi, mercredi et vendredi : 9 h – 12 h ; mardi : 14 h – 17 h"),
        ("Mo 9:00-12:00, We 14:00-18:00", "lundi : 9 h – 12 h ; mercredi : 14 h – 18 h"),
        ("Mo,Tu 10:00-12:00", "lundi et mardi : 10 h – 12 h"),
        ("Mo-We,Fr 08:00-12:00", "du lundi au mercredi et vendredi : 8 h – 12 h"),
        ("Mo-Fr 09:00-18:00; We off", "lundi, mardi, jeudi et vendredi : 9 h – 18 h"),  # a later rule wins
        ("mo-fr 08:00-12:00", "du lundi au vendredi : 8 h – 12 h"),
        ("Mo-Fr,PH 08:00-12:00", "du lundi au vendredi : 8 h – 12 h ; jours fériés : 8 h – 12 h"),
        ("Sa 20:00-24:00", "samedi : 20 h – 24 h"),
        ("24/7", "ouvert 24 h sur 24, 7 jours sur 7"),
        ("PH off", "fermé les jours fériés"),
        ("Mo-Fr off", "fermé"),
    ],
)
def test_the_subset_data_inclusion_uses_is_said_in_french(expression, french):
    assert _french(expression) == french


@pytest.mark.parametrize(
    "expression",
    [
        "",
        "   ",
        None,
        "tous les jours",
        "du lundi au vendredi 9h-12h",
        "Jan-Jun Mo-Fr 09:00-12:00",  # months
        'Mo-Fr 09:00-12:00 "sur rendez-vous"',  # comments
        "Mo-Fr 09:00-12:00 || PH off",  # fallback rules
        "Mo-Fr",  # days without hours
        "Mo-Fr 12:00-09:00",
        "Mo-Fr 25:00-26:00",
        "Mo-Fr 09:00-12:00; Xy 10:00-11:00",
    ],
)
def test_what_is_outside_the_subset_is_not_guessed_at(expression):
    assert hours.parse(expression) is None and hours.french(expression) is None


@pytest.mark.parametrize(
    "expression",
    [
        "Mo-Fr 08:30-12:00,13:30-17:00; PH off",
        "Mo,We,Fr 09:00-12:00; Tu 14:00-17:00; Sa 09:00-12:00",
        "Mo-Su 10:00-20:00",
        "Fr-Mo 10:00-20:00",
        "PH off",
    ],
)
def test_a_week_is_written_back_as_a_valid_expression_that_reads_the_same(expression):
    week = hours.parse(expression)
    written = hours.to_osm(week)
    assert hours.is_valid(written)  # the opening_hours library accepts it (and the search's « ouvert »)
    assert hours.parse(written) == week


def test_an_empty_week_writes_nothing_and_days_are_grouped_in_the_expression():
    assert hours.to_osm(hours.Week()) is None
    week = hours.Week(days=((("08:30", "12:00"),),) * 5 + ((("09:00", "12:00"),), ()), holidays=hours.Holidays.CLOSED)
    assert hours.to_osm(week) == "Mo-Fr 08:30-12:00; Sa 09:00-12:00; PH off"
