"""What a follow-up rule is (data), the delays it counts, and the registry the areas fill.

A `Rule` says which subjects are concerned (`subject` and `where`), when each one is due (`since`
+ `delay`, in working days, days or hours, before or after; the delay possibly overridden for the
subject's service), and what happens then: `notices` (template, recipients, channel) written to
the outbox, or an `act` for rules that change something (an orientation expires) and are guarded
by the change itself.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app

from orientation.notifications.models import SubjectType


class Unit(enum.StrEnum):
    WORKING_DAYS = "working_days"  # French working days, Europe/Paris (notifications.workdays)
    DAYS = "days"
    HOURS = "hours"


@dataclass(frozen=True)
class Delay:
    """One delay of the product: a setting of config.py (from the environment, with its default there).

    `per_service`: a service may override it (the form field `field` of the service's edit page,
    stored by the registered override table).
    """

    name: str  # e.g. "referrals.unopened"
    setting: str  # e.g. "FOLLOWUP_UNOPENED_WORKING_DAYS"
    unit: Unit
    per_service: bool = False
    field: str | None = None

    def configured(self) -> int:
        return int(current_app.config[self.setting])


@dataclass(frozen=True)
class Recipient:
    channel: str  # "email" or "sms"
    address: str
    user: Any = None  # the User, when the recipient is one (the message key then names them)
    digest_key: str | None = None  # held for the daily digest of that key (their structure chose it)


@dataclass(frozen=True)
class Notice:
    """One message a rule sends: a template, to whom (for one subject), keyed once per recipient.

    `key` is formatted with the subject's `id` and the `occurrence` (a datetime), e.g.
    "orientation:{id}:stalled:{occurrence:%Y%m%dT%H%M%S}"; ":user:<id>" is added for users.
    """

    template: str
    to: Callable[[Any], Iterable[Recipient]]
    key: str
    subject_type: SubjectType  # what the outbox says the message is about
    valid_until: Callable[[Any], datetime | None] | None = None  # not sent after this (the rendez-vous)


@dataclass(frozen=True)
class Rule:
    name: str  # unique; the claim's key and the sweep report's key: "<area>.<what>"
    subject: type  # a mapped class with an integer `id`
    since: Any  # the subject's timestamp column the delay counts from (also the occurrence)
    where: Callable[[datetime], list] = lambda now: []  # conditions on the subject (status…), given now
    delay: Delay | None = None  # None: due at `since` itself
    before: bool = False  # due `delay` before `since` (a rendez-vous), not after; hours or days
    window: Delay | None = None  # calendar days after the due date past which it is too late to ask
    service_id: Any = None  # the subject's service column, for a per-service override of the delay
    notices: tuple[Notice, ...] = ()
    context: Callable[[Any, Recipient, datetime], dict] = lambda subject, recipient, due: {}
    act: Callable[[int], bool] | None = None  # instead of notices: do it (True when done), no claim…
    act_once: bool = False  # …unless it must happen once per occurrence (it sends something): claimed
    load: tuple = ()  # loader options for the claimed subjects
    prepare: Callable[[list], None] | None = None  # one call before the notices (prefetch recipients)


RULES: dict[str, Rule] = {}
DELAYS: dict[str, Delay] = {}


def register(*items: Rule | Delay) -> None:
    """Declare rules and delays (an area does it when its rule module is imported)."""
    for item in items:
        registry = RULES if isinstance(item, Rule) else DELAYS
        known = registry.get(item.name)
        if known is not None and known is not item:
            raise ValueError(f"follow-up {item.name!r} is declared twice")
        registry[item.name] = item
        if isinstance(item, Rule):
            if item.before and item.delay is not None and item.delay.unit is Unit.WORKING_DAYS:
                raise ValueError(f"follow-up {item.name!r}: a rule due before its timestamp counts hours or days")
            for delay in (item.delay, item.window):
                if delay is not None:
                    register(delay)


def service_delays() -> list[Delay]:
    """The delays a service may override (the fields of the service's edit page)."""
    return [delay for delay in DELAYS.values() if delay.per_service]
