"""The partner API's endpoints: parse, authenticate, check, call one operation, commit, answer JSON."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from flask import jsonify, render_template, request, url_for

from orientation.api import hsds, openapi, operations, queries, representation
from orientation.api.auth import current_caller
from orientation.api.models import Scope
from orientation.api.problems import ApiProblem
from orientation.audit.access import logs_person_access, person_accessed
from orientation.directory.export import schema_problems, service_record, structure_record
from orientation.directory.thematiques import thematique_labels
from orientation.extensions import db
from orientation.referrals import lifecycle, permissions
from orientation.referrals.lifecycle import STATUS_FROM_FHIR, OrientationStatus

MAX_ID = 2**31 - 1  # ids are 32-bit integers: a larger one names nothing

# ---- parameters -----------------------------------------------------------------------------------


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _bad_parameter(name, "un nombre entier", "an integer") from None
    if not low <= value <= high:
        raise _bad_parameter(name, f"entre {low} et {high}", f"between {low} and {high}")
    return value


def _bad_parameter(name: str, fr: str, en: str) -> ApiProblem:
    return ApiProblem(
        400,
        f"Le paramètre « {name} » doit être {fr}.",
        f"The '{name}' parameter must be {en}.",
        code="invalid_parameter",
        errors=[{"field": name, "detail": fr}],
    )


_FRACTION = re.compile(r"(\.\d{6})\d+")


def _datetime_arg(name: str) -> datetime | None:
    """An RFC 3339 date-time (lower-case t/z, long fractions and leap seconds accepted)."""
    raw = request.args.get(name)
    if raw is None:
        return None
    text = _FRACTION.sub(r"\1", raw.strip().upper().replace("Z", "+00:00")).replace(":60", ":59")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise _bad_parameter(
            name, "une date ISO 8601 avec fuseau (2026-01-31T00:00:00Z)", "an ISO 8601 date-time with a time zone"
        )
    return value


def _paging(size_name: str = "per_page") -> tuple[int, int]:
    return _int_arg("page", 1, 1, 100000), _int_arg(size_name, 50, 1, queries.MAX_PER_PAGE)


def _thematique_arg(name: str) -> str | None:
    raw = request.args.get(name)
    if not raw:
        return None
    code = hsds.thematique_of_term(raw)
    if code is None:
        raise _bad_parameter(name, "un terme de la taxonomie des thématiques", "a known taxonomy term")
    return code


def _json_body() -> dict:
    if not request.is_json:
        raise ApiProblem(
            415,
            "Envoyez un corps JSON (Content-Type: application/json).",
            "Send a JSON body (Content-Type: application/json).",
            code="unsupported_media_type",
        )
    body = request.get_json(silent=True)
    if body is None:
        raise ApiProblem(400, "Le corps n'est pas du JSON valide.", "The body is not valid JSON.", code="invalid_json")
    if (where := _nul_character_at(body)) is not None:
        raise ApiProblem.on_field(
            where or None,
            "caractère nul",
            "Le texte envoyé contient un caractère nul (\\u0000), que l'on ne peut pas enregistrer.",
            "The text sent contains a NUL character (\\u0000), which cannot be stored.",
            code="invalid_body",
        )
    return body


def _nul_character_at(body) -> str | None:
    """Where a NUL character sits in a JSON body ("" for the root), or None: PostgreSQL text cannot
    hold one. Iterative: the nesting is as deep as the sender made it."""
    pending = [("", body)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return path
            continue
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, item in items:
            if isinstance(key, str) and "\x00" in key:
                return path
            pending.append((f"{path}/{key}" if path else str(key), item))
    return None


def _validated(schema_name: str) -> dict:
    body = _json_body()
    errors = openapi.body_errors(schema_name, body)
    if errors:
        raise ApiProblem(
            422,
            "Les données envoyées ne suivent pas le schéma (voir errors).",
            "The body does not follow the schema (see errors).",
            code="invalid_body",
            errors=errors,
        )
    return body


_RULE_PARAMETER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


def check_query_parameters() -> None:
    """Before every API view: query parameters must follow the document (400 problem otherwise)."""
    if request.url_rule is None:
        return
    path = _RULE_PARAMETER.sub(r"{\1}", request.url_rule.rule.removeprefix("/api/v1"))
    errors = [
        {"field": name, "detail": "caractère nul"}
        for name, value in request.args.items(multi=True)
        if "\x00" in name or "\x00" in value
    ]  # PostgreSQL text cannot hold one
    errors = errors or openapi.query_errors(path, request.method, request.args)
    if errors:
        raise ApiProblem(
            400,
            "Des paramètres de la requête sont incorrects (voir errors).",
            "Some query parameters are wrong (see errors).",
            code="invalid_parameter",
            errors=errors,
        )


# ---- documentation --------------------------------------------------------------------------------


def openapi_document():
    return jsonify(openapi.document())


def docs():
    return render_template(
        "api/docs.html", document=openapi.document(), operations=openapi.operations(), thematiques=thematique_labels()
    )


# ---- directory feeds: public, a token (read-directory) only raises the rate limit ----------------


def _directory_reader() -> None:
    current_caller(Scope.READ_DIRECTORY, optional=True)


def _di_page(slice_, records) -> dict:
    return {
        "items": records,
        "total": slice_.total,
        "page": slice_.page,
        "size": slice_.per_page,
        "pages": slice_.pages,
    }


def data_inclusion_structures():
    _directory_reader()
    page, size = _paging("size")
    slice_ = queries.structures_page(page, size)
    records = [record for record in map(structure_record, slice_.items) if not schema_problems("structure", record)]
    return jsonify(_di_page(slice_, records))


def data_inclusion_services():
    _directory_reader()
    page, size = _paging("size")
    slice_ = queries.services_page(page, size, thematique=_thematique_arg("thematique"))
    records = []
    for service in slice_.items:
        record = {**service_record(service), "contact_nom_prenom": None}  # no personal data in open feeds
        if not schema_problems("service", record):
            records.append(record)
    return jsonify(_di_page(slice_, records))


def _hsds_page(slice_, contents: list) -> dict:
    return {
        "total_items": slice_.total,
        "total_pages": slice_.pages,
        "page_number": slice_.page,
        "size": len(contents),
        "first_page": slice_.page == 1,
        "last_page": slice_.page >= slice_.pages,
        "empty": not contents,
        "contents": contents,
    }


def hsds_root():
    _directory_reader()
    return jsonify(
        {
            "version": hsds.HSDS_VERSION,
            "profile": "https://docs.openreferral.org/en/latest/",
            "openapi_url": url_for("api.openapi_document", _external=True),
        }
    )


def hsds_services():
    _directory_reader()
    page, per_page = _paging()
    structure_id = None
    if request.args.get("organization_id"):
        try:
            uuid.UUID(request.args["organization_id"])
        except ValueError:
            raise _bad_parameter("organization_id", "l'UUID d'une organisation", "an organization UUID") from None
        structure_id = hsds.parse_hsds_id("organization", request.args["organization_id"]) or 0  # 0: none
    slice_ = queries.services_page(
        page,
        per_page,
        thematique=_thematique_arg("taxonomy_term_id"),
        structure_id=structure_id,
        modified_after=_datetime_arg("modified_after"),
        search=(request.args.get("search") or "").strip()[:200] or None,
    )
    return jsonify(_hsds_page(slice_, [hsds.service(service) for service in slice_.items]))


def _not_found() -> ApiProblem:
    return ApiProblem(404, code="not_found")


def hsds_service(id: str):  # noqa: A002 (the HSDS path parameter's name)
    _directory_reader()
    service_id = hsds.parse_hsds_id("service", id)
    service = queries.get_service(service_id) if service_id else None
    if service is None:
        raise _not_found()
    return jsonify(hsds.service(service, full=True))


def hsds_organizations():
    _directory_reader()
    page, per_page = _paging()
    slice_ = queries.structures_page(page, per_page)
    return jsonify(_hsds_page(slice_, [hsds.organization(structure) for structure in slice_.items]))


def hsds_organization(id: str):  # noqa: A002
    _directory_reader()
    structure_id = hsds.parse_hsds_id("organization", id)
    structure = queries.get_structure(structure_id) if structure_id else None
    if structure is None:
        raise _not_found()
    return jsonify(hsds.organization(structure, full=True))


def hsds_service_at_locations():
    _directory_reader()
    page, per_page = _paging()
    postcode = request.args.get("postcode")
    proximity = _int_arg("proximity", 0, 1, 200000) if request.args.get("proximity") else None
    thematique, modified_after = _thematique_arg("taxonomy_term_id"), _datetime_arg("modified_after")
    if postcode is not None:
        if not (len(postcode) == 5 and postcode.isdigit()):
            raise _bad_parameter("postcode", "un code postal à 5 chiffres", "a 5-digit postcode")
        slice_ = queries.services_near_page(
            page,
            per_page,
            communes=queries.postcode_communes(postcode),
            proximity_m=proximity,
            thematique=thematique,
            modified_after=modified_after,
        )
    else:  # HSDS: proximity is measured from the postcode; without one there is nothing to measure from
        slice_ = queries.services_page(page, per_page, thematique=thematique, modified_after=modified_after)
    return jsonify(_hsds_page(slice_, [hsds.service_at_location(service, full=True) for service in slice_.items]))


# ---- orientations: token with the "orientations" scope, the UI's need-to-know rules -------------


def _statuses_arg() -> list[OrientationStatus] | None:
    raw = request.args.get("status")
    if not raw:
        return None
    found = set()
    for value in (part.strip() for part in raw.split(",") if part.strip()):
        if value in OrientationStatus._value2member_map_:
            found.add(OrientationStatus(value))
        elif value in STATUS_FROM_FHIR:
            found |= {status for status in OrientationStatus if status.fhir_task_status == value}
        else:
            raise _bad_parameter("status", "une liste de statuts connus", "a list of known statuses")
    return sorted(found)


def list_orientations():
    caller = current_caller(Scope.ORIENTATIONS)
    box = request.args.get("box") or queries.Box.RECEIVED
    if box not in (queries.Box.RECEIVED, queries.Box.SENT):
        raise _bad_parameter("box", "received ou sent", "received or sent")
    page, per_page = _paging()
    slice_ = queries.orientations_page(
        caller.organisation_id,
        box,
        page,
        per_page,
        statuses=_statuses_arg(),
        modified_after=_datetime_arg("modified_after"),
    )
    return jsonify(_di_page(slice_, [representation.summary(o, caller.actor) for o in slice_.items]))


def _visible_orientation(caller, orientation_id: int):
    orientation = queries.get_orientation(orientation_id) if orientation_id <= MAX_ID else None
    if orientation is None or not permissions.can_view_orientation(caller.actor, orientation):
        raise _not_found()  # another organisation's orientation does not exist for this token
    return orientation


def _answer(caller, orientation_id: int, status: int = 200):
    """Log the read of the person's data (as the UI does), commit once, and answer the orientation."""
    orientation = _visible_orientation(caller, orientation_id)
    person_accessed(orientation.person, orientation=orientation, organisation=caller.organisation_id, user=caller.actor)
    db.session.commit()
    orientation = _visible_orientation(caller, orientation_id)
    response = jsonify(representation.task(orientation, caller.actor))
    response.status_code = status
    response.headers["ETag"] = representation.etag(orientation)
    if status == 201:
        response.headers["Location"] = url_for("api.orientation", orientation_id=orientation.id, _external=True)
    return response


