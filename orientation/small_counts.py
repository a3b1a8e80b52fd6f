"""Small counts hidden from published figures (statistical disclosure control).

A count from 1 to 4 could point at a person: it is hidden (`mask`, primary suppression). A table's
cells add up to published sums — each column to the total of the key figures, and, where a rate is
shown, some cells of a row to the rate's denominator — so `protect_table` also hides the fewest,
smallest other cells needed for no hidden cell to be worked out from those sums (secondary
suppression, `MASKED`). Used by the steering figures (`pilotage`) and by the CPAM's dashboard for
readers outside the CPAM; a bottom module, so that both read one rule.

Why it holds: each hidden cell is an edge between the two sums it belongs to (a sum that is not
published is one "free" node). A hidden cell can be worked out exactly when it is a bridge of that
graph; on a cycle, adding and taking one in turn around it gives another table with the same sums
(every hidden cell is at least 1). Each published sum must also hide at least SMALL_COUNT in all, so
that the hidden part of a sum is never itself a small count.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass

SMALL_COUNT = 5


def mask(count: int | None) -> int | None:
    """Hide 1 to 4: a small count could point at a person."""
    if count is None:
        return None
    return count if count == 0 or count >= SMALL_COUNT else None


def publishable(count: int) -> bool:
    """A sum that can be shown (0, or at least SMALL_COUNT)."""
    return mask(count) is not None


def published_share(numerator: int, denominator: int) -> float | None:
    """A rate is shown when both its numerator and its denominator could be (one rule for every page)."""
    if not denominator or not publishable(numerator) or not publishable(denominator):
        return None
    return numerator / denominator


class Masked(str):
    """A count hidden only so that a small one cannot be worked out from the sums (secondary suppression)."""


MASKED = Masked("masqué")

Cell = int | None | Masked
FREE = ("free",)
CLOSING_TRIES = 8  # the node of the sums that are not published


def protect(values: list[int]) -> list[Cell]:
    """The cells of one column whose rows add up to a published total."""
    return [row[0] for row in protect_table([[value] for value in values]).cells]


@dataclass
class Protected:
    cells: list[list[Cell]]
    row_sums: list[list[bool]]  # per row, per group of `row_sums`: may that row's sum be published?


def protect_table(values: Sequence[Sequence[int]], *, row_sums: Sequence[Sequence[int]] = ()) -> Protected:
    """The cells of a table whose columns add up to published totals, protected.

    `row_sums`: groups of column indexes whose sum, on each row, is to be published too: a rate's
    denominator, the group's first column being its numerator (e.g. the decisions behind a row's
    acceptance rate, the accepted first). A row's sum is published only when it is itself publishable
    and can be protected without hiding the numerator (the rate could not be shown anyway); what may
    be published is returned beside the cells. A column whose total is small is hidden anyway (all its
    cells are), so it is not a sum.
    """
    table = _Table([list(row) for row in values], [list(group) for group in row_sums])
    table.protect()
    return Protected(
        table.cells,
        [[table.row_published[(index, number)] for number in range(len(row_sums))] for index in range(len(values))],
    )


class _Table:
    def __init__(self, values: list[list[int]], groups: list[list[int]]):
        self.values = values
        width = max((len(row) for row in values), default=0)
        self.column_published = [
            publishable(sum(row[column] for row in values)) and any(row[column] for row in values)
            for column in range(width)
        ]
        self.group_of = {column: number for number, group in enumerate(groups) for column in group}
        self.numerators = [group[0] for group in groups]
        self.row_published = {
            (index, number): publishable(total) and total > 0
            for index, row in enumerate(values)
            for number, group in enumerate(groups)
            for total in [sum(row[column] for column in group)]
        }
        self.start()

    def start(self) -> None:
        """From the primary suppression, with the sums published now."""
        self.cells: list[list[Cell]] = [[mask(value) for value in row] for row in self.values]
        self.members: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
        self.hidden_count: dict[tuple, int] = defaultdict(int)  # kept as cells are hidden: no rescans
        self.hidden_total: dict[tuple, int] = defaultdict(int)
        for index, row in enumerate(self.values):
            for column in range(len(row)):
                for node in self.nodes(index, column):
                    if node is not FREE:
                        self.members[node].append((index, column))
                        if self.hidden(index, column):
                            self.hidden_count[node] += 1
                            self.hidden_total[node] += row[column]

    def protect(self) -> None:
        """Hide cells until no hidden one can be worked out. A row's sum that cannot be protected, or only
        by hiding its rate's numerator, is not published (its rate is not shown): the suppression starts
        over without it."""
        while True:
            unprotectable = self.suppress()
            dropped = [unprotectable[1:]] if unprotectable else self.rates_lost()
            if not dropped:
                return
            for key in dropped:
                self.row_published[key] = False
            self.start()

    def rates_lost(self) -> list[tuple[int, int]]:
        return [
            (index, number)
            for (index, number), published in self.row_published.items()
            if published and self.hidden(index, self.numerators[number])
        ]

    def suppress(self) -> tuple | None:
        """Secondary suppression; a row's sum around a hidden cell that stays exposed, if any."""
        pending = deque(self.members)  # the sums to check; hiding a cell puts its sums back
        while pending:
            node = pending.popleft()
            if self.weak(node):
                cell = self.cheapest(self.candidates(self.members[node]), within=node)
                self.hide(cell)
                pending.extend(other for other in self.nodes(*cell) if other is not FREE)
        while bridges := sorted(_bridges(self.edges())):
            for bridge in bridges:
                sums = [node for node in self.nodes(*bridge) if node is not FREE]
                if candidates := self.candidates([cell for node in sums for cell in self.members[node]]):
                    # Fewest: a cell that closes a cycle at once (among the cheapest few: each try walks the
                    # graph); then the smallest.
                    cheapest = sorted(candidates, key=self.cost)[:CLOSING_TRIES]
                    closing = [cell for cell in cheapest if not self.still_bridge(bridge, cell)]
                    self.hide((closing or cheapest)[0])
                    break
                if row := next((node for node in sums if node[0] == "row"), None):
                    return row
            else:  # no bridge can be mended by hiding: a row sum next to one is dropped, if any
                return next(
                    (
                        node
                        for bridge in bridges
                        for around in self.nodes(*bridge)
                        if around is not FREE
                        for cell in self.members[around]
                        for node in self.nodes(*cell)
                        if node[0] == "row"
                    ),
                    None,
                )
        return None

    def nodes(self, index: int, column: int) -> tuple[tuple, tuple]:
        """The two sums a cell belongs to (FREE when not published)."""
        column_node = ("column", column) if self.column_published[column] else FREE
        number = self.group_of.get(column)
        published = number is not None and self.row_published[(index, number)]
        return (("row", index, number) if published else FREE), column_node

    def hidden(self, index: int, column: int) -> bool:
        return self.cells[index][column] is None or isinstance(self.cells[index][column], Masked)

    def weak(self, node: tuple) -> bool:
        """A published sum whose hidden cells are one alone or hold fewer than SMALL_COUNT together (and
        that can still hide another)."""
        count, total = self.hidden_count[node], self.hidden_total[node]
        return count > 0 and (count < 2 or total < SMALL_COUNT) and bool(self.candidates(self.members[node]))

    def candidates(self, cells: list[tuple[int, int]]) -> list[tuple[int, int]]:
        return [(i, c) for i, c in cells if not self.hidden(i, c) and self.values[i][c] > 0]

    def cheapest(self, candidates: list[tuple[int, int]], *, within: tuple | None = None) -> tuple[int, int]:
        """Fewest first: a cell whose other sum (than `within`) already hides something (it pairs up instead
        of opening a new weak sum); then the smallest."""

        return min(candidates, key=lambda cell: self.cost(cell, within))

    def cost(self, cell: tuple[int, int], within: tuple | None = None) -> tuple:
        shares = any(self.hidden_count[node] for node in self.nodes(*cell) if node is not FREE and node != within)
        return (not shares, self.values[cell[0]][cell[1]], cell)

    def hide(self, cell: tuple[int, int]) -> None:
        self.cells[cell[0]][cell[1]] = MASKED
        for node in self.nodes(*cell):
            if node is not FREE:
                self.hidden_count[node] += 1
                self.hidden_total[node] += self.values[cell[0]][cell[1]]

    def edges(self) -> list[tuple[tuple[int, int], tuple, tuple]]:
        return [
            ((i, c), *self.nodes(i, c))
            for i, row in enumerate(self.values)
            for c in range(len(row))
            if self.hidden(i, c)
        ]

    def still_bridge(self, bridge: tuple[int, int], extra: tuple[int, int]) -> bool:
        return bridge in _bridges([*self.edges(), (extra, *self.nodes(*extra))])


def _bridges(edges: list[tuple[tuple[int, int], tuple, tuple]]) -> set[tuple[int, int]]:
    """The edges on no cycle (Tarjan, iterative; parallel edges and loops allowed)."""
    adjacent: dict[tuple, list[tuple[tuple, int]]] = defaultdict(list)
    for number, (_cell, a, b) in enumerate(edges):
        adjacent[a].append((b, number))
        adjacent[b].append((a, number))
    order: dict[tuple, int] = {}
    low: dict[tuple, int] = {}
    found: set[tuple[int, int]] = set()
    for root in adjacent:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack = [(root, -1, iter(adjacent[root]))]
        while stack:
            node, via, neighbours = stack[-1]
            for other, number in neighbours:
                if number == via:
                    continue
                if other not in order:
                    order[other] = low[other] = len(order)
                    stack.append((other, number, iter(adjacent[other])))
                    break
                low[node] = min(low[node], order[other])
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        found.add(edges[via][0])
    return found
