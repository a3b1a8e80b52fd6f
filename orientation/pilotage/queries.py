"""Reads of the steering figures (aggregates only: no person, no id of a person, leaves this module).

Every figure comes from the rolled-up tables (models.py), filtered by period, volet, EPCI / commune
of the person, sending structure, receiving structure and service. Counts under SMALL_COUNT are
hidden (`None`, shown "< 5"); a share is hidden when its numerator or its denominator is; a delay
percentile when fewer than SMALL_COUNT orientations measure it. In a table whose rows add up to a
published total, `protect` also hides enough other cells that no small count can be worked out by
difference (secondary suppression).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import timedelta

import sqlalchemy as sa

from orientation import clock, french
from orientation.cpam.models import CaseOutcome, CaseStage, MasCase, MasTeam, MedecinTraitantDeclaration
from orientation.directory.models import Service
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.organisations.models import Organisation
from orientation.people.catalogue import NeedCode
from orientation.people.models import Need, NeedStatus, Person, SituationFlag
from orientation.pilotage.models import MEASURES, PUBLIC_BITS, DeclineFact, DelayFact, DelayKind, Level, OrientationFact
from orientation.pilotage.refresh import has_flag, month_of
from orientation.referrals.lifecycle import REASON_LABELS, Outcome, Reason
from orientation.referrals.models import Orientation, ServiceObtained, orientation_needs
from orientation.small_counts import (  # noqa: F401 (also read from here)
    MASKED,
    SMALL_COUNT,
    Masked,
    mask,
    protect,
    protect_table,
    published_share,
)
from orientation.territory.models import Commune, Epci
from orientation.territory.queries import list_communes, list_epcis

RESPONSIVENESS_MINIMUM = 10  # orientations a service must have received before its card shows its figures


@dataclass(frozen=True)
class Filters:
    start: str | None = None  # "YYYY-MM", inclusive
    end: str | None = None
    volet: Volet | None = None
    epci: str | None = None
    commune: str | None = None
    sender_id: int | None = None
    receiver_id: int | None = None
    service_id: int | None = None
    # Publics fragiles (fragiles.py): the flag a figure is broken down by, and which side is read
    # (True: people with the flag, False: without, None: both).
    public: str | None = None
    public_side: bool | None = None

    def with_(self, **changes) -> Filters:
        return replace(self, **changes)


def level_for(filters: Filters, *dimensions: str) -> Level:
    """The smallest rolled-up level that has every dimension the filters and the grouping need."""
    needed = set(dimensions)
    for dimension, value in (
        ("sender", filters.sender_id),
        ("receiver", filters.receiver_id),
        ("service", filters.service_id),
        ("commune", filters.commune),
        ("public", filters.public if filters.public_side is not None else None),  # a side is read
    ):
        if value is not None and value != "":
            needed.add(dimension)
    return next(level for level in Level if needed <= level.dimensions)


def conditions(model, filters: Filters, *dimensions: str) -> list:
    found = [model.level == level_for(filters, *dimensions)]
    if filters.start:
        found.append(model.month >= filters.start)
    if filters.end:
        found.append(model.month <= filters.end)
    for value, column in (
        (filters.volet, model.volet),
        (filters.epci, model.epci_siren),
        (filters.commune, model.commune_code),
        (filters.sender_id, model.sender_organisation_id),
        (filters.receiver_id, model.receiver_organisation_id),
        (filters.service_id, model.service_id),
    ):
        if value is not None and value != "":
            found.append(column == value)
    if filters.public and filters.public_side is not None:
        bit = PUBLIC_BITS[SituationFlag(filters.public)]
        found.append((model.public.op("&")(bit) != 0) == filters.public_side)
    return found


def histogram_percentile(histogram: list[tuple[float, int]], fraction: float) -> float | None:
    """percentile_cont over a histogram (value, count): linear interpolation between the closest ranks."""
    ordered = sorted((value, count) for value, count in histogram if count > 0)
    total = sum(count for _value, count in ordered)
    if not total:
        return None
    position = (total - 1) * fraction
    low, high = math.floor(position), math.ceil(position)

    def value_at(rank: int) -> float:
        seen = 0
        for value, count in ordered:
            seen += count
            if rank < seen:
                return value
        return ordered[-1][0]

    low_value, high_value = value_at(low), value_at(high)
    return low_value + (high_value - low_value) * (position - low)


@dataclass
class Counts:
    """The measures of one cell, raw (use `shown`) — never rendered without masking."""

    raw: dict

    def __getitem__(self, name: str) -> int:
        return int(self.raw.get(name) or 0)

    def shown(self, name: str) -> int | None:
        return mask(self[name])

    @property
    def decided(self) -> int:
        return self["accepted"] + self["declined"] + self["redirected"]

    @property
    def acceptance_rate(self) -> float | None:
        """Accepted among decided; hidden when a part of the decisions is (the rate would give it away)."""
        if any(self.shown(name) is None for name in ("accepted", "declined", "redirected")):
            return None
        return published_share(self["accepted"], self.decided)

    @property
    def completion_rate(self) -> float | None:
        return published_share(self["completed"], self["accepted"])

    @property
    def received_by_a_structure(self) -> int:
        """Sent to a structure that answers (members or link): not followed by their sender."""
        return self["sent"] - self["sender_followed"]

    @property
    def obtained_answers(self) -> int:
        return sum(self[name] for name in ("obtained_yes", "obtained_partly", "obtained_no", "obtained_unknown"))


def _sums():
    return [sa.func.coalesce(sa.func.sum(getattr(OrientationFact, name)), 0).label(name) for name in MEASURES]


def totals(filters: Filters) -> Counts:
    row = db.session.execute(sa.select(*_sums()).where(*conditions(OrientationFact, filters))).one()
    return Counts(dict(row._mapping))


DIMENSION_OF = {
    "sender_organisation_id": "sender",
    "receiver_organisation_id": "receiver",
    "service_id": "service",
    "commune_code": "commune",
}


def grouped(column, filters: Filters) -> dict:
    dimensions = [DIMENSION_OF[column.key]] if column.key in DIMENSION_OF else []
    rows = db.session.execute(
        sa.select(column.label("key"), *_sums())
        .where(*conditions(OrientationFact, filters, *dimensions))
        .group_by(column)
        .order_by(column)
    )
    return {row.key: Counts({name: getattr(row, name) for name in MEASURES}) for row in rows}


@dataclass
class Delay:
    kind: DelayKind
    measured: int
    median_days: float | None
    p80_days: float | None


def _days(hours: float | None) -> float | None:
    return None if hours is None else round(hours / 24, 1)


def delays(filters: Filters) -> list[Delay]:
    rows = db.session.execute(
        sa.select(DelayFact.kind, DelayFact.hours, sa.func.sum(DelayFact.count))
        .where(*conditions(DelayFact, filters))
        .group_by(DelayFact.kind, DelayFact.hours)
    ).all()
    result = []
    for kind in DelayKind:
        histogram = [(hours, int(count)) for row_kind, hours, count in rows if row_kind == kind]
        measured = sum(count for _hours, count in histogram)
        visible = measured >= SMALL_COUNT
        result.append(
            Delay(
                kind,
                measured,
                _days(histogram_percentile(histogram, 0.5)) if visible else None,
                _days(histogram_percentile(histogram, 0.8)) if visible else None,
            )
        )
    return result


def decision_delay_by(column, filters: Filters, keys=None) -> dict:
    """Median time to answer (days) per value of `column` (a DelayFact column); hidden under SMALL_COUNT.

    Computed in the database over the histograms (window sums), as
    percentile_cont(0.5) would: the mean of the values at the two middle ranks.
    """
    where = [*conditions(DelayFact, filters, DIMENSION_OF[column.key]), DelayFact.kind == DelayKind.TO_DECISION]
    if keys is not None:  # only the rows a page shows (the index on the level and the key serves them)
        where.append(column.in_(list(keys)))
    buckets = (
        sa.select(column.label("key"), DelayFact.hours, sa.func.sum(DelayFact.count).label("n"))
        .where(*where)
        .group_by(column, DelayFact.hours)
        .subquery()
    )
    ranked = sa.select(
        buckets.c.key,
        buckets.c.hours,
        sa.func.sum(buckets.c.n).over(partition_by=buckets.c.key, order_by=buckets.c.hours).label("cumulative"),
        sa.func.sum(buckets.c.n).over(partition_by=buckets.c.key).label("total"),
    ).subquery()
    total = sa.cast(ranked.c.total, sa.Integer)
    low_rank = (total - 1) // 2 + 1  # ranks are 1-based; integer division floors (counts are positive)
    high_rank = total // 2 + 1
    rows = db.session.execute(
        sa.select(
            ranked.c.key,
            ranked.c.total,
            sa.func.min(sa.case((ranked.c.cumulative >= low_rank, ranked.c.hours))),
            sa.func.min(sa.case((ranked.c.cumulative >= high_rank, ranked.c.hours))),
        ).group_by(ranked.c.key, ranked.c.total)
    ).all()
    return {
        key: _days((float(low) + float(high)) / 2) if int(total) >= SMALL_COUNT else None
        for key, total, low, high in rows
    }


@dataclass
class Row:
    key: object
    label: str
    counts: Counts
    median_answer_days: float | None = None


@dataclass
class Figure:
    """One line of a breakdown; `raw` (never rendered) lets the table protect the lines' sum."""

    label: str
    count: int | None
    share: float | None = None
    raw: int | None = None


