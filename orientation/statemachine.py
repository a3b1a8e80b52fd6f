"""The one state-machine kernel of every tracked object (orientation, MAS case, rendez-vous).

A machine is a table `(from, to) → Rule` over a state column, on a model with a `version` column.
`Machine.transition(obj, to, actor=…)` checks the move (legal, allowed to this actor, with the reason
or outcome it needs), applies it by one conditional UPDATE on the row's version — of two moves made
at once on stale copies exactly one wins, the other gets `TransitionConflict` — writes the machine's
immutable event row, flushes and never commits. On a refusal nothing is written.

Refusals are exceptions that carry everything a caller needs to answer: a machine `code`
(`illegal_transition`, `forbidden`, `conflict`, `reason_required`…), the HTTP `status` the API
answers (`form_status` for an HTML page that redisplays its form), and the message in French
(`str(refusal)`, shown as is) and in English (`message("en")`). Neither the UI nor the API maps them
by hand.

This module belongs to no area and imports none: each area declares its machines (the orientation
and rendez-vous ones in `referrals.lifecycle`, the MAS case one in `cpam.lifecycle`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

import sqlalchemy as sa

from orientation import clock
from orientation.extensions import db

# ---- refusals -------------------------------------------------------------------------------------


class TransitionRefused(Exception):
    """A refused change: French message (`str()`), English message, machine code and HTTP status.

    `field` names the form field at fault, when there is one.
    """

    code: ClassVar[str] = "refused"
    # The coarse code the partner API has always published in its problem bodies (`code`); the finer
    # `code` above goes beside it (`refusal`), so that programs written against v1 keep working.
    api_code: ClassVar[str] = "refused"
    status: ClassVar[int] = 422
    default_en: ClassVar[str] = "This change is not allowed now (see the French detail)."

    def __init__(
        self,
        message_fr: str,
        message_en: str | None = None,
        *,
        code: str | None = None,
        status: int | None = None,
        field: str | None = None,
    ):
        super().__init__(message_fr)
        self.message_fr = message_fr
        self.message_en = message_en or self.default_en
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.field = field

    def message(self, language: str = "fr") -> str:
        return self.message_en if language == "en" else self.message_fr

    @property
    def form_status(self) -> int:
        """The status of an HTML page that shows the refusal over its form: 400 where the API says 422."""
        return 400 if self.status == 422 else self.status


class InvalidTransition(TransitionRefused):
    """Illegal move, missing or wrong reason/outcome, unknown state."""

    code = "illegal_transition"
    api_code = "invalid_transition"
    status = 422


class TransitionForbidden(TransitionRefused):
    """The actor may not make this move."""

    code = "forbidden"
    api_code = "transition_forbidden"
    status = 403
    default_en = "You may not make this change."


class TransitionConflict(TransitionRefused):
    """Someone else changed the object first (version check)."""

    code = "conflict"
    api_code = "conflict"
    status = 409
    default_en = "Someone changed it at the same time: nothing was saved; read it again."


# ---- machines -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """What a move needs: its label (a button's), who may make it, a reason from a list, an outcome."""

    sides: frozenset  # who may make it: the machine says what a side is
    action: str  # the button's label
    reasons: tuple = ()  # non-empty: a reason from this list is required
    needs_outcome: bool = False
    event_kind: Any = None  # for machines whose events have a kind
    guard: Callable[[Move], None] | None = None  # a condition of the move (e.g. its time): raises a refusal


@dataclass
class Move:
    """One move being checked then applied: the machine's `check` may normalise `details`."""

    obj: Any
    from_state: enum.Enum
    to_state: enum.Enum
    rule: Rule
    actor: Any
    at: datetime
    details: dict = field(default_factory=dict)

    def __getattr__(self, name: str):
        try:
            return self.__dict__["details"][name]
        except KeyError:
            raise AttributeError(name) from None


class Machine:
    """One tracked object's machine. Subclasses set `model`, `state`, `states`, `table` and `invalid`,
    and implement `event()`; they refine `check()`, `values()`, `illegal()`, `conflict()` as needed."""

    model: ClassVar[type]
    state: ClassVar[str] = "status"
    states: ClassVar[type[enum.Enum]]
    table: ClassVar[Mapping[tuple, Rule]]
    invalid: ClassVar[type[InvalidTransition]] = InvalidTransition  # the class of this machine's refusals

    # -- reading the table
    def rule(self, from_state, to_state) -> Rule | None:
        return self.table.get((from_state, to_state))

    def moves_from(self, from_state) -> list[tuple[Any, Rule]]:
        return [(to, rule) for (frm, to), rule in self.table.items() if frm is from_state]

    def parse(self, value):
        try:
            return self.states(value)
        except ValueError:
            raise self.invalid(
                "Ce statut n'existe pas : l'action a été refusée.", "This status does not exist.", code="unknown_state"
            ) from None

    # -- what subclasses say
    def illegal(self, obj, from_state, to_state) -> TransitionRefused:
        return self.invalid(
            f"Le passage de « {_label(from_state)} » à « {_label(to_state)} » n'est pas possible.",
            f"Cannot move from '{from_state.value}' to '{to_state.value}'.",
        )

    def conflict(self, obj) -> TransitionRefused:
        return TransitionConflict(
            "Quelqu'un vient de faire une modification en même temps que vous : votre action n'a pas été "
            "enregistrée ; relisez et recommencez si besoin."
        )

    def check(self, move: Move) -> None:
        """Area rules (who, reason, outcome, timing): raise a refusal; may normalise `move.details`."""

    def values(self, move: Move) -> dict:
        """Columns written with the state by the same UPDATE (SQL expressions allowed: `col + 1`)."""
        return {}

    def event(self, move: Move, version: int):
        """The immutable event row of the move (not yet added)."""
        raise NotImplementedError

    # -- the kernel
    def validate(self, obj, to_state, *, actor=None, expected_version: int | None = None, **details) -> Move:
        """Check a move without applying it (the whole of it: callers may check before other writes)."""
        to_state = self.parse(to_state)
        from_state = getattr(obj, self.state)
        if expected_version is not None and int(expected_version) != obj.version:
            raise self.conflict(obj)
        rule = self.rule(from_state, to_state)
        if rule is None:
            raise self.illegal(obj, from_state, to_state)
        move = Move(obj, from_state, to_state, rule, actor, clock.now(), dict(details))
        self.check(move)
        if rule.guard is not None:
            rule.guard(move)
        return move

    def transition(
        self,
        obj,
        to_state,
        *,
        actor=None,
        expected_version: int | None = None,
        then: Callable[[Move, Any], None] | None = None,
        **details,
    ):
        """Check and apply one move, write its event; flush, never commit. Returns the event.

        `then(move, event)` runs after the event is written, before the final flush.
        """
        move = self.validate(obj, to_state, actor=actor, expected_version=expected_version, **details)
        model = type(obj)
        state_column = getattr(model, self.state)
        db.session.flush()  # pending changes first, so the UPDATE sees the row as this session has it
        version = db.session.execute(
            sa.update(model)
            .where(model.id == obj.id, model.version == obj.version, state_column == move.from_state)
            .values({self.state: move.to_state, "version": model.version + 1, **self.values(move)})
            .returning(model.version)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        if version is None:
            db.session.expire(obj)
            raise self.conflict(obj)
        event = self.event(move, version)
        db.session.add(event)
        db.session.expire(obj)
        if then is not None:
            then(move, event)
        db.session.flush()
        return event


def lock(obj) -> None:
    """Reload `obj` with its row locked until the end of the transaction (SELECT … FOR UPDATE).

    For moves that are facts rather than decisions (a contact attempt): taken one after the other,
    each on the current row, they all count and none gets a conflict.
    """
    model = type(obj)
    db.session.flush()
    db.session.execute(sa.select(model.id).where(model.id == obj.id).with_for_update())
    db.session.refresh(obj)  # read after the lock: the row as the last transaction left it


def _label(state) -> str:
    return getattr(state, "label", None) or state.value


__all__ = [
    "InvalidTransition",
    "Machine",
    "Move",
    "Rule",
    "TransitionConflict",
    "TransitionForbidden",
    "TransitionRefused",
    "lock",
]
