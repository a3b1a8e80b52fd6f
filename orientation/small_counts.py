"""Small counts hidden from published figures (statistical disclosure control).

A count from 1 to 4 could point at a person: it is hidden (`mask`); in a column whose rows add up to
a published total, `protect` hides enough other cells that no small count can be worked out by
difference (secondary suppression). Used by the steering figures (`pilotage.queries`) and by the
CPAM's dashboard for readers outside the CPAM; a bottom module, so that both read one rule.
"""

from __future__ import annotations

SMALL_COUNT = 5


def mask(count: int | None) -> int | None:
    """Hide 1 to 4: a small count could point at a person."""
    if count is None:
        return None
    return count if count == 0 or count >= SMALL_COUNT else None


class Masked(str):
    """A count hidden only so that a small one cannot be worked out from the total (secondary suppression)."""


MASKED = Masked("masqué")


def protect(values: list[int]) -> list[int | None | Masked]:
    """The cells of one column whose rows add up to a published total.

    Small counts are hidden (None); then, while fewer than two cells are hidden or the hidden ones
    hold fewer than SMALL_COUNT orientations together (the total minus the shown cells would give
    them away), the smallest other non-zero count is hidden too (MASKED).
    """
    cells: list[int | None | Masked] = [mask(value) for value in values]
    hidden = [index for index, cell in enumerate(cells) if cell is None]
    while hidden and (len(hidden) < 2 or sum(values[index] for index in hidden) < SMALL_COUNT):
        candidates = [index for index, cell in enumerate(cells) if isinstance(cell, int) and cell > 0]
        if not candidates:  # then the total itself is small, hence hidden
            break
        smallest = min(candidates, key=lambda index: values[index])
        cells[smallest] = MASKED
        hidden.append(smallest)
    return cells
