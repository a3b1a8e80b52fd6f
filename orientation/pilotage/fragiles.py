"""Publics fragiles: the demand figures broken down by a situation flag of the person, and the
« QPV et hors QPV » panel of the Ateliers Santé Ville.

Every figure comes from the rolled-up tables (the `public` level, and the detail with other filters),
except the open needs and the MAS cases, read as on the rest of the dashboard. A split table's cells
add up to figures published without the breakdown: they are protected together with them
(split_counts), so that no hidden count, here or on the page without the breakdown, can be worked out.
A breakdown that would hide every count publishes an empty table that says why.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from orientation.cpam.models import CaseOutcome, MasCase, MasTeam
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.people.models import Need, Person, SituationFlag
from orientation.pilotage import queries, tables
from orientation.pilotage.models import PUBLIC_FLAGS, DelayKind
from orientation.pilotage.queries import MASKED, Counts, Filters
from orientation.pilotage.refresh import has_flag
from orientation.pilotage.split_counts import Linked
from orientation.small_counts import mask, publishable, published_share

# What the form offers, and how each side of a breakdown is named (without the flag: not recorded).
PUBLIC_CHOICES = [
    ("qpv", "QPV et hors QPV"),
    ("over_60", "60 ans et plus"),
    ("disability", "Situation de handicap"),
    ("rsa", "Bénéficiaires du RSA"),
    ("isolated", "Isolement social"),
    ("no_email", "Sans adresse e-mail"),
]
SIDES = {
    SituationFlag.QPV: ("QPV", "Hors QPV"),
    SituationFlag.OVER_60: ("60 ans et plus", "Moins de 60 ans ou âge non renseigné"),
    SituationFlag.DISABILITY: ("Situation de handicap", "Sans handicap signalé"),
    SituationFlag.RSA: ("Bénéficiaires du RSA", "Sans RSA signalé"),
    SituationFlag.ISOLATED: ("Isolement social", "Sans isolement signalé"),
    SituationFlag.NO_EMAIL: ("Sans adresse e-mail", "Avec e-mail ou non signalé"),
}
assert set(SIDES) == set(PUBLIC_FLAGS) == {SituationFlag(value) for value, _label in PUBLIC_CHOICES}

TOO_FINE = (
    "Ventilation trop fine pour ces filtres : chaque effectif serait inférieur à {small} ou masqué, rien "
    "n'est donc publié. Élargissez la période ou le territoire, ou choisissez un autre public."
)
NOTE = (
    "Selon la situation de la personne telle qu'elle est notée dans son dossier aujourd'hui (« 60 ans et plus » "
    "aussi d'après la date de naissance, à l'envoi). « {without} » : la situation n'est pas notée. Les effectifs "
    "inférieurs à {small} sont masqués, et au besoin d'autres, pour qu'aucun ne se déduise des tableaux sans "
    "ventilation."
)

COLUMNS = [name for name, _label in tables.COUNT_COLUMNS]
OBTAINED = ("obtained_yes", "obtained_partly", "obtained_no", "obtained_unknown")
SIDE_NUMBERS = (0, 1)  # 0: with the flag, 1: without


def side_filters(filters: Filters, flag: SituationFlag, side: int) -> Filters:
    return filters.with_(public=flag.value, public_side=side == 0)


def _whole(filters: Filters) -> Filters:
    return filters.with_(public=None, public_side=None)


# ---------------------------------------------------------------------------------------------
# Totals per side: the panel, and the column totals of the split tables


@dataclass
class SideTotals:
    flag: SituationFlag
    whole: Counts
    sides: list[Counts]
    linked: Linked
    decision_days: list[float | None]
    mas: list[tuple[int, int]]  # (cases filed, cases closed with care done) per side

    def shown(self, side: int, name: str):
        return self.linked.shown(("S", side, name))

    def acceptance_rate(self, side: int) -> float | None:
        if not self.linked.published(("rate", side)) or self.shown(side, "accepted") in (None, MASKED):
            return None
        counts = self.sides[side]
        return published_share(counts["accepted"], counts.decided)


def side_totals(filters: Filters, flag: SituationFlag) -> SideTotals:
    whole_filters = _whole(filters)
    whole = queries.totals(whole_filters)
    sides = [queries.totals(side_filters(whole_filters, flag, side)) for side in SIDE_NUMBERS]
    sante = queries.sante_figures(whole_filters)
    mas_whole = _mas_counts(whole_filters, None, None)
    mas = [_mas_counts(whole_filters, flag, side) for side in SIDE_NUMBERS]
    linked = Linked()
    for name in COLUMNS:  # the key figures publish each whole total (masked when small)
        linked.fixed_cell(("T", name), whole[name], whole.shown(name))
    obtained_whole = queries.protect([whole[name] for name in OBTAINED])  # the « service obtenu » table
    for name, shown in zip(OBTAINED, obtained_whole, strict=True):
        linked.fixed_cell(("T", name), whole[name], shown)
    linked.fixed_cell(("T", "obtained_answers"), whole.obtained_answers, mask(whole.obtained_answers))
    linked.add_sum([("T", name) for name in OBTAINED], ("T", "obtained_answers"))
    linked.fixed_cell(("T", "mas_cases"), mas_whole[0], sante.mas_cases)
    # the share of closed cases with care done is published with the closed ones: it gives the count away
    done_known = sante.mas_care_done_share is not None or sante.mas_closed == 0
    linked.fixed_cell(("T", "mas_done"), mas_whole[1], mas_whole[1] if done_known else None)
    for name in [*COLUMNS, "obtained_yes", "obtained_no", "mas_cases", "mas_done"]:
        for side in SIDE_NUMBERS:
            if name.startswith("mas_"):
                linked.cell(("S", side, name), mas[side][0 if name == "mas_cases" else 1])
            else:
                linked.cell(("S", side, name), sides[side][name])
        linked.add_sum([("S", 0, name), ("S", 1, name)], ("T", name))
    for side in SIDE_NUMBERS:
        _rate_sum(linked, ("S", side), sides[side], ("rate", side))
    linked.protect()
    delays = [_decision_days(side_filters(whole_filters, flag, side)) for side in SIDE_NUMBERS]
    return SideTotals(flag, whole, sides, linked, delays, mas)


def _rate_sum(linked: Linked, prefix: tuple, counts: Counts, key) -> None:
    """A side's acceptance rate publishes its decisions' sum: a sum that may be dropped (the rate not shown)."""
    decided = counts.decided
    if not decided or not publishable(decided):
        linked.dropped.add(key)
        return
    linked.fixed_cell((*prefix, "decided"), decided, decided)
    linked.add_sum(
        [(*prefix, name) for name in tables.DECISIONS],
        (*prefix, "decided"),
        droppable=key,
        numerator=(*prefix, "accepted"),
    )


def _decision_days(filters: Filters) -> float | None:
    return next(delay.median_days for delay in queries.delays(filters) if delay.kind is DelayKind.TO_DECISION)


def _mas_counts(filters: Filters, flag: SituationFlag | None, side: int | None) -> tuple[int, int]:
    """MAS cases filed in the period (as on the dashboard), and those closed with the care done."""
    done_values = [outcome.value for outcome in CaseOutcome if outcome.care_done]
    where = [*queries._month_bounds(filters, MasCase.filed_at), *queries._person_filters(filters, MasCase.commune_code)]
    if filters.sender_id:
        where.append(MasCase.sender_organisation_id == filters.sender_id)
    if filters.receiver_id:
        where.append(MasCase.team_id.in_(sa.select(MasTeam.id).where(MasTeam.organisation_id == filters.receiver_id)))
    select = sa.select(
        sa.func.count(), sa.func.coalesce(sa.func.sum(sa.case((MasCase.outcome.in_(done_values), 1), else_=0)), 0)
    ).select_from(MasCase)
    if flag is not None:
        select = select.join(Person, Person.id == MasCase.person_id).where(
            has_flag(flag, sa.func.current_date()) == (side == 0)
        )
    cases, done = db.session.execute(select.where(*where)).one()
    return int(cases), int(done)


PANEL_LINES = [
    ("sent", "Orientations envoyées"),
    ("accepted", "Acceptées"),
    ("declined", "Refusées"),
    ("redirected", "Réorientées"),
    ("rate", "Taux d'acceptation"),
    ("delay", "Délai de décision — médiane (jours)"),
    ("completed", "Terminées"),
    ("obtained_yes", "Service réellement obtenu (réponses « oui »)"),
    ("obtained_no", "Service non obtenu (réponses « non »)"),
    ("mas_cases", "Dossiers de renoncement aux soins (MAS)"),
    ("mas_done", "… clos avec soins réalisés"),
]


def panel_table(key: str, title: str, totals: SideTotals) -> tables.Table:
    """Side by side: the two sides of a flag, per indicator (acceptance, delay, outcomes, renoncement)."""
    rows = []
    for name, label in PANEL_LINES:
        if name == "rate":
            cells = [tables.share_cell(totals.acceptance_rate(side)) for side in SIDE_NUMBERS]
        elif name == "delay":
            cells = [tables.days_cell(days) for days in totals.decision_days]
        else:
            cells = [totals.shown(side, name) for side in SIDE_NUMBERS]
        rows.append([label, *cells])
    with_label, without_label = SIDES[totals.flag]
    headers = ["Indicateur", with_label, without_label]
    if totals.linked.gave_up or not _any_count_shown(rows):
        return tables.Table(key, title, headers, [], TOO_FINE.format(small=queries.SMALL_COUNT))
    return tables.Table(key, title, headers, rows, NOTE.format(without=without_label, small=queries.SMALL_COUNT))


def _any_count_shown(rows: list[list]) -> bool:
    return any(type(cell) is int and cell > 0 for row in rows for cell in row[1:])


# ---------------------------------------------------------------------------------------------
# Split tables: by volet, by EPCI, open needs by volet


def split_rows_table(key: str, title: str, first: str, dimension: str, filters: Filters, totals: SideTotals):
    """The rows of `dimension` (volet, EPCI), each split in the two sides of the flag, protected with the
    table without the breakdown (as published) and the sides' totals (as the panel publishes them)."""
    flag = totals.flag
    whole_filters = _whole(filters)
    rows = queries.rows_by(dimension, whole_filters)
    published = tables.protected_columns(rows)
    by_side = [
        {row.key: row.counts for row in queries.rows_by(dimension, side_filters(whole_filters, flag, side))}
        for side in SIDE_NUMBERS
    ]
    linked = Linked()
    for name in COLUMNS:
        linked.fixed_cell(("T", name), totals.whole[name], totals.whole.shown(name))
        for side in SIDE_NUMBERS:
            linked.fixed_cell(("St", side, name), totals.sides[side][name], totals.shown(side, name))
        linked.add_sum([("St", 0, name), ("St", 1, name)], ("T", name))
        linked.add_sum([("U", index, name) for index in range(len(rows))], ("T", name))
        for side in SIDE_NUMBERS:
            linked.add_sum([("S", side, index, name) for index in range(len(rows))], ("St", side, name))
    for side in SIDE_NUMBERS:  # the panel's rates publish the sides' decisions
        if totals.linked.published(("rate", side)):
            decided = totals.sides[side].decided
            linked.fixed_cell(("St", side, "decided"), decided, decided)
            linked.add_sum([("St", side, name) for name in tables.DECISIONS], ("St", side, "decided"))
    empty = Counts({})
    for index, row in enumerate(rows):
        for name in COLUMNS:
            linked.fixed_cell(("U", index, name), row.counts[name], published[name][index])
            for side in SIDE_NUMBERS:
                linked.cell(("S", side, index, name), by_side[side].get(row.key, empty)[name])
            linked.add_sum([("S", 0, index, name), ("S", 1, index, name)], ("U", index, name))
        if published[tables.DECIDED][index]:
            linked.fixed_cell(("U", index, "decided"), row.counts.decided, row.counts.decided)
            linked.add_sum([("U", index, name) for name in tables.DECISIONS], ("U", index, "decided"))
        for side in SIDE_NUMBERS:
            _rate_sum(linked, ("S", side, index), by_side[side].get(row.key, empty), ("rate", side, index))
    linked.protect()
    headers = [first, "Public"] + [label for _name, label in tables.COUNT_COLUMNS] + ["Taux d'acceptation"]
    body = []
    for index, row in enumerate(rows):
        for side in SIDE_NUMBERS:
            counts = by_side[side].get(row.key, empty)
            cells = [linked.shown(("S", side, index, name)) for name in COLUMNS]
            rate = None
            if linked.published(("rate", side, index)) and type(cells[COLUMNS.index("accepted")]) is int:
                rate = published_share(counts["accepted"], counts.decided)
            body.append([row.label, SIDES[flag][side], *cells, tables.share_cell(rate)])
    return _explained(key, title, headers, body, linked, flag)


