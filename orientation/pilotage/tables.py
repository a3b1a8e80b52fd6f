"""The dashboard's tables, built once from the figures: the page, the CSV and the XLSX show the same cells.

A cell is an int (a count), None (a hidden small count, shown "< 5"), MASKED (a count hidden so that
a small one cannot be worked out from the total), a Share, Days, or text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask import current_app

from orientation import french
from orientation.directory.thematiques import Volet, thematique_labels
from orientation.pilotage import offer, queries, searches
from orientation.pilotage.queries import MASKED, SMALL_COUNT, Counts, Filters, Row
from orientation.territory.queries import list_epcis

HIDDEN = f"< {SMALL_COUNT}"


class Share(float):
    """A proportion between 0 and 1."""


class Days(float):
    """A delay in days."""


class Measure(float):
    """A measure shown with one decimal: kilometres, services per 10,000 inhabitants."""


class NotMeasured(str):
    """A share or a delay that is not shown (too few orientations behind it): "—", not "< 5"."""


NOT_MEASURED = NotMeasured("—")


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list]
    note: str = ""  # how to read it, shown under the table on the page


def share_cell(value: float | None):
    return NOT_MEASURED if value is None else Share(value)


def days_cell(value: float | None):
    return NOT_MEASURED if value is None else Days(value)


COUNT_COLUMNS = [
    ("sent", "Envoyées"),
    ("sender_followed", "Dont suivies par l'orienteur (contact direct)"),  # the next columns leave them out
    ("opened", "Ouvertes"),
    ("accepted", "Acceptées"),
    ("declined", "Refusées"),
    ("redirected", "Réorientées"),
    ("expired", "Expirées"),
    ("completed", "Terminées"),
]


DECISIONS = ("accepted", "declined", "redirected")  # the acceptance rate's denominator: their sum


def protected_columns(rows: list[Row]) -> dict[str, list]:
    """Each count column of the rows, protected: the rows add up to the totals of the key figures, and
    where a row shows its acceptance rate, its decisions add up to the rate's denominator (the column
    DECIDED says on which rows that sum may be published)."""
    names = [name for name, _label in COUNT_COLUMNS]
    protected = queries.protect_table(
        [[row.counts[name] for name in names] for row in rows],
        row_sums=[[names.index(name) for name in DECISIONS]],
    )
    columns = {name: [row_cells[number] for row_cells in protected.cells] for number, name in enumerate(names)}
    columns[DECIDED] = [sums[0] for sums in protected.row_sums]
    return columns


DECIDED = "decided published"


def acceptance_rate(row: Row, columns: dict[str, list], index: int) -> float | None:
    """Shown when its numerator (the accepted, as published) and its denominator (the decided) can be."""
    if not (columns[DECIDED][index] and isinstance(columns["accepted"][index], int)):
        return None
    return queries.published_share(row.counts["accepted"], row.counts.decided)


def completion_rate(row: Row, columns: dict[str, list], index: int) -> float | None:
    if not all(isinstance(columns[name][index], int) for name in ("accepted", "completed")):
        return None
    return row.counts.completion_rate


def rows_table(
    key: str, title: str, first: str, rows: list[Row], *, answer_time: bool = False, code: str | None = None
) -> Table:
    headers = (
        [first]
        + ([code] if code else [])
        + [label for _name, label in COUNT_COLUMNS]
        + ["Taux d'acceptation"]
        + (["Délai médian de réponse (jours)"] if answer_time else [])
    )
    columns = protected_columns(rows)
    body = []
    for index, row in enumerate(rows):
        counts = [columns[name][index] for name, _label in COUNT_COLUMNS]
        cells = (
            [row.label]
            + ([row.key or ""] if code else [])
            + counts
            + [share_cell(acceptance_rate(row, columns, index))]
        )
        if answer_time:
            cells.append(days_cell(row.median_answer_days))
        body.append(cells)
    return Table(key, title, headers, body)


PER_10K = "_per_10k"


def epci_values(indicator: str, filters: Filters) -> dict:
    """The map's indicator per EPCI siren, protected as the EPCI table is (None or MASKED: not shown)."""
    if indicator.endswith(PER_10K):  # from a published count only (the population is public)
        counts = epci_values(indicator.removesuffix(PER_10K), filters)
        populations = queries.epci_populations()
        return {
            siren: round(count * 10_000 / populations[siren], 1)
            if isinstance(count, int) and populations.get(siren)
            else None
            for siren, count in counts.items()
        }
    if indicator == "mas_cases":
        return {key: value for key, value in queries.sante_figures(filters).mas_by_epci.items() if key}
    rows = queries.rows_by("epci", filters)  # the row of people outside any EPCI counts in the totals too
    columns = protected_columns(rows)

    def value(index: int, row: Row):
        if indicator == "acceptance_rate":
            return acceptance_rate(row, columns, index)
        if indicator == "completion_rate":
            return completion_rate(row, columns, index)
        return columns[indicator][index]

    return {row.key: value(index, row) for index, row in enumerate(rows) if row.key is not None}