def decline_reasons(filters: Filters) -> list[Figure]:
    rows = dict(
        db.session.execute(
            sa.select(DeclineFact.reason, sa.func.sum(DeclineFact.count))
            .where(*conditions(DeclineFact, filters))
            .group_by(DeclineFact.reason)
        ).all()
    )
    total = sum(int(v) for v in rows.values())
    return [
        Figure(REASON_LABELS[Reason(reason)], mask(int(count)), published_share(int(count), total), int(count))
        for reason, count in sorted(rows.items(), key=lambda item: -int(item[1]))
        if reason in Reason._value2member_map_
    ]


def _names(model, key_column, name_column, keys) -> dict:
    keys = [key for key in keys if key is not None]
    if not keys:
        return {}
    return dict(db.session.execute(sa.select(key_column, name_column).where(key_column.in_(keys))).all())


def rows_by(dimension: str, filters: Filters, answers_for_top: int | None = None) -> list[Row]:
    """One row per EPCI, volet, month, sending or receiving structure, or service.

    Receiving structures and services also get their median time to answer: for every row, or only
    for the `answers_for_top` busiest (what a page shows; the exports have them all).
    """
    column = {
        "epci": OrientationFact.epci_siren,
        "volet": OrientationFact.volet,
        "month": OrientationFact.month,
        "sender": OrientationFact.sender_organisation_id,
        "receiver": OrientationFact.receiver_organisation_id,
        "service": OrientationFact.service_id,
        "commune": OrientationFact.commune_code,
    }[dimension]
    groups = grouped(column, filters)
    labels = {
        "epci": lambda keys: _names(Epci, Epci.siren, Epci.name, keys),
        "commune": lambda keys: _names(Commune, Commune.code_insee, Commune.name, keys),
        "sender": lambda keys: _names(Organisation, Organisation.id, Organisation.name, keys),
        "receiver": lambda keys: _names(Organisation, Organisation.id, Organisation.name, keys),
        "service": lambda keys: _names(Service, Service.id, Service.name, keys),
        "volet": lambda keys: {volet: Volet(volet).label for volet in keys},
        "month": lambda keys: {month: month_label(month) for month in keys},
    }[dimension](list(groups))
    rows = [Row(key, labels.get(key) or _unknown(dimension), counts) for key, counts in groups.items()]
    if dimension != "month":
        rows.sort(key=lambda row: (-row.counts["sent"], french.collation_key(row.label)))
    if dimension in ("receiver", "service"):
        keys = None if answers_for_top is None else [row.key for row in rows[:answers_for_top]]
        answers = decision_delay_by(getattr(DelayFact, column.key), filters, keys)
        for row in rows:
            row.median_answer_days = answers.get(row.key)
    return rows


