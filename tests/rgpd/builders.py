"""A person's file with a row in every table that holds personal data, and ways to age it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

import sqlalchemy as sa

from orientation import clock
from orientation.attachments.operations import add_attachment
from orientation.cpam import operations as cpam_operations
from orientation.cpam.models import MasCase
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.followups.models import SentFollowUp
from orientation.organisations.models import MembershipRole
from orientation.people import operations as people_operations
from orientation.people.catalogue import NeedCode
from orientation.people.models import ConsentMethod, Person
from orientation.referrals import operations as referral_operations
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.models import Orientation, ReceiverLink, SharedField
from tests.cpam import builders as cpam_builders
from tests.referrals import builders as rb

# Free texts and contact details written into the file: none may survive an anonymisation.
SECRETS = {
    "phone": "06 11 22 33 44",
    "email": "rosa.pereira@exemple.fr",
    "address": "12 rue des Lilas",
    "message": "Mme Pereira a peur du dentiste",
    "comment": "Elle viendra avec sa fille",
    "appointment": "Bureau 3, 2e étage",
    "attempt": "Messagerie pleine",
    "note": "Dettes de loyer importantes",
    "need": "Vit seule depuis le décès de son mari",
    "mas_message": "Appeler après 10 h",
    "closure": "Soins pris en charge par la CSS",
    "withdrawal": "Ne souhaite plus",
}
PDF = b"%PDF-1.4\n% bilan\n%%EOF\n"


@dataclass
class FullFile:
    world: cpam_builders.CpamWorld
    person: Person
    case: MasCase
    orientation: Orientation  # a completed orientation to a médiation (with comment and appointment)
    receiver: object
    manager: object  # manager of the détecteur's structure (the person's organisation)


def full_file() -> FullFile:
    """Rosa's file at a CCAS: consent, needs, a closed MAS case with every step, a completed orientation."""
    world = cpam_builders.world()
    person = world.person
    people_operations.save_person(
        person,
        organisation_id=person.organisation_id,
        user=world.detector,
        phone=SECRETS["phone"],
        email=SECRETS["email"],
        address=SECRETS["address"],
        birth_date=date(1958, 4, 2),
        referent_id=world.detector.id,
    )
    case = world.saisine(message=SECRETS["mas_message"], other_care=None)
    cpam_operations.open_case(case, user=world.conseiller)
    cpam_operations.record_contact_attempt(
        case, user=world.conseiller, succeeded=False, channel="phone", note=SECRETS["attempt"]
    )
    cpam_operations.record_contact_attempt(case, user=world.conseiller, succeeded=True, channel="phone", note=None)
    cpam_operations.update_rights(case, user=world.conseiller, statuses={"css": "opened"})
    cpam_operations.add_note(case, user=world.conseiller, body=SECRETS["note"])
    cpam_operations.close_case(case, user=world.conseiller, outcome="abandoned", reason=SECRETS["closure"])

    people_operations.record_consent(
        person,
        user=world.detector,
        organisation_id=person.organisation_id,
        method=ConsentMethod.WRITTEN,
        purpose="Orientation numérique",
        scope=[Volet.NUMERIQUE.value, Volet.SANTE.value],
    )
    (need,) = people_operations.add_needs(
        person,
        user=world.detector,
        volet=Volet.NUMERIQUE,
        codes=[NeedCode.NUMERIQUE_DEMARCHES],
        details=[],
        note=SECRETS["need"],
    )
    (doctor_need,) = people_operations.add_needs(
        person, user=world.detector, volet=Volet.SANTE, codes=[NeedCode.SANTE_MEDECIN_TRAITANT], details=[], note=None
    )
    cpam_operations.declare_medecin_traitant(doctor_need, user=world.detector, organisation_id=person.organisation_id)
    receiver_org = world.other_org
    receiver = rb.member(receiver_org, first_name="Karim", last_name="Benali")
    service = rb.receiving_service(receiver_org, Volet.NUMERIQUE, name="Aide aux démarches")
    orientation = referral_operations.create_orientation(
        person,
        service_id=service.id,
        user=world.detector,
        organisation_id=person.organisation_id,
        need_ids=[need.id],
        message=SECRETS["message"],
        urgency="normal",
        shared_fields=[SharedField.PHONE.value, SharedField.COMMUNE.value],
    )
    for step in (S.RECEIVED, S.ACCEPTED):
        referral_operations.change_status(orientation, step, user=receiver)
    referral_operations.add_comment(orientation, user=receiver, body=SECRETS["comment"])
    add_attachment(
        orientation, user=receiver, organisation_id=receiver_org.id, filename="Bilan Rosa Pereira.pdf", data=PDF
    )
    starts_at = referral_operations.paris_time(date.today() + timedelta(days=3), time(10, 0))
    planned = referral_operations.add_appointment(
        orientation,
        user=receiver,
        starts_at=starts_at,
        channel="in_person",
        place=SECRETS["appointment"],
        reminder_agreed=True,
        note=SECRETS["appointment"],
    )
    cancelled = referral_operations.add_appointment(
        orientation,
        user=receiver,
        starts_at=starts_at + timedelta(days=1),
        channel="phone",
        place=None,
        reminder_agreed=False,
        note=None,
    )
    referral_operations.record_appointment_status(cancelled, user=receiver, status="cancelled")  # an event
    referral_operations.change_status(  # closing asks what became of the rendez-vous still planned
        orientation,
        S.COMPLETED,
        user=receiver,
        outcome="met",
        outcome_details={
            Volet.NUMERIQUE: {"autonomy": ["Autonome"]},
            Volet.SANTE: {"health": ["droits_ouverts"]},
            Volet.MOBILITE: {"mobility": ["permis"]},
        }[orientation.volet],
        appointment_answers={planned.id: "cancelled"},
    )
    db.session.add(SentFollowUp(rule="referrals.unopened", subject_id=orientation.id, occurrence=orientation.sent_at))
    # A link once given to a contact without an account (before the structure had one).
    db.session.add(
        ReceiverLink(
            orientation_id=orientation.id,
            email="accueil@exemple.fr",
            token_hash="0" * 64,
            expires_at=orientation.sent_at + timedelta(days=14),
        )
    )
    db.session.flush()
    manager = world.detector_manager
    db.session.refresh(person)
    return FullFile(world, person, case, orientation, receiver, manager)


