"""How a service of the directory can be reached: the one rule the badges, lists and the send read.

- « Orientation suivie » (members): a structure with an account receives it in its inbox. Its
  managers decide whether the service accepts tracked orientations (`accepts_orientations`).
- « Orientation suivie par e-mail » (link): no structure with an account, but a contact e-mail
  (the service's, else its structure's): the contact receives a personal link to the orientation.
- « Contact direct »: neither; the agent may still record an orientation followed by themself.
- « Retiré de l'annuaire »: the entry disappeared from its source (`withdrawn_at`): it receives no new
  orientation of any kind (the picker, the suggestions and the send all read this rule); the
  orientations already sent to it keep their course.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from orientation.directory.models import Service
    from orientation.organisations.models import Organisation

# Enough to tell an address from a phone number or a sentence typed in the e-mail field.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Reach(enum.StrEnum):
    MEMBERS = "members"
    LINK = "link"
    DIRECT = "direct"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            "members": "Orientation suivie",
            "link": "Orientation suivie par e-mail",
            "direct": "Contact direct",
            "withdrawn": "Retiré de l'annuaire",
        }[self.value]

    @property
    def explanation(self) -> str:
        return {
            "members": "La structure reçoit l'orientation dans son espace et y répond.",
            "link": "La structure n'a pas de compte : elle reçoit un lien personnel par e-mail pour répondre.",
            "direct": "La structure ne reçoit pas d'orientation : contactez-la par téléphone ou sur place.",
            "withdrawn": "Ce service n'apparaît plus dans sa source : il ne reçoit plus de nouvelle orientation.",
        }[self.value]

    @property
    def can_receive(self) -> bool:
        return self not in (Reach.DIRECT, Reach.WITHDRAWN)


@dataclass(frozen=True)
class ServiceReach:
    reach: Reach
    organisation: Organisation | None = None  # members: who receives it
    email: str | None = None  # link: the address the link goes to


def contact_email(service: Service) -> str | None:
    """The address a link goes to: the service's contact, else its structure's; None if not an address."""
    for value in (service.courriel, service.structure.courriel if service.structure else None):
        value = (value or "").strip()
        if value and _EMAIL.match(value):
            return value.lower()
    return None


def reach_of(service: Service) -> ServiceReach:
    if service.withdrawn_at is not None:
        return ServiceReach(Reach.WITHDRAWN)
    organisation = service.receiving_organisation
    if organisation is not None and organisation.active:
        if service.accepts_orientations:
            return ServiceReach(Reach.MEMBERS, organisation=organisation)
        return ServiceReach(Reach.DIRECT)
    email = contact_email(service)
    if email is not None:
        return ServiceReach(Reach.LINK, email=email)
    return ServiceReach(Reach.DIRECT)


def can_receive_clause():
    """SQL twin of `reach_of(service).reach.can_receive`, for lists and searches (joins nothing itself)."""
    from orientation.directory.models import Service, Structure

    # The table, not the model: the directory reads the organisations area without importing it
    # (the organisations area imports the directory: structures join and are attached there).
    organisations = Structure.metadata.tables["organisations"]
    receiver_id = sa.func.coalesce(
        Service.receiving_organisation_id,
        # correlate_except: the services row is two levels up (inside the EXISTS below), where automatic
        # correlation does not reach (it would read every structure and fail on more than one row).
        sa.select(Structure.organisation_id)
        .where(Structure.id == Service.structure_id)
        .correlate_except(Structure)
        .scalar_subquery(),
    )
    active_receiver = sa.exists().where(organisations.c.id == receiver_id, organisations.c.active.is_(True))
    has_email = sa.or_(
        sa.func.btrim(Service.courriel).op("~")(_EMAIL.pattern),
        sa.exists().where(
            Structure.id == Service.structure_id, sa.func.btrim(Structure.courriel).op("~")(_EMAIL.pattern)
        ),
    )
    members = sa.and_(active_receiver, Service.accepts_orientations.is_(True))
    return sa.and_(Service.withdrawn_at.is_(None), sa.or_(members, sa.and_(~active_receiver, has_email)))
