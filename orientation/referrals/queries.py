"""Reads of the referrals area: inbox, sent list, a person's timeline (no writes).

Every page is a constant number of statements (tested): one for the counts per tab, one for the
page with everything it shows joined or select-in loaded.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from orientation import clock
from orientation.db import as_id
from orientation.directory.models import Service
from orientation.directory.queries import (
    SearchHit,
    SearchParams,
    list_services_that_can_receive,
    search_services,
    with_reach,
)
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.organisations.models import Organisation
from orientation.paging import Page, folded, search_words, within
from orientation.people.models import Consent, Person
from orientation.referrals.lifecycle import CLOSED_STATUSES, ONGOING_STATUSES, UNDECIDED_STATUSES, OrientationStatus
from orientation.referrals.models import (
    Appointment,
    AppointmentStatus,
    Orientation,
    OrientationComment,
    OrientationEvent,
    SentListVisit,
    Urgency,
    orientation_needs,
)
from orientation.referrals.outcome_details import OrientationOutcomeDetail  # noqa: F401 (defines Orientation.outcome_details)

S = OrientationStatus
PER_PAGE = 20


class InboxTab(enum.StrEnum):
    NEW = "nouvelles"
    TO_DECIDE = "a-decider"
    ONGOING = "en-cours"
    OVERDUE = "en-retard"
    CLOSED = "terminees"

    @property
    def label(self) -> str:
        return {
            "nouvelles": "Nouvelles",
            "a-decider": "À décider",
            "en-cours": "En cours",
            "en-retard": "En retard",
            "terminees": "Terminées",
        }[self.value]


class SentGroup(enum.StrEnum):
    ALL = "toutes"
    WAITING = "en-attente"
    ONGOING = "en-cours"
    CLOSED = "terminees"
    DRAFTS = "brouillons"

    @property
    def label(self) -> str:
        return {
            "toutes": "Toutes",
            "en-attente": "En attente de décision",
            "en-cours": "En cours",
            "terminees": "Terminées",
            "brouillons": "Brouillons",
        }[self.value]


def _status_in(statuses):
    """`status IN ('a', 'b')` with literal values, so PostgreSQL matches the partial indexes' predicates."""
    values = sorted(status.value for status in statuses)
    return Orientation.status.in_(sa.bindparam(None, values, expanding=True, literal_execute=True))


def _inbox_condition(tab: InboxTab, now: datetime):
    return {
        InboxTab.NEW: Orientation.status == S.SENT,
        InboxTab.TO_DECIDE: Orientation.status == S.RECEIVED,
        InboxTab.ONGOING: _status_in(ONGOING_STATUSES),
        InboxTab.OVERDUE: sa.and_(_status_in(UNDECIDED_STATUSES), Orientation.decision_due_at < now),
        InboxTab.CLOSED: _status_in(CLOSED_STATUSES),
    }[tab]


def _sent_condition(group: SentGroup):
    return {
        SentGroup.ALL: Orientation.status != S.DRAFT,
        SentGroup.WAITING: _status_in(UNDECIDED_STATUSES),
        SentGroup.ONGOING: _status_in(ONGOING_STATUSES),
        SentGroup.CLOSED: _status_in(CLOSED_STATUSES),
        SentGroup.DRAFTS: Orientation.status == S.DRAFT,
    }[group]


def _counts_by_status(column, organisation_id: int) -> dict[OrientationStatus, int]:
    """One index-only scan: how many orientations of the organisation in each status."""
    rows = db.session.execute(
        sa.select(Orientation.status, sa.func.count()).where(column == organisation_id).group_by(Orientation.status)
    )
    return dict(rows.all())


def _list_options():
    return (
        joinedload(Orientation.person),
        joinedload(Orientation.consent),
        joinedload(Orientation.service).joinedload(Service.structure),
        joinedload(Orientation.sender_organisation),
        joinedload(Orientation.receiver_organisation),
    )


def inbox_counts(organisation_id: int, now: datetime | None = None) -> dict[InboxTab, int]:
    """Counts per tab in two statements: per status (index-only), and the overdue ones (partial index)."""
    now = now or clock.now()
    by_status = _counts_by_status(Orientation.receiver_organisation_id, organisation_id)
    overdue = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Orientation)
            .where(Orientation.receiver_organisation_id == organisation_id, _inbox_condition(InboxTab.OVERDUE, now))
        )
        or 0
    )
    return {
        InboxTab.NEW: by_status.get(S.SENT, 0),
        InboxTab.TO_DECIDE: by_status.get(S.RECEIVED, 0),
        InboxTab.ONGOING: sum(by_status.get(status, 0) for status in ONGOING_STATUSES),
        InboxTab.OVERDUE: overdue,
        InboxTab.CLOSED: sum(by_status.get(status, 0) for status in CLOSED_STATUSES),
    }


