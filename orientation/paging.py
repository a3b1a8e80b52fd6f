"""A page of a long list, as the list pages and their pagination macro show it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int
    counts: dict = field(default_factory=dict)  # per tab, where the list has tabs

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def within(requested: int | None, total: int, per_page: int) -> int:
    """The page asked for, brought back between the first and the last."""
    return min(max(requested or 1, 1), max(1, math.ceil(total / per_page)))
