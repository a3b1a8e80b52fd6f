"""Write use cases of the directory (flush, never commit)."""

from __future__ import annotations

import uuid

from orientation.auth.models import User
from orientation.db import utcnow
from orientation.directory.export import LOCAL_SOURCE
from orientation.directory.importers import set_links
from orientation.directory.models import Service, ServiceThematique, ServiceZone, Structure
from orientation.extensions import db
from orientation.followups import overrides
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
    "commune_code",
    "latitude",
    "longitude",
    "accepts_orientations",
    "receiving_organisation_id",
    "capacity",
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
    for name, value in fields.items():
        if name not in SERVICE_FIELDS:
            raise TypeError(f"unknown service field {name}")
        setattr(service, name, value)
    _place(service)
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


def _place(service: Service) -> None:
    """Keep the commune's name and, without coordinates, its centre (marked approximate)."""
    commune = db.session.get(Commune, service.commune_code) if service.commune_code else None
    service.code_insee = service.commune_code
    service.commune_name = commune.name if commune else None
    if commune is not None and (service.latitude is None or service.longitude is None):
        service.latitude, service.longitude = commune.latitude, commune.longitude
        service.position_is_approximate = True
    elif service.latitude is not None:
        service.position_is_approximate = False
