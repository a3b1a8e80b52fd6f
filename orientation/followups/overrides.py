"""Per-service overrides of the delays: read and written here, stored in the table an area registers.

The referrals area owns the table (`referrals.models.ServiceFollowUpSetting`: service_id, delay,
days) and registers it with `use_table()`; the directory's service form reads and writes the
overrides through `get_service_overrides` / `set_service_overrides` without knowing that area.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from orientation.extensions import db
from orientation.followups.rules import Delay, Unit
from orientation.notifications.workdays import add_working_days

_table: list = []  # the registered model (one)


def use_table(model) -> None:
    """Register the model holding the overrides: columns `service_id`, `delay`, `days`."""
    _table[:] = [model]


def table():
    if not _table:
        raise RuntimeError("no table of per-service follow-up delays is registered (import referrals)")
    return _table[0]


def override_days(delay: Delay, service_id):
    """A scalar subquery: the service's override of `delay` (NULL: none). `service_id`: a column or an id."""
    model = table()
    return (
        sa.select(model.days)
        .where(model.service_id == service_id, model.delay == delay.name)
        .scalar_subquery()
        .label("override_days")
    )


def days(delay: Delay, service_id: int | None = None) -> int:
    """The delay for a service: its override, else the setting."""
    if delay.per_service and service_id is not None:
        model = table()
        value = db.session.scalar(
            sa.select(model.days).where(model.service_id == service_id, model.delay == delay.name)
        )
        if value is not None:
            return value
    return delay.configured()


def add_delay(delay: Delay, start: datetime, n: int | None = None, *, service_id: int | None = None) -> datetime:
    """`start` plus the delay (working days, days or hours)."""
    n = days(delay, service_id) if n is None else n
    if delay.unit is Unit.WORKING_DAYS:
        return add_working_days(start, n)
    return start + (timedelta(hours=n) if delay.unit is Unit.HOURS else timedelta(days=n))


def get_service_overrides(service_id: int | None) -> dict[str, int]:
    """{delay name: days} of one service (empty for a new service)."""
    if service_id is None:
        return {}
    model = table()
    return dict(db.session.execute(sa.select(model.delay, model.days).where(model.service_id == service_id)).all())


def set_service_overrides(service_id: int, values: dict[str, int | None]) -> None:
    """Replace the service's overrides of the given delays (None: back to the setting). Flushes."""
    model = table()
    db.session.execute(
        sa.delete(model).where(model.service_id == service_id, model.delay.in_(list(values))),
        execution_options={"synchronize_session": False},
    )
    db.session.add_all(
        model(service_id=service_id, delay=name, days=value) for name, value in values.items() if value is not None
    )
    db.session.flush()