SENDER_FOLLOWED_LINE = "dont suivies par l'orienteur (contact direct)"
# Orientations to a « Contact direct » service, followed by their sender: apart from the receivers' figures.
SENDER_FOLLOWED_COLUMNS = [
    ("sender_followed", "Suivies par l'orienteur"),
    ("sender_followed_received", "Personne reçue"),
    ("sender_followed_not_received", "Non reçue (refus ou réorientation)"),
    ("sender_followed_completed", "Terminées"),
    ("sender_followed_met", "dont besoin satisfait"),
]


def sender_followed_table(rows: list[Row]) -> Table:
    """Per volet: the orientations their sender follows, and what the sender recorded of them."""
    columns = {name: queries.protect([row.counts[name] for row in rows]) for name, _label in SENDER_FOLLOWED_COLUMNS}
    return Table(
        "contact-direct",
        "Orientations suivies par l'orienteur (contact direct), par volet",
        ["Volet"] + [label for _name, label in SENDER_FOLLOWED_COLUMNS],
        [
            [row.label] + [columns[name][index] for name, _label in SENDER_FOLLOWED_COLUMNS]
            for index, row in enumerate(rows)
        ],
    )


def key_figures_table(counts: Counts, delays: list[queries.Delay], sante: queries.SanteFigures) -> Table:
    rows = [
        ["Orientations envoyées", counts.shown("sent")],
        [SENDER_FOLLOWED_LINE, counts.shown("sender_followed")],
        ["Ouvertes par la structure destinataire", counts.shown("opened")],
        ["Acceptées", counts.shown("accepted")],
        ["Refusées", counts.shown("declined")],
        ["Réorientées", counts.shown("redirected")],
        ["Expirées sans réponse", counts.shown("expired")],
        ["Annulées", counts.shown("cancelled")],
        ["Abandonnées", counts.shown("abandoned")],
        ["Terminées", counts.shown("completed")],
        ["Taux d'acceptation", share_cell(counts.acceptance_rate)],
        ["Part des acceptées menées à terme", share_cell(counts.completion_rate)],
        ["Réponses « service réellement obtenu »", mask_sum(counts.obtained_answers)],
    ]
    for delay in delays:
        rows.append([f"{delay.kind.label} — médiane (jours)", days_cell(delay.median_days)])
        rows.append([f"{delay.kind.label} — 8 sur 10 en moins de (jours)", days_cell(delay.p80_days)])
    rows += [
        ["Dossiers de renoncement aux soins (MAS)", sante.mas_cases],
        ["Dossiers MAS clos", sante.mas_closed],
        ["Part des dossiers MAS clos avec soins réalisés", share_cell(sante.mas_care_done_share)],
        ["Personnes sans médecin traitant (besoins notés)", sante.without_medecin_traitant],
        ["… qui en ont trouvé un", sante.medecin_traitant_found],
    ]
    return Table("indicateurs", "Indicateurs clés", ["Indicateur", "Valeur"], rows)


def mask_sum(value: int) -> int | None:
    return queries.mask(value)


def figures_table(key: str, title: str, first: str, figures: list[queries.Figure], *, with_share: bool = True) -> Table:
    headers = [first, "Nombre"] + (["Part"] if with_share else [])
    if all(figure.raw is not None for figure in figures):  # a breakdown of a published total
        counts = queries.protect([figure.raw for figure in figures])
    else:
        counts = [figure.count for figure in figures]
    rows = [
        [figure.label, count] + ([share_cell(figure.share if count is not MASKED else None)] if with_share else [])
        for figure, count in zip(figures, counts, strict=True)
    ]
    return Table(key, title, headers, rows)


