"""What an orientation closes with, in its volet's own words (beside « besoin satisfait / non satisfait »).

- numérique: the autonomy reached, the kind(s) of support given and what was worked on — the
  vocabulary of the Coop de la médiation numérique's CRA (compte rendu d'activité), copied in
  `data/cra-enumerations.json` (codes and French labels as published, so that figures match the
  Coop's and France Numérique Ensemble's);
- mobilité: the solution(s) found (our closed list below, after data·inclusion's `mobilite--*`
  thématiques and the usual answers of the plateformes de mobilité);
- santé: médecin traitant trouvé, droits ouverts, soins réalisés (the Schéma's health outcomes).

Every item is optional (the receiver may not know). Rows are written by `referrals.lifecycle` with the
completion event (`record()`), and only there; `check()` refuses an item of another volet in French.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from orientation.db import enum_type
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.personal_data import PersonalData, keep
from orientation.statemachine import InvalidTransition

DATA = Path(__file__).parent / "data" / "cra-enumerations.json"


@cache
def cra(name: str) -> dict[str, str]:
    """code → French label of one of the Coop's CRA enumerations."""
    with open(DATA, encoding="utf-8") as handle:
        return dict(json.load(handle)[name])


class Mobility(enum.StrEnum):
    """The mobility solution found (several may be)."""

    PERMIS = "permis"
    VEHICULE = "vehicule"
    LOCATION_SOLIDAIRE = "location_solidaire"
    TRANSPORT_SOLIDAIRE = "transport_solidaire"
    COVOITURAGE = "covoiturage"
    TRANSPORTS_EN_COMMUN = "transports_en_commun"
    DEUX_ROUES = "deux_roues"
    AIDE_FINANCIERE = "aide_financiere"
    CONSEIL_MOBILITE = "conseil_mobilite"
    AUTRE = "autre"


MOBILITY_LABELS = {
    Mobility.PERMIS: "Permis de conduire (préparation, financement)",
    Mobility.VEHICULE: "Véhicule (achat, réparation, entretien)",
    Mobility.LOCATION_SOLIDAIRE: "Location solidaire de véhicule",
    Mobility.TRANSPORT_SOLIDAIRE: "Transport solidaire ou à la demande",
    Mobility.COVOITURAGE: "Covoiturage",
    Mobility.TRANSPORTS_EN_COMMUN: "Transports en commun (abonnement, tarif solidaire)",
    Mobility.DEUX_ROUES: "Vélo ou deux-roues",
    Mobility.AIDE_FINANCIERE: "Aide financière à la mobilité",
    Mobility.CONSEIL_MOBILITE: "Bilan ou conseil en mobilité",
    Mobility.AUTRE: "Autre solution",
}


class Health(enum.StrEnum):
    MEDECIN_TRAITANT = "medecin_traitant"
    DROITS_OUVERTS = "droits_ouverts"
    SOINS_REALISES = "soins_realises"


HEALTH_LABELS = {
    Health.MEDECIN_TRAITANT: "Médecin traitant trouvé",
    Health.DROITS_OUVERTS: "Droits ouverts",
    Health.SOINS_REALISES: "Soins réalisés",
}


class DetailKind(enum.StrEnum):
    """One question of the completion form; its answers are codes of `choices()`."""

    AUTONOMY = "autonomy"
    SUPPORT = "support"
    THEMATIQUE = "thematique"
    MOBILITY = "mobility"
    HEALTH = "health"

    @property
    def spec(self) -> KindSpec:
        return KIND_SPECS[self]

    @property
    def volet(self) -> Volet:
        return self.spec.volet

    @property
    def legend(self) -> str:
        return self.spec.legend

    @property
    def multiple(self) -> bool:
        return self.spec.multiple

    @property
    def field_name(self) -> str:
        """The name of its input in the completion form (the same for a member and a receiver by link)."""
        return f"detail_{self.value}"

    def choices(self) -> dict[str, str]:
        return self.spec.choices()

    def label_of(self, code: str) -> str:
        return self.choices().get(code, code)


@dataclass(frozen=True)
class KindSpec:
    volet: Volet
    legend: str  # the question, and the words of the history (« Autonomie atteinte : Autonome »)
    multiple: bool
    choices: object  # () -> {code: label}
    hint: str = ""


KIND_SPECS = {
    DetailKind.AUTONOMY: KindSpec(
        Volet.NUMERIQUE,
        "Autonomie atteinte",
        False,
        lambda: cra("autonomie"),
        "Le niveau d'autonomie de la personne à la fin de l'accompagnement (vocabulaire du CRA de la Coop).",
    ),
    DetailKind.SUPPORT: KindSpec(
        Volet.NUMERIQUE, "Type d'accompagnement", True, lambda: cra("typeActivite"), "Une ou plusieurs réponses."
    ),
    DetailKind.THEMATIQUE: KindSpec(
        Volet.NUMERIQUE,
        "Thématiques de l'accompagnement",
        True,
        lambda: cra("thematique_non_administrative"),
        "Ce qui a été travaillé avec la personne.",
    ),
    DetailKind.MOBILITY: KindSpec(
        Volet.MOBILITE,
        "Solution de mobilité trouvée",
        True,
        lambda: {code.value: label for code, label in MOBILITY_LABELS.items()},
        "Une ou plusieurs réponses.",
    ),
    DetailKind.HEALTH: KindSpec(
        Volet.SANTE,
        "Résultat en santé",
        True,
        lambda: {code.value: label for code, label in HEALTH_LABELS.items()},
        "Une ou plusieurs réponses.",
    ),
}
KIND_ORDER = {kind: number for number, kind in enumerate(DetailKind)}


