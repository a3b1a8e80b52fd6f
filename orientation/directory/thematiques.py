"""data·inclusion v1 enumerations and the one mapping from thématiques to our three volets.

The JSON files are copies of `data-inclusion-schema/v1/extra/*.json` (see data/README.md): the app
never reads the shared reference folder at run time.
"""

from __future__ import annotations

import enum
import json
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


class Volet(enum.StrEnum):
    """The three volets of the Schéma de services au public."""

    NUMERIQUE = "numerique"
    SANTE = "sante"
    MOBILITE = "mobilite"

    @property
    def label(self) -> str:
        return VOLET_LABELS[self]


VOLET_LABELS = {Volet.NUMERIQUE: "Numérique", Volet.SANTE: "Santé", Volet.MOBILITE: "Mobilité"}

# data·inclusion thématique group (the part before "--") → volet. Only these three groups map.
VOLET_BY_GROUP = {"numerique": Volet.NUMERIQUE, "sante": Volet.SANTE, "mobilite": Volet.MOBILITE}


# Typos of the upstream files, corrected here so that the files stay as published.
LABEL_CORRECTIONS = {"Aide materielle": "Aide matérielle"}


@cache
def enumeration(name: str) -> dict[str, str]:
    """value → label of one data·inclusion v1 enumeration file (e.g. "thematiques", "publics")."""
    with open(DATA_DIR / f"{name}.json", encoding="utf-8") as handle:
        return {item["value"]: LABEL_CORRECTIONS.get(item["label"], item["label"]) for item in json.load(handle)}


def thematique_labels() -> dict[str, str]:
    return enumeration("thematiques")


def is_known_thematique(code: str) -> bool:
    return code in thematique_labels()


def volet_of(thematique: str) -> Volet | None:
    return VOLET_BY_GROUP.get(thematique.split("--", 1)[0])


def thematiques_of_volet(volet: Volet) -> list[str]:
    return [code for code in thematique_labels() if volet_of(code) is volet]


def volets_of(thematiques) -> set[Volet]:
    return {volet for volet in map(volet_of, thematiques or ()) if volet is not None}


def thematique_label(code: str) -> str:
    """ "Numérique — Accéder à des services en ligne"; unknown codes are shown as they are."""
    label = thematique_labels().get(code)
    if label is None:
        return code
    volet = volet_of(code)
    return f"{volet.label} — {label}" if volet else label


def oriented_thematique_choices() -> list[tuple[str, str]]:
    """The thématiques of our three volets first (what agents look for), then all others."""
    ours = [(code, thematique_label(code)) for code in thematique_labels() if volet_of(code) is not None]
    others = [(code, thematique_label(code)) for code in thematique_labels() if volet_of(code) is None]
    return ours + others
