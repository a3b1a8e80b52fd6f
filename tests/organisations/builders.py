"""Builders for the joining tests: a directory structure reached by e-mail link, and its orientations."""

from datetime import timedelta

from orientation.clock import now
from orientation.directory.models import Structure
from orientation.directory.reach import Reach, reach_of
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.referrals import operations as referral_operations
from orientation.referrals.lifecycle import OrientationStatus
from orientation.referrals.models import Orientation, ReceiverLink, Reception, SharedField
from tests.directory import builders as directory_builders
from tests.referrals import builders as rb


def link_structure(courriel="accueil@ccas-apt.fr", **fields) -> Structure:
    """A structure of the directory without an account, reached by e-mail link."""
    structure = directory_builders.structure(name="CCAS d'Apt (annuaire)", courriel=courriel, **fields)
    directory_builders.service(
        "Aide aux démarches en ligne",
        structure_=structure,
        thematiques=[rb.THEMATIQUE[Volet.NUMERIQUE]],
        zones=["84"],
    )
    db.session.refresh(structure)
    if structure.organisation_id is None:
        assert reach_of(structure.services[0]).reach is Reach.LINK
    return structure


def linked_orientation(structure: Structure, status=OrientationStatus.SENT) -> Orientation:
    """An orientation reached by link, as the link flow leaves it: sent, with a live personal link."""
    sender_org = rb.builders.organisation("EDeS d'Apt")
    sender = rb.member(sender_org)
    person = rb.person(sender_org, user=sender)
    need = rb.need(person, Volet.NUMERIQUE, user=sender)
    orientation = referral_operations.create_orientation(
        person,
        service_id=structure.services[0].id,
        user=sender,
        organisation_id=sender_org.id,
        need_ids=[need.id],
        message="Merci de recevoir Mme Durand.",
        urgency="normal",
        shared_fields=[SharedField.PHONE.value],
        send=False,
    )
    assert orientation.reception is Reception.LINK
    if status is not OrientationStatus.DRAFT:
        # The link flow (referrals.links) sends it; here its result is written directly.
        orientation.status, orientation.sent_at = status, now()
        if status.is_closed:
            orientation.closed_at = now()
            orientation.outcome = None
    db.session.add(
        ReceiverLink(
            orientation_id=orientation.id,
            email=orientation.receiver_email,
            token_hash=f"{orientation.id:064d}",
            expires_at=now() + timedelta(days=14),
        )
    )
    db.session.flush()
    return orientation
