"""Anonymise people's files: identity, contact details and free texts go; the figures stay.

Kept so that the steering figures still count: statuses, dates, volets, need codes, commune
(hence EPCI), situation flags, outcomes, MAS stages, reasons and care kinds (codes), rights
statuses. Removed: name, birth date, address, phone, e-mail; every free text (orientation
messages, comments, event notes, consent purposes, need notes, appointment places and notes,
MAS messages, notes, "other" reasons, closure reasons); the text of messages sent about them;
the documents attached to their orientations (file and name).

Bulk UPDATE/DELETE statements (one per table for the whole batch, none per row): the immutable
timelines (orientation and MAS events) are ORM-protected against edits, not against this purge,
and each file gets one explicit audit entry instead of one per row.
"""

from __future__ import annotations

import sqlalchemy as sa

from orientation import clock
from orientation.audit.models import AuditAction
from orientation.audit.operations import log_person_event
from orientation.extensions import db

ANONYMOUS_FIRST_NAME = "Personne"
ANONYMOUS_LAST_NAME = "anonymisée"
ERASED_TEXT = "Texte effacé (RGPD)"  # where the schema requires a text (MAS closure reason)


def _table(name: str) -> sa.Table:
    return db.metadata.tables[name]


def anonymise_people(person_ids: list[int], *, purpose: str, user=None, organisation=None) -> int:
    """Anonymise these files (already anonymised ones are skipped); flush, never commit. Returns the count."""
    people = _table("people")
    ids = list(
        db.session.scalars(sa.select(people.c.id).where(people.c.id.in_(person_ids), people.c.anonymised_at.is_(None)))
    )
    if not ids:
        return 0
    db.session.flush()  # pending ORM changes first: the statements below see them
    now = clock.now()
    execute = db.session.execute
    execute(
        sa.update(people)
        .where(people.c.id.in_(ids))
        .values(
            first_name=ANONYMOUS_FIRST_NAME,
            last_name=ANONYMOUS_LAST_NAME,
            name_key="",
            birth_date=None,
            address=None,
            phone=None,
            email=None,
            contact_preference="no_direct_contact",
            anonymised_at=now,
            updated_at=now,
        )
    )
    consents, needs = _table("consents"), _table("needs")
    execute(sa.update(consents).where(consents.c.person_id.in_(ids)).values(purpose="", withdrawal_note=None))
    execute(sa.update(needs).where(needs.c.person_id.in_(ids)).values(note=None))

    orientations = _table("orientations")
    orientation_ids = sa.select(orientations.c.id).where(orientations.c.person_id.in_(ids)).scalar_subquery()
    execute(sa.update(orientations).where(orientations.c.person_id.in_(ids)).values(message=""))
    events = _table("orientation_events")
    execute(sa.update(events).where(events.c.orientation_id.in_(orientation_ids)).values(note=None))
    comments = _table("orientation_comments")
    execute(sa.delete(comments).where(comments.c.orientation_id.in_(orientation_ids)))
    appointments = _table("appointments")
    execute(
        sa.update(appointments).where(appointments.c.orientation_id.in_(orientation_ids)).values(place="", note=None)
    )

    cases = _table("mas_cases")
    case_ids = sa.select(cases.c.id).where(cases.c.person_id.in_(ids)).scalar_subquery()
    execute(
        sa.update(cases)
        .where(cases.c.person_id.in_(ids))
        .values(
            other_care=None,
            other_reason=None,
            message="",
            practitioner_note=None,
            financial_note=None,
            follow_up_note=None,
            closure_reason=sa.case((cases.c.closure_reason.is_(None), None), else_=sa.literal(ERASED_TEXT)),
        )
    )
    attempts, notes, case_events = _table("mas_contact_attempts"), _table("mas_notes"), _table("mas_case_events")
    execute(sa.update(attempts).where(attempts.c.case_id.in_(case_ids)).values(note=None))
    execute(sa.delete(notes).where(notes.c.case_id.in_(case_ids)))
    execute(sa.update(case_events).where(case_events.c.case_id.in_(case_ids)).values(detail=None, public_detail=None))
    _forget_messages(ids)
    from orientation.attachments.operations import delete_files, person_attachments

    delete_files(list(db.session.scalars(person_attachments(ids))))
    for person_id in ids:
        log_person_event(person_id, AuditAction.ANONYMISE, user=user, organisation=organisation, purpose=purpose)
    db.session.flush()
    db.session.expire_all()  # the ORM's copies of these rows are stale
    return len(ids)


def _forget_messages(person_ids: list[int]) -> None:
    """Messages about these people keep their dates and statuses, not their text nor the person's address."""
    outbox = _table("outbox_messages")
    orientations, appointments, cases = _table("orientations"), _table("appointments"), _table("mas_cases")
    orientation_ids = sa.select(orientations.c.id).where(orientations.c.person_id.in_(person_ids))
    appointment_ids = sa.select(appointments.c.id).where(appointments.c.orientation_id.in_(orientation_ids))
    case_ids = sa.select(cases.c.id).where(cases.c.person_id.in_(person_ids))
    about = sa.or_(
        sa.and_(
            outbox.c.subject_type.in_(["orientation", "orientation-reminder"]), outbox.c.subject_id.in_(orientation_ids)
        ),
        sa.and_(outbox.c.subject_type == "appointment", outbox.c.subject_id.in_(appointment_ids)),
        sa.and_(outbox.c.subject_type == "mas_case", outbox.c.subject_id.in_(case_ids)),
    )
    final = ["sent", "failed", "cancelled", "digested"]
    db.session.execute(
        sa.update(outbox)
        .where(about, outbox.c.status.notin_(final))
        .values(status="cancelled", last_error="Personne anonymisée (RGPD)")
    )
    db.session.execute(
        sa.update(outbox)
        .where(about)
        .values(
            subject=None,
            body=None,
            context={},
            recipient=sa.case(
                (outbox.c.recipient_user_id.is_(None), sa.literal("anonymisé")), else_=outbox.c.recipient
            ),
        )
    )
