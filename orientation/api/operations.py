"""Write use cases of the API area: flush, never commit (the view commits once)."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime

from orientation import clock
from orientation.api.models import ApiToken, Scope, WebhookEndpoint
from orientation.api.problems import ApiProblem
from orientation.api.tokens import display_prefix, new_token, token_hash
from orientation.audit import security
from orientation.audit.models import SecurityEventKind
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.people import operations as people_operations
from orientation.people import queries as people_queries
from orientation.people.catalogue import NeedCode
from orientation.people.models import ConsentMethod, ContactPreference, Person
from orientation.referrals import operations as referral_operations
from orientation.referrals.lifecycle import STATUS_FROM_FHIR, OrientationStatus
from orientation.referrals.models import Orientation
from orientation.statemachine import TransitionRefused
from orientation.territory.models import Commune

# ---- tokens and webhooks (managers, in the UI) ----------------------------------------------------


def create_token(*, organisation_id: int, user, name: str, scopes) -> tuple[ApiToken, str]:
    """A new token; the secret is returned once and never stored."""
    secret = new_token()
    token = ApiToken(
        organisation_id=organisation_id,
        name=name.strip(),
        prefix=display_prefix(secret),
        token_hash=token_hash(secret),
        scopes=sorted(Scope(value).value for value in scopes),
        created_by_id=user.id,
        created_at=clock.now(),
    )
    db.session.add(token)
    db.session.flush()
    security.record(
        SecurityEventKind.API_TOKEN_CREATED,
        user=user,
        organisation=organisation_id,
        detail={"token_id": token.id, "name": token.name, "prefix": token.prefix, "scopes": token.scopes},
    )
    return token, secret


def revoke_token(token: ApiToken, *, user) -> None:
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.revoked_by_id = user.id
        security.record(
            SecurityEventKind.API_TOKEN_REVOKED,
            user=user,
            organisation=token.organisation_id,
            detail={"token_id": token.id, "name": token.name, "prefix": token.prefix},
        )
        db.session.flush()


def create_webhook(*, organisation_id: int, user, url: str) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(
        organisation_id=organisation_id,
        url=url.strip(),
        secret="whsec_" + secrets.token_urlsafe(32),
        created_by_id=user.id,
        created_at=clock.now(),
    )
    db.session.add(endpoint)
    db.session.flush()
    security.record(
        SecurityEventKind.WEBHOOK_CREATED,
        user=user,
        organisation=organisation_id,
        detail={"webhook_id": endpoint.id, "url": endpoint.url},
    )
    return endpoint


def disable_webhook(endpoint: WebhookEndpoint) -> None:
    """Stop the calls; the messages not yet delivered are cancelled at delivery time."""
    if endpoint.active:
        endpoint.active = False
        endpoint.disabled_at = clock.now()
        security.record(
            SecurityEventKind.WEBHOOK_DISABLED,
            user=security.acting_user_id(),
            organisation=endpoint.organisation_id,
            detail={"webhook_id": endpoint.id, "url": endpoint.url},
        )
        db.session.flush()


# ---- orientations (partners' systems) --------------------------------------------------------------


def _person_for(caller, body: dict) -> Person:
    if "person_id" in body:
        person = db.session.get(Person, body["person_id"])
        if person is None or person.organisation_id != caller.organisation_id:
            raise ApiProblem.on_field(
                "person_id",
                "inconnue",
                "Cette personne n'est pas dans les fiches de votre structure.",
                "This person is not in your organisation's files.",
                code="unknown_person",
            )
        return person
    fields = dict(body["person"])
    if fields.get("birth_date"):
        fields["birth_date"] = date.fromisoformat(fields["birth_date"])
    fields["contact_preference"] = ContactPreference(fields.get("contact_preference") or "phone")
    if fields.get("commune_code") and not _known_commune(fields["commune_code"]):
        raise ApiProblem.on_field(
            "person.commune_code",
            "inconnue",
            "Ce code INSEE de commune est inconnu.",
            "Unknown commune INSEE code.",
            code="unknown_commune",
        )
    existing = (
        []
        if body.get("allow_duplicate")
        else people_queries.find_duplicates(
            caller.organisation_id, fields["first_name"], fields["last_name"], fields.get("birth_date")
        )
    )
    if existing:  # as the UI warns before a second file: the partner sends person_id, or says it is someone else
        raise ApiProblem(
            409,
            "Votre structure a déjà une fiche pour une personne de même nom et de même date de naissance : "
            "envoyez son person_id, ou allow_duplicate: true s'il s'agit d'une autre personne.",
            "Your organisation already has a file for a person with the same name and birth date: send its "
            "person_id, or allow_duplicate: true if this is someone else.",
            code="possible_duplicate",
            errors=[
                {"field": "person", "detail": "même nom, même date de naissance", "person_id": person.id}
                for person in existing[:10]
            ],
        )
    return people_operations.save_person(None, organisation_id=caller.organisation_id, user=caller.actor, **fields)


def _known_commune(code: str) -> bool:

    return db.session.get(Commune, code) is not None


def create_orientation(caller, body: dict) -> Orientation:
    """A partner's orientation: the person (new or one of its files), the consent it collected
    (its reference is kept), the needs, then the same `create_orientation` as the UI."""
    try:
        person = _person_for(caller, body)
        consent = body["consent"]
        volets = sorted({NeedCode(need["code"]).volet for need in body["needs"]})
        people_operations.record_consent(
            person,
            user=caller.actor,
            organisation_id=caller.organisation_id,
            method=ConsentMethod(consent["method"]),
            purpose=f"Orientation (consentement recueilli par le système du partenaire, référence "
            f"{consent['reference']})",
            scope=[Volet(value).value for value in consent.get("scope") or volets],
            expires_on=date.fromisoformat(consent["expires_on"]) if consent.get("expires_on") else None,
        )
        needs = []
        for volet in volets:
            codes = [need["code"] for need in body["needs"] if NeedCode(need["code"]).volet is volet]
            needs += people_operations.add_needs(
                person, user=caller.actor, volet=volet, codes=codes, details=[], note=None
            )
        db.session.refresh(person)
        return referral_operations.create_orientation(
            person,
            service_id=body["service_id"],
            user=caller.actor,
            organisation_id=caller.organisation_id,
            need_ids=[need.id for need in needs],
            message=body.get("message") or "",
            urgency=body.get("urgency") or "normal",
            shared_fields=body.get("shared_fields") or [],
            send=body.get("status", "requested") == "requested",
        )
    except TransitionRefused as refusal:
        raise ApiProblem.of_refusal(refusal) from None


def wanted_status(body: dict) -> OrientationStatus:
    """Our status from the FHIR code asked for; `rejected` with a service to redirect to is a redirection."""
    if body.get("business_status"):
        return OrientationStatus(body["business_status"])
    status = STATUS_FROM_FHIR[body["status"]]
    if status is OrientationStatus.DECLINED and body.get("redirect_service_id"):
        return OrientationStatus.REDIRECTED
    return status


def change_status(caller, orientation: Orientation, body: dict, expected_version: int):
    return referral_operations.change_status(
        orientation,
        wanted_status(body),
        user=caller.actor,
        reason=body.get("reason"),
        note=body.get("note"),
        outcome=body.get("outcome"),
        expected_version=expected_version,
        redirect_service_id=body.get("redirect_service_id"),
    )


def add_appointment(caller, orientation: Orientation, body: dict):
    """The receiver's rendez-vous, through the same operation as the UI (which puts an accepted
    orientation in progress and refuses a past day); a time without its offset is refused here."""
    try:
        starts_at = datetime.fromisoformat(body["starts_at"])
        starts_at.astimezone(UTC)  # a year 1 / 9999 pushed out of range by its offset raises here
    except (ValueError, OverflowError):
        starts_at = None
    if starts_at is None or starts_at.tzinfo is None:
        raise ApiProblem.on_field(
            "starts_at",
            "date et heure avec décalage horaire",
            "Donnez la date et l'heure du rendez-vous avec leur décalage horaire, par exemple "
            "2026-12-10T14:30:00+01:00.",
            "Give the appointment's date and time with its UTC offset, e.g. 2026-12-10T14:30:00+01:00.",
            code="invalid_starts_at",
        )
    try:
        return referral_operations.add_appointment(
            orientation,
            user=caller.actor,
            starts_at=starts_at,
            channel=body["channel"],
            place=(body.get("place") or "").strip() or None,
            reminder_agreed=body.get("reminder_agreed", False),
            note=(body.get("note") or "").strip() or None,
        )
    except TransitionRefused as refusal:
        raise ApiProblem.of_refusal(refusal) from None


def record_appointment_status(caller, appointment, status: str) -> None:
    try:
        referral_operations.record_appointment_status(appointment, user=caller.actor, status=status)
    except TransitionRefused as refusal:
        raise ApiProblem.of_refusal(refusal) from None


def add_comment(caller, orientation: Orientation, body: str):
    return referral_operations.add_comment(orientation, user=caller.actor, body=body)
