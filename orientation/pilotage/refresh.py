"""Recompute the rolled-up steering tables from the orientations (the worker's job, and `flask demo load`).

An orientation is counted in the month it was sent; it keeps moving afterwards (decision, outcome,
"service obtenu" answer), so a refresh recomputes every month that holds an orientation touched since
the previous refresh (a full rebuild the first time, and every night: a person may move commune).
Each month is deleted and re-inserted with INSERT … SELECT … GROUP BY in one transaction: readers
see the old figures or the new ones, never half of a month. The detail level is computed from the
orientations, the coarser levels from the detail (models.Level).

The receivers' figures (opened, decisions, outcomes, delays, decline reasons) leave out the
orientations their sender follows (« Contact direct »: nobody receives them); those are counted in
`sent` and apart, in the `sender_followed*` measures.

Delay buckets (lower bound, in hours): 2 hours under 2 days, 12 hours under 14 days, one day under
90 days, one week beyond — finer than the tenth of a day shown where delays are short.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from orientation import clock
from orientation.extensions import db
from orientation.people.models import Person, SituationFlag
from orientation.pilotage.models import (
    LEVEL_COLUMNS,
    MEASURES,
    PUBLIC_BITS,
    DeclineFact,
    DelayFact,
    DelayKind,
    Level,
    OrientationFact,
    Refresh,
)
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.models import Appointment, AppointmentStatus, Orientation, OrientationEvent, Reception
from orientation.territory.models import Commune

GRAIN = (
    "level",
    "month",
    "volet",
    "commune_code",
    "epci_siren",
    "sender_organisation_id",
    "receiver_organisation_id",
    "service_id",
    "public",
)
ACCEPTED_AT_SOME_POINT = (S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED, S.ABANDONED)


def month_of(column):
    """ "YYYY-MM" of a UTC timestamp column."""
    return sa.func.to_char(sa.func.timezone("UTC", column), "YYYY-MM")


def hours_between(start, end):
    """Whole hours from `start` to `end` (floor, never negative)."""
    hours = sa.cast(sa.func.floor(sa.extract("epoch", end - start) / 3600), sa.Integer)
    return sa.func.greatest(hours, 0)


def bucket_hours(hours):
    """The histogram bucket (its lower bound in hours) of a whole number of hours."""
    return sa.case(
        (hours < 48, hours // 2 * 2),
        (hours < 24 * 14, hours // 12 * 12),
        (hours < 24 * 90, hours // 24 * 24),
        else_=hours // 168 * 168,
    )


def _grain_columns():
    o = Orientation
    return [
        sa.literal(Level.DETAIL.value).label("level"),
        month_of(o.sent_at).label("month"),
        o.volet,
        Person.commune_code,
        Commune.epci_siren,
        o.sender_organisation_id,
        o.receiver_organisation_id,
        o.service_id,
        public_bits().label("public"),
    ]


def public_bits():
    """The person's situation flags as bits (models.PUBLIC_BITS).

    The flags as recorded today, not when the orientation was sent: the file keeps no history of them,
    and the nightly full rebuild follows a change. « 60 ans et plus » is also read from the birth date,
    at the sending date (that one is known at the time).
    """
    sent_on = sa.cast(sa.func.timezone("UTC", Orientation.sent_at), sa.Date)
    bits = [sa.case((has_flag(flag, sent_on), bit), else_=0) for flag, bit in PUBLIC_BITS.items()]
    return sa.cast(sum(bits[1:], bits[0]), sa.SmallInteger)


def has_flag(flag: SituationFlag, on):
    """The person (Person) has the situation flag on the day `on` (an SQL date: only the age depends on it)."""
    condition = sa.cast(Person.situation, JSONB).op("?")(flag.value)
    if flag is SituationFlag.OVER_60:
        condition = sa.or_(condition, Person.birth_date <= on - sa.literal_column("interval '60 years'"))
    return sa.func.coalesce(condition, sa.false())  # no flags or no birth date: without


def _base(select, months):
    select = (
        select.select_from(Orientation)
        .join(Person, Person.id == Orientation.person_id)
        .outerjoin(Commune, Commune.code_insee == Person.commune_code)
        .where(Orientation.sent_at.is_not(None))
    )
    if months is not None:
        select = select.where(month_of(Orientation.sent_at).in_(sorted(months)))
    return select


def _count_if(condition):
    return sa.func.sum(sa.case((condition, 1), else_=0))


def _received_by_a_structure():
    """The receivers' figures leave out the orientations their sender follows (« Contact direct »)."""
    return Orientation.reception != Reception.SENDER