def inbox_page(
    organisation_id: int,
    tab: InboxTab = InboxTab.NEW,
    *,
    volet: Volet | None = None,
    urgency: Urgency | None = None,
    search: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
    now: datetime | None = None,
) -> Page:
    now = now or clock.now()
    counts = inbox_counts(organisation_id, now)
    filters = [Orientation.receiver_organisation_id == organisation_id, _inbox_condition(tab, now)]
    filters += _matching(search)
    if volet is not None:
        filters.append(Orientation.volet == volet)
    if urgency is not None:
        filters.append(Orientation.urgency == urgency)
    # Waiting ones: the oldest first (triage); the others: the most recently active first.
    waiting = tab in (InboxTab.NEW, InboxTab.TO_DECIDE, InboxTab.OVERDUE)
    order = (
        (Orientation.last_activity_at.asc(), Orientation.id.asc())
        if waiting
        else (Orientation.last_activity_at.desc(), Orientation.id.desc())
    )
    narrowed = volet is not None or urgency is not None or bool(search_words(search))
    return _page(filters, order, page, per_page, counts, total=None if narrowed else counts[tab])


def sent_counts(organisation_id: int) -> dict[SentGroup, int]:
    by_status = _counts_by_status(Orientation.sender_organisation_id, organisation_id)

    def total(statuses) -> int:
        return sum(by_status.get(status, 0) for status in statuses)

    return {
        SentGroup.ALL: total(set(S) - {S.DRAFT}),
        SentGroup.WAITING: total(UNDECIDED_STATUSES),
        SentGroup.ONGOING: total(ONGOING_STATUSES),
        SentGroup.CLOSED: total(CLOSED_STATUSES),
        SentGroup.DRAFTS: total({S.DRAFT}),
    }


