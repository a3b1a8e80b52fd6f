"""Jinja filters: dates in French, in Europe/Paris."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from orientation.clock import PARIS

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def date_fr(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(PARIS).date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def datetime_fr(value: datetime | None) -> str:
    if value is None:
        return "—"
    local = value.astimezone(PARIS)
    return f"{date_fr(local)} à {local:%H:%M}"


def register_filters(app: Flask) -> None:
    app.add_template_filter(date_fr)
    app.add_template_filter(datetime_fr)