def _fact_select(months):
    o = Orientation
    receiving, followed = _received_by_a_structure(), o.reception == Reception.SENDER

    def received(condition):
        return _count_if(sa.and_(receiving, condition))

    def sender_followed(condition=sa.true()):
        return _count_if(sa.and_(followed, condition))

    measures = [
        sa.func.count(),  # every orientation sent, whoever follows it
        received(o.received_at.is_not(None)),
        received(o.status.in_(ACCEPTED_AT_SOME_POINT)),
        received(o.status == S.DECLINED),
        received(o.status == S.REDIRECTED),
        received(o.status == S.EXPIRED),
        received(o.status == S.CANCELLED),
        received(o.status == S.ABANDONED),
        received(o.status == S.COMPLETED),
        received(o.outcome == "met"),
        received(o.outcome == "partly_met"),
        received(o.outcome == "not_met"),
        received(o.service_obtained == "yes"),
        received(o.service_obtained == "partly"),
        received(o.service_obtained == "no"),
        received(o.service_obtained == "unknown"),
        sender_followed(),
        sender_followed(o.status.in_(ACCEPTED_AT_SOME_POINT)),
        sender_followed(o.status.in_([S.DECLINED, S.REDIRECTED])),
        sender_followed(o.status == S.COMPLETED),
        sender_followed(o.outcome == "met"),
    ]
    grain = _grain_columns()
    labelled = [measure.label(name) for measure, name in zip(measures, MEASURES, strict=True)]
    return _base(sa.select(*grain, *labelled), months).group_by(*grain[1:])


def _decline_select(months):
    grain = _grain_columns()
    reason = sa.func.coalesce(OrientationEvent.reason, "other")
    select = (
        _base(sa.select(*grain, reason.label("reason"), sa.func.count()), months)
        .join(
            OrientationEvent,
            sa.and_(OrientationEvent.orientation_id == Orientation.id, OrientationEvent.to_status == S.DECLINED),
        )
        .where(Orientation.status == S.DECLINED, _received_by_a_structure())
    )
    return select.group_by(*grain[1:], reason)


def _delay_select(kind: DelayKind, months):
    o = Orientation
    grain = _grain_columns()
    if kind is DelayKind.TO_FIRST_APPOINTMENT:
        first = (
            sa.select(Appointment.orientation_id, sa.func.min(Appointment.starts_at).label("starts_at"))
            .where(Appointment.status != AppointmentStatus.CANCELLED)
            .group_by(Appointment.orientation_id)
            .subquery()
        )
        end, extra = first.c.starts_at, None
    else:
        end = {
            DelayKind.TO_OPENING: o.received_at,
            DelayKind.TO_DECISION: o.decided_at,
            DelayKind.TO_OUTCOME: o.closed_at,
        }[kind]
        extra = (o.status == S.COMPLETED) if kind is DelayKind.TO_OUTCOME else None
    hours = bucket_hours(hours_between(o.sent_at, end)).label("hours")
    select = _base(sa.select(*grain, sa.literal(kind.value).label("kind"), hours, sa.func.count()), months).where(
        _received_by_a_structure()
    )
    if kind is DelayKind.TO_FIRST_APPOINTMENT:
        select = select.join(first, first.c.orientation_id == o.id)
    else:
        select = select.where(end.is_not(None))
    if extra is not None:
        select = select.where(extra)
    return select.group_by(*grain[1:], hours)


