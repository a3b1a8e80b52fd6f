"""Builders for the CPAM area: a CPAM with a MAS team, a détecteur's structure, a person, a saisine."""

from __future__ import annotations

from dataclasses import dataclass

from orientation.cpam import operations
from orientation.cpam.models import MasCase, MasTeam
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.organisations.models import MembershipRole, Organisation, OrganisationType
from orientation.people.models import ContactPreference
from tests import builders
from tests.referrals import builders as rb


def mas_team(cpam: Organisation, *, zones=("84",), name: str = "MAS — Vaucluse") -> MasTeam:
    service = rb.receiving_service(cpam, Volet.SANTE, name=f"Mission d'Accompagnement en Santé ({name})")
    if tuple(zones) != ("84",):
        from orientation.directory.importers import set_links
        from orientation.directory.models import ServiceZone

        set_links(service, "zone_links", ServiceZone, "code", list(zones))
    team = MasTeam(name=name, organisation_id=cpam.id, service_id=service.id)
    db.session.add(team)
    db.session.flush()
    return team


@dataclass
class CpamWorld:
    cpam: Organisation
    team: MasTeam
    conseiller: object
    cpam_manager: object
    detector_org: Organisation
    detector: object
    detector_manager: object
    other_org: Organisation
    other_detector: object
    coordinator: object
    person: object

    def saisine(self, person=None, *, by=None, organisation=None, **overrides) -> MasCase:
        values = {
            "consent_given": True,
            "consent_method": "oral",
            "care_kinds": ["dentaire"],
            "reasons": ["reste_a_charge"],
            "urgency": "normal",
            "call_slots": ["morning"],
            "call_channel": "phone",
            "message": "Appeler le matin.",
        }
        values.update(overrides)
        organisation = organisation or self.detector_org
        return operations.file_saisine(
            user=by or self.detector,
            organisation_id=organisation.id,
            person=person if person is not None else self.person,
            person_fields=None,
            **values,
        )


def world() -> CpamWorld:
    cpam = builders.organisation("CPAM de test", type=OrganisationType.CPAM)
    team = mas_team(cpam)
    conseiller = rb.member(cpam, first_name="Julien", last_name="Faure")
    cpam_manager = rb.member(cpam, MembershipRole.MANAGER)
    detector_org = builders.organisation("CCAS de test", type=OrganisationType.CCAS, commune_code="84035")
    detector = rb.member(detector_org, first_name="Sophie", last_name="Martin")
    detector_manager = rb.member(detector_org, MembershipRole.MANAGER)
    other_org = builders.organisation("France Services de test", type=OrganisationType.FRANCE_SERVICES)
    other_detector = rb.member(other_org)
    departement = builders.organisation("Département de test", type=OrganisationType.DEPARTEMENT)
    coordinator = rb.member(departement, MembershipRole.MANAGER, coordinator=True)
    person = rb.person(
        detector_org,
        user=detector,
        consent=False,
        first_name="Rosa",
        last_name="Pereira",
        commune_code="84035",
        contact_preference=ContactPreference.PHONE,
    )
    return CpamWorld(
        cpam,
        team,
        conseiller,
        cpam_manager,
        detector_org,
        detector,
        detector_manager,
        other_org,
        other_detector,
        coordinator,
        person,
    )
