"""Every change to a person's file is logged here, at flush time: one function, whatever wrote it.

People, referrals and CPAM operations write through the ORM; after each flush `_log_changes`
finds the inserted, updated and deleted rows of the tables the personal-data map declares
(`orientation.personal_data`; all but those it excuses with `not_audited`), resolves the person they
belong to (directly, or through their orientation or MAS case) and appends one log entry per row
with the *names* of the columns that changed — never their values, so no note, message or
contact detail is copied into the log; `export_only` columns (bookkeeping) are not named. Bulk
`UPDATE`s made by the state machines to a status are not ORM changes: a status change is logged
through the event row (`orientation_events`, `appointment_events`, `mas_case_events`) that the
transition always inserts with it.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from orientation.audit.models import AuditAction
from orientation.personal_data import Personal, column_class, personal_data_map


def _changed_columns(obj) -> list[str]:
    state = inspect(obj)
    changed = []
    for attribute in state.mapper.column_attrs:
        if column_class(attribute.columns[0]) is Personal.EXPORT_ONLY:
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
    audited = personal_data_map().audited()
    pending = []  # (obj, table, action, fields)
    for action, objects in (
        (AuditAction.CREATE, session.new),
        (AuditAction.UPDATE, session.dirty),
        (AuditAction.DELETE, session.deleted),
    ):
        for obj in objects:
            table = getattr(getattr(obj, "__table__", None), "name", None)
            if table not in audited:
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

    data_map = personal_data_map()
    parents: dict[str, set[int]] = {}  # parent table -> ids of the parent rows
    for obj, table, _action, _fields in pending:
        if parent := data_map.tables[table].parent:
            parents.setdefault(data_map.parent_table(table), set()).add(getattr(obj, parent))
    connection = session.connection()
    person_of = {
        name: _persons_of(connection, name, data_map.tables[name].person, ids) for name, ids in parents.items()
    }
    user_id, organisation_id = current_actor()
    rows = []
    for obj, table, action, fields in pending:
        declaration = data_map.tables[table]
        if declaration.parent:
            parent_id, parent_table = getattr(obj, declaration.parent), data_map.parent_table(table)
            person_id = person_of[parent_table].get(parent_id)
            orientation_id = parent_id if parent_table == "orientations" else None
        else:
            person_id = getattr(obj, declaration.person)
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


def _persons_of(connection, table_name: str, person_column: str, ids: set[int]) -> dict[int, int]:
    table = sa.table(table_name, sa.column("id"), sa.column(person_column))
    return dict(connection.execute(sa.select(table.c.id, table.c[person_column]).where(table.c.id.in_(ids))).all())
