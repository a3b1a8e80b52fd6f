"""Small counts hidden from a table split in two (people with a situation flag, and without).

The split table's cells add up to cells already published elsewhere: each pair (with, without) to the
whole table's cell, each side's column to that side's total, a side's decisions to the denominator of
its acceptance rate. Those published figures are fixed (they are on the page without the breakdown),
hidden or not; the split cells are hidden so that none of them, and none of the fixed hidden ones,
can be worked out from all of these sums together.

The sums of a split do not form a two-way table (a cell of the whole table is linked to its column and
to its two parts), so `small_counts.protect_table`'s graph does not apply: the check here is plain
linear algebra over the rationals. A hidden cell can be worked out exactly when its unit vector lies in
the span of the sums (restricted to the hidden cells); the cells are hidden greedily, the smallest
first among those next to the exposed one, until none can. A hidden cell whose value could be shown
(0, or at least SMALL_COUNT) and that can be worked out anyway is shown: hiding it protects nothing.
Each published sum must also hide two cells or more, SMALL_COUNT in all (as in `protect_table`).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from fractions import Fraction

from orientation.small_counts import MASKED, SMALL_COUNT, publishable

MAX_ROUNDS = 2000  # hides and shows; past it (never seen), every split cell is hidden


@dataclass
class _Sum:
    parts: list[Hashable]
    total: Hashable
    droppable: Hashable | None = None  # the key of a sum that may go unpublished (a rate's denominator)
    numerator: Hashable | None = None  # the rate's numerator: hidden, the rate is not shown (nor its sum)


@dataclass
class Linked:
    """Cells (fixed: already published as they are; or free: to protect) and the sums that tie them."""

    values: dict[Hashable, int] = field(default_factory=dict)
    hidden: dict[Hashable, bool] = field(default_factory=dict)
    fixed: set[Hashable] = field(default_factory=set)
    sums: list[_Sum] = field(default_factory=list)
    dropped: set[Hashable] = field(default_factory=set)
    primary: set[Hashable] = field(default_factory=set)
    gave_up: bool = False

    def fixed_cell(self, key: Hashable, value: int, shown) -> None:
        """A cell published elsewhere: `shown` is what was published (None or MASKED when hidden)."""
        self.values[key] = int(value)
        self.hidden[key] = shown is None or shown is MASKED
        self.fixed.add(key)

    def cell(self, key: Hashable, value: int) -> None:
        self.values[key] = int(value)
        self.hidden[key] = not publishable(int(value))
        if self.hidden[key]:
            self.primary.add(key)

    def add_sum(self, parts, total, *, droppable=None, numerator=None) -> None:
        self.sums.append(_Sum(list(parts), total, droppable, numerator))

    def shown(self, key: Hashable):
        """The cell as published: its value, None (a small count) or MASKED."""
        if not self.hidden[key]:
            return self.values[key]
        return None if key in self.primary else MASKED

    def published(self, droppable: Hashable) -> bool:
        return droppable not in self.dropped

    # -----------------------------------------------------------------------------------------

    def protect(self) -> Linked:
        """Hide (only ever more: the loop ends) until no small count and no fixed hidden cell can be worked
        out; then show the hidden cells that can be worked out anyway (their value was given already)."""
        for _round in range(MAX_ROUNDS):
            active = self._active()
            if lost := [s for s in active if s.numerator is not None and self.hidden[s.numerator]]:
                self.dropped.update(s.droppable for s in lost)
                continue
            if self._mend_weak(active):
                continue
            determined = self._determined(active)
            exposed = [key for key in determined if key in self.fixed or not publishable(self.values[key])]
            if not exposed:
                for key in determined:
                    self.hidden[key] = False
                    self.primary.discard(key)
                return self
            if not self._hide_near(exposed[0], active):
                break
        self._hide_everything()
        return self

    def _active(self) -> list[_Sum]:
        return [s for s in self.sums if s.droppable is None or s.droppable not in self.dropped]

    def _free_candidates(self, keys, *, zeros: bool = False) -> list[Hashable]:
        return [
            key for key in keys if key not in self.fixed and not self.hidden[key] and (zeros or self.values[key] > 0)
        ]

    def _mend_weak(self, active: list[_Sum]) -> bool:
        """A published sum hiding one cell, or fewer than SMALL_COUNT together: hide one more (or drop it)."""
        for a_sum in active:
            if self.hidden[a_sum.total]:
                continue
            hidden = [key for key in a_sum.parts if self.hidden[key] and self.values[key] > 0]
            if hidden and (len(hidden) < 2 or sum(self.values[key] for key in hidden) < SMALL_COUNT):
                if candidates := self._free_candidates(a_sum.parts):
                    self._hide(min(candidates, key=lambda key: self._cost(key, active)))
                    return True
                if a_sum.droppable is not None:
                    self.dropped.add(a_sum.droppable)
                    return True
        return False

    def _hide_near(self, exposed: Hashable, active: list[_Sum]) -> bool:
        """Hide the cheapest free cell in a sum around `exposed`, then further out; or drop a rate's sum. A zero
        is hidden only when no count is left to hide: a shown zero can close the last sum around a cell."""
        return self._hide_around(exposed, active, zeros=False) or self._hide_around(exposed, active, zeros=True)

    def _hide_around(self, exposed: Hashable, active: list[_Sum], *, zeros: bool) -> bool:
        seen_sums: set[int] = set()
        frontier = {exposed}
        while frontier:
            around = [(n, s) for n, s in enumerate(active) if n not in seen_sums and frontier & {s.total, *s.parts}]
            if not around:
                break
            seen_sums.update(n for n, _s in around)
            candidates = self._free_candidates({key for _n, s in around for key in (s.total, *s.parts)}, zeros=zeros)
            if candidates:
                self._hide(min(candidates, key=lambda key: self._cost(key, active)))
                return True
            if droppable := next((s.droppable for _n, s in around if s.droppable is not None), None):
                self.dropped.add(droppable)
                return True
            frontier = {key for _n, s in around for key in (s.total, *s.parts) if self.hidden[key]}
        return False

    def _cost(self, key: Hashable, active: list[_Sum]) -> tuple:
        """Fewest first: a cell whose sums already hide something pairs up; then the smallest."""
        shares = any(
            key in a_sum.parts and any(self.hidden[other] for other in (a_sum.total, *a_sum.parts) if other != key)
            for a_sum in active
        )
        return (not shares, self.values[key], repr(key))

    def _hide(self, key: Hashable) -> None:
        self.hidden[key] = True

    def _hide_everything(self) -> None:
        self.gave_up = True
        for key in self.values:
            if key not in self.fixed and self.values[key] > 0:
                self.hidden[key] = True
        self.dropped.update(s.droppable for s in self.sums if s.droppable is not None)

    def _determined(self, active: list[_Sum]) -> list[Hashable]:
        """The hidden cells (fixed or free) that the published sums fix, in a stable order."""
        unknowns = sorted((key for key, hidden in self.hidden.items() if hidden), key=repr)
        position = {key: number for number, key in enumerate(unknowns)}
        rows = []
        for a_sum in active:
            row: dict[int, Fraction] = {}
            for key, sign in [(key, 1) for key in a_sum.parts] + [(a_sum.total, -1)]:
                if key in position:
                    row[position[key]] = row.get(position[key], Fraction(0)) + sign
            row = {column: value for column, value in row.items() if value}
            if row:
                rows.append(row)
        return [unknowns[column] for column in sorted(_unit_rows(rows))]


def _unit_rows(rows: list[dict[int, Fraction]]) -> set[int]:
    """Gauss-Jordan over sparse rows: the columns whose unit vector is a row of the reduced form."""
    pivots: dict[int, dict[int, Fraction]] = {}  # pivot column → its row (reduced against the others)
    for row in rows:
        row = dict(row)
        for column, pivot_row in pivots.items():
            if column in row:
                factor = row[column]
                for other, value in pivot_row.items():
                    row[other] = row.get(other, Fraction(0)) - factor * value
                row = {key: value for key, value in row.items() if value}
        if not row:
            continue
        lead = min(row)
        scale = row[lead]
        row = {key: value / scale for key, value in row.items()}
        for column, pivot_row in pivots.items():
            if lead in pivot_row:
                factor = pivot_row[lead]
                for other, value in row.items():
                    pivot_row[other] = pivot_row.get(other, Fraction(0)) - factor * value
                pivots[column] = {key: value for key, value in pivot_row.items() if value}
        pivots[lead] = row
    return {column for column, row in pivots.items() if len(row) == 1}
