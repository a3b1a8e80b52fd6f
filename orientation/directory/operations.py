"""Write use cases of the directory (flush, never commit)."""

from __future__ import annotations

import uuid

from orientation.audit import security
from orientation.audit.models import SecurityEventKind
from orientation.auth.models import User
from orientation.db import utcnow
from orientation.directory.export import LOCAL_SOURCE
from orientation.directory.importers import set_links
from orientation.directory.models import Service, ServiceThematique, ServiceZone, Structure
from orientation.extensions import db
from orientation.followups import overrides
from orientation.territory.communes_fr import name_key, place
from orientation.territory.models import Commune

SERVICE_FIELDS = (
    "name",
    "description",
    "type",
    "frais",
    "frais_precisions",
    "publics",
    "publics_precisions",
    "conditions_acces",
    "modes_accueil",
    "modes_mobilisation",
    "mobilisation_precisions",
    "lien_mobilisation",
    "contact_nom_prenom",
    "telephone",
    "courriel",
    "horaires_accueil",
    "accessibilite_lieu",
    "adresse",
    "complement_adresse",
    "code_postal",
    "commune_name",
    "accepts_orientations",
    "receiving_organisation_id",
    "capacity",
    "freshness_months",
)


def save_service(
    service: Service | None,
    structure: Structure,
    editor: User,
    *,
    thematiques: list[str],
    zone_eligibilite: list[str],
    follow_up_delays: dict[str, int | None] | None = None,
    **fields,
) -> Service:
    """Create or update a service from the edit form; saving it confirms it is current.

    `follow_up_delays`: {delay name: days or None} the service overrides (orientation.followups).
    """
    if service is None:
        service = Service(structure=structure, source=LOCAL_SOURCE, source_id=str(uuid.uuid4()))
        db.session.add(service)
    previous_capacity = service.capacity
    previous_address = _address(service)
    for name, value in fields.items():
        if name not in SERVICE_FIELDS:
            raise TypeError(f"unknown service field {name}")
        setattr(service, name, value)
    _place(service, moved=_address(service) != previous_address)
    service.import_hash = None  # edited here: the next import compares the source with these values
    set_links(service, "thematique_links", ServiceThematique, "thematique", thematiques)
    set_links(service, "zone_links", ServiceZone, "code", zone_eligibilite)
    if service.capacity is not previous_capacity or service.capacity_confirmed_at is None:
        service.capacity_confirmed_at = utcnow()
    _confirm(service, editor)
    service.refresh_search_text()
    db.session.flush()
    if follow_up_delays is not None:
        overrides.set_service_overrides(service.id, follow_up_delays)
    return service


STRUCTURE_FIELDS = (
    "name",
    "siret",
    "description",
    "adresse",
    "complement_adresse",
    "code_postal",
    "commune_name",
    "telephone",
    "courriel",
    "site_web",
    "horaires_accueil",
)


def save_structure(structure: Structure, editor: User, **fields) -> list[str]:
    """A structure's own entry, edited by its managers or the coordination: returns the fields changed,
    written to the security journal (their names, never their values)."""
    previous_address = _address(structure)
    changed = []
    for name, value in fields.items():
        if name not in STRUCTURE_FIELDS:
            raise TypeError(f"unknown structure field {name}")
        if getattr(structure, name) != value:
            changed.append(name)
            setattr(structure, name, value)
    if not changed:
        return changed
    _place(structure, moved=_address(structure) != previous_address)
    structure.import_hash = None  # edited here: the next import compares the source with these values
    structure.date_maj = utcnow().date()
    if "name" in changed:
        for service in structure.services:  # the structure's name is part of what the search reads
            service.refresh_search_text()
    security.record(
        SecurityEventKind.STRUCTURE_EDITED,
        organisation=structure.organisation_id,
        detail={"structure": structure.name, "fields": changed},
    )
    db.session.flush()
    return changed


def confirm_service(service: Service, user: User) -> None:
    """ "Still current": one click stamps who confirmed it and when (capacity included)."""
    _confirm(service, user)
    service.capacity_confirmed_at = service.confirmed_at
    db.session.flush()


def _confirm(service: Service, user: User) -> None:
    now = utcnow()
    service.confirmed_at = now
    service.confirmed_by_id = user.id
    service.date_maj = now.date()


def _address(entry: Service | Structure) -> tuple:
    return (entry.adresse, entry.code_postal, name_key(entry.commune_name))


def _place(service: Service | Structure, *, moved: bool) -> None:
    """Resolve the commune from postcode + name (its official name, INSEE code, territory link) and,
    when the address moved or there is no position, take the commune's centre (marked approximate):
    a place's own coordinates (from its source) stay while its address does."""
    placement = place(service.code_postal, service.commune_name, None if moved else service.code_insee)
    if placement.placed:
        service.code_insee = placement.code_insee
        service.commune_name = placement.commune_name
        service.commune_code = placement.code_insee if db.session.get(Commune, placement.code_insee) else None
    if moved or service.latitude is None or service.longitude is None:
        service.latitude, service.longitude = placement.latitude, placement.longitude
        service.position_is_approximate = placement.approximate
