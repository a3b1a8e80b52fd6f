"""Write use cases of the people area: flush, never commit (the view commits once)."""

from __future__ import annotations

from orientation import clock, signals
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.people.catalogue import DETAILS, NeedCode
from orientation.people.models import Consent, ConsentMethod, Need, NeedStatus, Person, name_key


class PeopleError(Exception):
    """A refusal with a French message for the user."""


def save_person(person: Person | None, *, organisation_id: int, user, **fields) -> Person:
    if person is None:
        person = Person(organisation_id=organisation_id, created_by_id=user.id)
        db.session.add(person)
    for key, value in fields.items():
        setattr(person, key, value)
    person.name_key = name_key(person.first_name, person.last_name)
    db.session.flush()
    return person


def record_consent(
    person: Person,
    *,
    user,
    organisation_id: int,
    method: ConsentMethod,
    purpose: str,
    scope: list[str],
    expires_on=None,
) -> Consent:
    consent = Consent(
        person=person,
        organisation_id=organisation_id,
        collected_by_id=user.id,
        collected_at=clock.now(),
        method=ConsentMethod(method),
        purpose=purpose,
        scope=[Volet(value).value for value in scope],
        expires_on=expires_on,
    )
    db.session.add(consent)
    db.session.flush()
    return consent


def withdraw_consent(consent: Consent, *, user, note: str | None = None) -> int:
    """Withdraw: pending orientations under this consent stop, receivers no longer see shared data.

    Returns how many orientations were cancelled (by the system, reason "consent withdrawn"): the
    referrals area stops them on `signals.consent_withdrawn`.
    """
    if consent.withdrawn_at is not None:
        raise PeopleError("Ce consentement a déjà été retiré.")
    consent.withdrawn_at = clock.now()
    consent.withdrawn_by_id = user.id
    consent.withdrawal_note = note or None
    db.session.flush()
    return sum(stopped or 0 for _receiver, stopped in signals.consent_withdrawn.send(consent, user=user))


def add_needs(
    person: Person, *, user, volet: Volet, codes: list[str], details: list[str], note: str | None
) -> list[Need]:
    volet = Volet(volet)
    kept_details = [code for code in details if code in DETAILS[volet]]
    needs = []
    for value in codes:
        code = NeedCode(value)
        if code.volet is not volet:
            raise PeopleError("Ce besoin n'appartient pas à ce volet.")
        need = Need(
            person=person,
            volet=volet,
            code=code,
            details=kept_details,
            note=note or None,
            created_by_id=user.id,
            status=NeedStatus.OPEN,
        )
        db.session.add(need)
        needs.append(need)
    db.session.flush()
    return needs


def close_need(need: Need, status: NeedStatus, *, user=None, answers: dict | None = None) -> Need:
    """Close the need; `answers` (what `user` said became of its rendez-vous still planned) go to the areas
    that follow them (`signals.need_closed`), which may refuse them."""
    status = NeedStatus(status)
    if status is NeedStatus.OPEN:
        raise PeopleError("Choisissez le résultat du besoin.")
    if not need.status.is_open:
        raise PeopleError("Ce besoin est déjà clôturé.")
    need.status = status
    need.closed_at = clock.now()
    db.session.flush()
    if user is not None:
        signals.need_closed.send(need, user=user, answers=answers or {})
    return need
