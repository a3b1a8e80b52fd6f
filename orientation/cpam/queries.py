"""Reads of the CPAM area: the MAS queue, "mes signalements", one case, the dashboard figures (no writes)."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import abort, current_app
from sqlalchemy.orm import joinedload, selectinload

from orientation import clock, french
from orientation.cpam.models import (
    WORKING_STAGES,
    CareKind,
    CaseOutcome,
    CaseStage,
    MasCase,
    MasCaseCare,
    MasCaseEvent,
    MasCaseReason,
    MasNote,
    MasTeam,
    MedecinTraitantDeclaration,
    RenouncementReason,
)
from orientation.directory.models import Service
from orientation.extensions import db
from orientation.organisations.models import Organisation
from orientation.paging import Page, folded, search_words, within
from orientation.people.catalogue import NeedCode
from orientation.people.models import Need, NeedStatus, Person
from orientation.referrals.models import Orientation, orientation_needs
from orientation.small_counts import SMALL_COUNT, protect, published_share  # hidden from those outside the CPAM
from orientation.territory.models import Commune, Epci

PER_PAGE = 20


class QueueTab(enum.StrEnum):
    TO_CONTACT = "a-contacter"
    IN_PROGRESS = "en-cours"
    WAITING = "en-attente"
    TO_CLOSE = "a-cloturer"
    STALLED = "sans-avancee"  # overlaps the working tabs: open cases nobody moved for FOLLOWUP_MAS_STALLED_DAYS
    CLOSED = "clos"

    @property
    def label(self) -> str:
        return {
            "a-contacter": "À contacter",
            "en-cours": "En cours",
            "en-attente": "En attente de la personne",
            "a-cloturer": "À clôturer",
            "sans-avancee": "Sans avancée",
            "clos": "Clos",
        }[self.value]


def _to_close(today: date):
    return sa.or_(
        MasCase.stage == CaseStage.UNREACHABLE,
        sa.and_(
            MasCase.stage == CaseStage.FOLLOW_UP, MasCase.care_planned_on.is_not(None), MasCase.care_planned_on <= today
        ),
    )  # never NULL: the tabs negate it


def stalled_before(today: date) -> datetime:
    """Open cases whose last progress is older than this are stalled (the follow-up rule's delay)."""
    days = current_app.config["FOLLOWUP_MAS_STALLED_DAYS"]
    return datetime.combine(today - timedelta(days=days), datetime.min.time(), clock.PARIS)


def _tab_condition(tab: QueueTab, today: date):
    working = MasCase.stage.in_(WORKING_STAGES)
    return {
        QueueTab.STALLED: sa.and_(MasCase.stage != CaseStage.CLOSED, MasCase.last_progress_at < stalled_before(today)),
        QueueTab.TO_CONTACT: MasCase.stage.in_([CaseStage.NEW, CaseStage.CONTACTING]),
        QueueTab.IN_PROGRESS: sa.and_(working, MasCase.waiting_on_person.is_(False), ~_to_close(today)),
        QueueTab.WAITING: sa.and_(working, MasCase.waiting_on_person.is_(True), ~_to_close(today)),
        QueueTab.TO_CLOSE: _to_close(today),
        QueueTab.CLOSED: MasCase.stage == CaseStage.CLOSED,
    }[tab]


def _list_options():
    return (
        joinedload(MasCase.person).joinedload(Person.commune),
        joinedload(MasCase.team),
        joinedload(MasCase.sender_organisation),
        joinedload(MasCase.orientation),
        joinedload(MasCase.assigned_to),
        selectinload(MasCase.care_links),
    )


def team_ids_of(organisation_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(MasTeam.id).where(MasTeam.organisation_id == organisation_id)))


def _matching(search: str) -> list:
    """Each word searched is in the person's name, their commune's or the sending structure's name
    (narrows a list: never shows a case the list would not)."""
    return [
        sa.or_(
            MasCase.person.has(Person.name_key.contains(word, autoescape=True)),
            MasCase.person.has(Person.commune.has(folded(Commune.name).contains(word, autoescape=True))),
            MasCase.sender_organisation.has(folded(Organisation.name).contains(word, autoescape=True)),
        )
        for word in search_words(search)
    ]


def queue_page(
    organisation_id: int,
    tab: QueueTab,
    *,
    team_id: int | None = None,
    search: str = "",
    page: int | None = 1,
    today: date | None = None,
) -> Page:
    today = today or clock.now().date()
    teams = team_ids_of(organisation_id)
    if team_id is not None:
        teams = [t for t in teams if t == team_id]
    base = [MasCase.team_id.in_(teams)]
    counts = {
        t: db.session.scalar(sa.select(sa.func.count()).select_from(MasCase).where(*base, _tab_condition(t, today)))
        or 0
        for t in QueueTab
    }
    # The oldest first while waiting for the CPAM (triage); the most recent first once closed.
    order = (
        (MasCase.closed_at.desc(), MasCase.id.desc())
        if tab is QueueTab.CLOSED
        else (
            sa.case((MasCase.urgency == "urgent", 0), (MasCase.urgency == "soon", 1), else_=2),
            MasCase.filed_at.asc(),
            MasCase.id.asc(),
        )
    )
    filters = [*base, _tab_condition(tab, today), *_matching(search)]
    total = counts[tab] if not search_words(search) else _count(filters)
    return _page(filters, order, page, counts, total)


