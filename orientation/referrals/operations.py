"""Write use cases of the referrals area: flush, never commit; statuses only through the lifecycle."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy.dialects.postgresql import insert

from orientation import clock, french
from orientation.clock import PARIS
from orientation.db import as_id
from orientation.directory.models import Service
from orientation.directory.reach import Reach, reach_of
from orientation.extensions import db
from orientation.people.models import Consent, Need, Person
from orientation.referrals import appointment_lifecycle, lifecycle, notifications
from orientation.referrals.lifecycle import OrientationStatus, Side
from orientation.referrals.models import (
    Appointment,
    AppointmentChannel,
    AppointmentStatus,
    Orientation,
    OrientationComment,
    Reception,
    SentListVisit,
    ServiceObtained,
    SharedField,
    Urgency,
)
from orientation.statemachine import TransitionRefused


class OrientationRefused(TransitionRefused):
    """The orientation cannot leave (French message; `field` names the form field at fault)."""

    code = "orientation_refused"
    api_code = "orientation_refused"
    default_en = "The orientation was refused (see the French detail for the reason)."

    def __init__(self, message: str, field: str | None = None, **kwargs):
        super().__init__(message, field=field, **kwargs)


def check_service(service: Service | None, sender_organisation_id: int, *, followed_by_sender: bool = False) -> Service:
    """The service can receive this orientation (or, `followed_by_sender`, is a « Contact direct » one)."""
    if service is None:
        raise OrientationRefused("Ce service n'existe pas dans l'annuaire.", "service_id")
    found = reach_of(service)
    if found.reach is Reach.WITHDRAWN:
        raise OrientationRefused(
            f"Le service « {service.name} » a été retiré de l'annuaire le {french.date_fr(service.withdrawn_at)} : "
            "il ne reçoit plus de nouvelle orientation. Choisissez un autre service.",
            "service_id",
        )
    if found.reach is Reach.DIRECT and not followed_by_sender:
        raise OrientationRefused(
            f"Le service « {service.name} » ne reçoit pas d'orientation (contact direct) : contactez-le par "
            "téléphone ou sur place, puis enregistrez l'orientation comme suivie par vous-même, ou choisissez "
            "un autre service.",
            "service_id",
        )
    if found.reach is not Reach.DIRECT and followed_by_sender:
        raise OrientationRefused(
            f"Le service « {service.name} » reçoit les orientations : envoyez-la-lui, il y répondra.", "service_id"
        )
    receiver = found.organisation
    if (
        receiver is not None
        and receiver.id == sender_organisation_id
        and not current_app.config.get("REFERRALS_ALLOW_INTERNAL", False)
    ):
        raise OrientationRefused(
            "Ce service dépend de votre propre structure : une orientation suivie se fait vers une autre structure.",
            "service_id",
        )
    return service


def _receiver_of(service: Service, followed_by_sender: bool) -> dict:
    """The orientation's receiving side, copied from the service's reach when it is created."""
    if followed_by_sender:
        return {"reception": Reception.SENDER, "receiver_organisation_id": None, "receiver_email": None}
    found = reach_of(service)
    if found.reach is Reach.MEMBERS:
        return {"reception": Reception.MEMBERS, "receiver_organisation_id": found.organisation.id}
    return {"reception": Reception.LINK, "receiver_organisation_id": None, "receiver_email": found.email}


def check_consent(person: Person, volets) -> Consent:
    """The latest valid consent covering every volet; else a refusal that says what is missing."""
    volets = set(volets)
    for consent in person.consents:
        if consent.is_valid() and consent.covers(volets):
            return consent
    if not person.consents:
        raise OrientationRefused(
            "Aucun consentement n'est enregistré pour cette personne : recueillez-le avant d'orienter."
        )
    latest = person.consents[0]
    if latest.withdrawn_at is not None:
        raise OrientationRefused(
            "La personne a retiré son consentement : aucune orientation ne peut partir sans un nouveau consentement."
        )
    if latest.is_expired():
        raise OrientationRefused("Le consentement de la personne a expiré : recueillez un nouveau consentement.")
    labels = ", ".join(sorted(volet.label for volet in volets))
    raise OrientationRefused(
        f"Le consentement de la personne ne couvre pas ce volet ({labels}) : recueillez un consentement qui le couvre."
    )


def _open_needs(person: Person, need_ids) -> list[Need]:
    wanted = {int(need_id) for need_id in need_ids}
    needs = [need for need in person.needs if need.id in wanted]
    if not needs or len(needs) != len(wanted):
        raise OrientationRefused("Cochez au moins un besoin de la personne.", "need_ids")
    if any(not need.status.is_open for need in needs):
        raise OrientationRefused("Un des besoins cochés est déjà clôturé.", "need_ids")
    return needs


def create_orientation(
    person: Person,
    *,
    service_id,
    user,
    organisation_id: int,
    need_ids,
    message: str,
    urgency,
    shared_fields,
    send: bool = True,
    followed_by_sender: bool = False,
) -> Orientation:
    """A draft from the user's organisation to a directory service; sent at once unless `send` is False.

    `followed_by_sender`: to a « Contact direct » service, with nobody on the receiving side; the
    sender is asked what came of it and records the outcome.
    """
    service = check_service(
        db.session.get(Service, as_id(service_id)) if as_id(service_id) else None,
        organisation_id,
        followed_by_sender=followed_by_sender,
    )
    needs = _open_needs(person, need_ids)
    consent = check_consent(person, {need.volet for need in needs})
    orientation = Orientation(
        person=person,
        sender_organisation_id=organisation_id,
        sender_user_id=user.id,
        service=service,
        **_receiver_of(service, followed_by_sender),
        consent=consent,
        volet=needs[0].volet,
        urgency=Urgency(urgency),
        message=message or "",
        needs=needs,
        shared_fields=[SharedField(value).value for value in shared_fields or ()],
    )
    lifecycle.open_draft(orientation, actor=user, organisation=organisation_id)
    if send:
        lifecycle.transition(orientation, OrientationStatus.SENT, actor=user, organisation=organisation_id)
    return orientation


def change_status(
    orientation: Orientation,
    to_status,
    *,
    user,
    reason=None,
    note=None,
    outcome=None,
    outcome_details=None,
    expected_version=None,
    redirect_service_id=None,
    appointment_answers: dict[int, str] | None = None,
):
    """A user's action on an orientation; sending a draft re-checks the service and the consent; closing it
    settles its rendez-vous still planned (`appointment_answers`: what the receiving side said of each)."""
    to_status = lifecycle.parse_status(to_status)
    if to_status is OrientationStatus.SENT and orientation.status is OrientationStatus.DRAFT:
        followed_by_sender = orientation.reception is Reception.SENDER
        check_service(orientation.service, orientation.sender_organisation_id, followed_by_sender=followed_by_sender)
        # The directory may have changed since the draft: it goes to whoever receives the service now.
        for name, value in _receiver_of(orientation.service, followed_by_sender).items():
            setattr(orientation, name, value)
        check_consent(orientation.person, {need.volet for need in orientation.needs})
    if redirect_service_id:
        target = db.session.get(Service, as_id(redirect_service_id)) if as_id(redirect_service_id) else None
        if target is None or not reach_of(target).reach.can_receive:
            raise OrientationRefused(
                "Choisissez un service de l'annuaire qui reçoit les orientations.", "redirect_service_id"
            )
    if to_status.is_closed and to_status is not orientation.status:
        settle_planned_appointments(orientation, user=user, answers=appointment_answers or {})
    return lifecycle.transition(
        orientation,
        to_status,
        actor=user,
        reason=reason or None,
        note=note,
        outcome=outcome or None,
        outcome_details=outcome_details or None,
        expected_version=expected_version,
        redirect_service_id=int(redirect_service_id) if redirect_service_id else None,
    )


def acknowledge_opening(orientation: Orientation, *, user) -> bool:
    """A receiving member opened the sent orientation: it is « reçue » (one guarded transition).

    Two colleagues opening it at once: one transition wins, the other finds it received already and
    writes nothing (savepoint), so the page still shows. Returns whether this opening acknowledged it.
    """
    try:
        with db.session.begin_nested():
            lifecycle.transition(
                orientation, OrientationStatus.RECEIVED, actor=user, expected_version=orientation.version
            )
    except lifecycle.TransitionError:
        db.session.refresh(orientation)
        return False
    return True


def _side(orientation: Orientation, actor) -> Side:
    sides = lifecycle.sides_of(orientation, actor)
    return Side.SENDER if Side.SENDER in sides else Side.RECEIVER


def add_comment(orientation: Orientation, *, user, body: str) -> OrientationComment:
    """`user`: a User, or a LinkHolder (a receiver without an account)."""
    side = _side(orientation, user)
    comment = OrientationComment(
        orientation_id=orientation.id,
        author_id=lifecycle.actor_user_id(user),
        author_email=lifecycle.actor_email(user),
        side=side,
        body=body.strip(),
        created_at=clock.now(),
        organisation_id=orientation.sender_organisation_id
        if side is Side.SENDER
        else orientation.receiver_organisation_id,
    )
    db.session.add(comment)
    orientation.last_activity_at = clock.now()
    db.session.flush()
    return comment


def paris_time(day, time) -> datetime:
    """A date and a time as read on a clock in the Vaucluse."""
    return datetime.combine(day, time, tzinfo=PARIS)


def add_appointment(
    orientation: Orientation,
    *,
    user,
    starts_at: datetime,
    channel,
    place: str | None,
    reminder_agreed: bool,
    note: str | None,
) -> Appointment:
    """Record a rendez-vous (`starts_at` timezone-aware); an accepted orientation is then under way (in_progress)."""
    if orientation.status not in (OrientationStatus.ACCEPTED, OrientationStatus.IN_PROGRESS):
        raise OrientationRefused("Un rendez-vous se fixe sur une orientation acceptée ou en cours.")
    if starts_at.tzinfo is None:
        raise ValueError("an appointment's time needs a timezone")
    if starts_at.astimezone(PARIS).date() < clock.today():  # today is fine: noted after the fact
        raise OrientationRefused("La date du rendez-vous est déjà passée.", field="starts_at")
    appointment = Appointment(
        orientation_id=orientation.id,
        starts_at=starts_at,
        channel=AppointmentChannel(channel),
        place=place or "",
        reminder_agreed=bool(reminder_agreed),
        note=note or None,
        created_by_id=lifecycle.actor_user_id(user),
        created_by_email=lifecycle.actor_email(user),
        created_at=clock.now(),
    )
    db.session.add(appointment)
    db.session.flush()
    if orientation.status is OrientationStatus.ACCEPTED:
        lifecycle.transition(
            orientation,
            OrientationStatus.IN_PROGRESS,
            actor=user,
            note="Rendez-vous fixé.",
        )
    notifications.notify_appointment(orientation, appointment)
    return appointment


def record_appointment_status(appointment: Appointment, *, user, status) -> None:
    """Honoured or missed once its time has come, cancelled before: the reminder not yet sent goes with it."""
    appointment_lifecycle.settle(appointment, status, actor=user)


def settle_planned_appointments(orientation: Orientation, *, user, answers: dict[int, str]) -> None:
    """Before the receiving side closes an orientation: what became of each rendez-vous still planned."""
    if Side.RECEIVER not in lifecycle.sides_of(orientation, user):
        return  # the sender cancelling: its rendez-vous to come are cancelled with it (the lifecycle)
    for appointment in [a for a in orientation.appointments if a.status is AppointmentStatus.PLANNED]:
        answer = answers.get(appointment.id)
        if not answer:
            raise OrientationRefused(
                "Un rendez-vous est encore prévu : dites ce qu'il est devenu (honoré, non honoré ou annulé) "
                "avant de clore l'orientation."
            )
        appointment_lifecycle.settle(appointment, answer, actor=user)


def record_service_obtained(orientation: Orientation, *, user, answer) -> None:
    """The sender says whether the person really obtained the service (asked 30 days after completion)."""
    if orientation.status is not OrientationStatus.COMPLETED:
        raise OrientationRefused("Cette question ne se pose que pour une orientation terminée.")
    orientation.service_obtained = ServiceObtained(answer)
    orientation.service_obtained_at = clock.now()
    orientation.service_obtained_by_id = user.id
    db.session.flush()


def record_sent_list_visit(user_id: int, organisation_id: int) -> None:
    """The user looked at their structure's sent orientations now: the home counts what moves after."""
    statement = insert(SentListVisit).values(user_id=user_id, organisation_id=organisation_id, seen_at=clock.now())
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id", "organisation_id"], set_={"seen_at": statement.excluded.seen_at}
        )
    )