def _explained(key, title, headers, body, linked: Linked, flag: SituationFlag) -> tables.Table:
    if linked.gave_up or not _any_count_shown([row[1:] for row in body]):
        return tables.Table(key, title, headers, [], TOO_FINE.format(small=queries.SMALL_COUNT))
    note = NOTE.format(without=SIDES[flag][1], small=queries.SMALL_COUNT)
    return tables.Table(key, title, headers, body, note)


def _open_needs(filters: Filters) -> dict:
    select = (
        sa.select(Need.volet, sa.func.count())
        .select_from(Need)
        .join(Person, Person.id == Need.person_id)
        .where(*queries._open_needs_where(filters))
        .group_by(Need.volet)
    )
    return {volet: int(count) for volet, count in db.session.execute(select)}


def split_needs_table(filters: Filters, flag: SituationFlag) -> tables.Table:
    """Needs open today by volet, split: each pair adds up to the figure published without the breakdown."""
    whole_filters = _whole(filters)
    volets = [volet for volet in Volet if not filters.volet or volet == filters.volet]
    whole = _open_needs(whole_filters)
    by_side = [_open_needs(side_filters(whole_filters, flag, side)) for side in SIDE_NUMBERS]
    linked = Linked()
    for volet in volets:
        linked.fixed_cell(("U", volet), whole.get(volet, 0), mask(whole.get(volet, 0)))
        for side in SIDE_NUMBERS:
            linked.cell(("S", side, volet), by_side[side].get(volet, 0))
        linked.add_sum([("S", 0, volet), ("S", 1, volet)], ("U", volet))
    linked.protect()
    body = [
        [volet.label, SIDES[flag][side], linked.shown(("S", side, volet))] for volet in volets for side in SIDE_NUMBERS
    ]
    return _explained(
        "public-besoins-ouverts",
        f"Besoins en cours aujourd'hui, par volet et public ({SIDES[flag][0]})",
        ["Volet", "Public", "Nombre"],
        body,
        linked,
        flag,
    )


# ---------------------------------------------------------------------------------------------
# What the dashboard adds


def fragiles_tables(filters: Filters) -> list[tables.Table]:
    """The QPV panel always; with a breakdown chosen, the demand tables split by it."""
    qpv = side_totals(filters, SituationFlag.QPV)
    found = [
        panel_table(
            "qpv",
            "QPV et hors QPV (Ateliers Santé Ville) : acceptation, délais, résultats, renoncement aux soins",
            qpv,
        )
    ]
    if not filters.public:
        return found
    flag = SituationFlag(filters.public)
    totals = qpv if flag is SituationFlag.QPV else side_totals(filters, flag)
    label = SIDES[flag][0]
    found += [
        panel_table("public-indicateurs", f"Indicateurs clés par public ({label})", totals),
        split_rows_table("public-volets", f"Par volet et public ({label})", "Volet", "volet", filters, totals),
        split_rows_table(
            "public-epci", f"Par EPCI de la personne et public ({label})", "EPCI", "epci", filters, totals
        ),
        split_needs_table(filters, flag),
    ]
    return found
