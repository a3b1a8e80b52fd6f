"""The practitioners step of a MAS case: places of care of the directory's santé volet, those matching
the care the person gives up first, nearest to the person's commune first (the directory's search).

data·inclusion has no thématique per speciality (one « Santé — Accès aux soins » for a dental centre
and a maison de santé): the care given up is matched on the words of the service's name and
description, on the search's full-text index.
"""

from __future__ import annotations

from dataclasses import dataclass

from orientation.cpam.models import CareKind, MasCase
from orientation.directory import queries as directory_queries
from orientation.directory.models import Service
from orientation.directory.queries import MAX_PER_PAGE, SearchParams
from orientation.directory.thematiques import Volet

# Any of these words in a service's name or description: it offers that care.
CARE_WORDS: dict[CareKind, tuple[str, ...]] = {
    CareKind.DENTAIRE: ("dentaire", "dentiste", "dentistes", "orthodontie", "orthodontiste", "stomatologie"),
    CareKind.OPTIQUE: ("optique", "opticien", "lunettes", "ophtalmologie", "ophtalmologue", "orthoptiste"),
    CareKind.AUDITION: ("audition", "auditif", "auditive", "audioprothésiste", "ORL", "surdité"),
    CareKind.SPECIALISTE: (
        "spécialiste",
        "spécialistes",
        "ophtalmologue",
        "cardiologue",
        "dermatologue",
        "gynécologue",
        "pédiatre",
        "psychiatre",
    ),
    CareKind.GENERALISTE: ("généraliste", "médecine", "traitant"),
    CareKind.SOINS_COURANTS: ("soins", "infirmier", "infirmière", "consultations", "premier recours"),
}
SHOWN = MAX_PER_PAGE  # the nearest ones; the directory's search finds the others


@dataclass
class Practitioner:
    service: Service
    distance_km: float | None
    outside_list: bool = False  # proposed before, not in this list: kept so that saving does not drop it


@dataclass
class PractitionerList:
    items: list[Practitioner]
    total: int  # every place that matches, of which the nearest SHOWN are listed
    matching_care: bool  # filtered on the care given up (else every place of care)
    care: list[CareKind]  # the care there is something to match on (empty: every place is shown)
    origin_known: bool  # the person's commune has a centre: distances are shown

    @property
    def more(self) -> bool:
        return self.total > SHOWN


def care_words(care: list[CareKind]) -> tuple[str, ...]:
    return tuple(word for kind in care for word in CARE_WORDS.get(kind, ()))


def practitioner_list(case: MasCase, *, every_place: bool = False) -> PractitionerList:
    """Places of care for the case, nearest first; the ones already proposed are always in the list."""
    care = [kind for kind in case.care_kinds if kind in CARE_WORDS]
    matching = bool(care) and not every_place
    result = directory_queries.search_services(
        SearchParams(
            volet=Volet.SANTE,
            any_words=care_words(care) if matching else (),
            near_commune_code=case.person.commune_code or case.commune_code,
            nearest_first=True,
            per_page=SHOWN,
        )
    )
    # The MAS itself is a santé service of the directory, not a place of care.
    mas = case.team.service_id
    items = [Practitioner(hit.service, hit.distance_km) for hit in result.items if hit.service.id != mas]
    listed = {item.service.id for item in items}
    missing = [int(i) for i in case.practitioner_service_ids or () if int(i) not in listed]
    items += [Practitioner(s, None, outside_list=True) for s in directory_queries.list_services_with_reach(missing)]
    return PractitionerList(items, result.total, matching, care, result.origin is not None)


def choices_for_saving(case: MasCase) -> list[tuple[str, str]]:
    """What the form accepts: any place of care of the santé volet (the list shown is a view of it), and
    those already proposed."""
    ids = set(directory_queries.list_service_ids_of_volet(Volet.SANTE))
    ids |= {int(i) for i in case.practitioner_service_ids or ()}
    return [(str(service_id), "") for service_id in sorted(ids)]
