"""A directory structure gets its own space: join requests, and the coordination attaching by hand.

- A join request (from the page a receiver by e-mail link reaches) counts once its requester followed
  the one-use link sent to the address. It is accepted at once when the address is at the structure's
  own domain (its e-mail's or its website's; never a webmail's), else queued for the coordination.
- Accepting creates the organisation, attaches the directory structure to it and invites the
  requester as its first manager (the usual invitation: they set their password from its link).
- Attaching a structure (or choosing who receives a service) tells the other areas through
  `signals.structure_attached`: the referrals area moves the pending orientations reached by link
  into the organisation's inbox.

Write use cases: flush, never commit.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import url_for

from orientation import clock, signals
from orientation.audit import security
from orientation.audit.models import SecurityEventKind
from orientation.auth.models import User
from orientation.auth.tokens import hash_opaque_token, new_opaque_token
from orientation.directory.models import Service, Structure
from orientation.directory.reach import Reach, reach_of
from orientation.extensions import db
from orientation.notifications.mail import queue_mail
from orientation.notifications.models import Channel
from orientation.notifications.operations import enqueue_message
from orientation.organisations import operations
from orientation.organisations.models import (
    JoinRequest,
    JoinRequestStatus,
    MembershipRole,
    Organisation,
    OrganisationType,
)

CONFIRMATION_VALID_HOURS = 48
COORDINATION_CONTACT = "la coordination départementale d'Orientation Vaucluse"

# Addresses anyone can open: they prove nothing about the structure, whatever its own address.
WEBMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "orange.fr",
        "wanadoo.fr",
        "free.fr",
        "laposte.net",
        "sfr.fr",
        "neuf.fr",
        "bbox.fr",
        "aliceadsl.fr",
        "club-internet.fr",
        "numericable.fr",
        "icloud.com",
        "me.com",
        "mac.com",
        "proton.me",
        "protonmail.com",
        "mailo.com",
        "netcourrier.com",
        "yandex.com",
    }
)
WEBMAIL_PREFIXES = ("hotmail.", "outlook.", "live.", "msn.", "yahoo.", "ymail.", "aol.", "gmx.")


class JoinError(Exception):
    """A join or an attachment that cannot be done; the message is for the user (French)."""


# -- domains --------------------------------------------------------------------------------------


def _domain(value: str | None) -> str | None:
    """The domain of an e-mail address or of a website address, lower-case, without « www. »."""
    value = (value or "").strip().lower()
    if not value:
        return None
    if "@" in value:
        host = value.rpartition("@")[2]
    else:
        host = urlsplit(value if "//" in value else f"//{value}").hostname or ""
    host = host.removeprefix("www.").strip(".")
    return host if "." in host else None


def is_webmail(domain: str) -> bool:
    return domain in WEBMAIL_DOMAINS or domain.startswith(WEBMAIL_PREFIXES)


def structure_domains(structure: Structure) -> set[str]:
    """The domains that prove an address belongs to the structure (webmails never do)."""
    domains = {_domain(structure.courriel), _domain(structure.site_web)}
    return {domain for domain in domains if domain and not is_webmail(domain)}


def is_structure_address(email: str, structure: Structure) -> bool:
    domain = _domain(email)
    if domain is None or is_webmail(domain):
        return False
    return any(domain == own or domain.endswith(f".{own}") for own in structure_domains(structure))


# -- join requests --------------------------------------------------------------------------------


def already_joined_message(structure: Structure) -> str | None:
    if structure.organisation_id is None:
        return None
    return (
        f"« {structure.name} » a déjà son espace dans Orientation Vaucluse ({structure.organisation.name}). "
        "Pour y recevoir un compte, demandez une invitation à un·e responsable de cette structure, "
        f"ou écrivez à {COORDINATION_CONTACT}."
    )


def _locked(structure: Structure) -> Structure:
    """The structure's row, locked until the commit: two requests or attachments at once queue up."""
    return db.session.get(Structure, structure.id, with_for_update=True, populate_existing=True)