def _unknown(dimension: str) -> str:
    return {"epci": "Commune non renseignée ou hors Vaucluse", "commune": "Commune non renseignée"}.get(
        dimension, "Inconnu"
    )


def month_label(month: str) -> str:
    return french.month_label(month)


def outcomes(counts: Counts) -> list[Figure]:
    return [
        Figure(
            outcome.label,
            counts.shown(f"completed_{outcome.value}"),
            published_share(counts[f"completed_{outcome.value}"], counts["completed"]),
            counts[f"completed_{outcome.value}"],
        )
        for outcome in Outcome
    ]


def obtained(counts: Counts) -> list[Figure]:
    return [
        Figure(
            answer.label,
            counts.shown(f"obtained_{answer.value}"),
            published_share(counts[f"obtained_{answer.value}"], counts.obtained_answers),
            counts[f"obtained_{answer.value}"],
        )
        for answer in ServiceObtained
    ]


# ---------------------------------------------------------------------------------------------
# Figures read outside the rolled-up tables: current open needs, MAS cases, médecins traitants.


def _person_filters(filters: Filters, commune_column) -> list:
    found = []
    if filters.commune:
        found.append(commune_column == filters.commune)
    elif filters.epci:
        found.append(commune_column.in_(sa.select(Commune.code_insee).where(Commune.epci_siren == filters.epci)))
    return found


