"""Reads on the territory tables."""

from __future__ import annotations

from orientation import french
from orientation.extensions import db
from orientation.territory.models import Commune, Epci


def list_communes() -> list[Commune]:
    return list(db.session.scalars(db.select(Commune).order_by(*french.by_name(Commune.name))))


def list_epcis() -> list[Epci]:
    return list(db.session.scalars(db.select(Epci).order_by(*french.by_name(Epci.name))))


def commune_choices(blank_label: str = "— Choisir une commune —") -> list[tuple[str, str]]:
    return [("", blank_label)] + [(c.code_insee, c.label) for c in list_communes()]
