"""Referrals pages: send, inbox, sent list, one orientation (actions, comments, appointments)."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from orientation import confirming, signals
from orientation.audit.access import logs_person_access, person_accessed
from orientation.auth.session import current_membership
from orientation.csrf import redisplay_on_csrf_error
from orientation.db import as_id
from orientation.directory import queries as directory_queries
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.forms import EmptyForm
from orientation.paging import page_number, search_text
from orientation.people import queries as people_queries
from orientation.people.forms import PersonSearchForm
from orientation.referrals import (
    confirmations,
    fiche,
    lifecycle,
    links,
    operations,
    outcome_details,
    permissions,
    queries,
)
from orientation.referrals.forms import (
    AppointmentForm,
    AppointmentStatusForm,
    CommentForm,
    SendOrientationForm,
    ServiceObtainedForm,
    TransitionForm,
)
from orientation.referrals.lifecycle import LinkHolder
from orientation.referrals.models import Appointment, AppointmentStatus, Reception, Urgency


def _enum_arg(enum_cls, name: str, default=None):
    value = request.args.get(name, "")
    return enum_cls(value) if value in enum_cls._value2member_map_ else default


@login_required
@redisplay_on_csrf_error
def create():
    membership = current_membership()
    person = people_queries.get_person(request.args.get("personne", type=as_id) or 0)
    permissions.require(permissions.can_orient_person(current_user, membership, person))
    form = SendOrientationForm(needs=[n for n in person.needs if n.status.is_open])
    previous = _reoriented(person)
    if request.method == "GET":
        form.service_id.data = request.args.get("service", "")
        form.need_ids.data = [request.args["besoin"]] if request.args.get("besoin") else []
        if previous is not None:
            form.take_from(previous)
    picker = queries.service_picker(
        person, text=form.service_search.data, need_ids=form.need_ids.data, chosen_id=form.service_id.data
    )
    form.offer(hit.service for hit in picker.hits)
    if not form.search.data and form.validate_on_submit():
        door = next(iter(signals.collect(signals.service_door, form.service_id.data, person=person)), None)
        if door is not None:  # one door (the MAS: a saisine): there, with what was typed (307: posted again)
            return redirect(door.url, code=307)
        try:
            orientation = operations.create_orientation(
                person,
                service_id=form.service_id.data,
                user=current_user,
                organisation_id=membership.organisation_id,
                need_ids=form.need_ids.data,
                message=form.message.data,
                urgency=form.urgency.data,
                shared_fields=form.shared_fields.data,
                send=not form.save_draft.data,
                followed_by_sender=form.followed_by_me(),
            )
        except operations.OrientationRefused as refusal:
            db.session.rollback()
            _errors_of(form, refusal.field).append(str(refusal))
        else:
            db.session.commit()
            flash(_created_message(orientation), "success")
            return redirect(url_for("referrals.show", orientation_id=orientation.id))
    return render_template(
        "referrals/create.html", form=form, person=person, picker=picker, previous=previous
    ), 400 if form.errors else 200


def _reoriented(person):
    """« Orienter vers un autre service » from a declined, redirected or expired orientation (`?depuis=`)."""
    previous_id = request.args.get("depuis", type=as_id)
    if not previous_id:
        return None
    previous = queries.get_orientation(previous_id)
    permissions.require(permissions.can_reorient(current_user, previous) and previous.person_id == person.id)
    return previous


def _created_message(orientation) -> str:
    if orientation.sent_at is None:
        return "Le brouillon est enregistré."
    if orientation.reception is Reception.SENDER:
        return "L'orientation est enregistrée : vous la suivez vous-même auprès du service."
    return "L'orientation est envoyée."


def _errors_of(form, field_name: str | None) -> list:
    field = form._fields.get(field_name or "")
    return field.errors if field is not None else form.form_errors


@login_required
def choose_person():
    """« Orienter une personne vers ce service » (directory): pick a file of one's structure, or create one."""
    membership = current_membership()
    permissions.require(permissions.can_send_orientations(current_user, membership))
    service = directory_queries.get_service(request.args.get("service", type=as_id) or 0)
    form = PersonSearchForm(formdata=request.args)
    form.validate()
    result = people_queries.people_page(membership.organisation_id, form.q.data or "", as_id(request.args.get("page")))
    return render_template("referrals/choose_person.html", service=service, form=form, result=result)