def age(person_ids, days: int = 800) -> None:
    """Move every date of these files `days` into the past (the files had no activity since)."""
    old = clock.now() - timedelta(days=days)
    tables = db.metadata.tables
    people, consents, needs = tables["people"], tables["consents"], tables["needs"]
    orientations, cases = tables["orientations"], tables["mas_cases"]
    ids = list(person_ids)
    db.session.flush()
    db.session.execute(sa.update(people).where(people.c.id.in_(ids)).values(created_at=old, updated_at=old))
    db.session.execute(sa.update(consents).where(consents.c.person_id.in_(ids)).values(collected_at=old))
    db.session.execute(sa.update(needs).where(needs.c.person_id.in_(ids)).values(created_at=old, updated_at=old))
    db.session.execute(
        sa.update(orientations)
        .where(orientations.c.person_id.in_(ids))
        .values(
            created_at=old,
            last_activity_at=old,
            closed_at=sa.case((orientations.c.closed_at.is_(None), None), else_=sa.literal(old)),
            sent_at=sa.case((orientations.c.sent_at.is_(None), None), else_=sa.literal(old)),
        )
    )
    db.session.execute(
        sa.update(cases)
        .where(cases.c.person_id.in_(ids))
        .values(
            filed_at=old,
            last_progress_at=old,
            closed_at=sa.case((cases.c.closed_at.is_(None), None), else_=sa.literal(old)),
        )
    )
    db.session.expire_all()


__all__ = ["SECRETS", "FullFile", "MembershipRole", "age", "full_file"]