def _public_filters(filters: Filters) -> list:
    """People with (or without) the flag of a publics-fragiles breakdown, today."""
    if not filters.public or filters.public_side is None:
        return []
    return [has_flag(SituationFlag(filters.public), sa.func.current_date()) == filters.public_side]


def _open_needs_where(filters: Filters) -> list:
    """Needs open today, of people of the filtered territory (and of the sending structure), in the volet."""
    where = [Need.status == NeedStatus.OPEN, *_person_filters(filters, Person.commune_code), *_public_filters(filters)]
    if filters.volet:
        where.append(Need.volet == filters.volet)
    if filters.sender_id:
        where.append(Person.organisation_id == filters.sender_id)
    return where


def open_needs_by_volet(filters: Filters) -> list[Figure]:
    """Needs open today, by volet, for people of the filtered territory (and of the sending structure)."""
    where = _open_needs_where(filters)
    select = sa.select(Need.volet, sa.func.count()).select_from(Need)
    if filters.commune or filters.epci or filters.sender_id or _public_filters(filters):
        select = select.join(Person, Person.id == Need.person_id)
    counts = dict(db.session.execute(select.where(*where).group_by(Need.volet)).all())
    return [
        Figure(volet.label, mask(int(counts.get(volet, 0))))
        for volet in Volet
        if not filters.volet or volet == filters.volet
    ]


@dataclass
class AgedNeeds:
    label: str
    open: int
    over_30_days: int
    over_90_days: int


AGES = (30, 90)  # days a need has been open: « encore ouverts après 30 / 90 jours »


def open_needs_by_age(filters: Filters, by: str) -> list[AgedNeeds]:
    """Needs open today, and those open for more than 30 and 90 days, per volet or per EPCI of the person."""
    now = clock.now()
    where = _open_needs_where(filters)
    key = Need.volet if by == "volet" else Commune.epci_siren
    select = (
        sa.select(
            key,
            sa.func.count(),
            *(sa.func.count().filter(Need.created_at < now - timedelta(days=days)) for days in AGES),
        )
        .select_from(Need)
        .join(Person, Person.id == Need.person_id)
        .outerjoin(Commune, Commune.code_insee == Person.commune_code)
        .where(*where)
        .group_by(key)
    )
    counts = {row[0]: tuple(int(value) for value in row[1:]) for row in db.session.execute(select)}
    if by == "volet":
        keys = [(volet.label, volet) for volet in Volet if not filters.volet or volet == filters.volet]
    else:
        names = {epci.siren: epci.name for epci in list_epcis()}
        keys = french.sorted_names(
            [(names.get(k, k) if k else "Commune non renseignée", k) for k in counts], key=lambda pair: pair[0]
        )
    return [AgedNeeds(label, *counts.get(k, (0, 0, 0))) for label, k in keys]


def _month_bounds(filters: Filters, column) -> list:
    found = []
    if filters.start:
        found.append(month_of(column) >= filters.start)
    if filters.end:
        found.append(month_of(column) <= filters.end)
    return found


@dataclass
class SanteFigures:
    mas_cases: int | None
    mas_closed: int | None
    mas_care_done: int | None
    mas_care_done_share: float | None
    without_medecin_traitant: int | None
    medecin_traitant_found: int | None
    medecin_traitant_found_share: float | None
    mas_by_epci: dict = field(default_factory=dict)


