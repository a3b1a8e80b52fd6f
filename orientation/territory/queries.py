"""Reads on the territory tables."""

from __future__ import annotations

import json

from orientation import french
from orientation.extensions import db
from orientation.territory.models import Commune, Epci


def list_communes() -> list[Commune]:
    return list(db.session.scalars(db.select(Commune).order_by(*french.by_name(Commune.name))))


def list_epcis() -> list[Epci]:
    return list(db.session.scalars(db.select(Epci).order_by(*french.by_name(Epci.name))))


def commune_choices(blank_label: str = "— Choisir une commune —") -> list[tuple[str, str]]:
    return [("", blank_label)] + [(c.code_insee, c.label) for c in list_communes()]


def offer_communes(field, blank_label: str = "— Choisir une commune —") -> None:
    """A commune select, with what js/commune-combobox.js needs to make it a searchable combobox
    (every postcode of each commune: the option shows only the first)."""
    communes = list_communes()
    field.choices = [("", blank_label)] + [(c.code_insee, c.label) for c in communes]
    field.render_kw = {
        **(field.render_kw or {}),
        "data-combobox": "commune",
        "data-postcodes": json.dumps({c.code_insee: c.postal_codes for c in communes}, separators=(",", ":")),
    }
