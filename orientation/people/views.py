"""People pages: list, file (with needs, consents, timeline), consent, diagnosis, suggested services."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from orientation import confirming, french
from orientation.audit.access import logs_person_access, person_accessed
from orientation.auth.session import current_membership
from orientation.csrf import redisplay_on_csrf_error
from orientation.db import as_id
from orientation.directory.queries import SearchParams, search_services
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.people import confirmations, operations, permissions, queries
from orientation.people.catalogue import needs_of_volet
from orientation.people.forms import (
    CloseNeedForm,
    ConsentForm,
    NeedsForm,
    PersonForm,
    PersonSearchForm,
    WithdrawConsentForm,
)
from orientation.people.models import Consent, NeedStatus
from orientation.statemachine import TransitionRefused


def _acting_organisation_id() -> int:
    membership = current_membership()
    permissions.require(membership is not None and permissions.can_keep_files(current_user, membership.organisation_id))
    return membership.organisation_id


def _load(person_id: int):
    person = queries.get_person(person_id)
    permissions.require(permissions.can_view_person(current_user, person))
    person_accessed(person, organisation=person.organisation_id)
    return person


@login_required
def list_people():
    organisation_id = _acting_organisation_id()
    form = PersonSearchForm(formdata=request.args)
    form.validate()
    result = queries.people_page(organisation_id, form.q.data or "", as_id(request.args.get("page")))
    return render_template("people/list.html", form=form, result=result)


@login_required
@redisplay_on_csrf_error
@logs_person_access(kind="people.edit")
def edit_person(person_id: int | None = None):
    organisation_id = _acting_organisation_id()
    person = _load(person_id) if person_id else None
    owner_id = person.organisation_id if person else organisation_id
    form = PersonForm(obj=person, referents=queries.list_referents(owner_id))
    if person is not None and request.method == "GET":
        form.referent_id.data = str(person.referent_id or "")
        form.contact_preference.data = person.contact_preference.value
        form.messages_channel.data = person.messages_channel.value
    elif person is None and request.method == "GET":  # a new file: its creator follows it, unless changed
        form.referent_id.data = str(current_user.id)
    duplicates = []
    if form.validate_on_submit():
        duplicates = queries.find_duplicates(
            owner_id,
            form.first_name.data,
            form.last_name.data,
            form.birth_date.data,
            exclude_id=person.id if person else None,
        )
        if not duplicates or form.confirm_duplicate.data:
            person = operations.save_person(person, organisation_id=owner_id, user=current_user, **form.person_fields())
            db.session.commit()
            flash(f"La fiche {french.de(person.full_name)} est enregistrée.", "success")
            service_id = as_id(request.args.get("service")) if person_id is None else None
            if service_id:  # created from a directory service's « Orienter une personne »: back to it
                return redirect(url_for("referrals.create", personne=person.id, service=service_id))
            return redirect(url_for("people.show", person_id=person.id))
    db.session.commit()
    return render_template(
        "people/edit.html", form=form, person=person, duplicates=duplicates
    ), 400 if form.errors or duplicates else 200


@login_required
@logs_person_access(kind="people.show")
def show(person_id: int):
    person = _load(person_id)
    db.session.commit()  # before loading what the page shows (a commit expires it all)
    return render_template(
        "people/show.html",
        person=person,
        volets=list(Volet),
        withdraw_form=WithdrawConsentForm(),
        close_form=CloseNeedForm(),
        valid_consent=person.valid_consent(),
    )


@login_required
@redisplay_on_csrf_error
@logs_person_access(kind="people.consent")
def add_consent(person_id: int):
    person = _load(person_id)
    form = ConsentForm()
    if form.validate_on_submit():
        operations.record_consent(
            person,
            user=current_user,
            organisation_id=person.organisation_id,
            method=form.method.data,
            purpose=form.purpose.data,
            scope=form.scope.data,
            expires_on=form.expires_on.data,
        )
        db.session.commit()
        flash("Le consentement est enregistré.", "success")
        return redirect(url_for("people.show", person_id=person.id))
    db.session.commit()
    return render_template("people/consent.html", form=form, person=person), 400 if form.errors else 200


@login_required
@logs_person_access(kind="people.withdraw_consent")
def withdraw_consent(consent_id: int):
    consent = db.get_or_404(Consent, consent_id)
    person = _load(consent.person_id)
    form = WithdrawConsentForm()
    back = url_for("people.show", person_id=person.id)
    if request.method == "POST" and not form.validate_on_submit():
        abort(400)
    if not confirming.is_confirmed():
        db.session.commit()  # the access log
        return confirming.confirmation(confirmations.withdrawal(consent, action_url=request.path, back_url=back))
    try:
        stopped = operations.withdraw_consent(consent, user=current_user, note=form.note.data)
    except operations.PeopleError as refusal:
        flash(str(refusal), "error")
    else:
        db.session.commit()
        flash(
            f"Le consentement est retiré. {stopped} orientation(s) en cours arrêtée(s) ; les structures "
            "destinataires ne voient plus les informations partagées.",
            "success",
        )
    return redirect(back)


@login_required
@redisplay_on_csrf_error
@logs_person_access(kind="people.needs")
def add_needs(person_id: int, volet: str):
    if volet not in Volet._value2member_map_:
        abort(404)
    person = _load(person_id)
    form = NeedsForm(volet=Volet(volet))
    if form.validate_on_submit():
        operations.add_needs(
            person,
            user=current_user,
            volet=Volet(volet),
            codes=form.codes.data,
            details=form.details.data,
            note=form.note.data,
        )
        db.session.commit()
        flash("Les besoins sont enregistrés. Vous pouvez maintenant orienter la personne.", "success")
        return redirect(url_for("people.show", person_id=person.id, _anchor=f"volet-{volet}"))
    db.session.commit()
    return render_template(
        "people/needs.html", form=form, person=person, volet=Volet(volet), codes=needs_of_volet(Volet(volet))
    ), 400 if form.errors else 200


@login_required
@logs_person_access(kind="people.close_need")
def close_need(need_id: int):
    need = queries.get_need(need_id)
    person = _load(need.person_id)
    back = url_for("people.show", person_id=person.id, _anchor=f"volet-{need.volet.value}")
    if not confirming.is_confirmed():  # the confirmation asks the result (never pre-set) and what it stops
        db.session.commit()  # the access log
        return confirming.confirmation(confirmations.need_closure(need, action_url=request.path, back_url=back))
    form = CloseNeedForm()
    if not form.validate_on_submit():
        flash("Choisissez le résultat du besoin avant de le clôturer.", "error")
        return redirect(back)
    try:
        operations.close_need(need, NeedStatus(form.status.data), user=current_user, answers=request.form.to_dict())
    except (operations.PeopleError, TransitionRefused) as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    else:
        db.session.commit()
        flash(f"Besoin clôturé : {need.status.label}.", "success")
    return redirect(back)


@login_required
@logs_person_access(kind="people.suggest_services")
def suggest_services(need_id: int):
    need = queries.get_need(need_id)
    person = _load(need.person_id)
    params = SearchParams(
        thematique=need.code.spec.thematique,
        commune_code=person.commune_code,
        accepts_orientations=True,
        page=request.args.get("page", 1, type=int),
    )
    result = search_services(params)
    db.session.commit()
    return render_template(
        "people/suggestions.html",
        need=need,
        person=person,
        result=result,
        search_url=url_for(
            "directory.search", thematique=params.thematique, commune=person.commune_code or "", orientable="y"
        ),
    )
