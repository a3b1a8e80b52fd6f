"""A year of demo history so the steering figures mean something, then a refresh of the rolled-up tables.

The referrals demo (10 people) and the CPAM demo (15 cases) are too thin for figures that hide counts
under 5. This adds about 260 orientations sent over the past twelve months by the three EDeS, the CCAS
de Cavaillon and France Services de Pertuis, for people living all over Vaucluse, to the services of
the demo directory that accept orientations (outside the CPAM, whose cases have their own demo). Every
step goes through the same operations as the pages (`create_orientation`, `lifecycle.transition`,
`add_appointment`, `record_service_obtained`) with the clock set in the past. Receiving structures
without a demo login get one member ("accueil…@demo.orientation.fr", same demo password) to act.
The e-mails these past steps queue are cancelled: nobody is told today about last year.
Idempotent: nothing is added once the history exists (its people are recognised by their last name).
"""

from __future__ import annotations

import random
from datetime import time, timedelta

import sqlalchemy as sa

from orientation import clock
from orientation.auth import operations as auth_operations
from orientation.config import DEMO_PASSWORD
from orientation.cpam.operations import declare_medecin_traitant
from orientation.directory.models import Service, Structure
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.notifications.models import MessageStatus, OutboxMessage
from orientation.organisations import operations as organisation_operations
from orientation.organisations.models import MembershipRole, Organisation, OrganisationType
from orientation.people import operations as people_operations
from orientation.people.catalogue import NeedCode
from orientation.people.models import ConsentMethod, ContactPreference, Person
from orientation.pilotage.refresh import refresh_facts
from orientation.referrals import lifecycle, operations
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.referrals.lifecycle import Outcome, Reason
from orientation.territory.models import Commune

HISTORY_MARK = "Historique"  # the last name of every history person: "Historique 001"…
ORIENTATIONS = 260
SEED = 2024
SENDERS = ["EDeS d'Avignon Nord", "EDeS de Carpentras", "EDeS d'Apt", "CCAS de Cavaillon", "France Services de Pertuis"]
NEEDS = {
    Volet.NUMERIQUE: [
        NeedCode.NUMERIQUE_DEMARCHES,
        NeedCode.NUMERIQUE_USAGES_BASE,
        NeedCode.NUMERIQUE_AIDANT_CONNECT,
        NeedCode.NUMERIQUE_EQUIPEMENT,
    ],
    Volet.SANTE: [NeedCode.SANTE_MEDECIN_TRAITANT, NeedCode.SANTE_DROITS],
    Volet.MOBILITE: [NeedCode.MOBILITE_PERMIS, NeedCode.MOBILITE_TRAJET, NeedCode.MOBILITE_VEHICULE],
}
# How an orientation of the history ends, with its weight
ENDINGS = {
    "completed": 38,
    "in_progress": 8,
    "accepted": 4,
    "declined": 14,
    "redirected": 4,
    "expired": 6,
    "abandoned": 6,
    "cancelled": 4,
    "received": 4,
    "sent": 3,
}
DECLINE_REASONS = [Reason.FULL, Reason.NOT_ELIGIBLE, Reason.WRONG_SERVICE, Reason.UNREACHABLE, Reason.PERSON_REFUSED]


def load_demo_pilotage() -> list[str]:
    if not db.inspect(db.session.connection()).has_table("pilotage_orientation_facts"):
        return ["Pilotage : tables absentes, appliquez les migrations (flask db upgrade)."]
    created = 0
    if not db.session.scalar(sa.select(Person.id).where(Person.last_name.like(f"{HISTORY_MARK} %")).limit(1)):
        created = _history()
    record = refresh_facts(full=True)
    return [
        f"Pilotage : {created} orientations d'historique sur douze mois ; chiffres recalculés ({record.months} mois)."
    ]


