"""The OpenAPI 3.1 document of the partner API: the single source of truth for request bodies.

Request bodies are validated against the schemas below (`validate_body`), so what the document
says is what the API enforces; the responses are checked against it by the contract tests and by
schemathesis (tests/api).
"""

from __future__ import annotations

import functools
import json

import jsonschema
from referencing import Registry, Resource

from orientation.directory.thematiques import thematique_labels
from orientation.people.catalogue import NeedCode
from orientation.people.models import ConsentMethod, ContactPreference
from orientation.referrals.lifecycle import STATUS_FROM_FHIR, OrientationStatus, Outcome, Reason
from orientation.referrals.models import AppointmentChannel, AppointmentStatus, SharedField, Urgency

DOCUMENT_URI = "urn:orientation:api:v1"
PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _problems(*codes: int) -> dict:
    texts = {
        400: "Requête incorrecte",
        401: "Jeton absent, inconnu ou révoqué",
        403: "Portée manquante",
        404: "Introuvable (ou hors de portée du jeton)",
        409: "Conflit (changement concurrent)",
        412: "If-Match périmé : l'orientation a changé",
        415: "Corps non JSON",
        422: "Données refusées",
        428: "If-Match requis",
        429: "Trop de demandes",
    }
    return {str(code): {"description": texts[code], "content": PROBLEM} for code in codes}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


PAGE = _query("page", {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1}, "Numéro de page (1…)")
PER_PAGE = _query(
    "per_page", {"type": "integer", "minimum": 1, "maximum": 100, "default": 50}, "Éléments par page (100 au plus)"
)
SIZE = _query(
    "size", {"type": "integer", "minimum": 1, "maximum": 100, "default": 50}, "Éléments par page (100 au plus)"
)
MODIFIED_AFTER = _query(
    "modified_after",
    {"type": "string", "format": "date-time"},
    "Seulement ce qui a changé depuis cette date (ISO 8601 avec fuseau)",
)


def _taxonomy_term() -> dict:
    from orientation.api.hsds import taxonomy_term_id

    codes = sorted(thematique_labels())
    return _query(
        "taxonomy_term_id",
        {"type": "string", "enum": codes + [taxonomy_term_id(code) for code in codes]},
        "Terme de la taxonomie des thématiques (son UUID HSDS, ou le code data·inclusion)",
    )


def _thematique() -> dict:
    return _query(
        "thematique", {"type": "string", "enum": sorted(thematique_labels())}, "Code de thématique data·inclusion"
    )


ID_PATH = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}
ORIENTATION_PATH = {
    "name": "orientation_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647},
}
SECURITY_TOKEN = [{"bearer": []}]
PUBLIC = [{}, {"bearer": []}]


