"""The person audit log: one row per read of a person's data and per change to it (RGPD, issue 8).

Append-only: the ORM refuses to update or delete a row (below) and, on PostgreSQL and SQLite, a
trigger does too (`append_only_ddl.py`), whoever connects. The only UPDATE let through is the
foreign keys' `SET NULL` when an account or a structure is deleted.

Never a value of a free text or a contact detail: a change records the *names* of the fields
that changed (`fields`), not what they became.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from orientation.db import enum_type, utcnow
from orientation.extensions import db


class AuditAction(enum.StrEnum):
    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXPORT = "export"
    ERASE = "erase"
    ANONYMISE = "anonymise"

    @property
    def label(self) -> str:
        return {"read": "Consultation", "create": "Création", "update": "Modification", "delete": "Suppression",
                "export": "Export des données", "erase": "Effacement", "anonymise": "Anonymisation"}[self.value]


class PersonAccessLog(db.Model):
    __tablename__ = "person_access_logs"
    __table_args__ = (
        sa.Index("ix_person_access_logs_person_at", "person_id", "at"),
        sa.Index("ix_person_access_logs_user_at", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # No cascade: the log outlives accounts and files (anonymisation keeps the ids).
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    person_id: Mapped[int] = mapped_column(sa.Integer)  # no FK: the log survives the file's deletion
    orientation_id: Mapped[int | None] = mapped_column(sa.Integer)
    purpose: Mapped[str] = mapped_column(sa.String(100))  # the page or use ("people.show", "referrals.show")
    action: Mapped[AuditAction] = mapped_column(enum_type(AuditAction, "audit_action"), default=AuditAction.READ)
    # What changed: a table and row of the person's file, and the names (never the values) of its fields.
    target: Mapped[str | None] = mapped_column(sa.String(50))
    target_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    fields: Mapped[list | None] = mapped_column(sa.JSON)
    # From where: the agent's address and browser (none for the worker and the command line).
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))


@event.listens_for(PersonAccessLog, "before_update")
@event.listens_for(PersonAccessLog, "before_delete")
def _append_only(_mapper, _connection, target):
    raise RuntimeError(f"the person audit log is append-only (entry {target.id})")


from orientation.audit import append_only_ddl, changes  # noqa: E402,F401  (DDL events; change capture)
