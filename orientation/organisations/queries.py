"""Reads of the organisations area."""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from orientation import french
from orientation.auth.tokens import hash_opaque_token
from orientation.db import utcnow
from orientation.directory.models import Service, Structure
from orientation.extensions import db
from orientation.notifications.models import DeliveryMode, EventKind, NotificationPreference
from orientation.organisations.models import (
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipRole,
    Organisation,
)
from orientation.paging import Page, folded, matching_every_word, paged, search_words
from orientation.territory.models import Commune

ORGANISATIONS_PAGE = 50
JOIN_REQUESTS_PAGE = 30


def _organisations(search: str = ""):
    """Partner structures whose name holds every word searched (accents and case ignored)."""
    return (
        db.select(Organisation)
        .where(*matching_every_word(search, Organisation.name))
        .order_by(*french.by_name(Organisation.name), Organisation.id)
    )


def list_organisations(search: str = "") -> list[Organisation]:
    return list(db.session.scalars(_organisations(search).options(selectinload(Organisation.commune))))


def organisations_page(search: str = "", page=None) -> Page:
    return paged(_organisations(search), page, ORGANISATIONS_PAGE, options=[selectinload(Organisation.commune)])


def list_members(organisation: Organisation) -> list[Membership]:
    return list(
        db.session.scalars(
            db.select(Membership)
            .where(Membership.organisation_id == organisation.id)
            .options(selectinload(Membership.user))
            .order_by(Membership.role.desc(), Membership.id)
        )
    )


def reception_recipients(organisation: Organisation) -> list[tuple[Membership, DeliveryMode]]:
    """Who is told when an orientation arrives (the active members), and how: their own choice, else the
    structure's (a daily digest or an e-mail each time)."""
    default = DeliveryMode.DIGEST if organisation.notification_digest else DeliveryMode.IMMEDIATE
    members = [membership for membership in list_members(organisation) if membership.user.active]
    chosen = dict(
        db.session.execute(
            db.select(NotificationPreference.user_id, NotificationPreference.mode).where(
                NotificationPreference.kind == EventKind.ORIENTATION_RECEIVED,
                NotificationPreference.user_id.in_([membership.user_id for membership in members]),
            )
        ).all()
    )
    return [(membership, chosen.get(membership.user_id) or default) for membership in members]


def managed_memberships(user) -> list[Membership]:
    """The user's memberships as a manager (« Ma structure » offers to switch between them)."""
    return [membership for membership in user.memberships if membership.role is MembershipRole.MANAGER]


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


def search_structures(search: str, limit: int = 20) -> list[Structure]:
    """Directory structures by name, commune or SIRET (the coordination attaches them)."""
    search = search.strip()
    query = (
        db.select(Structure)
        .options(selectinload(Structure.organisation), selectinload(Structure.commune))
        .order_by(Structure.name, Structure.id)
        .limit(limit)
    )
    if search:
        digits = search.replace(" ", "")
        query = query.outerjoin(Commune, Structure.commune_code == Commune.code_insee).where(
            db.or_(
                Structure.name.icontains(search, autoescape=True),
                Structure.commune_name.icontains(search, autoescape=True),
                Commune.name.icontains(search, autoescape=True),
                Structure.code_postal == digits,
                Structure.siret == digits,
            )
        )
    return list(db.session.scalars(query))


def structures_of(organisation: Organisation) -> list[Structure]:
    return list(
        db.session.scalars(
            db.select(Structure)
            .where(Structure.organisation_id == organisation.id)
            .options(selectinload(Structure.services))
            .order_by(Structure.name, Structure.id)
        )
    )


def services_received_by(organisation: Organisation) -> list[Service]:
    """Services of other structures the coordination chose this organisation to receive."""
    return list(
        db.session.scalars(
            db.select(Service)
            .join(Structure, Service.structure_id == Structure.id)
            .where(
                Service.receiving_organisation_id == organisation.id,
                db.or_(Structure.organisation_id.is_(None), Structure.organisation_id != organisation.id),
            )
            .order_by(Service.name, Service.id)
        )
    )


def join_requests_page(status: JoinRequestStatus, search: str = "", page=None) -> Page:
    """Requests in `status`, the longest waiting first; each word searched in the requester's name,
    e-mail, the space asked for or the directory structure's name."""
    columns = (JoinRequest.first_name, JoinRequest.last_name, JoinRequest.email, JoinRequest.organisation_name)
    words = [
        db.or_(
            *(folded(column).contains(word, autoescape=True) for column in columns),
            JoinRequest.structure_id.in_(
                db.select(Structure.id).where(folded(Structure.name).contains(word, autoescape=True))
            ),
        )
        for word in search_words(search)
    ]
    statement = (
        db.select(JoinRequest)
        .where(JoinRequest.status == status, *words)
        .order_by(JoinRequest.confirmed_at.asc().nulls_last(), JoinRequest.id.asc())
    )
    return paged(statement, page, JOIN_REQUESTS_PAGE)


def list_join_requests(*statuses: JoinRequestStatus, limit: int = 100) -> list[JoinRequest]:
    return list(
        db.session.scalars(
            db.select(JoinRequest)
            .where(JoinRequest.status.in_(statuses))
            .order_by(JoinRequest.confirmed_at.desc().nulls_last(), JoinRequest.id.desc())
            .limit(limit)
        )
    )


def active_organisations() -> list[Organisation]:
    return list(
        db.session.scalars(db.select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.name))
    )


def count_pending_invitations(organisation_id: int) -> int:
    """The home's count for a manager: invitations not yet accepted (the members page lists them)."""
    return (
        db.session.scalar(
            db.select(db.func.count())
            .select_from(Invitation)
            .where(
                Invitation.organisation_id == organisation_id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
        )
        or 0
    )


def count_join_requests(status: JoinRequestStatus) -> int:
    return (
        db.session.scalar(db.select(db.func.count()).select_from(JoinRequest).where(JoinRequest.status == status)) or 0
    )
