"""Outcomes per volet: what the completed orientations closed with (referrals.outcome_details), rolled up.

`pilotage_outcome_facts` counts, per month of sending (like every figure), volet and EPCI of the
person, the completed orientations and the distinct people behind each answer (autonomy reached,
kind of support, thématique, mobility solution, health result), plus a `completed` line (every
completed orientation, with or without details). Orientations followed by their sender (« Contact
direct ») count too: the person was supported all the same. Refreshed with the other rolled-up
tables (refresh.refresh_facts), month by month.

The tables (dashboard, CSV, XLSX) are protected like the others: each column of a table by EPCI adds
up to its « Tout le Vaucluse » line, so `protect_table` hides what would give a small count away.
People are distinct within a month and an EPCI only (a person has one commune): the France Numérique
Ensemble indicators are given month by month, the département being the sum of its EPCIs.
"""

from __future__ import annotations

import sqlalchemy as sa

from orientation import french
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.people.models import Person
from orientation.pilotage.outcome_facts import ALL, COMPLETED, OutcomeFact
from orientation.pilotage.queries import Filters, mask, month_label, protect_table
from orientation.pilotage.refresh import month_of
from orientation.pilotage.tables import Table
from orientation.referrals.lifecycle import OrientationStatus
from orientation.referrals.models import Orientation
from orientation.referrals.outcome_details import DetailKind, OrientationOutcomeDetail, kinds_of
from orientation.territory.models import Commune
from orientation.territory.queries import list_epcis

DEPARTEMENT = ("Tout le Vaucluse", "84")
UNKNOWN_EPCI = "Commune non renseignée ou hors Vaucluse"
# France Numérique Ensemble counts people by kind of support: individual, collective, and help with
# administrative procedures (a thématique of the CRA since the Coop merged it into « individuel »).
FNE_COLUMNS = (
    (DetailKind.SUPPORT, "Individuel", "dont en accompagnement individuel"),
    (DetailKind.SUPPORT, "Collectif", "dont en atelier collectif"),
    (DetailKind.THEMATIQUE, "AideAuxDemarchesAdministratives", "dont aide aux démarches administratives"),
)


# ---------------------------------------------------------------------------------------------
# Refresh


def refresh(months) -> None:
    """Recompute `months` ("YYYY-MM" set; None: all); the caller holds the refresh's lock and commits."""
    o, detail = Orientation, OrientationOutcomeDetail
    delete = sa.delete(OutcomeFact)
    if months is not None:
        delete = delete.where(OutcomeFact.month.in_(sorted(months)))
    db.session.execute(delete)
    month = month_of(o.sent_at)

    def grouped(kind, code, join_details: bool):
        select = (
            sa.select(
                month.label("month"),
                o.volet,
                Commune.epci_siren,
                kind.label("kind"),
                code.label("code"),
                sa.func.count(),
                sa.func.count(sa.distinct(o.person_id)),
            )
            .select_from(o)
            .join(Person, Person.id == o.person_id)
            .outerjoin(Commune, Commune.code_insee == Person.commune_code)
            .where(o.status == OrientationStatus.COMPLETED, o.sent_at.is_not(None))
        )
        if join_details:
            select = select.join(detail, detail.orientation_id == o.id)
        if months is not None:
            select = select.where(month.in_(sorted(months)))
        return select.group_by(month, o.volet, Commune.epci_siren, kind, code)

    columns = ["month", "volet", "epci_siren", "kind", "code", "orientations", "people"]
    for select in (
        grouped(sa.literal(COMPLETED), sa.literal(ALL), False),
        grouped(detail.kind, detail.code, True),
    ):
        db.session.execute(sa.insert(OutcomeFact).from_select(columns, select))


# ---------------------------------------------------------------------------------------------
# Reads


def available(filters: Filters) -> bool:
    """Outcomes are rolled up by month, volet and EPCI only: not per structure, service or commune."""
    return not (filters.sender_id or filters.receiver_id or filters.service_id or filters.commune)


def _where(filters: Filters) -> list:
    found = []
    if filters.start:
        found.append(OutcomeFact.month >= filters.start)
    if filters.end:
        found.append(OutcomeFact.month <= filters.end)
    if filters.volet:
        found.append(OutcomeFact.volet == filters.volet)
    if filters.epci:
        found.append(OutcomeFact.epci_siren == filters.epci)
    return found


def counts_by_epci(filters: Filters, volet: Volet, kind: str, measure: str = "orientations") -> dict:
    """{epci_siren: {code: count}} of one question over the period."""
    rows = db.session.execute(
        sa.select(OutcomeFact.epci_siren, OutcomeFact.code, sa.func.sum(getattr(OutcomeFact, measure)))
        .where(*_where(filters), OutcomeFact.volet == volet, OutcomeFact.kind == kind)
        .group_by(OutcomeFact.epci_siren, OutcomeFact.code)
    )
    found: dict = {}
    for epci, code, count in rows:
        found.setdefault(epci, {})[code] = int(count)
    return found


def _territories(filters: Filters, present) -> list[tuple[str, str | None]]:
    """(name, siren) of the EPCIs shown: all of Vaucluse's (or the one filtered), and the unknown if counted."""
    epcis = [(epci.name, epci.siren) for epci in list_epcis() if not filters.epci or epci.siren == filters.epci]
    known = {siren for _name, siren in epcis}
    if any(siren is None or siren not in known for siren in present) and not filters.epci:
        epcis.append((UNKNOWN_EPCI, None))
    return epcis