def sante_figures(filters: Filters) -> SanteFigures:
    """Renoncement aux soins (MAS cases filed in the period) and médecins traitants found.

    With a receiving structure (a manager's "reçues"): the MAS cases of its teams, and the médecin
    traitant needs oriented to it; with a sending structure: the cases it filed and its own people's needs.
    """
    done_values = [outcome.value for outcome in CaseOutcome if outcome.care_done]
    case_where = [*_month_bounds(filters, MasCase.filed_at), *_person_filters(filters, MasCase.commune_code)]
    if filters.sender_id:
        case_where.append(MasCase.sender_organisation_id == filters.sender_id)
    if filters.receiver_id:
        case_where.append(
            MasCase.team_id.in_(sa.select(MasTeam.id).where(MasTeam.organisation_id == filters.receiver_id))
        )
    row = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(sa.case((MasCase.stage == CaseStage.CLOSED, 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((MasCase.outcome.in_(done_values), 1), else_=0)), 0),
        ).where(*case_where)
    ).one()
    cases, closed, done = (int(value) for value in row)
    by_epci = dict(
        db.session.execute(
            sa.select(Commune.epci_siren, sa.func.count())
            .select_from(MasCase)
            .join(Commune, Commune.code_insee == MasCase.commune_code)
            .where(*case_where)
            .group_by(Commune.epci_siren)
        ).all()
    )
    need_where = [
        Need.code == NeedCode.SANTE_MEDECIN_TRAITANT,
        *_month_bounds(filters, Need.created_at),
        *_person_filters(filters, Person.commune_code),
    ]
    if filters.sender_id:
        need_where.append(Person.organisation_id == filters.sender_id)
    if filters.receiver_id:
        link = orientation_needs.c
        need_where.append(
            Need.id.in_(
                sa.select(link.need_id)
                .join(Orientation, Orientation.id == link.orientation_id)
                .where(Orientation.receiver_organisation_id == filters.receiver_id, Orientation.sent_at.is_not(None))
            )
        )
    needs = sa.select(sa.func.count()).select_from(Need)
    if filters.commune or filters.epci or filters.sender_id:
        needs = needs.join(Person, Person.id == Need.person_id)
    without = db.session.scalar(needs.where(*need_where)) or 0
    found = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(MedecinTraitantDeclaration)
            .join(Need, Need.id == MedecinTraitantDeclaration.need_id)
            .join(Person, Person.id == Need.person_id)
            .where(*need_where)
        )
        or 0
    )
    return SanteFigures(
        mask(cases),
        mask(closed),
        mask(done),
        published_share(done, closed),
        mask(without),
        mask(found),
        published_share(found, without),
        dict(zip(by_epci, protect([int(value) for value in by_epci.values()]), strict=True)),
    )


# ---------------------------------------------------------------------------------------------
# The directory's service card


@dataclass
class Responsiveness:
    received: int
    median_answer_days: float | None
    acceptance_rate: float | None


def service_responsiveness(service_id: int) -> Responsiveness | None:
    """Shown on the service card once the service has received RESPONSIVENESS_MINIMUM orientations."""
    counts = totals(Filters(service_id=service_id))
    received = counts.received_by_a_structure  # not the ones its senders followed themselves (contact direct)
    if received < RESPONSIVENESS_MINIMUM:
        return None
    answer = decision_delay_by(DelayFact.service_id, Filters(service_id=service_id)).get(service_id)
    return Responsiveness(received, answer, published_share(counts["accepted"], counts.decided))


# ---------------------------------------------------------------------------------------------
# Choices of the filters, and the map


def filter_choices(organisation_id: int | None) -> dict:
    """Only what appears in the figures (a manager: their own services; no list of other structures).

    Each list reads the smallest level that has its dimension (an index-only scan, not the detail).
    """
    fact = OrientationFact

    def distinct(column, level: Level, *where):
        return sa.select(column).where(fact.level == level, column.is_not(None), *where).distinct()

    months = list(db.session.scalars(distinct(fact.month, Level.TERRITORY).order_by(fact.month)))
    choices = {
        "months": months,
        "epcis": [(e.siren, e.name) for e in list_epcis()],
        "communes": [(c.code_insee, c.label) for c in list_communes()],
        "senders": [],
        "receivers": [],
    }
    if organisation_id is None:
        for key, column, level in (
            ("senders", fact.sender_organisation_id, Level.SENDER),
            ("receivers", fact.receiver_organisation_id, Level.SERVICE),
        ):
            choices[key] = [
                (str(i), name)
                for i, name in db.session.execute(
                    sa.select(Organisation.id, Organisation.name)
                    .where(Organisation.id.in_(distinct(column, level)))
                    .order_by(*french.by_name(Organisation.name))
                )
            ]
        service_ids = distinct(fact.service_id, Level.SERVICE)
    else:
        own = sa.or_(fact.receiver_organisation_id == organisation_id, fact.sender_organisation_id == organisation_id)
        service_ids = distinct(fact.service_id, Level.DETAIL, own)
    choices["services"] = [
        (str(i), name)
        for i, name in db.session.execute(
            sa.select(Service.id, Service.name)
            .where(Service.id.in_(service_ids))
            .order_by(*french.by_name(Service.name))
        )
    ]
    return choices


def commune_epcis() -> tuple[tuple[str, str | None], ...]:
    """(INSEE code, EPCI siren) of every commune of the territory tables (the map's assignment)."""
    return tuple(db.session.execute(sa.select(Commune.code_insee, Commune.epci_siren).order_by(Commune.code_insee)))


def epci_populations() -> dict[str, int]:
    """Inhabitants of each EPCI in Vaucluse: the sum of its communes' populations."""
    rows = db.session.execute(
        sa.select(Commune.epci_siren, sa.func.sum(Commune.population))
        .where(Commune.epci_siren.is_not(None))
        .group_by(Commune.epci_siren)
    )
    return {siren: int(total) for siren, total in rows if total}