def _count(filters) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(MasCase).where(*filters)) or 0


def home_counts(organisation_id: int, today: date | None = None) -> dict[QueueTab, int]:
    """Cases to contact and stalled ones of the organisation's teams: one statement, the queue's conditions."""
    today = today or clock.today()
    tabs = (QueueTab.TO_CONTACT, QueueTab.STALLED)
    row = db.session.execute(
        sa.select(*(sa.func.count().filter(_tab_condition(tab, today)) for tab in tabs))
        .join(MasTeam, MasTeam.id == MasCase.team_id)
        .where(MasTeam.organisation_id == organisation_id)
    ).one()
    return dict(zip(tabs, row, strict=True))


def reports_page(organisation_id: int, *, closed: bool | None = None, search: str = "", page: int | None = 1) -> Page:
    filters = [MasCase.sender_organisation_id == organisation_id, *_matching(search)]
    if closed is not None:
        filters.append((MasCase.stage == CaseStage.CLOSED) if closed else (MasCase.stage != CaseStage.CLOSED))
    return _page(filters, (MasCase.filed_at.desc(), MasCase.id.desc()), page, {}, _count(filters))


def _page(filters, order, page, counts, total) -> Page:
    page = within(max(1, min(int(page or 1), 1_000_000)), total, PER_PAGE)
    items = list(
        db.session.scalars(
            sa.select(MasCase)
            .where(*filters)
            .order_by(*order)
            .limit(PER_PAGE)
            .offset((page - 1) * PER_PAGE)
            .options(*_list_options())
        ).unique()
    )
    return Page(items, total, page, PER_PAGE, counts)


def get_case(case_id: int) -> MasCase:
    case = db.session.scalar(
        sa.select(MasCase)
        .where(MasCase.id == case_id)
        .options(
            *_list_options(),
            joinedload(MasCase.filed_by),
            joinedload(MasCase.consent),
            selectinload(MasCase.reason_links),
            selectinload(MasCase.attempts),
            selectinload(MasCase.rights),
            selectinload(MasCase.notes).joinedload(MasNote.author),
            selectinload(MasCase.events).joinedload(MasCaseEvent.actor),
        )
    )
    if case is None:
        abort(404)
    return case


def list_services(ids) -> list[Service]:
    ids = [int(i) for i in ids or ()]
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Service)
            .where(Service.id.in_(ids))
            .options(joinedload(Service.structure))
            .order_by(*french.by_name(Service.name))
        )
    )


# ---------------------------------------------------------------------------------------------
# Santé: people without médecin traitant


def list_medecin_traitant_needs(organisation_id: int) -> list[tuple[Need, Orientation | None]]:
    """Open "pas de médecin traitant" needs of the organisation's files, and those oriented to it."""
    own = sa.select(Need.id).join(Person).where(Person.organisation_id == organisation_id)
    received = (
        sa.select(orientation_needs.c.need_id)
        .join(Orientation, Orientation.id == orientation_needs.c.orientation_id)
        .where(Orientation.receiver_organisation_id == organisation_id, Orientation.status != "draft")
    )
    needs = list(
        db.session.scalars(
            sa.select(Need)
            .where(
                Need.code == NeedCode.SANTE_MEDECIN_TRAITANT,
                Need.status == NeedStatus.OPEN,
                sa.or_(Need.id.in_(own), Need.id.in_(received)),
            )
            .order_by(Need.created_at, Need.id)
            .options(joinedload(Need.person))
        )
    )
    latest = {}
    if needs:
        rows = db.session.execute(
            sa.select(orientation_needs.c.need_id, Orientation)
            .join(Orientation, Orientation.id == orientation_needs.c.orientation_id)
            .where(orientation_needs.c.need_id.in_([n.id for n in needs]))
            .order_by(Orientation.id)
            .options(joinedload(Orientation.service))
        )
        for need_id, orientation in rows:
            latest[need_id] = orientation
    return [(need, latest.get(need.id)) for need in needs]


def receiving_organisation_ids_of_need(need_id: int) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(Orientation.receiver_organisation_id)
            .join(orientation_needs, orientation_needs.c.orientation_id == Orientation.id)
            .where(orientation_needs.c.need_id == need_id, Orientation.status != "draft")
        )
    )


# ---------------------------------------------------------------------------------------------
# Dashboard (aggregates only: no name, no id of a person leaves these functions)


@dataclass
class Figure:
    label: str
    count: int | None  # None: hidden (small count)
    share: float | None = None


@dataclass
class Dashboard:
    total: int | None
    open: int | None
    closed: int | None
    care_done_share: float | None
    delay_median_days: float | None
    delay_p80_days: float | None
    by_care: list[Figure]
    by_reason: list[Figure]
    by_outcome: list[Figure]
    by_stage: list[Figure]
    by_epci: list[dict]
    medecin_traitant_found: int | None