def _protected_rows(values_by_row: list[list[int]]) -> tuple[list[list], list]:
    """The rows (EPCIs) protected, and the département's line (each column's total)."""
    cells = protect_table(values_by_row).cells
    totals = [mask(sum(column)) for column in zip(*values_by_row, strict=True)] if values_by_row else []
    return cells, totals


def epci_table(filters: Filters, volet: Volet, kind: DetailKind) -> Table:
    counts = counts_by_epci(filters, volet, kind.value)
    choices = kind.choices()
    territories = _territories(filters, counts)
    unknown_codes = {code for by_code in counts.values() for code in by_code} - set(choices)
    assert not unknown_codes, unknown_codes  # the table's CHECK constraint keeps them out
    values = [[counts.get(siren, {}).get(code, 0) for code in choices] for _name, siren in territories]
    cells, totals = _protected_rows(values)
    rows = [[name, *row] for (name, _siren), row in zip(territories, cells, strict=True)]
    rows.append([DEPARTEMENT[0], *totals])
    return Table(
        f"resultats-{kind.value}",
        f"{volet.label} — {kind.legend.lower()} : orientations terminées, par EPCI de la personne",
        ["EPCI", *choices.values()],
        rows,
        "Orientations terminées dans la période (mois d'envoi), selon ce que la structure a indiqué en les "
        "terminant (facultatif)." + (" Plusieurs réponses possibles par orientation." if kind.multiple else ""),
    )


def thematiques_table(filters: Filters) -> Table:
    """The numérique thématiques worked on, for the whole territory filtered (too many for one column per EPCI)."""
    kind = DetailKind.THEMATIQUE
    by_epci = counts_by_epci(filters, Volet.NUMERIQUE, kind.value)
    people = counts_by_epci(filters, Volet.NUMERIQUE, kind.value, "people")
    rows = []
    for code, label in kind.choices().items():
        count = sum(by_code.get(code, 0) for by_code in by_epci.values())
        if count:
            rows.append((count, [label, mask(count), mask(sum(by_code.get(code, 0) for by_code in people.values()))]))
    rows.sort(key=lambda pair: (-pair[0], french.collation_key(pair[1][0])))
    return Table(
        "resultats-thematique",
        "Numérique — thématiques des accompagnements terminés",
        ["Thématique (CRA de la Coop)", "Orientations", "Personnes (somme des mois)"],
        [row for _count, row in rows],
        "Plusieurs thématiques possibles par orientation. Une personne accompagnée plusieurs mois compte dans chacun.",
    )


def volets_shown(filters: Filters) -> list[Volet]:
    return [volet for volet in Volet if not filters.volet or volet is filters.volet]


def outcome_tables(filters: Filters) -> list[Table]:
    """The outcome tables of the volets filtered (none when a filter the facts do not have is set)."""
    if not available(filters):
        return []
    tables = []
    for volet in volets_shown(filters):
        for kind in kinds_of(volet):
            tables.append(
                thematiques_table(filters) if kind is DetailKind.THEMATIQUE else epci_table(filters, volet, kind)
            )
    return tables


# ---------------------------------------------------------------------------------------------
# France Numérique Ensemble


def fne_table(filters: Filters) -> Table:
    """People supported in the numérique volet, by kind of support, month by month, for the département.

    The département only: the EPCIs' figures over the period are the dashboard's tables (in orientations), and
    monthly figures per EPCI beside them would let a cell hidden in one be worked out from the other (the months
    of an EPCI add up to its period). Each column's months add up to the period's département line the
    dashboard publishes: they are protected as a table whose column totals are public."""
    where = [*_where(filters.with_(volet=None)), OutcomeFact.volet == Volet.NUMERIQUE]
    wanted = [(COMPLETED, ALL)] + [(kind.value, code) for kind, code, _label in FNE_COLUMNS]
    rows = db.session.execute(
        sa.select(OutcomeFact.month, OutcomeFact.kind, OutcomeFact.code, sa.func.sum(OutcomeFact.people))
        .where(*where, sa.tuple_(OutcomeFact.kind, OutcomeFact.code).in_(wanted))
        .group_by(OutcomeFact.month, OutcomeFact.kind, OutcomeFact.code)
    ).all()
    by_month: dict[str, dict] = {}
    for month, kind, code, people in rows:
        by_month.setdefault(month, {})[(kind, code)] = int(people)
    months = sorted(by_month)
    cells = protect_table([[by_month[month].get(key, 0) for key in wanted] for month in months]).cells
    return Table(
        "indicateurs-fne",
        "Indicateurs France Numérique Ensemble — personnes accompagnées (volet numérique) dans le Vaucluse, par mois",
        ["Mois", "Personnes accompagnées"] + [label for _kind, _code, label in FNE_COLUMNS],
        [[month_label(month), *row] for month, row in zip(months, cells, strict=True)],
        "Personnes distinctes dont une orientation numérique envoyée ce mois-là est terminée ; le type "
        "d'accompagnement est celui indiqué en terminant (vocabulaire du CRA de la Coop). Une personne accompagnée "
        "plusieurs mois compte dans chacun. Par EPCI : les tableaux des résultats du volet numérique.",
    )