@login_required
def inbox():
    membership = current_membership()
    permissions.require(permissions.can_view_inbox(current_user, membership))
    tab = _enum_arg(queries.InboxTab, "onglet", queries.InboxTab.NEW)
    volet, urgency = _enum_arg(Volet, "volet"), _enum_arg(Urgency, "urgence")
    search = search_text(request.args.get("q"))
    page = queries.inbox_page(
        membership.organisation_id,
        tab,
        volet=volet,
        urgency=urgency,
        search=search,
        page=page_number(request.args.get("page")),
    )
    return render_template(
        "referrals/inbox.html",
        page=page,
        search=search,
        tab=tab,
        volet=volet,
        urgency=urgency,
        tabs=list(queries.InboxTab),
        transition_form=TransitionForm(),
    )


def _datetime_arg(name: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


@login_required
def sent():
    membership = current_membership()
    permissions.require(permissions.can_view_inbox(current_user, membership))
    group = _enum_arg(queries.SentGroup, "etat", queries.SentGroup.ALL)
    volet = _enum_arg(Volet, "volet")
    since, this_week = _datetime_arg("depuis"), request.args.get("rdv") == "semaine"
    search = search_text(request.args.get("q"))
    page = queries.sent_page(
        membership.organisation_id,
        group,
        volet=volet,
        changed_since=since,
        appointments_this_week=this_week,
        search=search,
        page=page_number(request.args.get("page")),
    )
    html = render_template(
        "referrals/sent.html",
        page=page,
        search=search,
        group=group,
        volet=volet,
        since=since,
        this_week=this_week,
        groups=list(queries.SentGroup),
    )
    # A record of reading, once the page is rendered (the commit would expire what it shows).
    operations.record_sent_list_visit(current_user.id, membership.organisation_id)
    db.session.commit()
    return html


@login_required
@logs_person_access(kind="referrals.show")
def show(orientation_id: int):
    orientation = _load_visible(orientation_id)
    if permissions.opens_as_receiver(current_user, orientation):
        # A GET that changes a status, on purpose (issue #17, STYLE « records of reading »): « reçue »
        # records that the receiving side read it, however it came (inbox, e-mail link, bookmark), so the
        # sender sees it read and the « not opened » reminder stops. One guarded, idempotent transition.
        operations.acknowledge_opening(orientation, user=current_user)
    return _render_show(orientation)


@login_required
@logs_person_access(kind="referrals.print")
def print_fiche(orientation_id: int):
    """The sheet the agent prints and hands to the person: where, when, whom to call, how to get there."""
    orientation = queries.get_orientation(orientation_id)
    permissions.require(permissions.can_print_fiche(current_user, orientation))
    membership = current_membership()
    person_accessed(
        orientation.person, orientation=orientation, organisation=membership.organisation_id if membership else None
    )
    db.session.commit()  # then reload what the page shows (the commit expires it all)
    orientation = queries.get_orientation(orientation.id)
    return render_template("referrals/fiche.html", fiche=fiche.fiche_of(orientation), person=orientation.person)


def _load_visible(orientation_id: int):
    orientation = queries.get_orientation(orientation_id)
    permissions.require(permissions.can_view_orientation(current_user, orientation))
    return orientation


def _render_show(orientation, status: int = 200, **forms):
    membership = current_membership()
    person_accessed(
        orientation.person, orientation=orientation, organisation=membership.organisation_id if membership else None
    )
    db.session.commit()  # then reload what the page shows (the commit expires it all)
    orientation = queries.get_orientation(orientation.id)
    return render_template("referrals/show.html", **page_context(orientation, current_user, **forms)), status


def page_context(
    orientation,
    actor,
    *,
    transition_form=None,
    comment_form=None,
    appointment_form=None,
    error: str | None = None,
) -> dict:
    """What referrals/show.html needs, for a member or a receiver by link (`actor`)."""
    is_sender = permissions.is_sender(actor, orientation)
    # The sender checks what left (the receiver's rule); an orientation it follows itself left nowhere.
    shows_shared = is_sender and orientation.reception is not Reception.SENDER
    return {
        "orientation": orientation,
        "person": permissions.shared_view(orientation) if shows_shared else permissions.person_view(actor, orientation),
        "is_sender": is_sender,
        "is_receiver": permissions.is_receiver(actor, orientation),
        "actions": lifecycle.allowed_transitions(orientation, actor),
        "redirect_services": queries.list_redirect_choices(orientation.volet),
        "transition_form": transition_form or TransitionForm(),
        "failed_action": transition_form and transition_form.to_status.data,
        "comment_form": comment_form or CommentForm(),
        "appointment_form": appointment_form or AppointmentForm(),
        "error": error,
        "appointment_status_form": AppointmentStatusForm(),
        "can_comment": permissions.can_comment(actor, orientation),
        "can_record_appointment": permissions.can_record_appointment(actor, orientation),
        "receiver_links": [(link, links.state_of(link), links.is_live(link)) for link in links.links_of(orientation)]
        if is_sender and orientation.reception is Reception.LINK
        else (),
        "can_manage_links": not isinstance(actor, LinkHolder) and permissions.can_manage_links(actor, orientation),
        "link_form": EmptyForm(),
    }


def _page_of(orientation_id: int):
    """The orientation page of a member, at an anchor."""
    return lambda anchor=None: url_for("referrals.show", orientation_id=orientation_id, _anchor=anchor)


@login_required
@redisplay_on_csrf_error
@logs_person_access(kind="referrals.show")  # a refused form shows the orientation again
def change_status(orientation_id: int):
    orientation = _load_visible(orientation_id)
    return change_status_as(orientation, current_user, _render_show, _page_of(orientation_id))


def change_status_as(orientation, actor, render, page):
    """The action's form posted by `actor`; `render` shows the page again, `page(anchor)` is its address."""
    form = TransitionForm(redirect_services=queries.list_redirect_choices(orientation.volet))
    if not form.validate_on_submit():
        return render(orientation, 400, transition_form=form)
    details = {
        "reason": form.reason.data or None,
        "note": form.note.data,
        "outcome": form.outcome.data or None,
        "outcome_details": outcome_details.posted(request.form),  # checked against the volet by the lifecycle
        "redirect_service_id": form.redirect_service_id.data or None,
    }
    try:
        if confirmations.asks_confirmation(form.to_status.data) and not confirming.is_confirmed():
            lifecycle.check_transition(orientation, form.to_status.data, actor=actor, **details)
            return confirming.confirmation(
                confirmations.closing(
                    orientation,
                    actor,
                    form.to_status.data,
                    outcome=details["outcome"],
                    action_url=request.path,
                    back_url=page("actions"),
                )
            )
        event = operations.change_status(
            orientation,
            form.to_status.data,
            user=actor,
            expected_version=form.version_number(),
            appointment_answers=confirmations.answers_of(request.form),
            **details,
        )
    except lifecycle.TransitionError as refusal:
        db.session.rollback()
        return render(orientation, refusal.form_status, transition_form=form, error=str(refusal))
    db.session.commit()
    flash(f"L'orientation est maintenant « {event.to_status.label} ».", "success")
    return redirect(page())


@login_required
@redisplay_on_csrf_error
@logs_person_access(kind="referrals.show")  # a refused form shows the orientation again
def add_comment(orientation_id: int):
    orientation = _load_visible(orientation_id)
    permissions.require(permissions.can_comment(current_user, orientation))
    return add_comment_as(orientation, current_user, _render_show, _page_of(orientation_id))


def add_comment_as(orientation, actor, render, page):
    form = CommentForm()
    if not form.validate_on_submit():
        return render(orientation, 400, comment_form=form)
    operations.add_comment(orientation, user=actor, body=form.body.data)
    db.session.commit()
    flash("Votre message est ajouté au fil de l'orientation.", "success")
    return redirect(page("fil"))


@login_required
@redisplay_on_csrf_error
@logs_person_access(kind="referrals.show")  # a refused form shows the orientation again
def add_appointment(orientation_id: int):
    orientation = _load_visible(orientation_id)
    permissions.require(permissions.is_receiver(current_user, orientation))
    return add_appointment_as(orientation, current_user, _render_show, _page_of(orientation_id))


def add_appointment_as(orientation, actor, render, page):
    form = AppointmentForm()
    if form.validate_on_submit():
        try:
            operations.add_appointment(
                orientation,
                user=actor,
                starts_at=operations.paris_time(form.day.data, form.time.data),
                channel=form.channel.data,
                place=form.place.data,
                reminder_agreed=form.reminder_agreed.data,
                note=form.note.data,
            )
        except lifecycle.TransitionError as refusal:
            db.session.rollback()
            on_day = getattr(refusal, "field", None) == "starts_at"
            (form.day.errors if on_day else form.form_errors).append(str(refusal))
        else:
            db.session.commit()
            flash("Le rendez-vous est enregistré.", "success")
            return redirect(page("rendez-vous"))
    return render(orientation, 400, appointment_form=form)


@login_required
@redisplay_on_csrf_error
@logs_person_access(kind="referrals.show")  # a refused form shows the orientation again
def appointment_status(appointment_id: int):
    """The receiver says whether the person came (or cancels a rendez-vous to come)."""
    appointment = db.get_or_404(Appointment, appointment_id)
    orientation = _load_visible(appointment.orientation_id)
    permissions.require(permissions.is_receiver(current_user, orientation))
    return appointment_status_as(appointment, orientation, current_user, _render_show, _page_of(orientation.id))


def appointment_status_as(appointment, orientation, actor, render, page):
    form = AppointmentStatusForm()
    if not form.validate_on_submit():
        return render(orientation, 400, error=_first_error(form))
    if form.status.data == AppointmentStatus.CANCELLED.value and not confirming.is_confirmed():
        return confirming.confirmation(
            confirmations.cancelling_appointment(appointment, action_url=request.path, back_url=page("rendez-vous"))
        )
    try:
        operations.record_appointment_status(appointment, user=actor, status=form.status.data)
    except lifecycle.TransitionError as refusal:
        db.session.rollback()
        return render(queries.get_orientation(orientation.id), refusal.form_status, error=str(refusal))
    db.session.commit()
    flash("Le rendez-vous est noté « " + appointment.status.label.lower() + " ».", "success")
    return redirect(page("rendez-vous"))


def _first_error(form) -> str:
    return next((message for _, _, message in form.error_list()), "Le formulaire n'est pas valide.")


@login_required
@redisplay_on_csrf_error
def service_obtained(orientation_id: int):
    """The sender's answer to the worker's question, 30 days after completion."""
    orientation = _load_visible(orientation_id)
    permissions.require(permissions.is_sender(current_user, orientation))
    form = ServiceObtainedForm(answer=orientation.service_obtained and orientation.service_obtained.value)
    if form.validate_on_submit():
        try:
            operations.record_service_obtained(orientation, user=current_user, answer=form.answer.data)
        except operations.OrientationRefused as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash("Merci : votre réponse est enregistrée.", "success")
            return redirect(url_for("referrals.show", orientation_id=orientation_id))
    return render_template(
        "referrals/service_obtained.html", orientation=orientation, form=form
    ), 400 if form.errors or form.form_errors else 200
