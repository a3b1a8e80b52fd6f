"""The person's right to erasure (art. 17), where the law and the ongoing work allow it.

Refused, with the reason in plain French, while a MAS case is open, while the CPAM's legal
retention of a closed MAS case runs (RGPD_MAS_LEGAL_RETENTION_MONTHS after its closure), or while
an orientation is under way (sent, received, accepted, in progress): the structures working for the person need the
file, and the person can withdraw their consent first, which stops the orientations. Otherwise:
a file that never fed any figure (no row in a table the personal-data map declares `in_figures`:
a sent orientation, a MAS case, a médecin traitant declaration) is deleted whole; any other is
anonymised, so that the steering figures stay right.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from orientation import clock
from orientation.attachments.operations import delete_files, person_attachments
from orientation.audit.models import AuditAction
from orientation.audit.operations import log_person_event
from orientation.cpam.models import CaseStage, MasCase
from orientation.extensions import db
from orientation.people.models import Person
from orientation.personal_data import personal_data_map
from orientation.referrals.lifecycle import ONGOING_STATUSES, UNDECIDED_STATUSES, OrientationStatus
from orientation.referrals.models import Orientation
from orientation.rgpd.anonymise import anonymise_people
from orientation.rgpd.retention import months_before

ERASURE_PURPOSE = "rgpd.erasure"


class ErasureRefused(Exception):
    """Erasure is not allowed now: the message says why, in French."""


@dataclass
class ErasureResult:
    deleted: bool  # the file is gone; otherwise it is anonymised


def refusal_reason(person: Person) -> str | None:
    """Why the file cannot be erased now, or None."""
    if person.anonymised_at is not None:
        return "Cette fiche est déjà anonymisée : elle ne contient plus de données personnelles."
    open_cases = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(MasCase)
        .where(MasCase.person_id == person.id, MasCase.stage != CaseStage.CLOSED)
    )
    if open_cases:
        return (
            "Effacement impossible : un dossier de la Mission d'Accompagnement en Santé (CPAM) est ouvert. "
            "La CPAM doit d'abord le clôturer (avec l'orientation qui l'accompagne) ; la fiche pourra ensuite être "
            "effacée."
        )
    held_until = _legal_hold_until(person)
    if held_until is not None:
        return (
            f"Effacement impossible avant le {held_until:%d/%m/%Y} : la CPAM conserve la trace d'un "
            f"accompagnement santé pendant {current_app.config['RGPD_MAS_LEGAL_RETENTION_MONTHS']} mois après "
            "sa clôture (obligation de conservation). La personne pourra renouveler sa demande à cette date."
        )
    in_progress = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Orientation)
        .where(Orientation.person_id == person.id, Orientation.status.in_(UNDECIDED_STATUSES | ONGOING_STATUSES))
    )
    if in_progress:
        return (
            f"Effacement impossible : {in_progress} orientation(s) en cours. Les structures qui accompagnent "
            "la personne ont encore besoin de ces informations. Vous pouvez retirer le consentement (cela "
            "arrête les orientations), puis revenir effacer la fiche."
        )
    return None


def _legal_hold_until(person: Person):
    """The end of the legal retention of the person's latest closed MAS case, if it is still running."""
    months = int(current_app.config["RGPD_MAS_LEGAL_RETENTION_MONTHS"])
    last_closed = db.session.scalar(sa.select(sa.func.max(MasCase.closed_at)).where(MasCase.person_id == person.id))
    if not months or last_closed is None:
        return None

    # The hold ends `months` after the closure: it runs while the closure is more recent than `months` ago.
    if last_closed <= months_before(clock.now(), months):
        return None
    return months_before(last_closed, -months)


def fed_figures(person_id: int) -> bool:
    """Whether the file has a row the steering figures count (the map's `in_figures` tables)."""
    data_map = personal_data_map()
    for name, declaration in data_map.tables.items():
        if not declaration.in_figures:
            continue
        condition = data_map.rows_of(name, [person_id])
        if callable(declaration.in_figures):
            condition = sa.and_(condition, declaration.in_figures(data_map.table(name)))
        if db.session.scalar(sa.select(sa.exists().where(condition))):
            return True
    return False


def erase_person(person: Person, *, user, organisation=None) -> ErasureResult:
    """Erase or anonymise the file (refused with ErasureRefused); logged; flush, never commit."""
    reason = refusal_reason(person)
    if reason:
        raise ErasureRefused(reason)
    person_id = person.id
    keeps_figures = fed_figures(person_id)
    log_person_event(
        person_id,
        AuditAction.ERASE,
        user=user,
        organisation=organisation,
        purpose=ERASURE_PURPOSE,
        fields=["anonymised"] if keeps_figures else ["deleted"],
    )
    if keeps_figures:
        db.session.execute(
            sa.delete(Orientation).where(
                Orientation.person_id == person_id, Orientation.status == OrientationStatus.DRAFT
            )
        )
        anonymise_people([person_id], purpose=ERASURE_PURPOSE, user=user, organisation=organisation)
        return ErasureResult(deleted=False)

    delete_files(list(db.session.scalars(person_attachments([person_id]))))
    db.session.execute(sa.delete(Orientation).where(Orientation.person_id == person_id))  # drafts only
    db.session.expunge(person)
    # Consents and needs go with it (ON DELETE CASCADE); the audit log keeps its rows (no foreign key).
    db.session.execute(sa.delete(Person).where(Person.id == person_id).execution_options(synchronize_session=False))
    return ErasureResult(deleted=True)
