"""The person audit log: one row per read of a person's data and per change to it (RGPD, issue 8).

Append-only: the ORM refuses to update or delete a row (below) and a database
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
from orientation.personal_data import PersonalData, keep


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
        return {
            "read": "Consultation",
            "create": "Création",
            "update": "Modification",
            "delete": "Suppression",
            "export": "Export des données",
            "erase": "Effacement",
            "anonymise": "Anonymisation",
        }[self.value]


class PersonAccessLog(db.Model):
    __tablename__ = "person_access_logs"
    __table_args__ = (
        sa.Index("ix_person_access_logs_person_at", "person_id", "at"),
        sa.Index("ix_person_access_logs_user_at", "user_id", "at"),
    )
    # Exported to the person; nothing to anonymise (ids, the agents' addresses); kept after an erasure.
    __personal_data__ = PersonalData(person="person_id", not_audited="the journal itself")

    id: Mapped[int] = mapped_column(sa.BigInteger(), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, info=keep())
    # No cascade: the log outlives accounts and files (anonymisation keeps the ids).
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    # No FK: the log survives the file's deletion.
    person_id: Mapped[int] = mapped_column(sa.Integer, info=keep())
    orientation_id: Mapped[int | None] = mapped_column(sa.Integer, info=keep())
    # The page or use ("people.show", "referrals.show").
    purpose: Mapped[str] = mapped_column(sa.String(100), info=keep())
    action: Mapped[AuditAction] = mapped_column(
        enum_type(AuditAction, "audit_action"), default=AuditAction.READ, info=keep()
    )
    # What changed: a table and row of the person's file, and the names (never the values) of its fields.
    target: Mapped[str | None] = mapped_column(sa.String(50), info=keep())
    target_id: Mapped[int | None] = mapped_column(sa.BigInteger, info=keep())
    fields: Mapped[list | None] = mapped_column(sa.JSON, info=keep())
    # From where: the agent's address and browser (none for the worker and the command line).
    ip_address: Mapped[str | None] = mapped_column(sa.String(45), info=keep())
    user_agent: Mapped[str | None] = mapped_column(sa.String(300), info=keep())


@event.listens_for(PersonAccessLog, "before_update")
@event.listens_for(PersonAccessLog, "before_delete")
def _append_only(_mapper, _connection, target):
    raise RuntimeError(f"the person audit log is append-only (entry {target.id})")


class SecurityEventKind(enum.StrEnum):
    """What happened to an account or to the structure's access (ANSSI: log authentications and
    changes of rights). Stored as text, not a database enum: new kinds need no migration."""

    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGIN_BLOCKED = "login_blocked"
    SECOND_FACTOR_FAILED = "second_factor_failed"
    SSO_REFUSED = "sso_refused"
    LOGOUT_EVERYWHERE = "logout_everywhere"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 (an event's name)
    PASSWORD_RESET_REQUESTED = "password_reset_requested"  # noqa: S105 (an event's name)
    TOTP_ENABLED = "totp_enabled"
    TOTP_DISABLED = "totp_disabled"
    TOTP_RESET = "totp_reset"
    RECOVERY_CODES_REPLACED = "recovery_codes_replaced"
    INVITATION_SENT = "invitation_sent"
    ROLE_CHANGED = "role_changed"
    MEMBER_REMOVED = "member_removed"
    API_TOKEN_CREATED = "api_token_created"  # noqa: S105 (an event's name)
    API_TOKEN_REVOKED = "api_token_revoked"  # noqa: S105 (an event's name)
    WEBHOOK_CREATED = "webhook_created"
    WEBHOOK_DISABLED = "webhook_disabled"
    ACCOUNT_DEACTIVATED = "account_deactivated"
    STRUCTURE_EDITED = "structure_edited"
    RECEPTION_CHANGED = "reception_changed"

    @property
    def label(self) -> str:
        return SECURITY_EVENT_LABELS[self]

    @property
    def is_failure(self) -> bool:
        return self in (
            SecurityEventKind.LOGIN_FAILED,
            SecurityEventKind.LOGIN_BLOCKED,
            SecurityEventKind.SECOND_FACTOR_FAILED,
            SecurityEventKind.SSO_REFUSED,
        )


SECURITY_EVENT_LABELS = {
    SecurityEventKind.LOGIN: "Connexion",
    SecurityEventKind.LOGIN_FAILED: "Échec de connexion (mot de passe)",
    SecurityEventKind.LOGIN_BLOCKED: "Connexion bloquée (trop d'échecs)",
    SecurityEventKind.SECOND_FACTOR_FAILED: "Code de double authentification refusé",
    SecurityEventKind.SSO_REFUSED: "Connexion ProConnect refusée",
    SecurityEventKind.LOGOUT_EVERYWHERE: "Déconnexion de tous les appareils",
    SecurityEventKind.PASSWORD_CHANGED: "Mot de passe modifié",
    SecurityEventKind.PASSWORD_RESET_REQUESTED: "Réinitialisation du mot de passe demandée",
    SecurityEventKind.TOTP_ENABLED: "Double authentification activée",
    SecurityEventKind.TOTP_DISABLED: "Double authentification désactivée",
    SecurityEventKind.TOTP_RESET: "Double authentification réinitialisée par un·e responsable",
    SecurityEventKind.RECOVERY_CODES_REPLACED: "Nouveaux codes de secours",
    SecurityEventKind.INVITATION_SENT: "Invitation envoyée",
    SecurityEventKind.ROLE_CHANGED: "Rôle modifié",
    SecurityEventKind.MEMBER_REMOVED: "Retrait d'une structure",
    SecurityEventKind.API_TOKEN_CREATED: "Jeton d'API créé",
    SecurityEventKind.API_TOKEN_REVOKED: "Jeton d'API révoqué",
    SecurityEventKind.WEBHOOK_CREATED: "Webhook ajouté",
    SecurityEventKind.WEBHOOK_DISABLED: "Webhook désactivé",
    SecurityEventKind.ACCOUNT_DEACTIVATED: "Compte désactivé faute d'utilisation",
    SecurityEventKind.STRUCTURE_EDITED: "Fiche de la structure modifiée",
    SecurityEventKind.RECEPTION_CHANGED: "Réglages de réception modifiés",
}


class SecurityEvent(db.Model):
    """The security journal: logins, failures, changes of credentials and of rights.

    `user_id` is the account concerned (None when a login names no known account: `email` keeps
    what was typed, so that a password-guessing run shows); `actor_id` who did it when it is
    someone else (a manager resetting a second factor, changing a role). Never a password, a code
    or a token: `detail` holds names and ids only. Rows are never updated; the daily retention
    deletes them after SECURITY_EVENTS_RETENTION_MONTHS.
    """

    __tablename__ = "security_events"
    __table_args__ = (
        sa.Index("ix_security_events_at", "at"),
        sa.Index("ix_security_events_user_at", "user_id", "at"),
        sa.Index("ix_security_events_kind_at", "kind", "at"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger(), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(sa.String(40))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    detail: Mapped[dict | None] = mapped_column(sa.JSON)
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))

    @property
    def kind_label(self) -> str:
        try:
            return SecurityEventKind(self.kind).label
        except ValueError:  # a kind of a newer version, read by an older one
            return self.kind


@event.listens_for(SecurityEvent, "before_update")
def _security_events_are_not_rewritten(_mapper, _connection, target):
    raise RuntimeError(f"security events are never updated (event {target.id})")


from orientation.audit import append_only_ddl, changes  # noqa: E402,F401  (DDL events; change capture)