def _json(schema: dict, description: str = "OK", headers: dict | None = None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


ETAG_HEADER = {
    "ETag": {"description": "Version de l'orientation (à renvoyer dans If-Match)", "schema": {"type": "string"}}
}


_STATUS_CODE = "|".join(
    sorted({status.value for status in OrientationStatus} | set(STATUS_FROM_FHIR), key=lambda code: (-len(code), code))
)
_STATUS_LIST = f"^({_STATUS_CODE})(,({_STATUS_CODE}))*$"


def _paths() -> dict:
    return {
        "/data-inclusion/structures": {
            "get": {
                "operationId": "listDataInclusionStructures",
                "tags": ["Annuaire — data·inclusion"],
                "summary": "Structures au format data·inclusion v1",
                "security": PUBLIC,
                "parameters": [PAGE, SIZE],
                "responses": {"200": _json(_ref("DataInclusionStructurePage")), **_problems(400, 401, 403, 429)},
            }
        },
        "/data-inclusion/services": {
            "get": {
                "operationId": "listDataInclusionServices",
                "tags": ["Annuaire — data·inclusion"],
                "summary": "Services au format data·inclusion v1",
                "security": PUBLIC,
                "parameters": [PAGE, SIZE, _thematique()],
                "responses": {"200": _json(_ref("DataInclusionServicePage")), **_problems(400, 401, 403, 429)},
            }
        },
        "/hsds/": {
            "get": {
                "operationId": "getHsdsApiInformation",
                "tags": ["Annuaire — HSDS 3.0"],
                "security": PUBLIC,
                "summary": "Informations sur l'API HSDS",
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["version"],
                            "properties": {
                                "version": {"type": "string"},
                                "profile": {"type": "string"},
                                "openapi_url": {"type": "string"},
                            },
                        }
                    ),
                    **_problems(401, 429),
                },
            }
        },
        "/hsds/services": {
            "get": {
                "operationId": "listHsdsServices",
                "tags": ["Annuaire — HSDS 3.0"],
                "security": PUBLIC,
                "summary": "Services HSDS (champs un-à-un)",
                "parameters": [
                    PAGE,
                    PER_PAGE,
                    _query("search", {"type": "string", "maxLength": 200}, "Texte du nom"),
                    _taxonomy_term(),
                    _query("organization_id", {"type": "string", "format": "uuid"}, "UUID de l'organisation"),
                    MODIFIED_AFTER,
                ],
                "responses": {"200": _json(_ref("HsdsServicePage")), **_problems(400, 401, 403, 429)},
            }
        },
        "/hsds/services/{id}": {
            "get": {
                "operationId": "getHsdsService",
                "tags": ["Annuaire — HSDS 3.0"],
                "security": PUBLIC,
                "summary": "Un service HSDS complet (organisation, lieu, horaires, zones, thématiques)",
                "parameters": [ID_PATH],
                "responses": {"200": _json(_ref("HsdsService")), **_problems(401, 403, 404, 429)},
            }
        },
        "/hsds/organizations": {
            "get": {
                "operationId": "listHsdsOrganizations",
                "tags": ["Annuaire — HSDS 3.0"],
                "security": PUBLIC,
                "summary": "Organisations HSDS (structures)",
                "parameters": [PAGE, PER_PAGE],
                "responses": {"200": _json(_ref("HsdsOrganizationPage")), **_problems(400, 401, 403, 429)},
            }
        },
        "/hsds/organizations/{id}": {
            "get": {
                "operationId": "getHsdsOrganization",
                "tags": ["Annuaire — HSDS 3.0"],
                "security": PUBLIC,
                "summary": "Une organisation HSDS",
                "parameters": [ID_PATH],
                "responses": {"200": _json(_ref("HsdsOrganization")), **_problems(401, 403, 404, 429)},
            }
        },
        "/hsds/service_at_locations": {
            "get": {
                "operationId": "listHsdsServiceAtLocations",
                "tags": ["Annuaire — HSDS 3.0"],
                "security": PUBLIC,
                "summary": "Services en un lieu, autour d'un code postal",
                "parameters": [
                    PAGE,
                    PER_PAGE,
                    _taxonomy_term(),
                    MODIFIED_AFTER,
                    _query(
                        "postcode",
                        {"type": "string", "pattern": "^[0-9]{5}$"},
                        "Code postal : services qui desservent ses communes",
                    ),
                    _query(
                        "proximity",
                        {"type": "integer", "minimum": 1, "maximum": 200000},
                        "Avec postcode : services à moins de tant de mètres du centre du code postal "
                        "(ignoré sans postcode)",
                    ),
                ],
                "responses": {"200": _json(_ref("HsdsServiceAtLocationPage")), **_problems(400, 401, 403, 429)},
            }
        },
        "/orientations": {
            "get": {
                "operationId": "listOrientations",
                "tags": ["Orientations"],
                "security": SECURITY_TOKEN,
                "summary": "Orientations reçues ou envoyées par la structure du jeton",
                "parameters": [
                    _query(
                        "box",
                        {"type": "string", "enum": ["received", "sent"], "default": "received"},
                        "received (reçues) ou sent (envoyées)",
                    ),
                    _query(
                        "status",
                        {"type": "string", "pattern": _STATUS_LIST},
                        "Statuts FHIR ou Orientation, séparés par des virgules",
                    ),
                    MODIFIED_AFTER,
                    PAGE,
                    PER_PAGE,
                ],
                "responses": {"200": _json(_ref("OrientationPage")), **_problems(400, 401, 403, 429)},
            },
            "post": {
                "operationId": "createOrientation",
                "tags": ["Orientations"],
                "security": SECURITY_TOKEN,
                "summary": "Orienter une personne vers un service de l'annuaire (consentement obligatoire)",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("OrientationCreate")}},
                },
                "responses": {
                    "201": _json(
                        _ref("Orientation"), "Créée", {**ETAG_HEADER, "Location": {"schema": {"type": "string"}}}
                    ),
                    **_problems(400, 401, 403, 409, 415, 422, 429),
                },
            },
        },
        "/orientations/{orientation_id}": {
            "get": {
                "operationId": "getOrientation",
                "tags": ["Orientations"],
                "security": SECURITY_TOKEN,
                "summary": "Une orientation (lecture journalisée)",
                "parameters": [ORIENTATION_PATH],
                "responses": {"200": _json(_ref("Orientation"), headers=ETAG_HEADER), **_problems(401, 403, 404, 429)},
            }
        },
        "/orientations/{orientation_id}/status": {
            "post": {
                "operationId": "changeOrientationStatus",
                "tags": ["Orientations"],
                "security": SECURITY_TOKEN,
                "summary": "Changer le statut (accuser réception, accepter, refuser, terminer…)",
                "parameters": [
                    ORIENTATION_PATH,
                    {
                        "name": "If-Match",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string"},
                        "description": "L'ETag de la dernière lecture",
                    },
                ],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("StatusChange")}}},
                "responses": {
                    "200": _json(_ref("Orientation"), headers=ETAG_HEADER),
                    **_problems(400, 401, 403, 404, 409, 412, 415, 422, 428, 429),
                },
            }
        },
        "/orientations/{orientation_id}/comments": {
            "post": {
                "operationId": "addOrientationComment",
                "tags": ["Orientations"],
                "security": SECURITY_TOKEN,
                "summary": "Écrire dans le fil de l'orientation",
                "parameters": [ORIENTATION_PATH],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("CommentCreate")}}},
                "responses": {"201": _json(_ref("Comment"), "Ajouté"), **_problems(400, 401, 403, 404, 415, 422, 429)},
            }
        },
        "/orientations/{orientation_id}/appointments": {
            "post": {
                "operationId": "addOrientationAppointment",
                "tags": ["Orientations"],
                "security": SECURITY_TOKEN,
                "summary": "Fixer un rendez-vous (structure destinataire ; une orientation acceptée passe en cours)",
                "parameters": [ORIENTATION_PATH],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("AppointmentCreate")}},
                },
                "responses": {
                    "201": _json(_ref("Appointment"), "Enregistré", ETAG_HEADER),
                    **_problems(400, 401, 403, 404, 415, 422, 429),
                },
            }
        },
        "/orientations/{orientation_id}/appointments/{appointment_id}/status": {
            "post": {
                "operationId": "setAppointmentStatus",
                "tags": ["Orientations"],
                "security": SECURITY_TOKEN,
                "summary": "Dire ce qu'il est advenu d'un rendez-vous (honoré, non honoré) ou l'annuler avant l'heure",
                "parameters": [
                    ORIENTATION_PATH,
                    {
                        "name": "appointment_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1},
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("AppointmentStatusChange")}},
                },
                "responses": {
                    "200": _json(_ref("Appointment"), headers=ETAG_HEADER),
                    **_problems(400, 401, 403, 404, 415, 422, 429),
                },
            }
        },
    }


