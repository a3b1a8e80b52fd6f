"""Export of the directory as data·inclusion v1 structures and services (validated before writing).

Withdrawn entries are left out; each structure keeps its producer (`source`), réseaux porteurs and labels."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from orientation.directory.importers import schema_problems
from orientation.directory.models import Service, Structure
from orientation.directory.thematiques import is_known_thematique
from orientation.extensions import db

LOCAL_SOURCE = "orientation-vaucluse"  # entries created in the product rather than imported


def structure_record(structure: Structure) -> dict:
    record = {
        "source": structure.source,
        "id": structure.source_id,
        "nom": _name(structure.name),
        "date_maj": _date_maj(structure.date_maj, structure.updated_at),
        "siret": structure.siret,
        "description": _description(structure.description, required=False),
        "telephone": structure.telephone,
        "courriel": structure.courriel,
        "site_web": structure.site_web,
        "lien_source": structure.lien_source,
        "horaires_accueil": structure.horaires_accueil,
        "accessibilite_lieu": structure.accessibilite_lieu,
        "reseaux_porteurs": structure.reseaux_porteurs,
        # not in the v1 schema (which allows extra fields): v0's labels nationaux, kept from the sources
        "labels_nationaux": structure.labels_nationaux,
        **_location(structure),
    }
    return record


def service_record(service: Service) -> dict:
    return {
        "source": service.source,
        "id": service.source_id,
        "structure_id": service.structure.source_id,
        "nom": _name(service.name),
        "description": _description(service.description, required=True, fallback=service.name),
        "date_maj": _date_maj(service.date_maj, service.confirmed_at or service.updated_at),
        "type": service.type.value if service.type else None,
        "thematiques": [code for code in service.thematiques if is_known_thematique(code)] or None,
        "publics": service.publics or None,
        "publics_precisions": service.publics_precisions,
        "frais": service.frais.value if service.frais else None,
        "frais_precisions": service.frais_precisions,
        "conditions_acces": service.conditions_acces,
        "modes_accueil": service.modes_accueil or None,
        "modes_mobilisation": service.modes_mobilisation or None,
        "mobilisable_par": service.mobilisable_par or None,
        "mobilisation_precisions": service.mobilisation_precisions,
        "lien_mobilisation": service.lien_mobilisation,
        "contact_nom_prenom": service.contact_nom_prenom,
        "telephone": service.telephone,
        "courriel": service.courriel,
        "horaires_accueil": service.horaires_accueil,
        "lien_source": service.lien_source,
        "nombre_semaines": service.nombre_semaines,
        "volume_horaire_hebdomadaire": service.volume_horaire_hebdomadaire,
        "zone_eligibilite": list(service.zone_eligibilite) or None,
        **_location(service),
    }


def export_data_inclusion() -> tuple[list[dict], list[dict], list[str]]:
    """(structures, services, problems): entries that would not validate are left out and reported."""
    structures, services, problems = [], [], []
    for structure in _structures():
        record = structure_record(structure)
        found = schema_problems("structure", record)
        if found:
            problems.append(f"structure {structure.id} : {' ; '.join(found)}")
            continue
        structures.append(record)
        for service in structure.services:
            if service.withdrawn_at is not None:
                continue
            record = service_record(service)
            found = schema_problems("service", record)
            if found:
                problems.append(f"service {service.id} : {' ; '.join(found)}")
                continue
            services.append(record)
    return structures, services, problems


def _structures() -> Iterator[Structure]:
    statement = (
        sa.select(Structure)
        .where(Structure.withdrawn_at.is_(None))  # gone from their source: not republished
        .order_by(Structure.id)
        .options(
            selectinload(Structure.services).selectinload(Service.thematique_links),
            selectinload(Structure.services).selectinload(Service.zone_links),
        )
    )
    yield from db.session.scalars(statement)


def _location(entry) -> dict:
    return {
        "adresse": entry.adresse,
        "complement_adresse": entry.complement_adresse,
        "code_postal": entry.code_postal,
        "commune": entry.commune_name,
        "code_insee": entry.commune_code or entry.code_insee,
        "latitude": entry.latitude,
        "longitude": entry.longitude,
    }


def _name(name: str) -> str:
    name = (name or "").strip()
    return (name + " ---")[:3] if len(name) < 3 else name[:150]


def _description(text: str | None, *, required: bool, fallback: str = "") -> str | None:
    text = (text or "").strip()
    if len(text) < 5:
        if not required:
            return None
        text = f"{fallback.strip()} — service de l'annuaire Orientation Vaucluse."
    return text[:10000]


def _date_maj(value, fallback) -> str:
    if value is not None:
        return value.isoformat()
    return fallback.date().isoformat()