def kinds_of(volet: Volet | None) -> list[DetailKind]:
    return [kind for kind in DetailKind if kind.volet is volet]


def allowed_pairs() -> list[str]:
    """ "kind:code" of every answer (the table's CHECK constraint)."""
    return [f"{kind.value}:{code}" for kind in DetailKind for code in kind.choices()]


class OrientationOutcomeDetail(db.Model):
    """One answer given when completing an orientation (written with its completion event, never changed)."""

    __tablename__ = "orientation_outcome_details"
    __table_args__ = (
        sa.UniqueConstraint("orientation_id", "kind", "code", name="uq_orientation_outcome_details_answer"),
        sa.CheckConstraint(
            "kind || ':' || code IN (" + ", ".join(f"'{pair}'" for pair in allowed_pairs()) + ")",
            name="known_answer",
        ),
        sa.Index("ix_orientation_outcome_details_orientation", "orientation_id"),
    )
    __personal_data__ = PersonalData(parent="orientation_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    orientation_id: Mapped[int] = mapped_column(sa.ForeignKey("orientations.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("orientation_events.id", ondelete="CASCADE"))
    kind: Mapped[DetailKind] = mapped_column(enum_type(DetailKind, "outcome_detail_kind"), info=keep())
    code: Mapped[str] = mapped_column(sa.String(40), info=keep())

    event = relationship("OrientationEvent")
    orientation = relationship(
        "Orientation",
        backref=backref(
            "outcome_details", viewonly=True, order_by="OrientationOutcomeDetail.id", cascade_backrefs=False
        ),
        viewonly=True,
    )

    @property
    def label(self) -> str:
        return self.kind.label_of(self.code)

    @property
    def order(self) -> tuple:
        return (KIND_ORDER[self.kind], list(self.kind.choices()).index(self.code))


@dataclass(frozen=True)
class Line:
    legend: str
    labels: list[str]

    def __str__(self) -> str:
        return f"{self.legend} : {', '.join(self.labels)}"


def lines(details, event_id: int | None = None) -> list[Line]:
    """The answers in human words, one line per question (of one event when `event_id` is given)."""
    chosen = sorted((d for d in details if event_id is None or d.event_id == event_id), key=lambda d: d.order)
    grouped: dict[DetailKind, list[str]] = {}
    for detail in chosen:
        grouped.setdefault(detail.kind, []).append(detail.label)
    return [Line(kind.legend, labels) for kind, labels in grouped.items()]


def posted(form_data) -> dict[str, list[str]]:
    """The answers of a posted completion form (a MultiDict): {kind: [codes]}, empty ones left out."""
    found = {}
    for kind in DetailKind:
        values = [value for value in form_data.getlist(kind.field_name) if value]
        if values:
            found[kind.value] = values
    return found


def check(volet: Volet, answers: dict | None, *, completing: bool) -> list[tuple[DetailKind, str]]:
    """The answers as (kind, code), refused with a French message when they do not fit."""
    answers = {key: value for key, value in (answers or {}).items() if value}
    if not answers:
        return []
    if not completing:
        raise InvalidTransition(
            "Le détail du résultat ne s'indique qu'en terminant l'orientation.",
            "Outcome details are only given when completing the orientation.",
            code="outcome_details_unexpected",
        )
    checked: list[tuple[DetailKind, str]] = []
    for key, values in answers.items():
        values = [values] if isinstance(values, str) else list(values)
        try:
            kind = DetailKind(key)
        except ValueError:
            raise InvalidTransition(
                "Ce détail du résultat n'existe pas.",
                f"Unknown outcome detail '{key}'.",
                code="outcome_details_invalid",
            ) from None
        if kind.volet is not volet:
            raise InvalidTransition(
                f"« {kind.legend} » ne s'indique que pour le volet {kind.volet.label.lower()} : cette orientation "
                f"est du volet {volet.label.lower()}.",
                f"'{kind.value}' belongs to the volet '{kind.volet.value}', not '{volet.value}'.",
                code="outcome_details_wrong_volet",
            )
        unknown = [value for value in values if value not in kind.choices()]
        if unknown:
            raise InvalidTransition(
                f"« {unknown[0]} » n'est pas une réponse possible pour « {kind.legend} » : choisissez dans la liste.",
                f"Unknown value for '{kind.value}': {', '.join(kind.choices())}.",
                code="outcome_details_invalid",
            )
        values = list(dict.fromkeys(values))
        if not kind.multiple and len(values) > 1:
            raise InvalidTransition(
                f"Une seule réponse pour « {kind.legend} ».",
                f"Only one value for '{kind.value}'.",
                code="outcome_details_invalid",
            )
        checked += [(kind, value) for value in values]
    return checked


def record(orientation_id: int, event, answers: list[tuple[DetailKind, str]]) -> None:
    """Called by the lifecycle with the completion event (flushes with it)."""
    for kind, code in answers:
        db.session.add(OrientationOutcomeDetail(orientation_id=orientation_id, event=event, kind=kind, code=code))
