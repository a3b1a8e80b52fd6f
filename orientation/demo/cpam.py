"""Demo CPAM team: two MAS queues of the CPAM de Vaucluse and cases in every step, through the operations.

The département-wide MAS service of the demo directory becomes the first team; a "Sud Vaucluse"
antenna (the EPCI of Cavaillon, Apt and Pertuis) shows the routing by EPCI. Cases are filed by the
demo détectrice (CCAS de Cavaillon) and the EDeS agent, worked by the demo conseiller, at dates in
the past (the clock is frozen while each step is taken) so the delays of the dashboard mean
something. Also a "pas de médecin traitant" need oriented to a centre de santé départemental and
one declared found. Idempotent: people already filed are skipped.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

import sqlalchemy as sa

from orientation import clock
from orientation.auth import operations as auth_operations
from orientation.cpam import operations
from orientation.cpam.models import CaseOutcome, CaseStage, MasCase, MasTeam
from orientation.directory.importers import set_links
from orientation.directory.models import Capacity, Service, ServiceThematique, ServiceZone, Structure
from orientation.extensions import db
from orientation.organisations.models import Organisation
from orientation.people.models import ContactPreference, Person
from orientation.territory.models import Commune

CPAM = "CPAM de Vaucluse"
CONSEILLER = "conseiller.cpam@demo.orientation.fr"
DETECTRICE = ("detecteur@demo.orientation.fr", "CCAS de Cavaillon")
EDES = ("agent.edes@demo.orientation.fr", "EDeS d'Avignon Nord")
SOUTH_COMMUNES = ("84035", "84003", "84089")  # Cavaillon, Apt, Pertuis: their EPCI form the antenna's zone

# filer, first name, last name, commune, care kinds, reasons, urgency, target (stage or outcome), days ago
CASES = [
    (
        DETECTRICE,
        "Rosa",
        "Pereira",
        "84035",
        ["dentaire"],
        ["reste_a_charge", "no_complementaire"],
        "urgent",
        CaseStage.NEW,
        1,
    ),
    (EDES, "Gérard", "Lambert", "84007", ["optique"], ["reste_a_charge"], "normal", CaseStage.CONTACTING, 9),
    (
        DETECTRICE,
        "Yasmina",
        "Haddad",
        "84035",
        ["audition"],
        ["system_not_understood"],
        "normal",
        CaseStage.UNREACHABLE,
        20,
    ),
    (
        DETECTRICE,
        "Louis",
        "Chabert",
        "84054",
        ["specialiste"],
        ["rights_not_open", "waiting_time"],
        "soon",
        CaseStage.RIGHTS_REVIEW,
        15,
    ),
    (
        EDES,
        "Inès",
        "Mercier",
        "84087",
        ["generaliste"],
        ["no_medecin_traitant", "distance"],
        "normal",
        CaseStage.PRACTITIONER_SEARCH,
        25,
    ),
    (
        DETECTRICE,
        "Marcel",
        "Roussel",
        "84003",
        ["dentaire"],
        ["reste_a_charge", "fear"],
        "normal",
        CaseStage.FINANCIAL_ARRANGEMENT,
        40,
    ),
    (
        EDES,
        "Chantal",
        "Vidal",
        "84031",
        ["optique", "dentaire"],
        ["no_complementaire"],
        "normal",
        CaseStage.FOLLOW_UP,
        50,
    ),
    (DETECTRICE, "Jordan", "Masson", "84089", ["soins_courants"], ["distance"], "normal", "to_close", 70),
    (
        DETECTRICE,
        "Hélène",
        "Garnier",
        "84035",
        ["dentaire"],
        ["reste_a_charge"],
        "normal",
        CaseOutcome.CARE_DONE_FULLY,
        95,
    ),
    (
        EDES,
        "Ahmed",
        "Bensaïd",
        "84007",
        ["optique", "audition"],
        ["no_complementaire"],
        "normal",
        CaseOutcome.CARE_DONE_PARTLY,
        110,
    ),
    (DETECTRICE, "Julie", "Fontaine", "84035", ["specialiste"], ["waiting_time"], "normal", CaseOutcome.REORIENTED, 80),
    (EDES, "Patrice", "Morel", "84007", ["dentaire"], ["fear"], "normal", CaseOutcome.ABANDONED, 75),
    (
        DETECTRICE,
        "Sandrine",
        "Leroy",
        "84035",
        ["generaliste"],
        ["no_medecin_traitant"],
        "normal",
        CaseOutcome.UNREACHABLE,
        60,
    ),
    (EDES, "Olivier", "Brun", "84087", ["soins_courants"], ["other"], "normal", CaseOutcome.NOT_ELIGIBLE, 45),
    (DETECTRICE, "Martine", "Colin", "84003", ["audition"], ["reste_a_charge"], "normal", CaseOutcome.NO_FOLLOW_UP, 35),
]
UNREACHABLE_TARGETS = [CaseStage.UNREACHABLE, CaseOutcome.UNREACHABLE]
CLOSURE_REASONS = {
    CaseOutcome.REORIENTED: "Suivi confié au DAC Ressources Santé (situation complexe).",
    CaseOutcome.ABANDONED: "La personne ne souhaite plus engager les soins pour l'instant.",
    CaseOutcome.UNREACHABLE: "Trois appels et un courrier sans réponse.",
    CaseOutcome.NOT_ELIGIBLE: "Soins non remboursables (esthétique).",
    CaseOutcome.NO_FOLLOW_UP: "Soins déjà programmés par la personne avant notre appel.",
}


def load_demo_cpam() -> list[str]:
    if not db.inspect(db.session.connection()).has_table("mas_cases"):
        # Before the CPAM area's migration exists (the lead generates it).
        return ["CPAM : tables absentes, appliquez les migrations (flask db upgrade)."]
    cpam = db.session.scalar(sa.select(Organisation).where(Organisation.name == CPAM))
    conseiller = auth_operations.get_user_by_email(CONSEILLER)
    if cpam is None or conseiller is None:
        return []
    teams = _ensure_teams(cpam)
    if not teams:
        return ["CPAM : aucun service « Mission d'Accompagnement en Santé » dans l'annuaire."]
    created = sum(_file_and_walk(spec, conseiller) for spec in CASES)
    db.session.flush()
    return [f"CPAM : {len(teams)} équipes MAS, {created} dossiers de renoncement aux soins de démonstration."]


def _ensure_teams(cpam: Organisation) -> list[MasTeam]:
    services = db.session.scalars(
        sa.select(Service)
        .join(Structure)
        .where(Structure.organisation_id == cpam.id, Service.name.ilike("%accompagnement en sant%"))
        .order_by(Service.id)
    ).all()
    if not services:
        return []
    main = services[0]
    main.accepts_orientations = True
    teams = [_team(cpam, main, "MAS — Vaucluse")]
    south = next((s for s in services if s.source_id == "mas-sud-vaucluse"), None) or _south_service(main)
    teams.append(_team(cpam, south, "MAS — antenne Sud Vaucluse"))
    db.session.flush()
    return teams


def _team(cpam, service, name) -> MasTeam:
    team = db.session.scalar(sa.select(MasTeam).where(MasTeam.service_id == service.id))
    if team is None:
        team = MasTeam(name=name, organisation_id=cpam.id, service_id=service.id)
        db.session.add(team)
    return team


def _south_service(main: Service) -> Service:
    epcis = sorted(
        {
            c.epci_siren
            for c in db.session.scalars(sa.select(Commune).where(Commune.code_insee.in_(SOUTH_COMMUNES)))
            if c.epci_siren
        }
    )
    cavaillon = db.session.get(Commune, "84035")
    service = Service(
        structure=main.structure,
        source=main.source,
        source_id="mas-sud-vaucluse",
        latitude=cavaillon.latitude if cavaillon else main.latitude,
        longitude=cavaillon.longitude if cavaillon else main.longitude,
        position_is_approximate=True,
        name="Mission d'Accompagnement en Santé — antenne Sud Vaucluse",
        description=main.description,
        accepts_orientations=True,
        capacity=Capacity.OPEN,
        horaires_accueil=main.horaires_accueil,
        commune_code="84035",
        code_insee="84035",
        commune_name="Cavaillon",
        telephone=main.telephone,
        courriel=main.courriel,
        publics=["tous-publics"],
        modes_accueil=["a-distance", "en-presentiel"],
        date_maj=date.today(),
    )
    db.session.add(service)
    set_links(service, "thematique_links", ServiceThematique, "thematique", ["sante--acces-aux-soins"])
    set_links(service, "zone_links", ServiceZone, "code", epcis)
    service.refresh_search_text()
    db.session.flush()
    return service


@contextmanager
def _days_ago(days: float):
    with clock.frozen(clock.now() - timedelta(days=days)) as frozen:
        yield frozen


def _file_and_walk(spec, conseiller) -> bool:
    (email, organisation_name), first_name, last_name, commune, care, reasons, urgency, target, days = spec
    filer = auth_operations.get_user_by_email(email)
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == organisation_name))
    if (
        filer is None
        or organisation is None
        or db.session.scalar(
            sa.select(MasCase.id)
            .join(Person, Person.id == MasCase.person_id)
            .where(
                Person.organisation_id == organisation.id,
                Person.first_name == first_name,
                Person.last_name == last_name,
            )
        )
    ):
        return False
    with _days_ago(days) as frozen:
        case = operations.file_saisine(
            user=filer,
            organisation_id=organisation.id,
            person=None,
            consent_given=True,
            consent_method="oral",
            person_fields={
                "first_name": first_name,
                "last_name": last_name,
                "birth_date": date(1960 + days % 40, 1 + days % 12, 1 + days % 27),
                "commune_code": commune,
                "address": None,
                "phone": "06 00 00 00 00",
                "email": None,
                "contact_preference": ContactPreference.PHONE,
                "situation": [],
                "referent_id": filer.id,
            },
            care_kinds=care,
            reasons=reasons,
            urgency=urgency,
            call_slots=["morning"],
            call_channel="phone",
            other_reason="Ne sait pas à qui s'adresser" if "other" in reasons else None,
            message="Personne rencontrée à l'accueil ; préfère être appelée le matin.",
        )
        _walk(case, target, conseiller, frozen)
    return True


def _walk(case: MasCase, target, user, frozen) -> None:
    if target is CaseStage.NEW:
        return
    frozen.advance(hours=20)
    operations.open_case(case, user=user)
    # Careful: CaseStage.UNREACHABLE == CaseOutcome.UNREACHABLE (same string value): compare identities.
    failures = 2 if target is CaseStage.CONTACTING else 3 if target in UNREACHABLE_TARGETS else 1
    for number in range(failures):
        frozen.advance(hours=26)
        operations.record_contact_attempt(
            case, user=user, succeeded=False, channel="phone", note=f"Messagerie, message laissé (appel {number + 1})."
        )
    if target is CaseStage.CONTACTING or target is CaseStage.UNREACHABLE:
        return
    if target is CaseOutcome.UNREACHABLE:
        operations.close_case(case, user=user, outcome=target, reason=CLOSURE_REASONS[target])
        return
    frozen.advance(days=1)
    operations.record_contact_attempt(
        case,
        user=user,
        succeeded=True,
        channel="phone",
        note="Échange de 20 minutes ; la personne est d'accord pour être accompagnée.",
    )
    operations.add_note(case, user=user, body="Note interne : situation budgétaire tendue, dette de loyer.")
    frozen.advance(days=2)
    operations.update_rights(case, user=user, statuses={"css": "in_progress", "puma": "already_open"})
    if target is CaseStage.RIGHTS_REVIEW:
        return
    if target in (CaseOutcome.NOT_ELIGIBLE, CaseOutcome.ABANDONED, CaseOutcome.NO_FOLLOW_UP, CaseOutcome.REORIENTED):
        operations.close_case(case, user=user, outcome=target, reason=CLOSURE_REASONS[target])
        return
    frozen.advance(days=3)
    operations.move_to_stage(case, user=user, stage=CaseStage.PRACTITIONER_SEARCH)
    services = db.session.scalars(
        sa.select(Service.id)
        .where(Service.accepts_orientations.is_(True), Service.name.ilike("%centre de santé%"))
        .order_by(Service.id)
        .limit(2)
    ).all()
    operations.record_practitioners(case, user=user, service_ids=services, note="Rendez-vous possible sous 3 semaines.")
    if target is CaseStage.PRACTITIONER_SEARCH:
        return
    frozen.advance(days=4)
    operations.move_to_stage(case, user=user, stage=CaseStage.FINANCIAL_ARRANGEMENT)
    operations.record_financing(case, user=user, aids=["fass", "devis"], note="Devis de 1 200 € ; FASS sollicité.")
    if target is CaseStage.FINANCIAL_ARRANGEMENT:
        return
    frozen.advance(days=5)
    planned = (clock.now() + timedelta(days=5 if target == "to_close" else 30)).date()
    operations.record_follow_up(case, user=user, care_planned_on=planned, note="Rendez-vous confirmé.")
    if target is CaseStage.FOLLOW_UP:
        operations.set_waiting_on_person(case, user=user, waiting=True)
        return
    if target == "to_close":
        return
    frozen.advance(days=25)
    operations.close_case(
        case, user=user, outcome=target, reason=None if target.care_done else CLOSURE_REASONS.get(target)
    )
