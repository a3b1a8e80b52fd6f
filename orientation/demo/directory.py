"""Demo directory of Vaucluse, loaded through the data·inclusion importer (so it is exercised).

data/demo-structures.json and data/demo-services.json are data·inclusion v1 files;
data/demo-orientation-settings.json adds what open data lacks (accepts_orientations, capacity).
Then the demo organisations are linked to their directory entries, and the services the demo
logins need (a numérique one for the médiateur's Fabrique, a santé one for the CPAM, a mobilité
one for the Plateforme Mobilité) are made sure of. Idempotent.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from orientation.db import utcnow
from orientation.directory.importers import import_data_inclusion, set_links
from orientation.directory.models import Capacity, Service, ServiceThematique, ServiceZone, Structure
from orientation.directory.text import normalise
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.organisations.models import Organisation
from orientation.territory.models import Commune

DATA_DIR = Path(__file__).parent / "data"  # written by generate.py
DEMO_SOURCE = "orientation-demo"

# organisation name → (volet, service name, thématiques, description, opening hours)
REQUIRED_SERVICES = {
    "La Fabrique numérique d'Orange": (
        Volet.NUMERIQUE,
        "Accompagnement aux démarches en ligne",
        ["numerique--acceder-a-des-services-en-ligne", "numerique--maitriser-les-fondamentaux-du-numerique"],
        "Un médiateur numérique vous aide à faire vos démarches (ameli, CAF, impots.gouv, ANTS, France Travail) "
        "et à devenir autonome sur smartphone et ordinateur.",
        "Mo-Fr 09:00-12:00,14:00-17:30",
    ),
    "CPAM de Vaucluse": (
        Volet.SANTE,
        "Mission d'Accompagnement en Santé (renoncement aux soins)",
        ["sante--acces-aux-soins"],
        "La Mission d'Accompagnement en Santé aide les assurés qui renoncent à des soins : bilan des droits "
        "(CSS, AME), recherche de praticiens, montage financier et suivi jusqu'à la réalisation des soins.",
        "Mo-Fr 08:30-12:00,13:30-16:30",
    ),
    "Plateforme Mobilité Solidaire Vaucluse": (
        Volet.MOBILITE,
        "Conseil en mobilité et solutions de transport solidaire",
        ["mobilite--etre-accompagne-dans-son-parcours-mobilite", "mobilite--acceder-a-un-vehicule"],
        "Bilan mobilité, location de véhicules à tarif solidaire, aide au permis et au financement pour "
        "se rendre à un emploi, une formation ou un rendez-vous de santé.",
        "Mo-Fr 09:00-12:30,13:30-17:00",
    ),
}


def load_demo_directory() -> list[str]:
    if not db.inspect(db.session.connection()).has_table("services"):
        # Before the directory's migration exists (areas are integrated one by one).
        return ["Annuaire : tables absentes, appliquez les migrations (flask db upgrade)."]
    summary = []
    files = [DATA_DIR / "demo-structures.json", DATA_DIR / "demo-services.json"]
    if all(path.exists() for path in files):
        report = import_data_inclusion(files)
        summary.append(f"Annuaire de démonstration : {report.summary()}")
        _apply_settings(DATA_DIR / "demo-orientation-settings.json")
    linked = _link_organisations()
    created = [_ensure_service(name, *spec) for name, spec in REQUIRED_SERVICES.items()]
    db.session.flush()
    summary.append(
        f"Annuaire : {linked} structures rattachées à une structure partenaire, "
        f"{sum(created)} services d'orientation ajoutés."
    )
    return summary


def _apply_settings(path) -> None:
    """{"<service id>": {"accepts_orientations": true, "capacity": "open"}, …} or a list of such objects."""
    if not path.exists():
        return
    with open(path, encoding="utf-8") as handle:
        settings = json.load(handle)
    if isinstance(settings, dict) and isinstance(settings.get("services"), list | dict):
        settings = settings["services"]
    if isinstance(settings, list):
        settings = {item.get("id") or item.get("service_id"): item for item in settings if isinstance(item, dict)}
    for service_id, values in settings.items():
        if not isinstance(values, dict):
            continue
        service = db.session.scalar(db.select(Service).where(Service.source_id == str(service_id)))
        if service is None:
            continue
        if "accepts_orientations" in values:
            service.accepts_orientations = bool(values["accepts_orientations"])
        if values.get("capacity") in {c.value for c in Capacity}:
            service.capacity = Capacity(values["capacity"])
            service.capacity_confirmed_at = service.capacity_confirmed_at or utcnow()


def _link_organisations() -> int:
    """A structure whose name is a demo organisation's name belongs to that organisation."""
    organisations = {normalise(o.name): o for o in db.session.scalars(db.select(Organisation))}
    linked = 0
    for structure in db.session.scalars(db.select(Structure).where(Structure.organisation_id.is_(None))):
        organisation = organisations.get(normalise(structure.name))
        if organisation is not None:
            structure.organisation_id = organisation.id
            linked += 1
    return linked


def _ensure_service(organisation_name, volet, service_name, thematiques, description, opening_hours) -> bool:
    organisation = db.session.scalar(db.select(Organisation).where(Organisation.name == organisation_name))
    if organisation is None:
        return False
    for structure in db.session.scalars(db.select(Structure).where(Structure.organisation_id == organisation.id)):
        for service in structure.services:
            if volet in service.volets:
                service.accepts_orientations = True
                return False
    structure = _demo_structure(organisation)
    commune = db.session.get(Commune, organisation.commune_code) if organisation.commune_code else None
    service = Service(
        structure=structure,
        source=DEMO_SOURCE,
        source_id=f"{structure.source_id}--{volet.value}",
        name=service_name,
        description=description,
        accepts_orientations=True,
        capacity=Capacity.OPEN,
        capacity_confirmed_at=utcnow(),
        horaires_accueil=opening_hours,
        commune_code=structure.commune_code,
        code_insee=structure.commune_code,
        commune_name=commune.name if commune else None,
        latitude=structure.latitude,
        longitude=structure.longitude,
        position_is_approximate=True,
        publics=["tous-publics"],
        frais=None,
        modes_accueil=["en-presentiel"],
        telephone=organisation.phone,
        courriel=organisation.email,
        date_maj=date.today(),
    )
    db.session.add(service)
    set_links(service, "thematique_links", ServiceThematique, "thematique", thematiques)
    set_links(service, "zone_links", ServiceZone, "code", ["84"])
    service.refresh_search_text()
    return True


def _demo_structure(organisation: Organisation) -> Structure:
    source_id = f"organisation-{organisation.id}"
    structure = db.session.scalar(
        db.select(Structure).where(Structure.source == DEMO_SOURCE, Structure.source_id == source_id)
    )
    if structure is None:
        commune = db.session.get(Commune, organisation.commune_code) if organisation.commune_code else None
        structure = Structure(
            source=DEMO_SOURCE,
            source_id=source_id,
            name=organisation.name,
            organisation_id=organisation.id,
            commune_code=organisation.commune_code,
            code_insee=organisation.commune_code,
            commune_name=commune.name if commune else None,
            latitude=commune.latitude if commune else None,
            longitude=commune.longitude if commune else None,
            position_is_approximate=True,
            telephone=organisation.phone,
            courriel=organisation.email,
            date_maj=date.today(),
        )
        db.session.add(structure)
        db.session.flush()
    return structure
