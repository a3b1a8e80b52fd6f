"""Builders for directory entries (`structure(...)`, `service(...)`) with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import date

from orientation.directory.importers import set_links
from orientation.directory.models import Service, ServiceThematique, ServiceZone, Structure
from orientation.extensions import db
from orientation.territory.models import Commune

_counter = itertools.count(1)


def structure(name: str | None = None, commune_code: str | None = "84007", **fields) -> Structure:
    number = next(_counter)
    structure = Structure(
        source="test",
        source_id=f"structure-{number}",
        name=name or f"Structure annuaire {number}",
        commune_code=commune_code,
        date_maj=fields.pop("date_maj", date.today()),
        **fields,
    )
    db.session.add(structure)
    db.session.flush()
    return structure


def service(
    name: str | None = None,
    *,
    structure_: Structure | None = None,
    thematiques=(),
    zones=(),
    commune_code: str | None = "84007",
    description: str = "Un service de test.",
    **fields,
) -> Service:
    number = next(_counter)
    structure_ = structure_ or structure(commune_code=commune_code)
    commune = db.session.get(Commune, commune_code) if commune_code else None
    fields.setdefault("latitude", commune.latitude if commune else None)
    fields.setdefault("longitude", commune.longitude if commune else None)
    fields.setdefault("date_maj", date.today())
    service = Service(
        source="test",
        source_id=f"service-{number}",
        structure=structure_,
        name=name or f"Service {number}",
        description=description,
        commune_code=commune_code,
        commune_name=commune.name if commune else None,
        code_insee=commune_code,
        **fields,
    )
    set_links(service, "thematique_links", ServiceThematique, "thematique", thematiques)
    set_links(service, "zone_links", ServiceZone, "code", zones)
    service.refresh_search_text()
    db.session.add(service)
    db.session.flush()
    return service
