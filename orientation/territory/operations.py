"""Loading the territory reference tables (idempotent: re-loading updates in place)."""

from __future__ import annotations

import csv
from pathlib import Path

from orientation.extensions import db
from orientation.territory.models import Commune, Epci

DATA_DIR = Path(__file__).parent / "data"


def load_territory(data_dir: Path = DATA_DIR) -> tuple[int, int]:
    """Upsert the EPCI and communes of Vaucluse; returns (epci count, commune count)."""
    with open(data_dir / "vaucluse-epci.csv", encoding="utf-8") as handle:
        epci_rows = list(csv.DictReader(handle))
    for row in epci_rows:
        epci = db.session.get(Epci, row["epci_siren"]) or Epci(siren=row["epci_siren"])
        epci.name, epci.kind = row["nom"], row["type"]
        db.session.add(epci)
    with open(data_dir / "vaucluse-communes.csv", encoding="utf-8") as handle:
        commune_rows = list(csv.DictReader(handle))
    with open(data_dir / "vaucluse-communes-centres.csv", encoding="utf-8") as handle:
        centres = {row["code_insee"]: row for row in csv.DictReader(handle)}
    for row in commune_rows:
        commune = db.session.get(Commune, row["code_insee"]) or Commune(code_insee=row["code_insee"])
        commune.name = row["nom"]
        commune.postal_codes = ",".join(row["codes_postaux"].split())
        commune.population = int(row["population"]) if row["population"] else None
        commune.epci_siren = row["epci_siren"] or None
        centre = centres.get(row["code_insee"])
        if centre:
            commune.latitude, commune.longitude = float(centre["latitude"]), float(centre["longitude"])
            commune.position_is_approximate = False
        db.session.add(commune)
    db.session.flush()
    _place_unlocated_communes()
    return len(epci_rows), len(commune_rows)


def _place_unlocated_communes() -> None:
    """Give communes without a known centre their EPCI's population-weighted centre."""
    communes = list(db.session.scalars(db.select(Commune)))
    located = [c for c in communes if c.latitude is not None and not c.position_is_approximate]
    for commune in communes:
        if commune.latitude is not None and not commune.position_is_approximate:
            continue
        peers = [c for c in located if c.epci_siren == commune.epci_siren] or located
        weights = [max(c.population or 1, 1) for c in peers]
        total = sum(weights)
        commune.latitude = sum(c.latitude * w for c, w in zip(peers, weights, strict=True)) / total
        commune.longitude = sum(c.longitude * w for c, w in zip(peers, weights, strict=True)) / total
        commune.position_is_approximate = True
    db.session.flush()
