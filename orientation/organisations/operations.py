"""Write use cases for organisations, members and invitations (flush, never commit)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, url_for

from orientation import french
from orientation.audit import security
from orientation.audit.models import SecurityEventKind
from orientation.auth import operations as auth_operations
from orientation.auth.models import User
from orientation.auth.tokens import new_opaque_token
from orientation.db import utcnow
from orientation.extensions import db
from orientation.notifications.mail import queue_mail
from orientation.organisations.models import Invitation, JoinRequest, Membership, MembershipRole, Organisation
from orientation.organisations.queries import count_managers


class MembershipError(Exception):
    """A member change that would break a rule; the message is for the user (French)."""


def save_organisation(organisation: Organisation, **fields) -> Organisation:
    for name, value in fields.items():
        setattr(organisation, name, value)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def invite_member(
    inviter: User | None,
    organisation: Organisation,
    email: str,
    role: MembershipRole,
    join_request: JoinRequest | None = None,
    *,
    grants_coordinator: bool = False,
) -> Invitation:
    """`inviter` None: the app itself, for an accepted join request (`join_request`, named in the e-mail)."""
    email = auth_operations.normalise_email(email)
    existing = auth_operations.get_user_by_email(email)
    if existing and any(m.organisation_id == organisation.id for m in existing.memberships):
        raise MembershipError(f"{email} est déjà membre {french.de(organisation.name)}.")
    token, token_hash = new_opaque_token()
    invitation = Invitation(
        email=email,
        organisation=organisation,
        role=role,
        grants_coordinator=grants_coordinator,
        token_hash=token_hash,
        invited_by_id=inviter.id if inviter else None,
        expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_VALID_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    security.record(
        SecurityEventKind.INVITATION_SENT,
        user=existing,
        email=email,
        organisation=organisation,
        detail={"role": role.value, "coordinator": bool(grants_coordinator)},
    )
    link = url_for("invitations.accept", token=token, _external=True)
    queue_mail(
        email,
        "invitation",
        invitation=invitation,
        inviter=inviter,
        join_request=join_request,
        link=link,
        valid_days=current_app.config["INVITATION_VALID_DAYS"],
    )
    return invitation


def invitation_problem(invitation: Invitation | None) -> str | None:
    """Why this invitation cannot be used (French), or None."""
    if invitation is None:
        return "Ce lien d'invitation n'est pas valide. Vérifiez qu'il a été copié en entier."
    if invitation.accepted_at is not None:
        return "Cette invitation a déjà été utilisée. Connectez-vous avec votre compte."
    if invitation.revoked_at is not None:
        return "Cette invitation a été annulée. Demandez une nouvelle invitation à votre responsable."
    if invitation.expires_at <= utcnow():
        return "Cette invitation a expiré. Demandez une nouvelle invitation à votre responsable."
    return None


def accept_invitation(
    invitation: Invitation,
    existing: User | None,
    *,
    first_name: str | None,
    last_name: str | None,
    password: str | None,
) -> User:
    """Create the account (or reuse the existing one) and add the membership, exactly once."""
    claimed = db.session.execute(
        db.update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=utcnow())
    ).rowcount
    if claimed != 1:
        raise MembershipError("Cette invitation a déjà été utilisée.")
    user = existing or auth_operations.create_user(invitation.email, first_name, last_name, password)
    if invitation.grants_coordinator:
        user.is_coordinator = True
    if not any(m.organisation_id == invitation.organisation_id for m in user.memberships):
        user.memberships.append(Membership(organisation_id=invitation.organisation_id, role=invitation.role))
    invitation.accepted_by_id = user.id
    db.session.flush()
    db.session.refresh(invitation)
    return user


def revoke_invitation(invitation: Invitation) -> None:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.session.flush()


def change_role(membership: Membership, role: MembershipRole) -> None:
    if membership.role is MembershipRole.MANAGER and role is not MembershipRole.MANAGER:
        _keep_one_manager(membership)
    if membership.role is not role:
        security.record(
            SecurityEventKind.ROLE_CHANGED,
            user=membership.user,
            organisation=membership.organisation_id,
            detail={"from": membership.role.value, "to": role.value},
        )
    membership.role = role
    db.session.flush()


def remove_member(membership: Membership) -> None:
    if membership.role is MembershipRole.MANAGER:
        _keep_one_manager(membership)
    security.record(
        SecurityEventKind.MEMBER_REMOVED,
        user=membership.user,
        organisation=membership.organisation_id,
        detail={"role": membership.role.value},
    )
    db.session.delete(membership)
    db.session.flush()


def _keep_one_manager(membership: Membership) -> None:
    if count_managers(membership.organisation) <= 1:
        raise MembershipError(
            "Une structure doit garder au moins un·e responsable : nommez d'abord un·e autre responsable."
        )


def add_membership(user: User, organisation: Organisation, role: MembershipRole) -> Membership:
    membership = Membership(user=user, organisation=organisation, role=role)
    db.session.add(membership)
    db.session.flush()
    return membership
