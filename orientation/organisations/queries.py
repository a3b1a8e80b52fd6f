"""Reads of the organisations area."""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from orientation import french
from orientation.auth.tokens import hash_opaque_token
from orientation.extensions import db
from orientation.organisations.models import Invitation, Membership, MembershipRole, Organisation


def list_organisations(search: str = "") -> list[Organisation]:
    query = (
        db.select(Organisation).options(selectinload(Organisation.commune)).order_by(*french.by_name(Organisation.name))
    )
    if search:
        query = query.where(Organisation.name.icontains(search.strip(), autoescape=True))  # "%", "_" are text
    return list(db.session.scalars(query))


def list_members(organisation: Organisation) -> list[Membership]:
    return list(
        db.session.scalars(
            db.select(Membership)
            .where(Membership.organisation_id == organisation.id)
            .options(selectinload(Membership.user))
            .order_by(Membership.role.desc(), Membership.id)
        )
    )


def list_pending_invitations(organisation: Organisation) -> list[Invitation]:
    invitations = db.session.scalars(
        db.select(Invitation)
        .where(
            Invitation.organisation_id == organisation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .order_by(Invitation.created_at.desc())
    )
    return [invitation for invitation in invitations if invitation.is_pending]


def count_managers(organisation: Organisation) -> int:
    return db.session.scalar(
        db.select(db.func.count())
        .select_from(Membership)
        .where(Membership.organisation_id == organisation.id, Membership.role == MembershipRole.MANAGER)
    )


def get_invitation_by_token(token: str) -> Invitation | None:
    return db.session.scalar(db.select(Invitation).where(Invitation.token_hash == hash_opaque_token(token)))
