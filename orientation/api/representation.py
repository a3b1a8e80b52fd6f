"""An orientation as the API shows it: a FHIR-style Task (status from the FHIR task-status value
set, our own status as businessStatus), and only what the caller's side may see of the person."""

from __future__ import annotations

from datetime import date, datetime

from flask import url_for

from orientation.api.hsds import hsds_id
from orientation.referrals import lifecycle, permissions
from orientation.referrals.lifecycle import OrientationStatus
from orientation.referrals.models import Orientation, SharedField, Urgency

STATUS_SYSTEM = "https://orientation.vaucluse.fr/fhir/CodeSystem/orientation-status"
REASON_SYSTEM = "https://orientation.vaucluse.fr/fhir/CodeSystem/orientation-reason"
FHIR_TASK_STATUS_SYSTEM = "http://hl7.org/fhir/task-status"
PRIORITY = {Urgency.NORMAL: "routine", Urgency.SOON: "urgent", Urgency.URGENT: "asap"}


def etag(orientation: Orientation) -> str:
    return f'"orientation-{orientation.id}-v{orientation.version}"'


def _iso(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _organisation(organisation) -> dict:
    return {"id": organisation.id, "display": organisation.name}


def _person(actor, orientation: Orientation) -> dict:
    view = permissions.person_view(actor, orientation)
    shared = {}
    for key, value in view.fields.items():
        if key is SharedField.NEED_DETAILS:
            value = [{"label": label, "details": list(details), "note": note} for label, details, note in value]
        shared[key.value] = _iso(value)
    return {
        "display": view.name,
        # the sender's own file: its id lets the partner orient the same person again (person_id)
        "person_id": orientation.person_id if view.full_file else None,
        "consent_withdrawn": view.consent_withdrawn,
        "full_file": view.full_file,
        "shared": shared,
    }


def _status_reason(orientation: Orientation) -> dict | None:
    last = orientation.events[-1] if orientation.events else None
    if last is None or (last.reason is None and not last.note):
        return None
    reason = {"text": last.note or (last.reason.label if last.reason else None)}
    if last.reason is not None:
        reason["coding"] = [{"system": REASON_SYSTEM, "code": last.reason.value, "display": last.reason.label}]
    return reason


def task(orientation: Orientation, actor) -> dict:
    """The full representation (GET /orientations/{id}, and the answer to a change)."""
    return {
        **summary(orientation, actor),
        "statusReason": _status_reason(orientation),
        "for": _person(actor, orientation),
        "note": [{"text": orientation.message}] if orientation.message else [],
        "needs": [
            {"id": need.id, "code": need.code.value, "label": need.label, "volet": need.volet.value}
            for need in orientation.needs
        ],
        "consent": {"id": orientation.consent_id, "withdrawn": orientation.consent.withdrawn_at is not None},
        "outcome": orientation.outcome.value if orientation.outcome else None,
        "redirected_to_service_id": orientation.redirected_to_service_id,
        "history": [
            {
                "at": event.at.isoformat(),
                "from": event.from_status.value if event.from_status else None,
                "to": event.to_status.value,
                "fhir_status": event.to_status.fhir_task_status,
                "side": event.side.value,
                "reason": event.reason.value if event.reason else None,
                "note": event.note,
                "outcome": event.outcome.value if event.outcome else None,
                "version": event.version,
                "organisation": _organisation(event.actor_organisation) if event.actor_organisation else None,
            }
            for event in orientation.events
        ],
        "comments": [
            {"id": comment.id, "at": comment.created_at.isoformat(), "side": comment.side.value, "body": comment.body}
            for comment in orientation.comments
        ],
        "appointments": [appointment(item) for item in orientation.appointments],
        "allowed_transitions": [
            {
                "status": to.value,
                "fhir_status": to.fhir_task_status,
                # a sender following a « Contact direct » records facts: « La personne a été reçue »…
                "action": orientation.reception.action_label(to, rule.action) or rule.action,
                "reasons": [reason.value for reason in rule.reasons],
                "needs_outcome": rule.needs_outcome,
            }
            for to, rule in lifecycle.allowed_transitions(orientation, actor)
        ],
    }


def appointment(item) -> dict:
    return {
        "id": item.id,
        "orientation_id": item.orientation_id,
        "starts_at": item.starts_at.isoformat(),
        "channel": item.channel.value,
        "place": item.place or None,
        "reminder_agreed": item.reminder_agreed,
        "status": item.status.value,
        "status_changed_at": _iso(item.status_changed_at),
    }


def summary(orientation: Orientation, actor) -> dict:
    """What a list shows: nothing of the person (reading one orientation shows it, and is logged)."""
    status: OrientationStatus = orientation.status
    return {
        "resourceType": "Task",
        "id": str(orientation.id),
        "meta": {"versionId": str(orientation.version), "lastUpdated": orientation.last_activity_at.isoformat()},
        "version": orientation.version,
        "intent": "order",
        "status": status.fhir_task_status,
        "businessStatus": {"coding": [{"system": STATUS_SYSTEM, "code": status.value, "display": status.label}]},
        "priority": PRIORITY[orientation.urgency],
        "urgency": orientation.urgency.value,
        "volet": orientation.volet.value,
        "authoredOn": orientation.created_at.isoformat(),
        "sent_at": _iso(orientation.sent_at),
        "decided_at": _iso(orientation.decided_at),
        "closed_at": _iso(orientation.closed_at),
        "expires_at": _iso(orientation.expires_at),
        "requester": _organisation(orientation.sender_organisation),
        "owner": {"id": orientation.receiver_organisation_id, "display": orientation.receiver_title},
        "reception": orientation.reception.value,
        "focus": {
            "service_id": orientation.service_id,
            "hsds_service_id": hsds_id("service", orientation.service_id),
            "display": orientation.service.name,
        },
        "side": "sender" if permissions.is_sender(actor, orientation) else "receiver",
        "url": url_for("api.orientation", orientation_id=orientation.id, _external=True),
    }