def delays_table(delays: list[queries.Delay]) -> Table:
    return Table(
        "delais",
        "Délais depuis l'envoi",
        ["Délai", "Orientations mesurées", "Médiane (jours)", "8 sur 10 en moins de (jours)"],
        [
            [delay.kind.label, queries.mask(delay.measured), days_cell(delay.median_days), days_cell(delay.p80_days)]
            for delay in delays
        ],
    )


def aged_needs_table(key: str, first: str, lines: list[queries.AgedNeeds]) -> Table:
    values = [[line.open, line.over_30_days, line.over_90_days] for line in lines]
    cells = queries.protect_table(values).cells
    return Table(
        key,
        f"Besoins encore ouverts aujourd'hui, par {first.lower()}",
        [first, "Ouverts", "dont depuis plus de 30 jours", "dont depuis plus de 90 jours"],
        [[line.label, *row] for line, row in zip(lines, cells, strict=True)],
    )


def searches_table(key: str, title: str, first: str, lines: list[searches.SearchLine]) -> Table:
    """Directory searches without or with few results (counts of searches, not of people)."""
    values = [[line.searched, line.none, line.few] for line in lines]
    cells = queries.protect_table(values).cells
    few = f"De 1 à {searches.FEW_RESULTS - 1} résultats"
    return Table(
        key,
        title,
        [first, "Recherches", "Sans résultat", few, "Part sans résultat"],
        [
            [
                line.label,
                *row,
                share_cell(queries.published_share(line.none, line.searched) if isinstance(row[1], int) else None),
            ]
            for line, row in zip(lines, cells, strict=True)
        ],
    )


def searches_tables(filters: Filters) -> list[Table]:
    where = searches.filtered_by(filters)
    epci_names = {epci.siren: epci.name for epci in list_epcis()}
    unanswered = searches.unanswered_thematiques(where, thematique_labels())
    return [
        searches_table(
            "recherches-volets", "Recherches dans l'annuaire, par volet", "Volet", searches.searches_by_volet(where)
        ),
        searches_table(
            "recherches-epci",
            "Recherches dans l'annuaire, par EPCI de la commune cherchée",
            "EPCI",
            searches.searches_by_epci(where, epci_names),
        ),
        Table(
            "recherches-sans-resultat",
            "Thématiques les plus cherchées sans aucun résultat",
            ["Thématique", "Recherches sans résultat"],
            [[label, queries.mask(count)] for label, count in unanswered],
        ),
    ]


def measure_cell(value: float | None):
    return NOT_MEASURED if value is None else Measure(value)


OFFER_NOTE = (
    "L'annuaire tel qu'il était à la dernière mise à jour des chiffres, quels que soient les filtres : "
    "services non retirés de l'annuaire. Un service "
    "compte dans l'EPCI de la commune où il est situé (ses zones d'intervention ne sont pas lues), et dans "
    "chaque volet de ses thématiques. Des services, pas des personnes : aucun effectif n'est masqué."
)


def offer_tables() -> list[Table]:
    """The offer beside the demand (the coordination's view): services per EPCI and volet, labelled
    structures per EPCI, the communes far from any service of a volet."""
    now = offer.current()
    lines = now.lines
    threshold = current_app.config["PILOTAGE_WHITE_ZONE_KM"]
    volets = list(Volet)
    services = Table(
        "offre-epci",
        "L'offre de services par EPCI (services situés dans une commune de l'EPCI)",
        ["EPCI", "Habitants"]
        + [header for volet in volets for header in (f"{volet.label} : services", f"{volet.label} : pour 10 000 hab.")],
        [
            [line.name, line.population if line.population is not None else NOT_MEASURED]
            + [cell for volet in volets for cell in (line.services.get(volet, 0), measure_cell(line.per_10k(volet)))]
            for line in lines
        ],
        OFFER_NOTE,
    )
    labels = Table(
        "labels-epci",
        "France Services et conseillers numériques par EPCI (structures de l'annuaire)",
        ["EPCI", "Structures France Services", "Structures avec conseiller numérique"],
        [[line.name, line.france_services, line.conseillers_numeriques] for line in lines],
        "Structures non retirées de l'annuaire, dans l'EPCI de leur commune, selon leurs labels et réseaux "
        "(comme le filtre « Label » de l'annuaire).",
    )
    kilometres = french.number(threshold, 1)
    zones = Table(
        "zones-blanches",
        f"Zones blanches : communes à plus de {kilometres} km du service le plus proche d'un volet",
        ["Commune", "EPCI", "Volet", "Distance au service le plus proche (km)", "Habitants"],
        [
            [
                line.commune,
                line.epci,
                line.volet.label,
                measure_cell(line.km) if line.km is not None else "Aucun service",
                line.population if line.population is not None else NOT_MEASURED,
            ]
            for line in offer.white_zones(threshold, now.distances)
        ],
        "Distance à vol d'oiseau entre le centre de la commune et le service le plus proche du volet, non retiré "
        "de l'annuaire, où qu'il se trouve (sa position, sinon le centre de sa commune). Seuil réglable "
        "(PILOTAGE_WHITE_ZONE_KM).",
    )
    return [services, labels, zones]


