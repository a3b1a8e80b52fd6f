"""Need to know for orientations: who sees an orientation, and what of the person they see.

- The sending organisation's members see their orientations and the whole person file behind them.
- The receiving organisation's members see orientations sent to them (never drafts) and, of the
  person, only the name and the fields the sender chose to share — nothing once consent is withdrawn.
- An orientation its sender follows (« Contact direct »): the sending organisation's members also
  act on the receiving side (decisions, rendez-vous), as `lifecycle.sides_of` lets them.
- A receiver without an account (`LinkHolder`, proved by its link and code) is the receiving side
  of its one orientation, and sees of the person what the receiving members see.
- Anyone else: nothing (403), whatever id they put in the URL.
Status changes are checked by `lifecycle.transition()` itself (sides); here, what pages show.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort

from orientation.auth.models import User
from orientation.people.permissions import organisation_ids
from orientation.referrals import lifecycle
from orientation.referrals.lifecycle import LinkHolder, OrientationStatus, Side
from orientation.referrals.models import Orientation, Reception, SharedField


def sides(user: User | LinkHolder, orientation: Orientation) -> set[Side]:
    if isinstance(user, LinkHolder):
        return set(lifecycle.sides_of(orientation, user))
    member_of = organisation_ids(user)
    found = set()
    if orientation.sender_organisation_id in member_of:
        found.add(Side.SENDER)
        if orientation.reception is Reception.SENDER and orientation.status is not OrientationStatus.DRAFT:
            found.add(Side.RECEIVER)  # « Contact direct »: the sender records what came of it (lifecycle.sides_of)
    if orientation.receiver_organisation_id in member_of and orientation.status is not OrientationStatus.DRAFT:
        found.add(Side.RECEIVER)
    return found


def can_view_orientation(user: User, orientation: Orientation) -> bool:
    return bool(sides(user, orientation))


def is_sender(user: User, orientation: Orientation) -> bool:
    return Side.SENDER in sides(user, orientation)


def is_receiver(user: User, orientation: Orientation) -> bool:
    return Side.RECEIVER in sides(user, orientation)


def opens_as_receiver(user: User, orientation: Orientation) -> bool:
    """Opening it is receiving it: a sent orientation, read by a member of the receiving organisation
    who is not on its sending side (a sender's view never acknowledges anything)."""
    return (
        orientation.status is OrientationStatus.SENT
        and orientation.reception is Reception.MEMBERS
        and orientation.receiver_organisation_id in organisation_ids(user)
        and not is_sender(user, orientation)
    )


def can_reorient(user: User, orientation: Orientation) -> bool:
    """Declined, redirected or expired: its sender may orient the person to another service, from it."""
    return orientation.status in lifecycle.REORIENTABLE_STATUSES and is_sender(user, orientation)


def can_print_fiche(user: User, orientation: Orientation) -> bool:
    """The « fiche orientation / rendez-vous » is handed to the person by the structure that oriented them."""
    return is_sender(user, orientation)


def can_comment(user: User, orientation: Orientation) -> bool:
    return can_view_orientation(user, orientation) and orientation.status is not OrientationStatus.DRAFT


def can_record_appointment(user: User, orientation: Orientation) -> bool:
    return is_receiver(user, orientation) and orientation.status in (
        OrientationStatus.ACCEPTED,
        OrientationStatus.IN_PROGRESS,
    )


def can_manage_links(user: User, orientation: Orientation) -> bool:
    """Revoke or send again the personal links of an orientation reached by e-mail: its sender, the coordination."""
    if orientation.reception is not Reception.LINK or not user.is_authenticated:
        return False
    return is_sender(user, orientation) or user.is_coordinator


def can_view_inbox(user: User, membership) -> bool:
    return membership is not None and membership.organisation_id in organisation_ids(user)


def can_send_orientations(user: User, membership) -> bool:
    return can_view_inbox(user, membership)


def can_orient_person(user: User, membership, person) -> bool:
    """Orientations leave from the organisation the user acts for, about a person of its own files."""
    return can_send_orientations(user, membership) and person.organisation_id == membership.organisation_id


@dataclass
class PersonView:
    """What this user may see of the orientation's person: render only what is here."""

    name: str
    consent_withdrawn: bool = False
    fields: dict[SharedField, object] = field(default_factory=dict)
    full_file: bool = False  # the sender: link to the person's file
    shared_only: bool = False  # the sender's view of what was shared with the receiving side

    def has(self, shared_field: SharedField | str) -> bool:
        return SharedField(shared_field) in self.fields


def person_view(user: User, orientation: Orientation) -> PersonView:
    person = orientation.person
    withdrawn = orientation.consent.withdrawn_at is not None
    if is_sender(user, orientation):
        visible = set(SharedField)
        full_file = True
    elif is_receiver(user, orientation):
        visible = received_fields(orientation)
        full_file = False
    else:
        abort(403)
    if withdrawn and not full_file:
        return PersonView(name="Personne (consentement retiré)", consent_withdrawn=True)
    return PersonView(
        name=person.full_name,
        consent_withdrawn=withdrawn,
        full_file=full_file,
        fields={key: value for key, value in _field_values(orientation).items() if key in visible},
    )


def received_fields(orientation: Orientation) -> set[SharedField]:
    """What the receiving side sees of the person: the fields the sender shared, none once consent is withdrawn."""
    return set() if orientation.consent.withdrawn_at is not None else orientation.shared


def shared_view(orientation: Orientation) -> PersonView:
    """What left for the receiving side, as its sender checks it: exactly the fields shared (the receiver's
    rule, `received_fields`, before any withdrawal), with the link to the sender's own file."""
    shared = orientation.shared
    return PersonView(
        name=orientation.person.full_name,
        consent_withdrawn=orientation.consent.withdrawn_at is not None,
        fields={key: value for key, value in _field_values(orientation).items() if key in shared},
        full_file=True,
        shared_only=True,
    )


def _field_values(orientation: Orientation) -> dict:
    person = orientation.person
    return {
        SharedField.BIRTH_DATE: person.birth_date,
        SharedField.COMMUNE: person.commune.label if person.commune else None,
        SharedField.ADDRESS: person.address,
        SharedField.PHONE: person.phone,
        SharedField.EMAIL: person.email,
        SharedField.CONTACT_PREFERENCE: person.contact_preference.label,
        SharedField.SITUATION: ", ".join(flag.label for flag in person.situation_flags) or None,
        SharedField.NEED_DETAILS: [(need.label, need.detail_labels, need.note) for need in orientation.needs],
        SharedField.REFERENT: person.referent.full_name if person.referent else None,
    }


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)
