"""Webhooks: each change of an orientation is POSTed, signed, to the endpoints of both sides:
its status (`orientation.status_changed`) and its rendez-vous (`orientation.appointment_changed`:
set, honoured, missed, cancelled).

The call is an outbox message (channel "webhook", recipient the URL) written in the transaction
of the change, delivered by the worker with the outbox's claims, retries and backoff. The body
carries no personal data: the event and the orientation's id; the partner reads the orientation
through the API (with its token, logged like any read).

Signature: `X-Orientation-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`,
so a receiver checks both the origin and the freshness (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import time
from urllib.parse import urlsplit

import httpx
from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from orientation.api.models import WebhookEndpoint
from orientation.api.queries import all_active_webhooks
from orientation.extensions import db
from orientation.notifications import channels, delivery, preferences, rendering
from orientation.notifications.models import Channel, SubjectType
from orientation.notifications.operations import enqueue_messages, message_values
from orientation.referrals.lifecycle import OrientationStatus
from orientation.referrals.models import Appointment, Orientation, OrientationEvent

TEMPLATE = "orientation_event"
EVENT_TYPE = "orientation.status_changed"
APPOINTMENT_TEMPLATE = "appointment_event"
APPOINTMENT_EVENT_TYPE = "orientation.appointment_changed"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def url_problem(url: str) -> str | None:
    """Why this URL cannot receive webhooks (French), or None: HTTPS only, plain HTTP to localhost
    outside production (tests and local development)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "Adresse illisible."
    if not parts.hostname:
        return "Donnez une adresse complète, par exemple https://exemple.fr/orientation/webhook."
    if parts.username or parts.password:
        return "L'adresse ne doit pas contenir d'identifiants."
    local_allowed = current_app.config.get("ENV_NAME") in ("testing", "development")
    if parts.scheme == "http" and parts.hostname in LOCAL_HOSTS and local_allowed:
        return None
    if parts.scheme != "https":
        return "L'adresse doit commencer par https:// (le HTTP simple n'est accepté que vers localhost, en test)."
    if local_allowed:
        return None
    try:
        return internal_address_problem(parts.hostname)
    except OSError:
        return "Ce nom de domaine est introuvable."


def internal_address_problem(host: str) -> str | None:
    """Outside tests and development, a webhook never calls into our own network (SSRF): every
    address the host resolves to must be public. Raises OSError when the name does not resolve."""
    addresses = {info[4][0] for info in socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)}
    if not addresses or any(not ipaddress.ip_address(address.split("%")[0]).is_global for address in addresses):
        return "Cette adresse mène à un réseau interne : seules les adresses publiques sont acceptées."
    return None


def sign(secret: str, body: str, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


_CACHE = "orientation.active_webhooks"  # per transaction: a reminder sweep moves thousands of orientations


@sa_event.listens_for(Session, "after_commit")
@sa_event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_CACHE, None)


def active_webhooks(organisation_ids: set[int]) -> list[WebhookEndpoint]:
    """The active endpoints of these organisations; all of them read once per transaction (a few rows)."""
    info = db.session().info
    if _CACHE not in info:
        info[_CACHE] = all_active_webhooks()
    return [endpoint for endpoint in info[_CACHE] if endpoint.organisation_id in organisation_ids]


def enqueue_orientation_event(orientation, event) -> None:
    """Called by the referrals notifications after each transition (same transaction)."""
    organisations = {orientation.sender_organisation_id}
    if event.from_status is not OrientationStatus.DRAFT or event.to_status is not OrientationStatus.CANCELLED:
        organisations.add(orientation.receiver_organisation_id)  # not a draft the receiver never saw
    endpoints = active_webhooks(organisations)
    enqueue_messages(
        [
            message_values(
                "webhook",
                endpoint.url,
                TEMPLATE,
                {"endpoint_id": endpoint.id, "event_id": event.id},
                idempotency_key=f"webhook:{endpoint.id}:orientation-event:{event.id}",
                subject_type=SubjectType.WEBHOOK,
                subject_id=endpoint.id,
            )
            for endpoint in endpoints
        ]
    )


def enqueue_appointment_event(orientation, appointment) -> None:
    """A rendez-vous set or its outcome: both sides' endpoints (same transaction as the change)."""
    status = appointment.status.value
    endpoints = active_webhooks({orientation.sender_organisation_id, orientation.receiver_organisation_id})
    enqueue_messages(
        [
            message_values(
                "webhook",
                endpoint.url,
                APPOINTMENT_TEMPLATE,
                {"endpoint_id": endpoint.id, "appointment_id": appointment.id, "status": status},
                idempotency_key=f"webhook:{endpoint.id}:appointment:{appointment.id}:{status}",
                subject_type=SubjectType.WEBHOOK,
                subject_id=endpoint.id,
            )
            for endpoint in endpoints
        ]
    )


def _signing_endpoint(session: Session, endpoint_id: int) -> WebhookEndpoint:
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise rendering.MissingObject("point d'accès supprimé")
    if endpoint.secret is None:  # never sign with an empty key: failed, listed for the coordinators
        raise rendering.RenderError(
            "secret du webhook illisible (clé de chiffrement changée) : recréez le point d'accès"
        )
    return endpoint