def _history() -> int:
    senders = [_organisation(name) for name in SENDERS]
    services = _receiving_services()
    if None in senders or not services:
        return 0
    communes = list(
        db.session.scalars(sa.select(Commune).where(Commune.epci_siren.is_not(None)).order_by(Commune.code_insee))
    )
    rng = random.Random(SEED)
    first_outbox = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0
    agents = {organisation.id: _member(organisation) for organisation in senders}
    receivers = {}
    today = clock.now()
    for number in range(1, ORIENTATIONS + 1):
        sender = rng.choice(senders)
        service = rng.choice([s for s in services if s.receiving_organisation.id != sender.id])
        volet = next(v for v in (Volet.NUMERIQUE, Volet.SANTE, Volet.MOBILITE) if v in service.volets)
        receiver_org = service.receiving_organisation
        receivers.setdefault(receiver_org.id, _member(receiver_org))
        # Weighted towards the populated communes, as the real activity is.
        commune = rng.choices(communes, [max(c.population or 1, 200) ** 0.7 for c in communes])[0]
        sent_at = today - timedelta(days=rng.uniform(3, 365), hours=rng.uniform(0, 8))
        sent_at = sent_at.replace(hour=8 + sent_at.hour % 9)
        ending = rng.choices(list(ENDINGS), list(ENDINGS.values()))[0]
        with clock.frozen(sent_at) as frozen:
            _one(
                number,
                sender,
                agents[sender.id],
                receivers[receiver_org.id],
                service,
                volet,
                commune.code_insee,
                ending,
                rng,
                frozen,
                today,
            )
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id > first_outbox, OutboxMessage.status.in_([MessageStatus.PENDING, MessageStatus.HELD]))
        .values(status=MessageStatus.CANCELLED, last_error="Historique de démonstration : non envoyé.")
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return ORIENTATIONS


def _situation(number: int) -> list[str]:
    """Situation flags spread over the history (by its number: the random draws stay the same), so that the
    publics-fragiles figures and the QPV panel have something to show."""
    every = {"qpv": 4, "over_60": 6, "rsa": 5, "isolated": 7, "disability": 9, "no_email": 3}
    return [flag for flag, step in every.items() if number % step == 1]


def _one(number, sender, agent, receiver, service, volet, commune, ending, rng, frozen, today) -> None:
    person = people_operations.save_person(
        None,
        organisation_id=sender.id,
        user=agent,
        first_name="Personne",
        last_name=f"{HISTORY_MARK} {number:03d}",
        birth_date=None,
        commune_code=commune,
        phone="06 00 00 00 00",
        email=None,
        contact_preference=ContactPreference.PHONE,
        situation=_situation(number),
        referent_id=agent.id,
        address=None,
    )
    people_operations.record_consent(
        person,
        user=agent,
        organisation_id=sender.id,
        method=ConsentMethod.ORAL,
        purpose="Orientation et partage d'informations",
        scope=[v.value for v in Volet],
    )
    (need,) = people_operations.add_needs(
        person, user=agent, volet=volet, codes=[rng.choice(NEEDS[volet])], details=[], note=None
    )
    db.session.refresh(person)
    orientation = operations.create_orientation(
        person,
        service_id=service.id,
        user=agent,
        organisation_id=sender.id,
        need_ids=[need.id],
        message="Orientation de l'historique de démonstration.",
        urgency="normal",
        shared_fields=["commune", "phone"],
        send=True,
    )

    def later(hours_low: float, hours_high: float) -> bool:
        """Move the clock on; False when that would be in the future (the orientation stops there)."""
        target = clock.now() + timedelta(hours=rng.uniform(hours_low, hours_high))
        if target >= today:
            return False
        frozen.set(target)
        return True

    def move(to, actor, **kwargs) -> None:
        lifecycle.transition(orientation, to, actor=actor, **kwargs)

    if ending == "sent":
        return
    if ending == "cancelled":
        if later(2, 60):
            move(S.CANCELLED, agent, reason=Reason.NO_LONGER_NEEDED)
        return
    if ending == "expired":
        if later(24 * 31, 24 * 33):
            move(S.EXPIRED, None, reason=Reason.NO_ANSWER)
        return
    if not later(1, 24 * 6):
        return
    move(S.RECEIVED, receiver)
    if ending == "received" or not later(2, 24 * 8):
        return
    if ending == "declined":
        move(S.DECLINED, receiver, reason=rng.choice(DECLINE_REASONS))
        return
    if ending == "redirected":
        move(S.REDIRECTED, receiver, reason=Reason.WRONG_SERVICE)
        return
    move(S.ACCEPTED, receiver)
    if ending == "accepted" or not later(2, 24 * 5):
        return
    if ending == "abandoned":
        move(S.ABANDONED, receiver, reason=rng.choice([Reason.UNREACHABLE, Reason.DID_NOT_COME]))
        return
    day = (clock.now() + timedelta(days=rng.randint(2, 15))).date()
    starts_at = operations.paris_time(day, time(9 + rng.randint(0, 7), 0))
    operations.add_appointment(
        orientation,
        user=receiver,
        starts_at=starts_at,
        channel="in_person",
        place=service.commune_name or "",
        reminder_agreed=False,
        note=None,
    )
    if ending == "in_progress" or not later(24 * 16, 24 * 45):
        return
    outcome = rng.choices([Outcome.MET, Outcome.PARTLY_MET, Outcome.NOT_MET], [70, 20, 10])[0]
    if need.code is NeedCode.SANTE_MEDECIN_TRAITANT and outcome is Outcome.MET:
        # The centre de santé declares the médecin traitant found: completes the orientation, closes the need.
        declare_medecin_traitant(need, user=receiver, organisation_id=orientation.receiver_organisation_id)
    else:
        move(S.COMPLETED, receiver, outcome=outcome, outcome_details=_details(volet, need.code, outcome, number))
    if rng.random() < 0.7 and later(24 * 30, 24 * 34):
        db.session.refresh(orientation)
        answer = rng.choices(["yes", "partly", "no", "unknown"], [70, 12, 10, 8])[0]
        operations.record_service_obtained(orientation, user=agent, answer=answer)


