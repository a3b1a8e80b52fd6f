"""Our directory as Open Referral HSDS 3.0 records (reference: ../shared/reference/intl/hsds-3.0).

HSDS wants UUIDs. Ours are reversible: a kind prefix and the integer id, so `/services/{id}`
finds the row without a mapping table. A data·inclusion structure is an HSDS organization; each
service carries its own place (data·inclusion v1), so each service has one location and one
service_at_location. Thématiques are taxonomy terms of the data·inclusion taxonomy (uuid5 of
the code). A structure's national labels and networks (France Services, Conseiller numérique…) are
attributes of its organization, terms of a second taxonomy; its producer (`source`: dora,
conseiller-numerique…) and its id there are one of its `organization_identifiers`. Withdrawn
entries are not published (orientation.api.queries). Records carry no personal data: no contact
person's name.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from orientation.directory.labels import label_name, labels_of
from orientation.directory.models import Capacity, Service, Structure
from orientation.directory.thematiques import thematique_label, thematique_labels

HSDS_VERSION = "3.0"
TAXONOMY_NAMESPACE = uuid.UUID("6f7c9a1e-4c55-5d0a-9a77-0d1a7d3e2b10")
TAXONOMY_ID = str(uuid.uuid5(TAXONOMY_NAMESPACE, "data-inclusion-thematiques"))
LABELS_TAXONOMY_ID = str(uuid.uuid5(TAXONOMY_NAMESPACE, "data-inclusion-labels"))
KINDS = {
    "service": 1,
    "organization": 2,
    "location": 3,
    "service_at_location": 4,
    "address": 5,
    "phone": 6,
    "schedule": 7,
    "service_area": 8,
    "attribute": 9,
}


def hsds_id(kind: str, number: int, extra: int = 0) -> str:
    """'service', 42 → '00000001-0000-4000-8000-00000000002a' (valid UUID, reversible)."""
    return f"{KINDS[kind]:08x}-{extra:04x}-4000-8000-{number:012x}"


def parse_hsds_id(kind: str, value: str) -> int | None:
    try:
        parsed = uuid.UUID(str(value))
    except ValueError:
        return None
    text = str(parsed)
    if not text.startswith(f"{KINDS[kind]:08x}-") or text[14:23] != "4000-8000":
        return None
    number = int(text[-12:], 16)
    return number if 0 < number < 2**31 else None


def taxonomy_term_id(code: str) -> str:
    return str(uuid.uuid5(TAXONOMY_NAMESPACE, code))


def thematique_of_term(value: str) -> str | None:
    """The thématique code of a taxonomy_term_id (its UUID, or the code itself)."""
    labels = thematique_labels()
    if value in labels:
        return value
    return next((code for code in labels if taxonomy_term_id(code) == value), None)


def taxonomy_term(code: str) -> dict:
    parent = code.split("--")[0] if "--" in code else None
    return {
        "id": taxonomy_term_id(code),
        "code": code,
        "name": thematique_label(code),
        "description": f"Thématique data·inclusion « {thematique_label(code)} »",
        "parent_id": taxonomy_term_id(parent) if parent and parent in thematique_labels() else None,
        "taxonomy": "data·inclusion thématiques",
        "taxonomy_id": TAXONOMY_ID,
        "language": "fr",
        "term_uri": "https://data-inclusion-schema.readthedocs.io/latest/",
    }


def label_term(slug: str) -> dict:
    return {
        "id": str(uuid.uuid5(TAXONOMY_NAMESPACE, f"label:{slug}")),
        "code": slug,
        "name": label_name(slug),
        "description": f"Label national ou réseau porteur « {label_name(slug)} »",
        "taxonomy": "data·inclusion labels nationaux et réseaux porteurs",
        "taxonomy_id": LABELS_TAXONOMY_ID,
        "language": "fr",
        "term_uri": "https://data-inclusion-schema.readthedocs.io/latest/",
    }


def _label_attributes(structure: Structure, organization_id: str) -> list[dict]:
    return [
        {
            "id": hsds_id("attribute", structure.id, 300 + index),
            "link_id": organization_id,
            "link_type": "organization",
            "link_entity": "organization",
            "taxonomy_term_id": label_term(slug)["id"],
            "taxonomy_term": label_term(slug),
        }
        for index, slug in enumerate(labels_of(structure))
    ]


def _clean(value):
    """HSDS fields are typed without null: a value we do not have is left out."""
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


def _timestamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def organization(structure: Structure, *, full: bool = False) -> dict:
    record = {
        "id": hsds_id("organization", structure.id),
        "name": structure.name,
        "description": (structure.description or "").strip() or f"{structure.name} (annuaire Orientation Vaucluse)",
        "email": structure.courriel,
        "website": structure.site_web,
        "tax_id": structure.siret,
        "tax_status": None,
        "year_incorporated": None,
        "legal_status": None,
        "logo": None,
        "uri": structure.lien_source,
        "alternate_name": None,
        "parent_organization_id": None,
    }
    record["organization_identifiers"] = [
        {  # the producer of the entry (provenance) and its id there
            "id": hsds_id("attribute", structure.id, 3),
            "organization_id": record["id"],
            "identifier_scheme": structure.source,
            "identifier_type": "source",
            "identifier": structure.source_id,
        }
    ]
    if structure.siret:
        record["organization_identifiers"].append(
            {
                "id": hsds_id("attribute", structure.id, 1),
                "organization_id": record["id"],
                "identifier_scheme": "FR-RCS",
                "identifier_type": "SIRET",
                "identifier": structure.siret,
            }
        )
    record["attributes"] = _label_attributes(structure, record["id"])
    if full:
        record["phones"] = _phones(structure.telephone, organization_id=record["id"], number_id=structure.id, extra=1)
    return _clean(record)


def _phones(number: str | None, *, number_id: int, extra: int, **links) -> list[dict]:
    if not number:
        return []
    return [{"id": hsds_id("phone", number_id, extra), "number": number, "type": "voice", "languages": [], **links}]


def _address(service: Service) -> list[dict]:
    if not (service.adresse and service.commune_name and service.code_postal):
        return []
    return [
        {
            "id": hsds_id("address", service.id),
            "location_id": hsds_id("location", service.id),
            "address_1": service.adresse,
            "address_2": service.complement_adresse,
            "city": service.commune_name,
            "region": "Provence-Alpes-Côte d'Azur",
            "state_province": "Vaucluse",
            "postal_code": service.code_postal,
            "country": "FR",
            "address_type": "physical",
            "attention": None,
        }
    ]


def location(service: Service) -> dict:
    return {
        "id": hsds_id("location", service.id),
        "location_type": "physical",
        "organization_id": hsds_id("organization", service.structure_id),
        "name": service.commune_name or service.name,
        "alternate_name": None,
        "description": None,
        "transportation": None,
        "url": None,
        "latitude": service.latitude,
        "longitude": service.longitude,
        "external_identifier": service.code_insee,
        "external_identifier_type": "code INSEE" if service.code_insee else None,
        "addresses": _address(service),
        "languages": [],
        "phones": [],
        "schedules": [],
        "accessibility": (
            [
                {
                    "id": hsds_id("attribute", service.id, 2),
                    "location_id": hsds_id("location", service.id),
                    "url": service.accessibilite_lieu,
                    "description": "Accessibilité (Acceslibre)",
                }
            ]
            if service.accessibilite_lieu
            else []
        ),
    }


def service_at_location(service: Service, *, full: bool = False) -> dict:
    record = {
        "id": hsds_id("service_at_location", service.id),
        "service_id": hsds_id("service", service.id),
        "location_id": hsds_id("location", service.id),
        "description": None,
    }
    if full:
        record["location"] = location(service)
        record["phones"], record["schedules"], record["contacts"] = [], _schedules(service), []
    return _clean(record)


def _schedules(service: Service) -> list[dict]:
    hours = service.opening_hours
    if not hours:
        return []
    return [
        {
            "id": hsds_id("schedule", service.id),
            "service_id": hsds_id("service", service.id),
            "description": f"Horaires (format OpenStreetMap opening_hours) : {hours}",
            "notes": hours,
            "timezone": None,
            "attending_type": None,
        }
    ]


def _status(service: Service) -> str:
    return "temporarily closed" if service.capacity is Capacity.FULL and service.accepts_orientations else "active"


def service(service_: Service, *, full: bool = False) -> dict:
    """One service; `full` nests its organization, places, phones, areas and taxonomy (GET /services/{id})."""
    record = {
        "id": hsds_id("service", service_.id),
        "organization_id": hsds_id("organization", service_.structure_id),
        "name": service_.name,
        "alternate_name": None,
        "description": service_.description or None,
        "url": service_.lien_source,
        "email": service_.courriel,
        "status": _status(service_),
        "interpretation_services": None,
        "application_process": service_.mobilisation_precisions,
        "fees_description": service_.frais_precisions,
        "wait_time": None,
        "eligibility_description": service_.conditions_acces,
        "minimum_age": None,
        "maximum_age": None,
        "alert": None,
        "assured_date": service_.last_confirmed_at.date().isoformat() if service_.last_confirmed_at else None,
        "assurer_email": None,
        "last_modified": _timestamp(max(filter(None, (service_.updated_at, service_.confirmed_at)))),
    }
    if full:
        record["organization"] = organization(service_.structure)
        record["phones"] = _phones(service_.telephone, number_id=service_.id, extra=2, service_id=record["id"])
        record["schedules"] = _schedules(service_)
        record["service_at_locations"] = [service_at_location(service_, full=True)]
        record["service_areas"] = [
            {
                "id": hsds_id("service_area", service_.id, index),
                "service_id": record["id"],
                "name": code,
                "description": "Zone d'éligibilité (code INSEE de commune, SIREN d'EPCI, département ou « france »)",
            }
            for index, code in enumerate(service_.zone_eligibilite)
        ]
        record["attributes"] = [
            {
                "id": hsds_id("attribute", service_.id, 100 + index),
                "link_id": record["id"],
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": taxonomy_term_id(code),
                "value": None,
                "taxonomy_term": taxonomy_term(code),
            }
            for index, code in enumerate(code for code in service_.thematiques if code in thematique_labels())
        ]
        record["languages"], record["contacts"], record["cost_options"] = [], [], []
        record["required_documents"], record["funding"], record["metadata"] = [], [], []
    return _clean(record)