def _page_of(item: dict, *, hsds: bool) -> dict:
    if hsds:
        return {
            "type": "object",
            "required": [
                "total_items",
                "total_pages",
                "page_number",
                "size",
                "first_page",
                "last_page",
                "empty",
                "contents",
            ],
            "properties": {
                "total_items": {"type": "integer"},
                "total_pages": {"type": "integer"},
                "page_number": {"type": "integer"},
                "size": {"type": "integer"},
                "first_page": {"type": "boolean"},
                "last_page": {"type": "boolean"},
                "empty": {"type": "boolean"},
                "contents": {"type": "array", "items": item},
            },
        }
    return {
        "type": "object",
        "required": ["items", "total", "page", "size", "pages"],
        "properties": {
            "items": {"type": "array", "items": item},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "size": {"type": "integer"},
            "pages": {"type": "integer"},
        },
    }


NULLABLE_STRING = {"type": ["string", "null"]}
ORGANISATION = {
    "type": "object",
    "required": ["id", "display"],
    "properties": {"id": {"type": "integer"}, "display": {"type": "string"}},
}


def _data_inclusion_schemas() -> dict:
    """The official data·inclusion v1 schemas, with their `$defs` moved into the components
    (`#/$defs/X` → `#/components/schemas/DataInclusionX`), so every tool resolves them."""
    from orientation.directory.importers import DATA_DIR

    def rewrite(node):
        if isinstance(node, dict):
            return {
                key: (
                    f"#/components/schemas/DataInclusion{value.removeprefix('#/$defs/')}"
                    if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/")
                    else rewrite(value)
                )
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        return node

    schemas = {}
    for kind in ("structure", "service"):
        schema = json.loads((DATA_DIR / "schema" / f"{kind}.json").read_text(encoding="utf-8"))
        schema.pop("$schema", None)
        for name, definition in schema.pop("$defs", {}).items():
            schemas[f"DataInclusion{name}"] = rewrite(definition)
        schemas[f"DataInclusion{kind.capitalize()}"] = {
            **rewrite(schema),
            "description": f"data·inclusion v1 {kind} (schéma officiel)",
        }
    return schemas


def _schemas() -> dict:
    hsds_object = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "format": "uuid"}}}
    summary_properties = {
        "resourceType": {"const": "Task"},
        "id": {"type": "string"},
        "version": {"type": "integer"},
        "meta": {"type": "object"},
        "intent": {"const": "order"},
        "status": {"type": "string", "enum": sorted(set(STATUS_FROM_FHIR) | {"rejected", "cancelled"})},
        "businessStatus": {"type": "object"},
        "priority": {"enum": ["routine", "urgent", "asap"]},
        "urgency": {"enum": [u.value for u in Urgency]},
        "volet": {"type": "string"},
        "authoredOn": {"type": "string"},
        "sent_at": NULLABLE_STRING,
        "decided_at": NULLABLE_STRING,
        "closed_at": NULLABLE_STRING,
        "expires_at": NULLABLE_STRING,
        "requester": ORGANISATION,
        "owner": ORGANISATION,
        "focus": {"type": "object"},
        "side": {"enum": ["sender", "receiver"]},
        "url": {"type": "string"},
    }
    summary_required = [
        "resourceType",
        "id",
        "version",
        "status",
        "businessStatus",
        "requester",
        "owner",
        "focus",
        "side",
    ]
    return {
        "Problem": {
            "type": "object",
            "required": ["type", "title", "status", "detail"],
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "code": {"type": "string"},
                "errors": {"type": "array", "items": {"type": "object"}},
            },
        },
        **_data_inclusion_schemas(),
        "DataInclusionStructurePage": _page_of(_ref("DataInclusionStructure"), hsds=False),
        "DataInclusionServicePage": _page_of(_ref("DataInclusionService"), hsds=False),
        "HsdsService": {
            **hsds_object,
            "required": ["id", "name", "status"],
            "description": "HSDS 3.0 service (schema/service.json)",
        },
        "HsdsOrganization": {
            **hsds_object,
            "required": ["id", "name", "description"],
            "description": "HSDS 3.0 organization (schema/organization.json)",
        },
        "HsdsServiceAtLocation": {**hsds_object, "description": "HSDS 3.0 service_at_location"},
        "HsdsServicePage": _page_of(_ref("HsdsService"), hsds=True),
        "HsdsOrganizationPage": _page_of(_ref("HsdsOrganization"), hsds=True),
        "HsdsServiceAtLocationPage": _page_of(_ref("HsdsServiceAtLocation"), hsds=True),
        "OrientationSummary": {"type": "object", "required": summary_required, "properties": summary_properties},
        "Orientation": {
            "type": "object",
            "required": [*summary_required, "for", "needs", "history", "allowed_transitions"],
            "properties": {
                **summary_properties,
                "statusReason": {"type": ["object", "null"]},
                "for": {"type": "object", "required": ["display", "shared"]},
                "needs": {"type": "array"},
                "history": {"type": "array"},
                "comments": {"type": "array"},
                "appointments": {"type": "array", "items": _ref("Appointment")},
                "allowed_transitions": {"type": "array"},
                "outcome": {"type": ["string", "null"]},
            },
        },
        "OrientationPage": _page_of(_ref("OrientationSummary"), hsds=False),
        "PersonCreate": {
            "type": "object",
            "additionalProperties": False,
            "required": ["first_name", "last_name"],
            "properties": {
                "first_name": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": r"\S"},
                "last_name": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": r"\S"},
                "birth_date": {"type": "string", "format": "date"},
                "commune_code": {"type": "string", "pattern": "^[0-9][0-9AB][0-9]{3}$"},
                "address": {"type": "string", "maxLength": 300},
                "phone": {"type": "string", "maxLength": 20},
                "email": {"type": "string", "maxLength": 254, "format": "email"},
                "contact_preference": {"enum": [c.value for c in ContactPreference]},
            },
        },
        "ConsentReference": {
            "type": "object",
            "additionalProperties": False,
            "required": ["reference", "method"],
            "description": "Le consentement recueilli par le système du partenaire",
            "properties": {
                "reference": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"},
                "method": {"enum": [m.value for m in ConsentMethod]},
                "scope": {
                    "type": "array",
                    "items": {"enum": ["numerique", "sante", "mobilite"]},
                    "minItems": 1,
                    "uniqueItems": True,
                },
                "expires_on": {"type": "string", "format": "date"},
            },
        },
        "OrientationCreate": {
            "type": "object",
            "additionalProperties": False,
            "required": ["service_id", "consent", "needs"],
            "oneOf": [{"required": ["person"]}, {"required": ["person_id"]}],
            "properties": {
                "service_id": {"type": "integer", "minimum": 1, "maximum": 2147483647},
                "person": _ref("PersonCreate"),
                "person_id": {"type": "integer", "minimum": 1, "maximum": 2147483647},
                "consent": _ref("ConsentReference"),
                "needs": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 10,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["code"],
                        "properties": {"code": {"enum": [code.value for code in NeedCode]}},
                    },
                },
                "message": {"type": "string", "maxLength": 5000},
                "urgency": {"enum": [u.value for u in Urgency]},
                "shared_fields": {
                    "type": "array",
                    "uniqueItems": True,
                    "items": {"enum": [f.value for f in SharedField]},
                },
                "status": {"enum": ["requested", "draft"], "default": "requested"},
                "allow_duplicate": {
                    "type": "boolean",
                    "default": False,
                    "description": "Créer la fiche même si la structure en a une de même nom et même date de "
                    "naissance (sinon 409 possible_duplicate, avec le person_id existant)",
                },
            },
        },
        "StatusChange": {
            "type": "object",
            "additionalProperties": False,
            "required": ["status"],
            "properties": {
                "status": {"enum": sorted(STATUS_FROM_FHIR), "description": "Statut FHIR Task demandé"},
                "business_status": {
                    "enum": [s.value for s in OrientationStatus],
                    "description": "Statut Orientation exact (prime sur status)",
                },
                "reason": {"enum": [r.value for r in Reason]},
                "note": {"type": "string", "maxLength": 5000},
                "outcome": {"enum": [o.value for o in Outcome]},
                "redirect_service_id": {"type": "integer", "minimum": 1, "maximum": 2147483647},
            },
        },
        "CommentCreate": {
            "type": "object",
            "additionalProperties": False,
            "required": ["body"],
            "properties": {"body": {"type": "string", "minLength": 1, "maxLength": 5000, "pattern": r"\S"}},
        },
        "AppointmentCreate": {
            "type": "object",
            "additionalProperties": False,
            "required": ["starts_at", "channel"],
            "properties": {
                "starts_at": {
                    "type": "string",
                    "maxLength": 40,
                    "description": "Date et heure avec décalage horaire (RFC 3339), pas avant aujourd'hui",
                    "examples": ["2026-12-10T14:30:00+01:00"],
                },
                "channel": {"enum": [c.value for c in AppointmentChannel]},
                "place": {"type": "string", "maxLength": 300},
                "reminder_agreed": {
                    "type": "boolean",
                    "default": False,
                    "description": "La personne accepte d'être rappelée la veille (SMS ou e-mail)",
                },
                "note": {"type": "string", "maxLength": 2000},
            },
        },
        "AppointmentStatusChange": {
            "type": "object",
            "additionalProperties": False,
            "required": ["status"],
            "properties": {
                "status": {
                    "enum": [s.value for s in AppointmentStatus if s is not AppointmentStatus.PLANNED],
                    "description": "done / missed une fois l'heure venue ; cancelled avant",
                }
            },
        },
        "Appointment": {
            "type": "object",
            "required": ["id", "orientation_id", "starts_at", "channel", "status"],
            "properties": {
                "id": {"type": "integer"},
                "orientation_id": {"type": "integer"},
                "starts_at": {"type": "string"},
                "channel": {"enum": [c.value for c in AppointmentChannel]},
                "place": {"type": ["string", "null"]},
                "reminder_agreed": {"type": "boolean"},
                "status": {"enum": [s.value for s in AppointmentStatus]},
                "status_changed_at": {"type": ["string", "null"]},
            },
        },
        "Comment": {
            "type": "object",
            "required": ["id", "at", "side", "body"],
            "properties": {
                "id": {"type": "integer"},
                "at": {"type": "string"},
                "side": {"type": "string"},
                "body": {"type": "string"},
            },
        },
    }


