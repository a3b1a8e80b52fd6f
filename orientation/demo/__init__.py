"""Vaucluse demo data: organisations, one login per role, and every area's demo (idempotent, never in production).

Everything about the demo lives in this package: `load_demo_data` (here: the organisations and logins,
then each area's loader in order), the areas' loaders (`directory`, `referrals`, `cpam`, `pilotage`),
the demo directory files in `data/` and `generate.py`, which writes them. `flask demo load` runs it.
"""

from __future__ import annotations

from flask import current_app

from orientation.auth import operations as auth_operations
from orientation.config import DEMO_PASSWORD, UnsafeConfiguration
from orientation.demo.cpam import load_demo_cpam
from orientation.demo.directory import load_demo_directory
from orientation.demo.pilotage import load_demo_pilotage
from orientation.demo.referrals import load_demo_referrals
from orientation.extensions import db
from orientation.organisations import operations as organisation_operations
from orientation.organisations.models import MembershipRole, Organisation, OrganisationType
from orientation.territory.models import Commune
from orientation.territory.operations import load_territory

T = OrganisationType

# name, type, commune INSEE, e-mail, phone
DEMO_ORGANISATIONS = [
    ("EDeS d'Avignon Nord", T.EDES, "84007", "edes.avignon-nord@demo.orientation.fr", "04 90 16 10 10"),
    ("EDeS de Carpentras", T.EDES, "84031", "edes.carpentras@demo.orientation.fr", "04 90 16 10 20"),
    ("EDeS d'Apt", T.EDES, "84003", "edes.apt@demo.orientation.fr", "04 90 16 10 30"),
    ("CPAM de Vaucluse", T.CPAM, "84007", "mas.cpam84@demo.orientation.fr", "36 46"),
    (
        "La Fabrique numérique d'Orange",
        T.MEDIATION_NUMERIQUE,
        "84087",
        "contact@fabrique-orange.demo.orientation.fr",
        "04 90 11 22 33",
    ),
    (
        "Espace numérique du Pays d'Apt",
        T.MEDIATION_NUMERIQUE,
        "84003",
        "numerique@pays-apt.demo.orientation.fr",
        "04 90 74 00 00",
    ),
    (
        "Centre de santé départemental de Valréas",
        T.CENTRE_SANTE,
        "84138",
        "cds.valreas@demo.orientation.fr",
        "04 90 16 20 10",
    ),
    ("MSP du Pays de Sault", T.MSP, "84123", "msp.sault@demo.orientation.fr", "04 90 64 00 00"),
    (
        "Plateforme Mobilité Solidaire Vaucluse",
        T.PLATEFORME_MOBILITE,
        "84031",
        "contact@mobilite-solidaire84.demo.orientation.fr",
        "04 90 60 00 00",
    ),
    (
        "France Services de Pertuis",
        T.FRANCE_SERVICES,
        "84089",
        "franceservices.pertuis@demo.orientation.fr",
        "04 90 79 00 00",
    ),
    ("CCAS de Cavaillon", T.CCAS, "84035", "ccas@cavaillon.demo.orientation.fr", "04 90 71 00 00"),
    ("DAC Ressources Santé Vaucluse", T.DAC, "84007", "dac84@demo.orientation.fr", "04 90 00 00 84"),
    (
        "Département de Vaucluse — Pôle Solidarités",
        T.DEPARTEMENT,
        "84007",
        "solidarites@demo.orientation.fr",
        "04 90 16 15 00",
    ),
]

# e-mail, first name, last name, organisation, role, coordinator, what the account shows
DEMO_USERS = [
    (
        "agent.edes@demo.orientation.fr",
        "Camille",
        "Roux",
        "EDeS d'Avignon Nord",
        MembershipRole.AGENT,
        False,
        "agent d'EDeS (travailleuse sociale)",
    ),
    (
        "mediateur@demo.orientation.fr",
        "Karim",
        "Benali",
        "La Fabrique numérique d'Orange",
        MembershipRole.AGENT,
        False,
        "médiateur numérique",
    ),
    (
        "detecteur@demo.orientation.fr",
        "Sophie",
        "Martin",
        "CCAS de Cavaillon",
        MembershipRole.AGENT,
        False,
        "détectrice du renoncement aux soins (CCAS)",
    ),
    (
        "conseiller.cpam@demo.orientation.fr",
        "Julien",
        "Faure",
        "CPAM de Vaucluse",
        MembershipRole.AGENT,
        False,
        "conseiller CPAM — Mission d'Accompagnement en Santé",
    ),
    (
        "responsable@demo.orientation.fr",
        "Nadia",
        "Girard",
        "EDeS d'Avignon Nord",
        MembershipRole.MANAGER,
        False,
        "responsable de structure (EDeS d'Avignon Nord)",
    ),
    (
        "coordination@demo.orientation.fr",
        "Pierre",
        "Arnaud",
        "Département de Vaucluse — Pôle Solidarités",
        MembershipRole.MANAGER,
        True,
        "coordination départementale",
    ),
]


def load_demo_data() -> list[str]:
    """Create or update the demo organisations and logins; returns a summary to print."""
    if current_app.config.get("ENV_NAME") == "production":
        raise UnsafeConfiguration("Les données de démonstration sont interdites en production.")
    if db.session.get(Commune, "84007") is None:
        load_territory()
    organisations = {}
    for name, kind, commune_code, email, phone in DEMO_ORGANISATIONS:
        organisation = db.session.scalar(db.select(Organisation).where(Organisation.name == name))
        organisations[name] = organisation_operations.save_organisation(
            organisation or Organisation(),
            name=name,
            type=kind,
            commune_code=commune_code,
            email=email,
            phone=phone,
            active=True,
        )
    for email, first_name, last_name, organisation_name, role, coordinator, _ in DEMO_USERS:
        user = auth_operations.get_user_by_email(email) or auth_operations.create_user(
            email, first_name, last_name, DEMO_PASSWORD
        )
        user.is_coordinator = coordinator
        organisation = organisations[organisation_name]
        if not any(m.organisation_id == organisation.id for m in user.memberships):
            organisation_operations.add_membership(user, organisation, role)
    db.session.flush()
    summary = [f"{len(organisations)} structures de démonstration, {len(DEMO_USERS)} comptes."]
    summary += _load_optional_areas()
    return summary


def _load_optional_areas() -> list[str]:
    """The areas' demo data, in the order they depend on each other."""
    summary = load_demo_directory()
    summary += load_demo_referrals()  # after the directory: orientations go to its services
    summary += load_demo_cpam()  # after the referrals: MAS cases are orientations to the CPAM
    summary += load_demo_pilotage()  # last: a year of history, then the steering figures are computed
    return summary


def demo_logins() -> list[tuple[str, str]]:
    return [(email, description) for email, *_, description in DEMO_USERS]
