"""A structure reached by e-mail link gets its own space: its pending orientations move to its members.

The orientation keeps its status and its history; only who works the receiving side changes. The
personal links sent to the contact address stop working (the members answer from their inbox now),
and a line in the thread says so, for the sender and for the new members.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from orientation import clock
from orientation.directory.models import Service
from orientation.extensions import db
from orientation.organisations.models import Organisation
from orientation.referrals.lifecycle import CLOSED_STATUSES, Side
from orientation.referrals.models import Orientation, OrientationComment, ReceiverLink, Reception


def hand_over_linked_orientations(
    structure_id: int, organisation_id: int, *, service_ids: Iterable[int] | None = None
) -> list[Orientation]:
    """Every not-closed orientation to this structure's services (or to `service_ids` of them) that is
    reached by link goes to the organisation's members; returns them (flush, never commit)."""
    query = (
        sa.select(Orientation)
        .join(Service, Orientation.service_id == Service.id)
        .where(
            Service.structure_id == structure_id,
            Orientation.reception == Reception.LINK,
            Orientation.status.not_in(CLOSED_STATUSES),
        )
        .order_by(Orientation.id)
        .with_for_update(of=Orientation)  # a link holder acting at this instant waits, then finds it moved
    )
    if service_ids is not None:
        query = query.where(Orientation.service_id.in_(list(service_ids)))
    orientations = list(db.session.scalars(query))
    if not orientations:
        return []
    organisation = db.session.get(Organisation, organisation_id)
    now = clock.now()
    db.session.execute(
        sa.update(ReceiverLink)
        .where(ReceiverLink.orientation_id.in_([o.id for o in orientations]), ReceiverLink.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    for orientation in orientations:
        address = orientation.receiver_email
        orientation.reception = Reception.MEMBERS
        orientation.receiver_organisation_id = organisation_id
        orientation.last_activity_at = now
        orientation.version += 1  # a page opened from the old link cannot act on it any more
        db.session.add(
            OrientationComment(
                orientation_id=orientation.id,
                organisation_id=organisation_id,
                side=Side.SYSTEM,
                created_at=now,
                body=(
                    f"L'orientation est transmise à l'espace de « {organisation.name} » dans Orientation "
                    f"Vaucluse : ses membres la reçoivent et y répondent. Le lien personnel envoyé à "
                    f"{address} ne fonctionne plus."
                ),
            )
        )
    db.session.flush()
    return orientations