@functools.cache
def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Orientation Vaucluse — API partenaires",
            "version": "1.0.0",
            "description": (
                "Annuaire des services (data·inclusion v1 et Open Referral HSDS 3.0, lecture publique, sans "
                "donnée personnelle) et orientations suivies pour les systèmes des structures partenaires "
                "(jeton d'API de la structure, mêmes règles d'accès que l'interface, statuts FHIR Task). "
                "Erreurs au format application/problem+json, en français ou en anglais (Accept-Language)."
            ),
            "license": {
                "name": "Licence Ouverte 2.0 (données de l'annuaire)",
                "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            },
        },
        "servers": [{"url": "/api/v1"}],
        "tags": [{"name": "Annuaire — data·inclusion"}, {"name": "Annuaire — HSDS 3.0"}, {"name": "Orientations"}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Jeton d'API créé par un·e responsable de structure",
                }
            },
            "schemas": _schemas(),
        },
        "x-thematiques": sorted(thematique_labels()),
    }


@functools.cache
def _registry() -> Registry:
    return Registry().with_resource(
        DOCUMENT_URI, Resource.from_contents({"$schema": "https://json-schema.org/draft/2020-12/schema", **document()})
    )


def body_errors(schema_name: str, body) -> list[dict]:
    """[{field, detail}] where `body` does not follow the named schema of the document."""
    validator = jsonschema.Draft202012Validator(
        {"$ref": f"{DOCUMENT_URI}#/components/schemas/{schema_name}"},
        registry=_registry(),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    errors = []
    for error in sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path)):
        field = "/".join(str(part) for part in error.absolute_path) or None
        errors.append({"field": field, "detail": error.message[:300]})
    return errors[:20]


def _coerce(value: str, schema: dict):
    kind = schema.get("type")
    if kind == "integer":
        try:
            return int(value)
        except ValueError:
            return value  # left as text: the validation says it is not an integer
    return value


def query_errors(path: str, method: str, args) -> list[dict]:
    """[{field, detail}] for the query parameters of `args` that break the document's parameter schemas."""
    operation = document()["paths"].get(path, {}).get(method.lower())
    if operation is None:
        return []
    declared = [parameter for parameter in operation.get("parameters", ()) if parameter["in"] == "query"]
    known = {parameter["name"] for parameter in declared}
    errors = [{"field": name, "detail": "paramètre inconnu / unknown parameter"} for name in args if name not in known]
    for parameter in declared:
        if parameter["name"] not in args:
            continue
        schema = parameter["schema"]
        for value in args.getlist(parameter["name"]):
            validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
            for error in validator.iter_errors(_coerce(value, schema)):
                errors.append({"field": parameter["name"], "detail": error.message[:300]})
    return errors
