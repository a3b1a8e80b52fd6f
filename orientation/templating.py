"""Jinja filters: French formatting of dates, numbers, distances and durations, elision and collation.

The words themselves live in `orientation.french`; this module only names them for the templates.
"""

from __future__ import annotations

from flask import Flask, request, url_for

from orientation import french
from orientation.french import MONTHS, date_fr, datetime_fr  # noqa: F401 (kept names)


def sort_fr(items, attribute: str | None = None):
    """`{{ communes|sort_fr('name') }}`: a list sorted by the French collation of an attribute."""

    def key(item):
        value = item
        for part in (attribute or "").split("."):
            if part:
                value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
        return str(value or "")

    return french.sorted_names(items, key=key)


FILTERS = {
    "date_fr": french.date_fr,
    "datetime_fr": french.datetime_fr,
    "day_month": french.day_month,
    "month_name": french.month_name,
    "month_abbreviation": french.month_abbreviation,
    "number": french.number,
    "distance": french.distance,
    "days": french.days,
    "percent": french.percent,
    "de": french.de,
    "au": french.au,
    "que": french.que,
    "le": french.le,
    "sort_fr": sort_fr,
}


def list_page_url(number: int) -> str:
    """This list's address at page `number`, its search and filters kept (the pagination's links)."""
    arguments = {**(request.view_args or {}), **request.args.to_dict(), "page": number}
    return url_for(request.endpoint, **arguments)


def register_filters(app: Flask) -> None:
    for name, function in FILTERS.items():
        app.add_template_filter(function, name)
    app.add_template_global(list_page_url, "list_page_url")