def sent_page(
    organisation_id: int,
    group: SentGroup = SentGroup.ALL,
    *,
    volet: Volet | None = None,
    changed_since: datetime | None = None,
    appointments_this_week: bool = False,
    search: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page:
    """`changed_since` and `appointments_this_week`: the home's counts, opened (the same conditions)."""
    counts = sent_counts(organisation_id)
    filters = [Orientation.sender_organisation_id == organisation_id, _sent_condition(group)]
    filters += _matching(search, names_of_withdrawn=True)  # the sender's own files
    if volet is not None:
        filters.append(Orientation.volet == volet)
    if changed_since is not None:
        filters.append(_changed_since(changed_since))
    if appointments_this_week:
        filters.append(_appointment_this_week())
    narrowed = volet is not None or changed_since is not None or appointments_this_week or bool(search_words(search))
    order = (Orientation.last_activity_at.desc(), Orientation.id.desc())
    total = None if narrowed else counts[group]
    # the sender's list shows the answers given at completion: one query for the page
    return _page(filters, order, page, per_page, counts, total, selectinload(Orientation.outcome_details))


# ---- the home's counts ---------------------------------------------------------------------------

FIRST_VISIT_LOOKBACK = timedelta(days=7)  # before a first visit of the sent list, « changed » means this week


def _changed_since(since):
    """Moved since `since` — and since it was sent: the sender's own sending is not news to them."""
    return sa.and_(
        Orientation.last_activity_at > since,
        sa.or_(Orientation.sent_at.is_(None), Orientation.last_activity_at > Orientation.sent_at),
    )


def week_bounds(now: datetime | None = None) -> tuple[datetime, datetime]:
    """Monday 0:00 to next Monday 0:00, Paris time (as aware datetimes)."""
    local = (now or clock.now()).astimezone(clock.PARIS)
    monday = datetime.combine(local.date() - timedelta(days=local.weekday()), datetime.min.time(), clock.PARIS)
    return monday, monday + timedelta(days=7)


def _appointment_this_week(now: datetime | None = None):
    start, end = week_bounds(now)
    return sa.exists().where(
        Appointment.orientation_id == Orientation.id,
        Appointment.status == AppointmentStatus.PLANNED,
        Appointment.starts_at >= start,
        Appointment.starts_at < end,
    )


@dataclass(frozen=True)
class HomeCounts:
    new: int
    to_decide: int
    overdue: int
    changed: int
    changed_since: datetime
    appointments_this_week: int


def home_counts(organisation_id: int, user_id: int, now: datetime | None = None) -> HomeCounts:
    """What waits for the user's structure, in one statement (aggregates filtered by the very
    conditions of the lists the home links to)."""
    now = now or clock.now()
    seen = (
        sa.select(SentListVisit.seen_at)
        .where(SentListVisit.user_id == user_id, SentListVisit.organisation_id == organisation_id)
        .scalar_subquery()
    )
    since = sa.func.coalesce(seen, sa.literal(now - FIRST_VISIT_LOOKBACK, sa.DateTime(timezone=True)))
    received = Orientation.receiver_organisation_id == organisation_id
    sent = sa.and_(Orientation.sender_organisation_id == organisation_id, _sent_condition(SentGroup.ALL))

    def count(*conditions):
        return sa.func.count().filter(sa.and_(*conditions))

    row = db.session.execute(
        sa.select(
            count(received, _inbox_condition(InboxTab.NEW, now)),
            count(received, _inbox_condition(InboxTab.TO_DECIDE, now)),
            count(received, _inbox_condition(InboxTab.OVERDUE, now)),
            count(sent, _changed_since(since)),
            count(sent, _appointment_this_week(now)),
            since,
        ).where(sa.or_(Orientation.receiver_organisation_id == organisation_id, sent))
    ).one()
    return HomeCounts(row[0], row[1], row[2], row[3], row[5], row[4])


def _matching(search: str, *, names_of_withdrawn: bool = False) -> list:
    """Each word searched is in the person's name, the service's or a structure's name. Only narrows
    the list it is added to: never shows an orientation the list would not. The inbox hides the name
    of a person who withdrew their consent: there a search must not reveal it either."""
    conditions = []
    for word in search_words(search):
        named = Orientation.person.has(Person.name_key.contains(word, autoescape=True))
        if not names_of_withdrawn:
            named = sa.and_(named, Orientation.consent.has(Consent.withdrawn_at.is_(None)))
        conditions.append(
            sa.or_(
                named,
                Orientation.service.has(folded(Service.name).contains(word, autoescape=True)),
                Orientation.sender_organisation.has(folded(Organisation.name).contains(word, autoescape=True)),
                Orientation.receiver_organisation.has(folded(Organisation.name).contains(word, autoescape=True)),
            )
        )
    return conditions


def _page(filters, order, page, per_page, counts, total, *options) -> Page:
    if total is None:
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Orientation).where(*filters)) or 0
    page = within(max(1, min(int(page or 1), 1_000_000)), total, per_page)
    statement = (
        sa.select(Orientation)
        .where(*filters)
        .order_by(*order)
        .limit(per_page)
        .offset((page - 1) * per_page)
        .options(*_list_options(), *options)
    )
    items = list(db.session.scalars(statement).unique())
    return Page(items, total, page, per_page, counts)


def get_orientation(orientation_id: int) -> Orientation:
    orientation = db.session.scalar(
        sa.select(Orientation)
        .where(Orientation.id == orientation_id)
        .options(
            *_list_options(),
            selectinload(Orientation.needs),
            selectinload(Orientation.comments).options(
                joinedload(OrientationComment.author), joinedload(OrientationComment.organisation)
            ),
            selectinload(Orientation.appointments).joinedload(Appointment.status_changed_by),
            joinedload(Orientation.redirected_to_service),
            selectinload(Orientation.events).joinedload(OrientationEvent.actor),
            selectinload(Orientation.outcome_details),
        )
    )
    if orientation is None:
        from flask import abort

        abort(404)
    return orientation


def list_orientations_of_person(person_id: int) -> list[Orientation]:
    return list(
        db.session.scalars(
            sa.select(Orientation)
            .where(Orientation.person_id == person_id)
            .order_by(Orientation.created_at.desc(), Orientation.id.desc())
            .options(
                joinedload(Orientation.service).joinedload(Service.structure),
                joinedload(Orientation.receiver_organisation),
                selectinload(Orientation.needs),
            )
        ).unique()
    )


def list_pending_orientations_of_consent(consent_id: int) -> list[Orientation]:
    return list(
        db.session.scalars(
            sa.select(Orientation)
            .where(Orientation.consent_id == consent_id, ~_status_in(CLOSED_STATUSES))
            .order_by(Orientation.id)
        )
    )


def list_open_orientations_of_need(need_id: int) -> list[Orientation]:
    """The orientations sent for a need and not closed (what closing the need leaves running)."""
    return list(
        db.session.scalars(
            sa.select(Orientation)
            .join(orientation_needs, orientation_needs.c.orientation_id == Orientation.id)
            .where(
                orientation_needs.c.need_id == need_id, ~_status_in(CLOSED_STATUSES), Orientation.sent_at.is_not(None)
            )
            .order_by(Orientation.id)
        )
    )