def request_to_join(
    structure: Structure,
    *,
    email: str,
    first_name: str,
    last_name: str,
    phone: str | None,
    organisation_name: str,
    organisation_type: OrganisationType,
) -> JoinRequest:
    """Record the request (or renew the requester's open one) and send the confirmation link."""
    structure = _locked(structure)
    problem = already_joined_message(structure)
    if problem:
        raise JoinError(problem)
    email = email.strip().lower()
    join_request = db.session.scalar(
        db.select(JoinRequest).where(
            JoinRequest.structure_id == structure.id,
            JoinRequest.email == email,
            JoinRequest.status.in_([JoinRequestStatus.UNCONFIRMED, JoinRequestStatus.PENDING]),
        )
    )
    if join_request is not None and join_request.status is JoinRequestStatus.PENDING:
        return join_request  # already confirmed and with the coordination: nothing to send again
    if join_request is None:
        join_request = JoinRequest(structure_id=structure.id, email=email)
        db.session.add(join_request)
    join_request.first_name = first_name
    join_request.last_name = last_name
    join_request.phone = phone or None
    join_request.organisation_name = organisation_name
    join_request.organisation_type = organisation_type
    token, join_request.token_hash = new_opaque_token()  # a renewed request: the previous link dies
    join_request.token_expires_at = clock.now() + timedelta(hours=CONFIRMATION_VALID_HOURS)
    db.session.flush()
    enqueue_message(
        Channel.EMAIL,
        email,
        "join_request_confirm",
        {
            "join_request": join_request,
            "structure_name": structure.name,
            "link": url_for("organisations.confirm_join_request", token=token, _external=True),
            "valid_hours": CONFIRMATION_VALID_HOURS,
        },
        idempotency_key=f"join-request:{join_request.id}:confirm:{join_request.token_hash}",
        contains_credentials=True,
    )
    return join_request


def get_join_request_by_token(token: str) -> JoinRequest | None:
    return db.session.scalar(db.select(JoinRequest).where(JoinRequest.token_hash == hash_opaque_token(token)))


def confirmation_problem(join_request: JoinRequest | None) -> str | None:
    """Why this confirmation link cannot be used (French), or None."""
    if join_request is None:
        return (
            "Ce lien de confirmation n'est pas valide ou a déjà servi. Vérifiez qu'il a été copié en entier, "
            "ou refaites la demande."
        )
    if join_request.token_expires_at <= clock.now():
        return "Ce lien de confirmation a expiré. Refaites la demande : un nouveau lien vous sera envoyé."
    return None


def confirm_join_request(join_request: JoinRequest) -> JoinRequest:
    """The requester proved the address: the request counts (accepted at once for the structure's domain)."""
    claimed = db.session.execute(
        db.update(JoinRequest)
        .where(
            JoinRequest.id == join_request.id,
            JoinRequest.token_hash.is_not(None),
            JoinRequest.status == JoinRequestStatus.UNCONFIRMED,
        )
        .values(token_hash=None, confirmed_at=clock.now(), status=JoinRequestStatus.PENDING)
    ).rowcount
    db.session.refresh(join_request)
    if claimed != 1:
        raise JoinError("Cette demande est déjà confirmée.")
    structure = db.session.get(Structure, join_request.structure_id)
    problem = already_joined_message(structure)
    if problem:
        raise JoinError(problem)
    if is_structure_address(join_request.email, structure):
        accept_join_request(join_request, decided_by=None)
    else:
        queue_mail(join_request.email, "join_request_received", join_request=join_request, structure=structure)
    return join_request


def accept_join_request(join_request: JoinRequest, decided_by: User | None) -> Organisation:
    """Create the organisation, attach the structure, invite the requester as its first manager."""
    if join_request.status is not JoinRequestStatus.PENDING:
        raise JoinError("Cette demande a déjà été traitée.")
    structure = _locked(db.session.get(Structure, join_request.structure_id))
    problem = already_joined_message(structure)
    if problem:
        raise JoinError(problem)
    siret_taken = structure.siret and db.session.scalar(
        db.select(Organisation.id).where(Organisation.siret == structure.siret)
    )
    organisation = operations.save_organisation(
        Organisation(),
        name=join_request.organisation_name,
        type=join_request.organisation_type,
        siret=None if siret_taken else structure.siret,
        commune_code=structure.commune_code,
        email=join_request.email,
        phone=join_request.phone,
        active=True,
    )
    attach_structure(structure, organisation)
    join_request.status = JoinRequestStatus.ACCEPTED
    join_request.decided_at = clock.now()
    join_request.decided_by_id = decided_by.id if decided_by else None
    join_request.organisation_id = organisation.id
    db.session.flush()
    operations.invite_member(decided_by, organisation, join_request.email, MembershipRole.MANAGER, join_request)
    return organisation


