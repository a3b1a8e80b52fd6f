"""Services kept fresh by their managers: when a service is due for confirmation, the signed « Tout est à
jour » link, what the coordination sees, and the error reports agents send about a service.

- A service is *due* once its last confirmation (its managers' click or edit, else its source's
  `date_maj`, else its creation) and the last time its managers were asked (`freshness_asked_at`) are
  both older than its frequency: `freshness_months`, else DIRECTORY_FRESHNESS_MONTHS (6).
- The e-mail is a rule of the follow-up engine, declared by the organisations area (it knows who
  manages a structure): orientation.organisations.freshness. It stamps `freshness_asked_at` on the
  services it lists, so each one is asked once per period.
- Still unconfirmed DIRECTORY_FRESHNESS_ESCALATION_DAYS (30) after it was asked: the coordination's
  list « Services à confirmer ».
- The link of the e-mail is signed (itsdangerous, auth.tokens.signed_serializer): the structure, the
  manager and the moment they were asked; it confirms only the services listed then, only while that
  account still manages the structure. GET shows a page with a button, POST confirms.

Reads and writes; writes flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from orientation import clock, french, signals
from orientation.auth.models import User
from orientation.auth.tokens import InvalidToken, load_signed, signed_serializer
from orientation.directory.models import Service, ServiceErrorReport, Structure
from orientation.directory.operations import confirm_service
from orientation.directory.queries import services_matching
from orientation.extensions import db
from orientation.paging import Page, paged

LINK_SALT = "orientation.directory-freshness"


def default_months() -> int:
    return int(current_app.config["DIRECTORY_FRESHNESS_MONTHS"])


# The setting read when the statement runs (the rule's `since` is built once, at import).
_DEFAULT_MONTHS = sa.bindparam("freshness_default_months", callable_=default_months, type_=sa.Integer)


def last_vouched(service=Service):
    """SQL: when someone last vouched for the entry (confirmation, else the source's date, else its creation)."""
    return sa.func.coalesce(
        service.confirmed_at, sa.cast(service.date_maj, sa.DateTime(timezone=True)), service.created_at
    )


def due_at(service=Service):
    """SQL: when the service is next due for confirmation (both its last vouching and last asking + its period)."""
    months = sa.func.make_interval(0, sa.func.coalesce(service.freshness_months, _DEFAULT_MONTHS))
    return sa.func.greatest(last_vouched(service), service.freshness_asked_at) + months


def overdue(now: datetime):
    """SQL: « À vérifier », live entries nobody vouched for within their period (Service.is_stale)."""
    months = sa.func.make_interval(0, sa.func.coalesce(Service.freshness_months, _DEFAULT_MONTHS))
    return sa.and_(Service.withdrawn_at.is_(None), last_vouched() + months < now)


def structure_due_at():
    """SQL (correlated to structures): the earliest due date of its live services; NULL without any."""
    return (
        sa.select(sa.func.min(due_at()))
        .where(Service.structure_id == Structure.id, Service.withdrawn_at.is_(None))
        .correlate(Structure)
        .scalar_subquery()
    )


def list_due_services(structure_id: int, now: datetime) -> list[Service]:
    """The live services of a structure whose confirmation is due now."""
    return list(
        db.session.scalars(
            sa.select(Service)
            .where(Service.structure_id == structure_id, Service.withdrawn_at.is_(None), due_at() <= now)
            .order_by(*french.by_name(Service.name), Service.id)
        )
    )


def mark_asked(services: list[Service], now: datetime) -> None:
    for service in services:
        service.freshness_asked_at = now
    db.session.flush()


def escalation_delay() -> timedelta:
    return timedelta(days=int(current_app.config["DIRECTORY_FRESHNESS_ESCALATION_DAYS"]))


TO_CONFIRM_PAGE = 50


def _to_confirm(now: datetime | None = None):
    """« Services à confirmer »: asked more than a month ago and not confirmed since (oldest request first)."""
    now = now or clock.now()
    return (
        sa.select(Service)
        .where(
            Service.withdrawn_at.is_(None),
            Service.freshness_asked_at <= now - escalation_delay(),
            sa.or_(Service.confirmed_at.is_(None), Service.confirmed_at < Service.freshness_asked_at),
        )
        .order_by(Service.freshness_asked_at, Service.id)
    )


def _to_confirm_loads():
    return [selectinload(Service.structure).selectinload(Structure.organisation)]


def list_services_to_confirm(now: datetime | None = None) -> list[Service]:
    return list(db.session.scalars(_to_confirm(now).options(*_to_confirm_loads())))


def services_to_confirm_page(search: str = "", page=None, now: datetime | None = None) -> Page:
    statement = _to_confirm(now).where(*services_matching(search))
    return paged(statement, page, TO_CONFIRM_PAGE, options=_to_confirm_loads())


def make_link_token(structure_id: int, user_id: int, asked_at: datetime) -> str:
    return signed_serializer(LINK_SALT).dumps({"s": structure_id, "u": user_id, "a": asked_at.isoformat()})


@dataclass
class FreshnessRequest:
    """What a link stands for: a manager asked at `asked_at` to confirm these services of a structure."""

    structure: Structure
    user: User
    asked_at: datetime
    services: list[Service]  # listed in the e-mail and still live
    pending: list[Service]  # of those, the ones nobody confirmed since


def request_from_token(token: str) -> FreshnessRequest:
    """The request a link stands for; InvalidToken (French message) when it cannot be used."""
    max_age = int(current_app.config["DIRECTORY_FRESHNESS_LINK_DAYS"]) * 86400
    data = load_signed(
        LINK_SALT,
        token,
        max_age,
        expired="Ce lien a expiré. Connectez-vous pour confirmer vos services depuis leur fiche de l'annuaire.",
    )
    try:
        structure = db.session.get(Structure, int(data["s"]))
        user = db.session.get(User, int(data["u"]))
        asked_at = datetime.fromisoformat(data["a"])
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidToken("Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier.") from error
    if structure is None or user is None or not user.active or not manages(user, structure):
        raise InvalidToken(
            "Ce lien n'est plus valide : votre compte ne gère plus cette structure. "
            "Adressez-vous à un responsable de la structure ou à la coordination."
        )
    services = list(
        db.session.scalars(
            sa.select(Service)
            .where(
                Service.structure_id == structure.id,
                Service.withdrawn_at.is_(None),
                Service.freshness_asked_at == asked_at,
            )
            .order_by(*french.by_name(Service.name), Service.id)
        )
    )
    if not services:
        raise InvalidToken(
            "Ce lien ne correspond plus à une demande en cours : un e-mail plus récent vous a été envoyé, "
            "ou ces services ont été retirés de l'annuaire."
        )
    pending = [s for s in services if s.confirmed_at is None or s.confirmed_at < asked_at]
    return FreshnessRequest(structure, user, asked_at, services, pending)


def manages(user: User, structure: Structure) -> bool:
    return structure.organisation_id is not None and any(
        m.organisation_id == structure.organisation_id and m.is_manager for m in user.memberships
    )


def confirm_request(request: FreshnessRequest) -> list[Service]:
    """« Tout est à jour »: the pending services of the request are confirmed by its manager."""
    for service in request.pending:
        confirm_service(service, request.user)
    return request.pending


# ---- error reports ----------------------------------------------------------------------------------


def _has_managers():
    """SQL (correlated to structures): the structure's organisation has an active manager.

    The tables, not the models: the directory reads the organisations area without importing it."""
    memberships = Structure.metadata.tables["memberships"]
    users = Structure.metadata.tables["users"]
    return sa.exists().where(
        memberships.c.organisation_id == Structure.organisation_id,
        memberships.c.role == "manager",
        users.c.id == memberships.c.user_id,
        users.c.active.is_(True),
    )


def list_open_reports(*, structure_ids: list[int] | None = None, without_managers: bool = False) -> list:
    """Error reports still to process: of some structures (« Ma structure »), or of the structures with
    nobody to process them (the coordination's list)."""
    statement = (
        sa.select(ServiceErrorReport)
        .join(ServiceErrorReport.service)
        .join(Service.structure)
        .where(ServiceErrorReport.done_at.is_(None))
        .order_by(ServiceErrorReport.created_at, ServiceErrorReport.id)
        .options(
            selectinload(ServiceErrorReport.service).selectinload(Service.structure),
            selectinload(ServiceErrorReport.reported_by),
        )
    )
    if structure_ids is not None:
        statement = statement.where(Service.structure_id.in_(structure_ids))
    if without_managers:
        statement = statement.where(~_has_managers())
    return list(db.session.scalars(statement))


def report_error(service: Service, user: User, message: str) -> ServiceErrorReport:
    report = ServiceErrorReport(service=service, reported_by_id=user.id, message=message, created_at=clock.now())
    db.session.add(report)
    db.session.flush()
    signals.service_error_reported.send(report)
    return report


def mark_report_done(report: ServiceErrorReport, user: User) -> None:
    if report.done_at is None:
        report.done_at = clock.now()
        report.done_by_id = user.id
        db.session.flush()