def _mask(count: int, exact: bool) -> int | None:
    return count if exact or count == 0 or count >= SMALL_COUNT else None


def _share(numerator: int, denominator: int, exact: bool) -> float | None:
    """Exact for the CPAM; for others the one rule of every published rate (the pilotage's too)."""
    if exact:
        return numerator / denominator if denominator else None
    return published_share(numerator, denominator)


def _breakdown(counts: list[int], exact: bool) -> list:
    """The parts of a published total: exact for the CPAM, else protected (no small part by difference)."""
    return list(counts) if exact else protect(list(counts))


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks (as PostgreSQL's percentile_cont)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def dashboard(*, exact: bool, organisation_id: int | None = None) -> Dashboard:
    """The CPAM figures; `organisation_id` (a CPAM) limits them to its teams; `exact` False hides small counts."""
    scope = [MasCase.team_id.in_(team_ids_of(organisation_id))] if organisation_id else []

    def grouped(column, join_model):
        rows = db.session.execute(
            sa.select(column, sa.func.count())
            .select_from(MasCase)
            .join(join_model, join_model.case_id == MasCase.id)
            .where(*scope)
            .group_by(column)
        ).all()
        return dict(rows)

    total = db.session.scalar(sa.select(sa.func.count()).select_from(MasCase).where(*scope)) or 0
    by_stage = dict(
        db.session.execute(sa.select(MasCase.stage, sa.func.count()).where(*scope).group_by(MasCase.stage)).all()
    )
    by_outcome = dict(
        db.session.execute(
            sa.select(MasCase.outcome, sa.func.count())
            .where(*scope, MasCase.outcome.is_not(None))
            .group_by(MasCase.outcome)
        ).all()
    )
    closed = by_stage.get(CaseStage.CLOSED, 0)
    done = sum(count for outcome, count in by_outcome.items() if CaseOutcome(outcome).care_done)
    delays = [
        (first - filed).total_seconds() / 86400
        for filed, first in db.session.execute(
            sa.select(MasCase.filed_at, MasCase.first_contact_at).where(*scope, MasCase.first_contact_at.is_not(None))
        )
    ]
    care = grouped(MasCaseCare.kind, MasCaseCare)
    reasons = grouped(MasCaseReason.reason, MasCaseReason)
    epci_rows = db.session.execute(
        sa.select(
            Epci.name,
            sa.func.count(),
            sa.func.sum(
                sa.case(
                    (MasCase.outcome.in_([outcome.value for outcome in CaseOutcome if outcome.care_done]), 1),
                    else_=0,
                )
            ),
            sa.func.sum(sa.case((MasCase.stage == CaseStage.CLOSED, 1), else_=0)),
        )
        .select_from(MasCase)
        .outerjoin(Commune, Commune.code_insee == MasCase.commune_code)
        .outerjoin(Epci, Epci.siren == Commune.epci_siren)
        .where(*scope)
        .group_by(Epci.name)
        .order_by(*french.by_name(Epci.name))
    ).all()
    found = db.session.scalar(sa.select(sa.func.count()).select_from(MedecinTraitantDeclaration)) or 0
    return Dashboard(
        total=_mask(total, exact),
        open=_mask(total - closed, exact),
        closed=_mask(closed, exact),
        care_done_share=_share(done, closed, exact),
        delay_median_days=_rounded(percentile(delays, 0.5)) if exact or len(delays) >= SMALL_COUNT else None,
        delay_p80_days=_rounded(percentile(delays, 0.8)) if exact or len(delays) >= SMALL_COUNT else None,
        by_care=[Figure(kind.label, _mask(care.get(kind, 0), exact)) for kind in CareKind],
        by_reason=[Figure(reason.label, _mask(reasons.get(reason, 0), exact)) for reason in RenouncementReason],
        by_outcome=[
            Figure(outcome.label, cell)
            for outcome, cell in zip(
                CaseOutcome, _breakdown([by_outcome.get(outcome, 0) for outcome in CaseOutcome], exact), strict=True
            )
        ],
        by_stage=[
            Figure(stage.label, cell)
            for stage, cell in zip(
                CaseStage, _breakdown([by_stage.get(stage, 0) for stage in CaseStage], exact), strict=True
            )
        ],
        by_epci=[
            {
                "epci": name or "Commune non renseignée",
                "cases": cases,
                "closed": closed_cell,
                "care_done_share": _share(int(done_n or 0), int(closed_n or 0), exact)
                if exact or isinstance(closed_cell, int)
                else None,
            }
            for (name, _count, done_n, closed_n), cases, closed_cell in zip(
                epci_rows,
                _breakdown([count for _name, count, _d, _c in epci_rows], exact),
                _breakdown([int(row[3] or 0) for row in epci_rows], exact),
                strict=True,
            )
        ],
        medecin_traitant_found=_mask(found, exact),
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
