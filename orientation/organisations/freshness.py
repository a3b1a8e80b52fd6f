"""The freshness e-mail, a rule of the follow-up engine: a structure's managers confirm its services.

Declared here, not in the directory: the organisations area knows who manages a structure (the
directory does not import it). When (orientation.directory.freshness): a structure is due as soon as
one of its live services is (`structure_due_at`, the occurrence of the claim), and only if its
organisation has an active manager to ask. Then, once per occurrence (`act_once`), every manager
gets ONE e-mail listing the structure's due services, with the signed « Tout est à jour » link and
a link to edit each one; the services listed are stamped `freshness_asked_at`, which moves the
structure's due date a whole period away (one e-mail per period).
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import url_for

from orientation import clock, signals
from orientation.auth.models import User
from orientation.directory import freshness
from orientation.directory.models import ServiceErrorReport, Structure
from orientation.extensions import db
from orientation.followups.rules import Rule, register
from orientation.notifications.mail import queue_mail
from orientation.notifications.models import Channel, SubjectType
from orientation.notifications.operations import enqueue_messages, message_values
from orientation.notifications.rendering import url_context
from orientation.organisations.models import Membership, MembershipRole, Organisation

log = logging.getLogger(__name__)

RULE = "directory.freshness"
TEMPLATE = "directory_freshness"


def _active_managers():
    """SQL (correlated to structures): the structure's organisation is active and has an active manager."""
    return sa.exists().where(
        Organisation.id == Structure.organisation_id,
        Organisation.active.is_(True),
        Membership.organisation_id == Organisation.id,
        Membership.role == MembershipRole.MANAGER,
        User.id == Membership.user_id,
        User.active.is_(True),
    )


def managers_of(structure: Structure) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .join(Organisation, Organisation.id == Membership.organisation_id)
            .where(
                Membership.organisation_id == structure.organisation_id,
                Membership.role == MembershipRole.MANAGER,
                User.active.is_(True),
                Organisation.active.is_(True),
            )
            .order_by(User.id)
        )
    )


def ask_managers(structure_id: int) -> bool:
    """One e-mail to each manager listing the structure's services due for confirmation (claimed once)."""
    now = clock.now()
    structure = db.session.get(Structure, structure_id)
    services = freshness.list_due_services(structure_id, now) if structure is not None else []
    managers = managers_of(structure) if services else []
    if not managers:  # confirmed or withdrawn meanwhile, or nobody left to ask
        return False
    freshness.mark_asked(services, now)
    rows = []
    with url_context():
        for manager in managers:
            token = freshness.make_link_token(structure.id, manager.id, now)
            rows.append(
                message_values(
                    Channel.EMAIL,
                    manager.email,
                    TEMPLATE,
                    {
                        "structure": structure,
                        "services": services,
                        "recipient": manager,
                        "link": url_for("directory.confirm_freshness", token=token, _external=True),
                        "months": freshness.default_months(),
                    },
                    idempotency_key=f"structure:{structure.id}:freshness:{now:%Y%m%dT%H%M%S%f}:user:{manager.id}",
                    recipient_user_id=manager.id,
                    subject_type=SubjectType.STRUCTURE,
                    subject_id=structure.id,
                    contains_credentials=True,  # the link confirms: forgotten once the message has left
                )
            )
    enqueue_messages(rows)
    log.info("freshness: structure %s, %s services, %s managers asked", structure.id, len(services), len(managers))
    return True


register(
    Rule(
        RULE,
        Structure,
        since=freshness.structure_due_at(),  # a new due date (after the services were asked) is a new occurrence
        where=lambda now: [Structure.withdrawn_at.is_(None), _active_managers()],
        act=ask_managers,
        act_once=True,
    )
)


@signals.service_error_reported.connect
def _tell_who_corrects(report: ServiceErrorReport) -> None:
    """The e-mail beside the list in « Ma structure » (or the coordination's « Signalements »)."""
    structure = report.service.structure
    managers = managers_of(structure) if structure.organisation_id is not None else []
    recipients = managers or list(
        db.session.scalars(sa.select(User).where(User.is_coordinator.is_(True), User.active.is_(True)))
    )
    for recipient in recipients:
        queue_mail(
            recipient.email,
            "service_error_report",
            report=report,
            service=report.service,
            recipient=recipient,
            for_managers=bool(managers),
        )