def refuse_join_request(join_request: JoinRequest, decided_by: User, reason: str) -> None:
    if join_request.status is not JoinRequestStatus.PENDING:
        raise JoinError("Cette demande a déjà été traitée.")
    join_request.status = JoinRequestStatus.REFUSED
    join_request.decided_at = clock.now()
    join_request.decided_by_id = decided_by.id
    join_request.refusal_reason = reason.strip()
    db.session.flush()
    structure = db.session.get(Structure, join_request.structure_id)
    queue_mail(join_request.email, "join_request_refused", join_request=join_request, structure=structure)


# -- attaching by hand ----------------------------------------------------------------------------


def attach_structure(structure: Structure, organisation: Organisation) -> list[int]:
    """The structure belongs to the organisation from now on; returns the services it now receives.

    Its services reached by e-mail link stay reachable (now by the members), and their pending
    orientations move into the organisation's inbox."""
    structure = _locked(structure)
    if structure.organisation_id == organisation.id:
        raise JoinError(f"« {structure.name} » est déjà rattachée à {organisation.name}.")
    if structure.organisation_id is not None:
        raise JoinError(f"« {structure.name} » est rattachée à {structure.organisation.name} : détachez-la d'abord.")
    reached_by_link = {service.id for service in structure.services if reach_of(service).reach is Reach.LINK}
    structure.organisation_id = organisation.id
    structure.organisation = organisation
    received = [
        service for service in structure.services if service.receiving_organisation_id in (None, organisation.id)
    ]
    for service in received:
        if service.id in reached_by_link:
            service.accepts_orientations = True
    db.session.flush()
    service_ids = [service.id for service in received]
    signals.structure_attached.send(structure, organisation=organisation, service_ids=service_ids)
    return service_ids


def detach_structure(structure: Structure) -> None:
    """The structure no longer belongs to its organisation: its services are reached by link (or
    directly) again; the orientations the members already hold stay with them."""
    structure = _locked(structure)
    if structure.organisation_id is None:
        raise JoinError(f"« {structure.name} » n'est rattachée à aucune structure partenaire.")
    structure.organisation_id = None
    structure.organisation = None
    db.session.flush()


def set_service_receiver(service: Service, organisation: Organisation | None) -> None:
    """Who receives this service's orientations: `organisation`, or (None) its structure's owner."""
    was_link = reach_of(service).reach is Reach.LINK
    service.receiving_organisation_id = organisation.id if organisation else None
    service.receiving_organisation_explicit = organisation
    receiver = service.receiving_organisation
    if receiver is not None and was_link:
        service.accepts_orientations = True  # it was reachable: it stays so, now by members
    db.session.flush()
    if receiver is not None:
        signals.structure_attached.send(service.structure, organisation=receiver, service_ids=[service.id])


# -- « Ma structure » -----------------------------------------------------------------------------


def set_accepting_services(services: list[Service], accepting_ids: set[int]) -> list[Service]:
    """A manager chooses which of their services accept tracked orientations; returns those changed."""
    changed = [service for service in services if service.accepts_orientations != (service.id in accepting_ids)]
    for service in changed:
        service.accepts_orientations = service.id in accepting_ids
    db.session.flush()
    return changed


def save_reception(
    organisation: Organisation, services: list[Service], accepting_ids: set[int], *, digest: bool
) -> list[Service]:
    """« Ma structure », Réception: which services accept tracked orientations, and whether the members get
    one e-mail per event or a daily digest; a change is written to the security journal."""
    changed = set_accepting_services(services, accepting_ids)
    detail = {
        "accepting": [service.name for service in changed if service.accepts_orientations],
        "not_accepting": [service.name for service in changed if not service.accepts_orientations],
    }
    if organisation.notification_digest != digest:
        organisation.notification_digest = digest
        detail["digest"] = digest
    if changed or "digest" in detail:
        security.record(SecurityEventKind.RECEPTION_CHANGED, organisation=organisation, detail=detail)
    db.session.flush()
    return changed


def set_digest(organisation: Organisation, digest: bool) -> None:
    """The structure's e-mails to its members: one per event, or a daily digest (journalled when it changes)."""
    if organisation.notification_digest != digest:
        organisation.notification_digest = digest
        security.record(SecurityEventKind.RECEPTION_CHANGED, organisation=organisation, detail={"digest": digest})
    db.session.flush()
