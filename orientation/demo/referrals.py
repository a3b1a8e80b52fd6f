"""Demo people and orientations of the EDeS d'Avignon Nord agent, in every volet and many statuses.

Sent by agent.edes@demo.orientation.fr to the services received by La Fabrique numérique d'Orange
(the demo médiateur), the CPAM (the demo conseiller) and the Plateforme Mobilité Solidaire (no demo
login there: its orientations stay on the sender's and the system's side — sent, cancelled,
expired). Every status goes through lifecycle.transition(). Idempotent.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from orientation.auth import operations as auth_operations
from orientation.directory.models import Service, Structure
from orientation.directory.reach import Reach, reach_of
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.organisations.models import Organisation
from orientation.people import operations as people_operations
from orientation.people.catalogue import NeedCode
from orientation.people.models import ConsentMethod, ContactPreference, Person
from orientation.referrals import lifecycle, operations
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.lifecycle import Outcome, Reason

SENDER_EMAIL = "agent.edes@demo.orientation.fr"
SENDER_ORGANISATION = "EDeS d'Avignon Nord"
RECEIVERS = {
    Volet.NUMERIQUE: ("La Fabrique numérique d'Orange", "mediateur@demo.orientation.fr"),
    Volet.SANTE: ("CPAM de Vaucluse", "conseiller.cpam@demo.orientation.fr"),
    Volet.MOBILITE: ("Plateforme Mobilité Solidaire Vaucluse", None),
}
# first name, last name, birth date, commune, situation, volet, need, status of the orientation
PEOPLE = [
    (
        "Josiane",
        "Blanc",
        date(1948, 5, 12),
        "84087",
        ["over_60", "no_email"],
        Volet.NUMERIQUE,
        NeedCode.NUMERIQUE_DEMARCHES,
        S.SENT,
    ),
    (
        "Mehdi",
        "Amrani",
        date(1991, 9, 3),
        "84007",
        ["rsa", "qpv"],
        Volet.NUMERIQUE,
        NeedCode.NUMERIQUE_USAGES_BASE,
        S.RECEIVED,
    ),
    (
        "Sylvie",
        "Moreau",
        date(1969, 1, 27),
        "84087",
        ["isolated"],
        Volet.NUMERIQUE,
        NeedCode.NUMERIQUE_AIDANT_CONNECT,
        S.IN_PROGRESS,
    ),
    (
        "Bernard",
        "Petit",
        date(1955, 11, 8),
        "84087",
        ["over_60"],
        Volet.NUMERIQUE,
        NeedCode.NUMERIQUE_EQUIPEMENT,
        S.COMPLETED,
    ),
    (
        "Fatima",
        "Benhamou",
        date(1983, 4, 19),
        "84007",
        ["rsa", "french_difficulty"],
        Volet.SANTE,
        NeedCode.SANTE_RENONCEMENT,
        S.SENT,
    ),
    ("Kevin", "Laurent", date(1999, 7, 30), "84007", ["qpv"], Volet.SANTE, NeedCode.SANTE_MEDECIN_TRAITANT, S.ACCEPTED),
    ("Nathalie", "Roche", date(1975, 2, 14), "84031", [], Volet.SANTE, NeedCode.SANTE_DROITS, S.DECLINED),
    ("Thomas", "Girard", date(2001, 12, 1), "84007", ["rsa"], Volet.MOBILITE, NeedCode.MOBILITE_PERMIS, S.SENT),
    ("Aïcha", "Diallo", date(1994, 6, 22), "84031", ["qpv"], Volet.MOBILITE, NeedCode.MOBILITE_TRAJET, S.CANCELLED),
    ("Rémi", "Fabre", date(1987, 10, 5), "84007", [], Volet.MOBILITE, NeedCode.MOBILITE_VEHICULE, S.EXPIRED),
]
PATHS = {
    S.SENT: [S.SENT],
    S.RECEIVED: [S.SENT, S.RECEIVED],
    S.ACCEPTED: [S.SENT, S.RECEIVED, S.ACCEPTED],
    S.DECLINED: [S.SENT, S.RECEIVED, S.DECLINED],
    S.IN_PROGRESS: [S.SENT, S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS],
    S.COMPLETED: [S.SENT, S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED],
    S.CANCELLED: [S.SENT, S.CANCELLED],
    S.EXPIRED: [S.SENT, S.EXPIRED],
}
# Orientations to structures without an account: one by e-mail link (its e-mails are written to
# instance/mails/ by `make run`: the link, then the code), one « Contact direct » followed by the sender.
BEYOND_MEMBERS = [
    ("Odile", "Marchand", date(1958, 3, 9), "84087", ["over_60"], Volet.SANTE, NeedCode.SANTE_DROITS, Reach.LINK),
    ("Yanis", "Bouzid", date(2003, 8, 17), "84031", ["rsa"], Volet.MOBILITE, NeedCode.MOBILITE_TRAJET, Reach.DIRECT),
]
REASONS = {S.DECLINED: Reason.FULL, S.CANCELLED: Reason.NO_LONGER_NEEDED, S.EXPIRED: Reason.NO_ANSWER}
# What a completed demo orientation closes with, in its volet's words (referrals.outcome_details).
COMPLETED_WITH = {
    Volet.NUMERIQUE: {
        "autonomy": ["PartiellementAutonome"],
        "support": ["Individuel"],
        "thematique": ["PrendreEnMainDuMateriel", "Email"],
    },
}


def load_demo_referrals() -> list[str]:
    sender = auth_operations.get_user_by_email(SENDER_EMAIL)
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == SENDER_ORGANISATION))
    if sender is None or organisation is None:
        return []
    created = 0
    for first_name, last_name, birth_date, commune, situation, volet, need_code, status in PEOPLE:
        service = _service_for(volet)
        person = _new_person(organisation, sender, first_name, last_name, birth_date, commune, situation, service)
        if person is None:
            continue
        orientation = _orient(person, organisation, sender, service, volet, need_code)
        _walk(orientation, status, sender, RECEIVERS[volet][1])
        created += 1
    for first_name, last_name, birth_date, commune, situation, volet, need_code, reach in BEYOND_MEMBERS:
        service = _service_reached(volet, reach)
        person = _new_person(organisation, sender, first_name, last_name, birth_date, commune, situation, service)
        if person is None:
            continue
        orientation = _orient(
            person, organisation, sender, service, volet, need_code, followed_by_sender=reach is Reach.DIRECT
        )
        lifecycle.transition(orientation, S.SENT, actor=sender)
        created += 1
    db.session.flush()
    return [f"Orientations : {created} personnes de démonstration orientées (numérique, santé, mobilité)."]


def _new_person(organisation, sender, first_name, last_name, birth_date, commune, situation, service):
    """A new demo file with a consent (None when it exists already or its service is missing)."""
    exists = db.session.scalar(
        sa.select(Person.id).where(
            Person.organisation_id == organisation.id,
            Person.first_name == first_name,
            Person.last_name == last_name,
        )
    )
    if exists or service is None:
        return None
    person = people_operations.save_person(
        None,
        organisation_id=organisation.id,
        user=sender,
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
        commune_code=commune,
        phone="06 00 00 00 00",
        email=None,
        contact_preference=ContactPreference.PHONE,
        situation=situation,
        referent_id=sender.id,
        address=None,
    )
    people_operations.record_consent(
        person,
        user=sender,
        organisation_id=organisation.id,
        method=ConsentMethod.ORAL,
        purpose="Orientation et partage d'informations",
        scope=[v.value for v in Volet],
    )
    return person


def _orient(person, organisation, sender, service, volet, need_code, *, followed_by_sender=False):
    """A draft orientation of the person's new need to `service`."""
    (need,) = people_operations.add_needs(person, user=sender, volet=volet, codes=[need_code], details=[], note=None)
    db.session.refresh(person)
    return operations.create_orientation(
        person,
        service_id=service.id,
        user=sender,
        organisation_id=organisation.id,
        need_ids=[need.id],
        message="Bonjour, je vous oriente cette personne ; merci de me tenir informée.",
        urgency="normal",
        shared_fields=["commune", "phone", "contact_preference", "need_details"],
        send=False,
        followed_by_sender=followed_by_sender,
    )