def _insert_level(level: Level, months) -> None:
    """Sum the detail rows of `months` into `level` (dimensions it drops become NULL)."""
    kept = ["month", "volet", "epci_siren"] + [
        column for dimension in sorted(level.dimensions) for column in LEVEL_COLUMNS[dimension]
    ]
    for model, extra, summed in (
        (OrientationFact, [], list(MEASURES)),
        (DeclineFact, ["reason"], ["count"]),
        (DelayFact, ["kind", "hours"], ["count"]),
    ):
        keys = [getattr(model, name) for name in kept + extra]
        select = (
            sa.select(
                sa.literal(level.value).label("level"),
                *keys,
                *[sa.func.sum(getattr(model, name)).label(name) for name in summed],
            )
            .where(model.level == Level.DETAIL)
            .group_by(*keys)
        )
        if months is not None:
            select = select.where(model.month.in_(sorted(months)))
        if level is Level.PUBLIC:  # what the publics-fragiles figures read (fragiles.py), and no more
            if model is DeclineFact:
                continue
            if model is DelayFact:
                select = select.where(DelayFact.kind == DelayKind.TO_DECISION)
        db.session.execute(sa.insert(model).from_select(["level", *kept, *extra, *summed], select))


def months_touched_since(since: datetime) -> set[str]:
    o = Orientation
    touched = (
        sa.select(month_of(o.sent_at))
        .where(o.sent_at.is_not(None), sa.or_(o.last_activity_at >= since, o.service_obtained_at >= since))
        .distinct()
    )
    appointments = (
        sa.select(month_of(o.sent_at))
        .join(Appointment, Appointment.orientation_id == o.id)
        .where(o.sent_at.is_not(None), Appointment.created_at >= since)
        .distinct()
    )
    return set(db.session.scalars(touched)) | set(db.session.scalars(appointments))


def last_refresh() -> Refresh | None:
    return db.session.scalar(
        sa.select(Refresh)
        .where(Refresh.finished_at.is_not(None))
        .order_by(Refresh.started_at.desc(), Refresh.id.desc())
        .limit(1)
    )


def refresh_facts(*, full: bool = False) -> Refresh:
    """Recompute the months touched since the last refresh (all of them when `full` or the first time); flush."""
    # two refreshes at once would insert the same months twice
    db.session.execute(sa.text("SELECT pg_advisory_xact_lock(840007)"))
    previous = None if full else last_refresh()
    started = clock.now()
    months = None if previous is None else months_touched_since(previous.started_at)
    record = Refresh(started_at=started, full=months is None)
    db.session.add(record)
    if previous is not None:  # the log of refreshes keeps a week (one every 10 minutes)
        db.session.execute(
            sa.delete(Refresh).where(Refresh.started_at < started - timedelta(days=7), Refresh.id != previous.id)
        )
    if months == set():
        record.finished_at = clock.now()
        db.session.flush()
        return record
    for model in (OrientationFact, DeclineFact, DelayFact):
        delete = sa.delete(model)
        if months is not None:
            delete = delete.where(model.month.in_(sorted(months)))
        db.session.execute(delete)
    db.session.execute(sa.insert(OrientationFact).from_select([*GRAIN, *MEASURES], _fact_select(months)))
    db.session.execute(sa.insert(DeclineFact).from_select([*GRAIN, "reason", "count"], _decline_select(months)))
    for kind in DelayKind:
        db.session.execute(
            sa.insert(DelayFact).from_select([*GRAIN, "kind", "hours", "count"], _delay_select(kind, months))
        )
    for level in (Level.TERRITORY, Level.PUBLIC, Level.SENDER, Level.SERVICE):
        _insert_level(level, months)
    from orientation.pilotage import outcomes  # its facts read this module's month_of

    outcomes.refresh(months)
    record.months = (
        len(months)
        if months is not None
        else db.session.scalar(sa.select(sa.func.count(sa.distinct(OrientationFact.month)))) or 0
    )
    record.finished_at = clock.now()
    db.session.flush()
    return record
