"""A reader's attack on a published table: which hidden cells can be worked out from what is shown?

Written apart from `orientation.small_counts` (exact linear algebra over the rationals, no graphs),
so that a flaw in the suppression is not repeated in its check. The reader knows every shown cell,
each column's total (the key figures), and, on every row that shows its acceptance rate, the rate's
denominator (accepted + declined + redirected: the rate and the accepted give it).
"""

from __future__ import annotations

from fractions import Fraction

HIDDEN = {"< 5", "masqué"}
TOTALS = {  # column of the tables → line of the key figures that publishes its total
    "Envoyées": "Orientations envoyées",
    "Dont suivies par l'orienteur (contact direct)": "dont suivies par l'orienteur (contact direct)",
    "Ouvertes": "Ouvertes par la structure destinataire",
    "Acceptées": "Acceptées",
    "Refusées": "Refusées",
    "Réorientées": "Réorientées",
    "Expirées": "Expirées sans réponse",
    "Terminées": "Terminées",
}
DECISIONS = ("Acceptées", "Refusées", "Réorientées")
RATE = "Taux d'acceptation"


def exposed(rows: list[dict], key_figures: dict[str, str]) -> list[str]:
    """The hidden cells a reader could recover, and the published sums hiding a single cell."""
    hidden = [(index, column) for index, row in enumerate(rows) for column in TOTALS if row.get(column) in HIDDEN]
    variable = {cell: number for number, cell in enumerate(hidden)}
    sums = [  # the hidden cells of each published sum: the columns (their totals), the rows that show a rate
        [variable[(index, column)] for index in range(len(rows)) if (index, column) in variable]
        for column, line in TOTALS.items()
        if key_figures.get(line, "").isdigit()
    ] + [
        [variable[(index, column)] for column in DECISIONS if (index, column) in variable]
        for index, row in enumerate(rows)
        if row.get(RATE) not in (None, "—")
    ]
    problems = [f"seule cachée de sa somme : {hidden[members[0]]}" for members in sums if len(members) == 1]
    problems += [f"déductible : {hidden[number]}" for number in _determined(sums, len(hidden))]
    return problems


def _determined(sums: list[list[int]], size: int) -> set[int]:
    """The variables whose value the sums fix: those whose unit vector is a row of the reduced matrix."""
    matrix = [[Fraction(1 if column in members else 0) for column in range(size)] for members in sums]
    return _determined_rows(matrix, size)


# ---------------------------------------------------------------------------------------------
# Several tables at once: a breakdown's cells add up to the cells of the table without it.


def determined_cells(equations: list[list[tuple[int, object, str]]]) -> list[object]:
    """The hidden cells the equations fix. An equation: (coefficient, cell key, published text) terms that
    add up to zero; a term whose text is a number is known (a constant), one in HIDDEN is an unknown."""
    unknowns = sorted({key for equation in equations for _sign, key, text in equation if text in HIDDEN}, key=repr)
    position = {key: number for number, key in enumerate(unknowns)}
    matrix = []
    for equation in equations:
        row = [Fraction(0)] * len(unknowns)
        for sign, key, text in equation:
            if text in HIDDEN:
                row[position[key]] += sign
        if any(row):
            matrix.append(row)
    return [unknowns[number] for number in sorted(_determined_rows(matrix, len(unknowns)))]


def _determined_rows(matrix: list[list[Fraction]], size: int) -> set[int]:
    """Gauss-Jordan over the rationals: the unknowns alone on a row of the reduced matrix are fixed."""
    pivot_row = 0
    for column in range(size):
        found = next((row for row in range(pivot_row, len(matrix)) if matrix[row][column]), None)
        if found is None:
            continue
        matrix[pivot_row], matrix[found] = matrix[found], matrix[pivot_row]
        lead = matrix[pivot_row][column]
        matrix[pivot_row] = [value / lead for value in matrix[pivot_row]]
        for row in range(len(matrix)):
            if row != pivot_row and matrix[row][column]:
                factor = matrix[row][column]
                matrix[row] = [a - factor * b for a, b in zip(matrix[row], matrix[pivot_row], strict=True)]
        pivot_row += 1
    return {
        next(column for column, value in enumerate(row) if value)
        for row in matrix
        if sum(1 for value in row if value) == 1
    }
