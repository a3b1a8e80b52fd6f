"""Anonymise people's files: identity, contact details and free texts go; the figures stay.

What goes and what stays is the personal-data map's (`orientation.personal_data`): every `erase`
column of every table reaching the person is set to NULL, every `blank` one to its neutral value
(the name becomes « Personne anonymisée »), rows of `erase_rows` tables (comments, MAS notes) are
deleted; `keep` and `export_only` columns stay, so that the steering figures still count: statuses,
dates, volets, need codes, commune (hence EPCI), situation flags, outcomes, MAS stages, reasons and
care kinds, rights statuses. Messages about them not sent yet are cancelled; the documents attached
to their orientations are deleted (file and name).

Bulk UPDATE/DELETE statements (one per table for the whole batch, none per row): the immutable
timelines (orientation and MAS events) are ORM-protected against edits, not against this purge,
and each file gets one explicit audit entry instead of one per row.
"""

from __future__ import annotations

import sqlalchemy as sa

from orientation import clock, signals
from orientation.audit.models import AuditAction
from orientation.audit.operations import log_person_event
from orientation.extensions import db
from orientation.personal_data import PEOPLE, personal_data_map

FINAL_STATUSES = ["sent", "failed", "cancelled", "digested"]  # of an outbox message


def anonymise_people(person_ids: list[int], *, purpose: str, user=None, organisation=None) -> int:
    """Anonymise these files (already anonymised ones are skipped); flush, never commit. Returns the count."""
    people = db.metadata.tables[PEOPLE]
    ids = list(
        db.session.scalars(sa.select(people.c.id).where(people.c.id.in_(person_ids), people.c.anonymised_at.is_(None)))
    )
    if not ids:
        return 0
    db.session.flush()  # pending ORM changes first: the statements below see them
    now = clock.now()
    data_map = personal_data_map()
    for name, declaration in data_map.tables.items():
        table, rows = data_map.table(name), data_map.rows_of(name, ids)
        if declaration.erase_rows:
            db.session.execute(sa.delete(table).where(rows))
            continue
        if declaration.subject and "status" in table.c:  # the outbox (not the in-app notifications)
            _cancel_messages(table, rows)
        values = data_map.anonymised_values(name)
        if name == PEOPLE:
            values.update(anonymised_at=now, updated_at=now)
        if values:
            db.session.execute(sa.update(table).where(rows).values(values))
    signals.person_anonymised.send(ids)  # the attached documents' files go (attachments/signals.py)
    for person_id in ids:
        log_person_event(person_id, AuditAction.ANONYMISE, user=user, organisation=organisation, purpose=purpose)
    db.session.flush()
    db.session.expire_all()  # the ORM's copies of these rows are stale
    return len(ids)


def _cancel_messages(outbox: sa.Table, about) -> None:
    """Messages about these people not sent yet will not be (their text and address go with the rest)."""
    db.session.execute(
        sa.update(outbox)
        .where(about, outbox.c.status.notin_(FINAL_STATUSES))
        .values(status="cancelled", last_error="Personne anonymisée (RGPD)")
    )