@logs_person_access(kind="api.orientations.show")
def get_orientation(orientation_id: int):
    caller = current_caller(Scope.ORIENTATIONS)
    return _answer(caller, orientation_id)


@logs_person_access(kind="api.orientations.create")
def create_orientation():
    caller = current_caller(Scope.ORIENTATIONS)
    body = _validated("OrientationCreate")
    try:
        orientation = operations.create_orientation(caller, body)
    except ApiProblem:
        db.session.rollback()
        raise
    return _answer(caller, orientation.id, 201)


def _expected_version(orientation) -> int:
    header = request.headers.get("If-Match")
    if not header:
        raise ApiProblem(
            428,
            "Renvoyez l'ETag de votre dernière lecture dans l'en-tête If-Match.",
            "Send the ETag of your last read in the If-Match header.",
            code="if_match_required",
        )
    if header.strip() not in ("*", representation.etag(orientation)):
        raise ApiProblem(
            412,
            "L'orientation a changé depuis votre lecture : relisez-la et recommencez si besoin.",
            "The orientation changed since you read it: read it again.",
            code="stale_version",
            headers={"ETag": representation.etag(orientation)},
        )
    return orientation.version


@logs_person_access(kind="api.orientations.status")
def change_status(orientation_id: int):
    caller = current_caller(Scope.ORIENTATIONS)
    orientation = _visible_orientation(caller, orientation_id)
    body = _validated("StatusChange")
    version = _expected_version(orientation)
    try:
        operations.change_status(caller, orientation, body, version)
    except lifecycle.TransitionError as refusal:
        db.session.rollback()
        raise ApiProblem.of_refusal(refusal) from None
    return _answer(caller, orientation_id)


