"""The one sweep: every registered rule, set-based and batched; flushes, the caller commits."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects.postgresql import insert

from orientation import clock
from orientation.extensions import db
from orientation.followups import overrides
from orientation.followups.models import SentFollowUp
from orientation.followups.rules import RULES, Rule, Unit
from orientation.notifications.operations import enqueue_messages, message_values

log = logging.getLogger(__name__)


def run_sweep(
    now: datetime | None = None, *, only: str | None = None, capped: set[str] | None = None
) -> dict[str, int]:
    """Apply every rule (or those whose name starts with `only`) once: {rule name: subjects handled}.
    `capped` collects the rules that met FOLLOWUP_BATCH: more of their subjects may be due."""
    now = now or clock.now()
    report = {}
    for rule in list(RULES.values()):
        if only is None or rule.name.startswith(only):
            report[rule.name] = run_rule(rule, now, capped)
    db.session.flush()
    return report


def run_rule(rule: Rule, now: datetime, capped: set[str] | None = None) -> int:
    due = due_subjects(rule, now, capped)
    if rule.act is not None:
        if rule.act_once:
            due = {subject_id: due[subject_id] for subject_id in claim(rule, due, now)}
        return _act(rule, due)
    claimed = claim(rule, due, now)
    if not claimed:
        return 0
    subjects = _load(rule, claimed)
    if rule.prepare is not None:
        rule.prepare(subjects)
    enqueue_messages([row for subject in subjects for row in _messages(rule, subject, *due[subject.id])])
    return len(subjects)


def due_subjects(rule: Rule, now: datetime, capped: set[str] | None = None) -> dict[int, tuple[datetime, datetime]]:
    """{subject id: (occurrence, due date)} for the subjects due now and not yet claimed, oldest first.

    SQL keeps the candidates whose calendar lower bound has passed (a working day is at least a
    day); the exact due date in working days, and per-service overrides, are computed here.
    """
    subject, since = rule.subject, rule.since
    columns = [subject.id, since.label("since")]
    delay = rule.delay
    overridable = delay is not None and delay.per_service and rule.service_id is not None
    if overridable:
        columns.append(overrides.override_days(delay, rule.service_id))
    query = sa.select(*columns).where(since.is_not(None), *rule.where(now))
    if delay is not None:
        # After `since`: the shortest delay any service has; before it: the longest.
        bound = _bound(delay, longest=rule.before) if overridable else delay.configured()
        span = timedelta(hours=bound) if delay.unit is Unit.HOURS else timedelta(days=bound)
        query = query.where(since <= now + span if rule.before else since <= now - span)
    else:
        query = query.where(since <= now)
    if rule.window is not None:  # too late once the window after the due date is over (calendar days, no override)
        span = timedelta(days=(delay.configured() if delay else 0) + rule.window.configured())
        query = query.where(since > now - span)
    if rule.act is None or rule.act_once:
        query = query.where(
            ~sa.exists().where(
                SentFollowUp.rule == rule.name, SentFollowUp.subject_id == subject.id, SentFollowUp.occurrence == since
            )
        )
    rows = db.session.execute(query.order_by(since, subject.id).limit(_batch())).all()
    if capped is not None and len(rows) == _batch():
        capped.add(rule.name)
    due = {}
    for row in rows:
        due_at = _due_date(rule, row.since, row.override_days if overridable else None)
        if due_at <= now:
            due[row.id] = (row.since, due_at)
    return due


def _due_date(rule: Rule, since: datetime, override: int | None) -> datetime:
    if rule.delay is None:
        return since
    if rule.before:
        n = override or rule.delay.configured()
        span = timedelta(hours=n) if rule.delay.unit is Unit.HOURS else timedelta(days=n)
        return since - span
    return overrides.add_delay(rule.delay, since, override or rule.delay.configured())


def _bound(delay, *, longest: bool) -> int:
    """The shortest (or longest) value of the delay over every service: the SQL bound of the candidates."""
    model = overrides.table()
    extreme = sa.func.max if longest else sa.func.min
    override = db.session.scalar(sa.select(extreme(model.days)).where(model.delay == delay.name))
    values = [delay.configured()] + ([override] if override is not None else [])
    return max(values) if longest else min(values)


def claim(rule: Rule, due: dict[int, tuple[datetime, datetime]], now: datetime) -> set[int]:
    """Insert the claims; return the subject ids this sweep won (others were claimed meanwhile)."""
    if not due:
        return set()
    table = SentFollowUp.__table__
    rows = [
        {"rule": rule.name, "subject_id": subject_id, "occurrence": occurrence, "sent_at": now}
        for subject_id, (occurrence, _due_at) in due.items()
    ]
    statement = insert(table).on_conflict_do_nothing().returning(table.c.subject_id)
    return set(db.session.connection().execute(statement, rows).scalars())


def _load(rule: Rule, ids: set[int]) -> list:
    return list(
        db.session.scalars(
            sa.select(rule.subject).where(rule.subject.id.in_(ids)).order_by(rule.subject.id).options(*rule.load)
        )
    )


def _messages(rule: Rule, subject, occurrence: datetime, due_at: datetime) -> list[dict]:
    rows = []
    for notice in rule.notices:
        key = notice.key.format(id=subject.id, occurrence=occurrence)
        valid_until = notice.valid_until(subject) if notice.valid_until else None
        for recipient in notice.to(subject):
            user_id = getattr(recipient.user, "id", None)
            rows.append(
                message_values(
                    recipient.channel,
                    recipient.address,
                    notice.template,
                    rule.context(subject, recipient, due_at),
                    idempotency_key=f"{key}:user:{user_id}" if user_id is not None else key,
                    valid_until=valid_until,
                    recipient_user_id=user_id,
                    subject_type=notice.subject_type,
                    subject_id=subject.id,
                    digest_key=recipient.digest_key,
                    deliver_as_digest=recipient.digest_key is not None,
                )
            )
    return rows


def _act(rule: Rule, due: dict) -> int:
    done = 0
    for subject_id in due:
        if rule.act(subject_id):
            done += 1
    return done


def _batch() -> int:
    return int(current_app.config["FOLLOWUP_BATCH"])  # at most this many subjects per rule and sweep