def _service_reached(volet: Volet, reach: Reach) -> Service | None:
    """The first service of the volet reached that way (by e-mail link, or « Contact direct »)."""
    services = db.session.scalars(
        sa.select(Service)
        .where(Service.withdrawn_at.is_(None))
        .options(selectinload(Service.thematique_links), selectinload(Service.structure))
        .order_by(Service.id)
    )
    return next((s for s in services if volet in s.volets and reach_of(s).reach is reach), None)


def _service_for(volet: Volet) -> Service | None:
    organisation_name = RECEIVERS[volet][0]
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == organisation_name))
    if organisation is None:
        return None
    candidates = db.session.scalars(
        sa.select(Service)
        .join(Structure)
        .where(
            Service.accepts_orientations.is_(True),
            sa.or_(Service.receiving_organisation_id == organisation.id, Structure.organisation_id == organisation.id),
        )
        .order_by(Service.id)
    )
    return next((service for service in candidates if volet in service.volets), None)


def _walk(orientation, status, sender, receiver_email) -> None:
    receiver = auth_operations.get_user_by_email(receiver_email) if receiver_email else None
    for step in PATHS[status]:
        rule = lifecycle.rule_for(orientation.status, step)
        actor = None if rule.sides == lifecycle.SYSTEM else sender if lifecycle.Side.SENDER in rule.sides else receiver
        lifecycle.transition(
            orientation,
            step,
            actor=actor,
            reason=REASONS.get(step),
            outcome=Outcome.MET if step is S.COMPLETED else None,
            outcome_details=COMPLETED_WITH.get(orientation.volet) if step is S.COMPLETED else None,
        )
