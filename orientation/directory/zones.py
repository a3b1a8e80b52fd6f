"""Eligibility zones by name: the codes data·inclusion stores (commune INSEE, EPCI SIREN, département,
"france") shown and picked as « Avignon (84000) », « CA du Grand Avignon (COGA) », « Gard (département) »."""

from __future__ import annotations

from orientation.extensions import db
from orientation.territory import communes_fr
from orientation.territory.models import Commune, Epci
from orientation.territory.queries import list_communes, list_epcis

FRANCE = "france"
FRANCE_LABEL = "Toute la France"
UNKNOWN_LABEL = "Zone non reconnue"


def _departement_label(name: str) -> str:
    return f"{name} (département)"


def zone_label(code: str) -> str:
    """The name of a zone, for any screen; never the raw code."""
    code = (code or "").strip()
    if code.lower() in (FRANCE, "99100"):
        return FRANCE_LABEL
    departement = communes_fr.departement_names().get(code.upper())
    if departement:
        return _departement_label(departement)
    if len(code) == 9:
        epci = db.session.get(Epci, code)
        name = epci.name if epci else communes_fr.epci_names().get(code)
        return name or UNKNOWN_LABEL
    commune = db.session.get(Commune, code)
    if commune is not None:
        return commune.label
    name = communes_fr.official_name(code)
    if name:
        departement_code = code[:3] if code.startswith("97") else code[:2]
        return f"{name} ({communes_fr.departement_names().get(departement_code, '')})".replace(" ()", "")
    return UNKNOWN_LABEL


def zone_labels(codes) -> list[str]:
    """Names of a service's zones, France and départements first, then EPCI and communes by name."""
    return sorted((zone_label(code) for code in codes or ()), key=lambda label: (label != FRANCE_LABEL, label))


def zone_options() -> list[tuple[str, str]]:
    """Every zone a manager can pick: France, the départements, the EPCI and communes of the territory."""
    departements = sorted(communes_fr.departement_names().items(), key=lambda item: item[0])
    return (
        [(FRANCE, FRANCE_LABEL)]
        + [(code, _departement_label(name)) for code, name in departements]
        + [(epci.siren, epci.name) for epci in list_epcis()]
        + [(commune.code_insee, commune.label) for commune in list_communes()]
    )


def find_zone(text: str, options: list[tuple[str, str]] | None = None) -> str | list[str] | None:
    """The code of the zone a name designates (« Orange », « orange (84100) », « Vaucluse »).

    A list of labels when the name fits several zones, None when it fits none.
    """
    wanted = communes_fr.name_key(text)
    if not wanted:
        return None
    options = options if options is not None else zone_options()
    exact = [code for code, label in options if communes_fr.name_key(label) == wanted]
    if len(exact) == 1:
        return exact[0]
    by_name = [
        (code, label)
        for code, label in options
        if communes_fr.name_key(label.rsplit(" (", 1)[0]) == wanted or communes_fr.name_key(label).startswith(wanted)
    ]
    if len(by_name) == 1:
        return by_name[0][0]
    return [label for _, label in by_name[:5]] or None