def needs_in_orientations(person_id: int) -> dict[int, list[int]]:
    """need id → ids of the orientations sent for it (the parcours of each need)."""
    rows = db.session.execute(
        sa.select(orientation_needs.c.need_id, orientation_needs.c.orientation_id)
        .join(Orientation, Orientation.id == orientation_needs.c.orientation_id)
        .where(Orientation.person_id == person_id)
        .order_by(orientation_needs.c.orientation_id)
    )
    found: dict[int, list[int]] = {}
    for need_id, orientation_id in rows:
        found.setdefault(need_id, []).append(orientation_id)
    return found


@dataclass
class TimelineEntry:
    at: datetime
    kind: str  # "event", "comment", "appointment"
    orientation: Orientation
    item: object


def person_timeline(person_id: int, orientations: list[Orientation] | None = None) -> list[TimelineEntry]:
    """Every event, comment and appointment of a person's orientations, across volets, newest first."""
    if orientations is None:
        orientations = list_orientations_of_person(person_id)
    by_id = {orientation.id: orientation for orientation in orientations}
    if not by_id:
        return []
    ids = list(by_id)  # plain index lookups by orientation id
    entries = []
    events = db.session.scalars(
        sa.select(OrientationEvent)
        .where(OrientationEvent.orientation_id.in_(ids))
        .options(joinedload(OrientationEvent.actor), joinedload(OrientationEvent.actor_organisation))
    )
    entries += [
        TimelineEntry(event.at, "event", by_id[event.orientation_id], event)
        for event in events
        if event.orientation_id in by_id
    ]
    comments = db.session.scalars(
        sa.select(OrientationComment)
        .where(OrientationComment.orientation_id.in_(ids))
        .options(joinedload(OrientationComment.author), joinedload(OrientationComment.organisation))
    )
    entries += [
        TimelineEntry(comment.created_at, "comment", by_id[comment.orientation_id], comment)
        for comment in comments
        if comment.orientation_id in by_id
    ]
    appointments = db.session.scalars(sa.select(Appointment).where(Appointment.orientation_id.in_(ids)))
    entries += [
        TimelineEntry(appointment.created_at, "appointment", by_id[appointment.orientation_id], appointment)
        for appointment in appointments
        if appointment.orientation_id in by_id
    ]
    entries.sort(key=lambda entry: (entry.at, getattr(entry.item, "id", 0)), reverse=True)
    return entries


def list_redirect_choices(volet: Volet) -> list[Service]:
    """Services an orientation of this volet can be redirected to: those that can receive it."""
    return list_services_that_can_receive(volet)


PICKER_SIZE = 10  # the send form lists the nearest matches; typing narrows them
PICKER_TEXT_LENGTH = 200


@dataclass
class ServicePicker:
    """The send form's service choices: the services that can receive, nearest first, and the one chosen."""

    hits: list[SearchHit]
    total: int  # matches of the search (the chosen service aside)
    text: str
    volets: list[Volet]

    @property
    def more(self) -> bool:
        return self.total > PICKER_SIZE


def service_picker(person, *, text: str = "", need_ids=(), chosen_id=None) -> ServicePicker:
    """Services matching `text` (name, structure, commune…) in the volets of the needs chosen (else of
    every open need), that can receive an orientation, nearest to the person's commune first; the
    service already chosen stays listed (first) whatever the search, even a « Contact direct » one."""
    open_needs = [need for need in person.needs if need.status.is_open]
    wanted = {str(need_id) for need_id in need_ids or ()}
    volets = sorted({n.volet for n in open_needs if str(n.id) in wanted} or {n.volet for n in open_needs})
    text = (text or "").strip()[:PICKER_TEXT_LENGTH]
    result = search_services(
        SearchParams(
            text=text,
            volets=tuple(volets),
            near_commune_code=person.commune_code,
            accepts_orientations=True,
            nearest_first=True,
            per_page=PICKER_SIZE,
        )
    )
    hits = list(result.items)
    chosen = as_id(chosen_id)
    if chosen and all(hit.service.id != chosen for hit in hits):
        service = db.session.scalar(sa.select(Service).where(Service.id == chosen).options(*with_reach()))
        if service is not None:
            hits.insert(0, SearchHit(service, None, 0.0))
    return ServicePicker(hits, result.total, text, volets)