def _receiver_only(caller, orientation) -> None:
    if not permissions.is_receiver(caller.actor, orientation):
        raise ApiProblem(
            403,
            "Seule la structure destinataire fixe et suit les rendez-vous.",
            "Only the receiving organisation sets and follows appointments.",
            code="forbidden",
        )


def _appointment_answer(appointment, orientation, status: int):
    """The appointment, and the orientation's new ETag (a first appointment puts it in progress)."""
    response = jsonify(representation.appointment(appointment))
    response.status_code = status
    response.headers["ETag"] = representation.etag(orientation)
    return response


def add_appointment(orientation_id: int):
    caller = current_caller(Scope.ORIENTATIONS)
    orientation = _visible_orientation(caller, orientation_id)
    _receiver_only(caller, orientation)
    body = _validated("AppointmentCreate")
    try:
        appointment = operations.add_appointment(caller, orientation, body)
    except ApiProblem:
        db.session.rollback()
        raise
    db.session.commit()
    return _appointment_answer(appointment, orientation, 201)


def appointment_status(orientation_id: int, appointment_id: int):
    caller = current_caller(Scope.ORIENTATIONS)
    orientation = _visible_orientation(caller, orientation_id)
    appointment = queries.get_appointment(orientation.id, appointment_id) if appointment_id <= MAX_ID else None
    if appointment is None:
        raise _not_found()
    _receiver_only(caller, orientation)
    body = _validated("AppointmentStatusChange")
    try:
        operations.record_appointment_status(caller, appointment, body["status"])
    except ApiProblem:
        db.session.rollback()
        raise
    db.session.commit()
    return _appointment_answer(appointment, orientation, 200)


def add_comment(orientation_id: int):
    caller = current_caller(Scope.ORIENTATIONS)
    orientation = _visible_orientation(caller, orientation_id)
    body = _validated("CommentCreate")
    if not permissions.can_comment(caller.actor, orientation):
        raise ApiProblem(
            403, "On ne peut pas écrire dans le fil d'un brouillon.", "A draft has no thread yet.", code="forbidden"
        )
    comment = operations.add_comment(caller, orientation, body["body"])
    db.session.commit()
    return jsonify(
        {"id": comment.id, "at": comment.created_at.isoformat(), "side": comment.side.value, "body": comment.body}
    ), 201
