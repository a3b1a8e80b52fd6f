"""Every change to a person's file is logged here, at flush time: one function, whatever wrote it.

People, referrals and CPAM operations write through the ORM; after each flush `_log_changes`
finds the inserted, updated and deleted rows of the tables below, resolves the person they
belong to (directly, or through their orientation or MAS case) and appends one log entry per row
with the *names* of the columns that changed — never their values, so no note, message or
contact detail is copied into the log. Bulk `UPDATE`s made by the state machines to a status are
not ORM changes: a status change is logged through the event row (`orientation_events`,
`appointment_events`, `mas_case_events`) that the transition always inserts with it.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from orientation.audit.models import AuditAction

# table -> how to find the person: "self" (the people row), a column holding the person id, or
# (column, parent table) when the row belongs to an orientation or a MAS case.
AUDITED_TABLES: dict[str, str | tuple[str, str]] = {
    "people": "self",
    "consents": "person_id",
    "needs": "person_id",
    "orientations": "person_id",
    "mas_cases": "person_id",
    "medecin_traitant_declarations": "person_id",
    "orientation_events": ("orientation_id", "orientations"),
    "orientation_comments": ("orientation_id", "orientations"),
    "appointments": ("orientation_id", "orientations"),
    "appointment_events": ("orientation_id", "orientations"),
    "orientation_attachments": ("orientation_id", "orientations"),
    "mas_contact_attempts": ("case_id", "mas_cases"),
    "mas_right_reviews": ("case_id", "mas_cases"),
    "mas_notes": ("case_id", "mas_cases"),
    "mas_case_events": ("case_id", "mas_cases"),
    "mas_case_care_kinds": ("case_id", "mas_cases"),
    "mas_case_reasons": ("case_id", "mas_cases"),
}
# Tables tied to a person that are not logged row by row, and why (the metadata test checks the list).
NOT_AUDITED_TABLES = {
    "orientation_needs": "link table, written with its orientation (whose creation is logged)",
}
_BOOKKEEPING = {"updated_at", "version", "last_activity_at", "last_progress_at"}


def _changed_columns(obj) -> list[str]:
    state = inspect(obj)
    changed = []
    for attribute in state.mapper.column_attrs:
        if attribute.key in _BOOKKEEPING:
            continue
        if state.attrs[attribute.key].history.has_changes():
            changed.append(attribute.columns[0].name)
    return changed


def _row_id(obj):
    """The row's id when its key is one integer (new rows have it by now: after_flush runs post-INSERT)."""
    state = inspect(obj)
    key = state.mapper.primary_key_from_instance(obj)
    return key[0] if len(key) == 1 and isinstance(key[0], int) else None


@event.listens_for(Session, "after_flush")
def _log_changes(session: Session, _flush_context) -> None:
    pending = []  # (obj, action, fields)
    for action, objects in (
        (AuditAction.CREATE, session.new),
        (AuditAction.UPDATE, session.dirty),
        (AuditAction.DELETE, session.deleted),
    ):
        for obj in objects:
            table = getattr(getattr(obj, "__table__", None), "name", None)
            if table not in AUDITED_TABLES:
                continue
            if action is AuditAction.UPDATE:
                fields = _changed_columns(obj)
                if not fields:
                    continue
            else:
                fields = None
            pending.append((obj, table, action, fields))
    if pending:
        _write(session, pending)


def _write(session: Session, pending: list) -> None:
    from orientation.audit.models import PersonAccessLog
    from orientation.audit.operations import current_actor, entry_values

    parents: dict[str, set[int]] = {}
    for obj, table, _action, _fields in pending:
        how = AUDITED_TABLES[table]
        if isinstance(how, tuple):
            parents.setdefault(how[1], set()).add(getattr(obj, how[0]))
    connection = session.connection()
    person_of = {name: _persons_of(connection, name, ids) for name, ids in parents.items()}
    user_id, organisation_id = current_actor()
    rows = []
    for obj, table, action, fields in pending:
        how = AUDITED_TABLES[table]
        orientation_id = None
        if how == "self":
            person_id = obj.id
        elif isinstance(how, tuple):
            parent_id = getattr(obj, how[0])
            person_id = person_of[how[1]].get(parent_id)
            orientation_id = parent_id if how[1] == "orientations" else None
        else:
            person_id = getattr(obj, how)
            orientation_id = obj.id if table == "orientations" else getattr(obj, "orientation_id", None)
        if person_id is None:  # its parent went in the same flush (a file deleted whole)
            continue
        rows.append(
            entry_values(
                person_id=person_id,
                action=action,
                user_id=user_id,
                organisation_id=organisation_id,
                orientation_id=orientation_id,
                target=table,
                target_id=_row_id(obj),
                fields=fields,
            )
        )
    if rows:
        connection.execute(sa.insert(PersonAccessLog.__table__), rows)


def _persons_of(connection, table_name: str, ids: set[int]) -> dict[int, int]:
    table = sa.table(table_name, sa.column("id"), sa.column("person_id"))
    return dict(connection.execute(sa.select(table.c.id, table.c.person_id).where(table.c.id.in_(ids))).all())
