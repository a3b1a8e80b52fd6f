"""Builders for people and orientations: a sender, a receiver, a person with consent and a need."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from orientation.auth.models import User
from orientation.auth.passwords import hash_password
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.organisations.models import MembershipRole, Organisation, OrganisationType
from orientation.people import operations as people_operations
from orientation.people.catalogue import NeedCode
from orientation.people.models import ConsentMethod, ContactPreference, Person
from orientation.referrals import lifecycle, operations
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.lifecycle import Outcome, Reason
from orientation.referrals.models import Appointment, AppointmentChannel, Orientation, SharedField
from tests import builders
from tests.directory import builders as directory_builders

THEMATIQUE = {
    Volet.NUMERIQUE: "numerique--acceder-a-des-services-en-ligne",
    Volet.SANTE: "sante--acces-aux-soins",
    Volet.MOBILITE: "mobilite--acceder-a-un-vehicule",
}
NEED = {
    Volet.NUMERIQUE: NeedCode.NUMERIQUE_DEMARCHES,
    Volet.SANTE: NeedCode.SANTE_MEDECIN_TRAITANT,
    Volet.MOBILITE: NeedCode.MOBILITE_VEHICULE,
}

# The path from draft to each status: (to, needs actor side) steps.
PATHS = {
    S.DRAFT: [],
    S.SENT: [S.SENT],
    S.RECEIVED: [S.SENT, S.RECEIVED],
    S.ACCEPTED: [S.SENT, S.RECEIVED, S.ACCEPTED],
    S.DECLINED: [S.SENT, S.RECEIVED, S.DECLINED],
    S.REDIRECTED: [S.SENT, S.RECEIVED, S.REDIRECTED],
    S.IN_PROGRESS: [S.SENT, S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS],
    S.COMPLETED: [S.SENT, S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED],
    S.ABANDONED: [S.SENT, S.RECEIVED, S.ACCEPTED, S.ABANDONED],
    S.CANCELLED: [S.SENT, S.CANCELLED],
    S.EXPIRED: [S.SENT, S.EXPIRED],
}


_counter = itertools.count(1)


@cache
def _password_hash() -> str:
    return hash_password(builders.PASSWORD)


def member(
    organisation: Organisation,
    role: MembershipRole = MembershipRole.AGENT,
    *,
    first_name: str = "Alex",
    last_name: str = "Test",
    coordinator: bool = False,
) -> User:
    """A user of `organisation` who can log in with builders.PASSWORD (hashed once per run: fast)."""
    user = User(
        email=f"membre{next(_counter)}.{id(organisation)}@test.orientation.fr",
        first_name=first_name,
        last_name=last_name,
        password_hash=_password_hash(),
        is_coordinator=coordinator,
    )
    db.session.add(user)
    db.session.flush()
    builders.membership(user, organisation, role)
    return user


def receiving_service(organisation: Organisation | None = None, volet: Volet = Volet.NUMERIQUE, **fields):
    organisation = organisation or builders.organisation(type=OrganisationType.MEDIATION_NUMERIQUE)
    structure = directory_builders.structure(name=organisation.name, organisation_id=organisation.id)
    fields.setdefault("accepts_orientations", True)
    return directory_builders.service(structure_=structure, thematiques=[THEMATIQUE[volet]], zones=["84"], **fields)


def person(
    organisation: Organisation,
    *,
    consent: bool = True,
    volets=tuple(Volet),
    user=None,
    first_name: str = "Lucie",
    last_name: str = "Durand",
    **fields,
) -> Person:
    user = user or member(organisation)
    fields.setdefault("commune_code", "84007")
    fields.setdefault("phone", "06 12 34 56 78")
    fields.setdefault("contact_preference", ContactPreference.PHONE)
    created = people_operations.save_person(
        None, organisation_id=organisation.id, user=user, first_name=first_name, last_name=last_name, **fields
    )
    if consent:
        people_operations.record_consent(
            created,
            user=user,
            organisation_id=organisation.id,
            method=ConsentMethod.ORAL,
            purpose="Orientation",
            scope=list(volets),
        )
    db.session.refresh(created)
    return created


def need(person_: Person, volet: Volet = Volet.NUMERIQUE, user=None):
    user = user or member(person_.organisation)
    (created,) = people_operations.add_needs(
        person_, user=user, volet=volet, codes=[NEED[volet]], details=[], note="Note du diagnostic"
    )
    db.session.refresh(person_)
    return created


@dataclass
class Scenario:
    sender_org: Organisation
    receiver_org: Organisation
    sender: object
    receiver: object
    outsider: object
    person: Person
    need: object
    service: object

    def orientation(self, status: S = S.SENT, **fields) -> Orientation:
        created = operations.create_orientation(
            self.person,
            service_id=self.service.id,
            user=self.sender,
            organisation_id=self.sender_org.id,
            need_ids=[self.need.id],
            message=fields.pop("message", "Bonjour, merci de recevoir Mme Durand."),
            urgency=fields.pop("urgency", "normal"),
            shared_fields=fields.pop("shared_fields", [SharedField.PHONE.value, SharedField.COMMUNE.value]),
            send=False,
        )
        walk(created, status, self)
        return created

    def appointment(self, starts_at: datetime, *, agreed: bool = True) -> Appointment:
        """A rendez-vous at `starts_at` (aware) on a new accepted orientation, which it puts in progress."""
        orientation = self.orientation(S.ACCEPTED)
        return operations.add_appointment(
            orientation,
            user=self.receiver,
            starts_at=starts_at,
            channel=AppointmentChannel.IN_PERSON,
            place="12 rue de la République",
            reminder_agreed=agreed,
            note=None,
        )


def walk(orientation: Orientation, status: S, scenario: Scenario) -> Orientation:
    current = S.DRAFT
    for step in PATHS[status]:
        rule = lifecycle.rule_for(current, step)
        actor = (
            None
            if rule.sides == lifecycle.SYSTEM
            else (scenario.sender if lifecycle.Side.SENDER in rule.sides else scenario.receiver)
        )
        lifecycle.transition(
            orientation,
            step,
            actor=actor,
            reason=rule.reasons[0] if rule.reasons else None,
            outcome=Outcome.PARTLY_MET if rule.needs_outcome else None,
        )
        current = step
    db.session.refresh(orientation)
    return orientation


def scenario(volet: Volet = Volet.NUMERIQUE) -> Scenario:
    sender_org = builders.organisation("EDeS de test")
    receiver_org = builders.organisation("Médiation de test", type=OrganisationType.MEDIATION_NUMERIQUE)
    sender = member(sender_org, first_name="Camille", last_name="Roux")
    receiver = member(receiver_org, first_name="Karim", last_name="Benali")
    outsider = member(builders.organisation("Autre structure"))
    service = receiving_service(receiver_org, volet, name="Aide aux démarches")
    person_ = person(sender_org, user=sender)
    need_ = need(person_, volet, user=sender)
    return Scenario(sender_org, receiver_org, sender, receiver, outsider, person_, need_, service)


__all__ = ["PATHS", "Reason", "Scenario", "member", "need", "person", "receiving_service", "scenario", "walk"]
