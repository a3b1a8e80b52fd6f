"""National labels and networks of structures (France Services, Conseiller numérique, Aidants Connect…):
their French names, and the ones the directory actually holds (the search form's choices).

A structure keeps them as slugs: `labels_nationaux` (data·inclusion v0, the médiation standard's
`dispositif_programmes_nationaux`) and `reseaux_porteurs` (data·inclusion v1). Agents never see a slug:
the name comes from the v1 réseaux porteurs, else the v0 labels, else the slug made readable.
"""

from __future__ import annotations

import json
from functools import cache

import sqlalchemy as sa

from orientation import french
from orientation.directory.models import Structure
from orientation.directory.thematiques import DATA_DIR
from orientation.extensions import db

# The upstream files name a few labels oddly (v0 calls « grandes-ecoles-du-numerique » « Grand Test
# Couveuse d'entreprise », v1 writes every word with a capital): the labels agents meet most, named here.
NAMES = {
    "france-service": "France Services",
    "france-services": "France Services",
    "conseiller-numerique": "Conseiller numérique",
    "conseillers-numeriques": "Conseiller numérique",
    "aidants-connect": "Aidants Connect",
    "grandes-ecoles-du-numerique": "Grande École du numérique",
    "emmaus": "Emmaüs Connect",
    "croix-rouge": "Croix-Rouge",
    "espaces-publics-numeriques": "Espaces publics numériques",
    "msap": "Maisons de services au public",
    "ccas-cias": "CCAS / CIAS",
    "pimms-mediation": "PIMMS Médiation",
}


@cache
def _upstream_names() -> dict[str, str]:
    names = {}
    for filename in ("labels-nationaux.json", "reseaux-porteurs.json"):  # v1 last: its names win
        with open(DATA_DIR / filename, encoding="utf-8") as handle:
            names.update({item["value"]: item["label"] for item in json.load(handle)})
    return names


def label_name(slug: str) -> str:
    """« france-service » → « France Services »; an unknown slug made readable, never shown raw."""
    known = NAMES.get(slug) or _upstream_names().get(slug)
    if known:
        return known
    words = slug.replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def labels_of(structure: Structure | None) -> list[str]:
    """The slugs of a structure's labels and networks, each once, labels first."""
    if structure is None:
        return []
    slugs = [*(structure.labels_nationaux or ()), *(structure.reseaux_porteurs or ())]
    names_seen, result = set(), []
    for slug in slugs:
        if isinstance(slug, str) and label_name(slug) not in names_seen:  # « conseiller-numerique » and
            names_seen.add(label_name(slug))  # « conseillers-numeriques » are one label
            result.append(slug)
    return result


def same_label(slug: str) -> list[str]:
    """Every slug named like this one (« conseiller-numerique », « conseillers-numeriques »): one filter."""
    name = label_name(slug)
    return sorted({slug} | {other for other in (*NAMES, *_upstream_names()) if label_name(other) == name})


_PRESENT = sa.text(
    "SELECT DISTINCT slug FROM structures, LATERAL ("
    " SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(labels_nationaux) = 'array'"
    "   THEN labels_nationaux ELSE '[]'::jsonb END)"
    " UNION ALL SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(reseaux_porteurs::jsonb) = 'array'"
    "   THEN reseaux_porteurs::jsonb ELSE '[]'::jsonb END)"
    ") AS found(slug)"
    " WHERE withdrawn_at IS NULL AND (labels_nationaux IS NOT NULL OR reseaux_porteurs IS NOT NULL)"
)


def present_label_choices() -> list[tuple[str, str]]:
    """(slug, French name) of the labels the directory's live structures carry, by name: the search filter."""
    by_name: dict[str, str] = {}
    for slug in sorted(db.session.scalars(_PRESENT)):
        by_name.setdefault(label_name(slug), slug)
    return french.sorted_names([(slug, name) for name, slug in by_name.items()], key=lambda item: item[1])