# What a completed orientation of the history closes with (referrals.outcome_details), by volet.
AUTONOMY_WEIGHTS = {"Autonome": 40, "PartiellementAutonome": 40, "EntierementAccompagne": 20}
THEMATIQUES = {
    NeedCode.NUMERIQUE_DEMARCHES: ["AideAuxDemarchesAdministratives", "Email", "NavigationSurInternet"],
    NeedCode.NUMERIQUE_USAGES_BASE: ["NavigationSurInternet", "Email", "PrendreEnMainDuMateriel", "SecuriteNumerique"],
    NeedCode.NUMERIQUE_AIDANT_CONNECT: ["AideAuxDemarchesAdministratives", "Sante"],
    NeedCode.NUMERIQUE_EQUIPEMENT: ["PrendreEnMainDuMateriel", "MaintenanceDeMateriel"],
}
MOBILITY_SOLUTIONS = {
    NeedCode.MOBILITE_PERMIS: ["permis", "aide_financiere"],
    NeedCode.MOBILITE_TRAJET: ["transport_solidaire", "covoiturage", "transports_en_commun", "deux_roues"],
    NeedCode.MOBILITE_VEHICULE: ["location_solidaire", "vehicule", "aide_financiere"],
}


def _details(volet: Volet, code, outcome: Outcome, number: int) -> dict:
    """Plausible answers, drawn from their own generator (the history's sequence stays the same)."""
    rng = random.Random(SEED * 1000 + number)
    if rng.random() < 0.15:  # the receiver did not know
        return {}
    if volet is Volet.NUMERIQUE:
        autonomy = rng.choices(list(AUTONOMY_WEIGHTS), list(AUTONOMY_WEIGHTS.values()))[0]
        support = (
            ["Individuel"]
            if rng.random() < 0.75
            else ["Collectif"]
            if rng.random() < 0.6
            else ["Individuel", "Collectif"]
        )
        choices = THEMATIQUES.get(code, ["NavigationSurInternet"])
        return {"autonomy": [autonomy], "support": support, "thematique": rng.sample(choices, rng.randint(1, 2))}
    if volet is Volet.MOBILITE:
        if outcome is Outcome.NOT_MET:
            return {}
        choices = MOBILITY_SOLUTIONS.get(code, ["conseil_mobilite"])
        return {"mobility": rng.sample(choices, 1 if rng.random() < 0.7 else 2)}
    if outcome is Outcome.NOT_MET:
        return {}
    # a médecin traitant found is declared by the centre de santé (cpam.operations.declare_medecin_traitant)
    health = ["droits_ouverts"] if code is NeedCode.SANTE_DROITS else []
    health += ["soins_realises"] if rng.random() < 0.6 else []
    return {"health": health} if health else {}


def _organisation(name: str) -> Organisation | None:
    return db.session.scalar(sa.select(Organisation).where(Organisation.name == name))


def _receiving_services() -> list[Service]:
    services = db.session.scalars(
        sa.select(Service)
        .join(Structure)
        .join(Organisation, Organisation.id == Structure.organisation_id)
        .where(Service.accepts_orientations.is_(True), Organisation.type != OrganisationType.CPAM)
        .order_by(Service.id)
    ).all()
    return [service for service in services if service.receiving_organisation is not None and service.volets]


def _member(organisation: Organisation):
    """A member of the organisation to act for it: an existing one, else a demo "accueil" login."""
    existing = next((m.user for m in organisation.memberships if m.user.active), None)
    if existing is not None:
        return existing
    email = f"accueil.{organisation.id}@demo.orientation.fr"
    user = auth_operations.get_user_by_email(email) or auth_operations.create_user(
        email, "Accueil", organisation.name[:90], DEMO_PASSWORD
    )
    organisation_operations.add_membership(user, organisation, MembershipRole.AGENT)
    db.session.flush()
    db.session.refresh(organisation)
    return user