def _orientation_data(orientation, endpoint: WebhookEndpoint) -> dict:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return {
        "orientation_id": orientation.id,
        "orientation_url": f"{base}/api/v1/orientations/{orientation.id}",
        "side": "sender" if orientation.sender_organisation_id == endpoint.organisation_id else "receiver",
    }


def _signed(event_type: str, payload: dict, endpoint: WebhookEndpoint) -> dict:
    return {
        "subject": event_type,
        "body": json.dumps(
            {"id": payload["id"], "type": event_type, **payload}, ensure_ascii=False, separators=(",", ":")
        ),
        "signing_key": endpoint.secret,
    }


@rendering.register_context_builder(APPOINTMENT_TEMPLATE)
def _appointment_context(context: dict, session: Session) -> dict:
    endpoint = _signing_endpoint(session, context["endpoint_id"])
    appointment = session.get(Appointment, context["appointment_id"])
    if appointment is None:
        raise rendering.MissingObject("rendez-vous supprimé")
    orientation = session.get(Orientation, appointment.orientation_id)
    changed = context["status"] != "planned" and appointment.status_changed_at
    return _signed(
        APPOINTMENT_EVENT_TYPE,
        {
            "id": f"evt_appointment_{appointment.id}_{context['status']}_{endpoint.id}",
            "created_at": (changed or appointment.created_at).isoformat(),
            "data": {
                **_orientation_data(orientation, endpoint),
                "appointment_id": appointment.id,
                "status": context["status"],  # what happened then (the appointment may have moved on since)
                "starts_at": appointment.starts_at.isoformat(),
                "channel": appointment.channel.value,
            },
        },
        endpoint,
    )


@rendering.register_context_builder(TEMPLATE)
def _event_context(context: dict, session: Session) -> dict:
    endpoint = _signing_endpoint(session, context["endpoint_id"])
    event = session.get(OrientationEvent, context["event_id"])
    if event is None:
        raise rendering.MissingObject("événement supprimé")
    orientation = session.get(Orientation, event.orientation_id)
    payload = {
        "id": f"evt_{event.id}_{endpoint.id}",
        "created_at": event.at.isoformat(),
        "data": {
            **_orientation_data(orientation, endpoint),
            "version": event.version,
            "from_status": event.from_status.value if event.from_status else None,
            "status": event.to_status.value,
            "fhir_status": event.to_status.fhir_task_status,
            "reason": event.reason.value if event.reason else None,
            "outcome": event.outcome.value if event.outcome else None,
            "by": event.side.value,
        },
    }
    return _signed(EVENT_TYPE, payload, endpoint)


@preferences.register_recipient_check
def disabled_endpoint(message) -> str | None:
    """A webhook disabled (or deleted) after the event is not called any more."""
    if message.channel != "webhook":
        return None

    with Session(bind=db.engine, join_transaction_mode="create_savepoint") as session:
        endpoint = session.get(WebhookEndpoint, message.subject_id)
        if endpoint is None or not endpoint.active:
            return "webhook désactivé"
    return None


class WebhookChannel:
    """POST the rendered JSON body, signed; 2xx is delivered, 408/429/5xx and network errors are retried,
    other answers are permanent failures. Redirects are not followed (the URL is the one registered)."""

    _clients: dict[int, httpx.Client] = {}

    def check_recipient(self, recipient: str) -> str:
        try:
            problem = url_problem(recipient)
        except OSError as error:  # a DNS outage: try again later
            raise channels.TransientError(f"nom du webhook non résolu : {type(error).__name__}") from error
        if problem == "Ce nom de domaine est introuvable.":
            raise channels.TransientError("nom de domaine du webhook introuvable pour l'instant")
        if problem:
            raise channels.PermanentError(f"adresse de webhook refusée : {problem}")
        return recipient

    def _client(self) -> httpx.Client:
        import os

        client = self._clients.get(os.getpid())
        if client is None:
            client = self._clients[os.getpid()] = httpx.Client(
                timeout=current_app.config.get("WEBHOOK_TIMEOUT", 10), follow_redirects=False
            )
        return client

    def send(self, message_id: int, recipient: str, rendered: rendering.Rendered, headers: dict[str, str]) -> None:
        self.check_recipient(recipient)
        body = rendered.text
        signature = sign(rendered.signing_key, body, int(time.time()))
        request_headers = {
            "Content-Type": "application/json",
            "User-Agent": "Orientation-Vaucluse-Webhooks/1",
            "X-Orientation-Event": rendered.subject,
            "X-Orientation-Signature": signature,
            "X-Orientation-Delivery": headers.get("X-Orientation-Outbox-Id", str(message_id)),
        }
        try:
            response = self._client().post(recipient, content=body.encode(), headers=request_headers)
        except httpx.TransportError as error:
            raise channels.TransientError(f"webhook injoignable : {type(error).__name__}") from error
        if response.is_success:
            return
        detail = f"HTTP {response.status_code}"
        if response.status_code in (408, 429) or response.status_code >= 500:
            raise channels.TransientError(f"webhook indisponible : {detail}")
        raise channels.PermanentError(f"webhook refusé par le partenaire : {detail}")


delivery.CHANNELS[Channel.WEBHOOK] = WebhookChannel()