PAGE_ROWS = 25  # rows of the long tables (structures, services) shown on a page; exports have them all


def build_tables(filters: Filters, *, departement: bool, page: bool = False) -> dict[str, Table]:
    top = PAGE_ROWS if page else None
    counts = queries.totals(filters)
    delays = queries.delays(filters)
    sante = queries.sante_figures(filters)
    by_volet = queries.rows_by("volet", filters)
    tables = [
        key_figures_table(counts, delays, sante),
        rows_table("mois", "Par mois d'envoi", "Mois", queries.rows_by("month", filters)),
        rows_table("volets", "Par volet", "Volet", by_volet),
        rows_table("epci", "Par EPCI de la personne", "EPCI", queries.rows_by("epci", filters), code="SIREN"),
        rows_table(
            "destinataires",
            "Par structure destinataire",
            "Structure destinataire",
            queries.rows_by("receiver", filters, top),
            answer_time=True,
        ),
        rows_table("services", "Par service", "Service", queries.rows_by("service", filters, top), answer_time=True),
        figures_table("motifs-refus", "Refus par motif", "Motif", queries.decline_reasons(filters)),
        figures_table("resultats", "Résultats des orientations terminées", "Résultat", queries.outcomes(counts)),
        figures_table(
            "service-obtenu",
            "« Le service a-t-il été réellement obtenu ? » (30 jours après)",
            "Réponse",
            queries.obtained(counts),
        ),
        sender_followed_table(by_volet),
        delays_table(delays),
        aged_needs_table("besoins-anciens-volets", "Volet", queries.open_needs_by_age(filters, "volet")),
        aged_needs_table("besoins-anciens-epci", "EPCI", queries.open_needs_by_age(filters, "epci")),
        figures_table(
            "besoins-ouverts",
            "Besoins en cours aujourd'hui, par volet",
            "Volet",
            queries.open_needs_by_volet(filters),
            with_share=False,
        ),
    ]
    from orientation.pilotage import outcomes  # it builds Tables

    tables += outcomes.outcome_tables(filters)
    if departement:  # what agents searched for: every structure's agents, seen by the coordination only
        tables.append(outcomes.fne_table(filters))
        tables += searches_tables(filters)
        tables += offer_tables()
        tables.insert(
            5,
            rows_table(
                "emettrices", "Par structure qui oriente", "Structure qui oriente", queries.rows_by("sender", filters)
            ),
        )
    return {table.key: table for table in tables}


# ---------------------------------------------------------------------------------------------
# Rendering a cell


def text_of(cell) -> str:
    if cell is None:
        return HIDDEN
    if isinstance(cell, Share):
        return french.percent(cell)
    if isinstance(cell, Days | Measure):
        return french.number(cell, 1)
    return str(cell)


def to_csv(table: Table) -> bytes:
    """UTF-8 with a BOM and `;` separators: what Excel opens right in France."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([text_of(cell) for cell in row])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def to_xlsx(tables: list[Table], note: str) -> bytes:
    """One sheet per table; counts and shares stay numbers (hidden ones are the text "< 5")."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(table.key[:31])
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append([note])
        sheet.append(table.headers)
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(
                [
                    HIDDEN if cell is None else float(cell) if isinstance(cell, Share | Days | Measure) else cell
                    for cell in row
                ]
            )
            for value, target in zip(row, sheet[sheet.max_row], strict=True):
                if isinstance(value, Share):
                    target.number_format = "0%"
                elif isinstance(value, Days | Measure):
                    target.number_format = "0.0"
        sheet.column_dimensions["A"].width = 48
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
