"""CPAM pages: saisine, "mes signalements", the MAS queue, one case (steps, notes, closure), the dashboard,
and the santé worklist of people without médecin traitant."""

from __future__ import annotations

import csv
import io
from functools import wraps

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from orientation import confirming
from orientation.audit.access import logs_person_access, person_accessed
from orientation.auth.session import current_membership
from orientation.cpam import confirmations, forms, operations, permissions, queries, steps
from orientation.cpam.models import STEPPER, CaseEventKind, CaseStage
from orientation.cpam.practitioners import choices_for_saving, practitioner_list
from orientation.csrf import redisplay_on_csrf_error
from orientation.db import as_id
from orientation.extensions import db
from orientation.paging import page_number, search_text
from orientation.people import queries as people_queries
from orientation.referrals import lifecycle
from orientation.urls import safe_next_url

# The détecteur sees every step of the timeline, with its public detail only (never `detail`).
PUBLIC_EVENTS = frozenset(CaseEventKind)


def _errors_of(form, field_name: str | None) -> list:
    field = form._fields.get(field_name or "")
    return field.errors if field is not None else form.form_errors


@login_required
@redisplay_on_csrf_error
@logs_person_access(kind="cpam.saisine")
def saisine():
    membership = current_membership()
    permissions.require(permissions.can_file_saisine(current_user, membership))
    person = None
    if request.args.get("personne", type=as_id):
        person = people_queries.get_person(request.args.get("personne", type=as_id))
        permissions.require(permissions.can_file_for_person(current_user, membership, person))
        person_accessed(person, organisation=membership.organisation_id)
    # Sent here by the orientation form (a MAS service chosen: `referrals.create`, 307): its fields are
    # taken as a start, nothing is filed until this form is sent.
    from_orientation = request.method == "POST" and request.args.get("depuis") == "orientation"
    form = forms.SaisineForm(
        **({"formdata": None} if from_orientation else {}),
        existing_person=person,
        referents=people_queries.list_referents(membership.organisation_id),
    )
    if from_orientation:
        form.take_from_orientation(request.form)
    submitted = not from_orientation and form.validate_on_submit()
    duplicates = []
    if submitted and person is None:
        duplicates = people_queries.find_duplicates(
            membership.organisation_id, form.first_name.data, form.last_name.data, form.birth_date.data
        )
    if submitted and (not duplicates or form.confirm_duplicate.data):
        try:
            case = operations.file_saisine(
                user=current_user,
                organisation_id=membership.organisation_id,
                person=person,
                person_fields=None if person else form.person_fields(),
                consent_given=form.consent_given.data,
                consent_method=form.consent_method.data,
                care_kinds=form.care_kinds.data,
                reasons=form.reasons.data,
                urgency=form.urgency.data,
                call_slots=form.call_slots.data,
                call_channel=form.call_channel.data,
                other_care=form.other_care.data,
                other_reason=form.other_reason.data,
                message=form.message.data,
            )
        except (operations.MasRefused, lifecycle.TransitionError) as refusal:
            db.session.rollback()
            _errors_of(form, getattr(refusal, "field", None)).append(str(refusal))
        else:
            db.session.commit()
            flash("Le signalement est transmis à la Mission d'Accompagnement en Santé de la CPAM.", "success")
            return redirect(url_for("cpam.show", case_id=case.id))
    db.session.commit()
    search = search_text(request.args.get("q"))
    people = (
        None if person else people_queries.people_page(membership.organisation_id, search, request.args.get("page"))
    )
    return render_template(
        "cpam/saisine.html",
        form=form,
        person=person,
        people=people,
        search=search,
        duplicates=duplicates,
        from_orientation=from_orientation,
    ), 400 if form.errors or form.form_errors or duplicates else 200


@login_required
def reports():
    membership = current_membership()
    permissions.require(permissions.can_list_reports(current_user, membership))
    state = request.args.get("etat", "")
    search = search_text(request.args.get("q"))
    page = queries.reports_page(
        membership.organisation_id,
        closed={"en-cours": False, "clos": True}.get(state),
        search=search,
        page=page_number(request.args.get("page")),
    )
    return render_template(
        "cpam/reports.html",
        page=page,
        state=state,
        search=search,
        can_file=permissions.can_file_saisine(current_user, membership),
    )


@login_required
def queue():
    membership = current_membership()
    permissions.require(permissions.can_view_queue(current_user, membership))
    tab_value = request.args.get("onglet", "")
    tab = (
        queries.QueueTab(tab_value) if tab_value in queries.QueueTab._value2member_map_ else queries.QueueTab.TO_CONTACT
    )
    search = search_text(request.args.get("q"))
    page = queries.queue_page(
        membership.organisation_id, tab, search=search, page=page_number(request.args.get("page"))
    )
    return render_template("cpam/queue.html", page=page, tab=tab, tabs=list(queries.QueueTab), search=search)


def _load_case(case_id: int, *, work: bool = False):
    case = queries.get_case(case_id)
    permissions.require(permissions.can_view_case(current_user, case))
    if work:
        permissions.require(permissions.can_work_case(current_user, case))
    return case


@login_required
@logs_person_access(kind="cpam.show")
def show(case_id: int):
    """The summary: the case, the person, the stepper and the current stage's work (its steps for the détecteur)."""
    return _render_case(_load_case(case_id))


def case_page(page: steps.CasePage):
    """The view of a page of the case with no form of its own at its URL (the contact page: its forms have theirs)."""

    @login_required
    @logs_person_access(kind="cpam.show")
    def view(case_id: int):
        return _show_page(case_id, page)

    view.__name__ = view.__qualname__ = page.endpoint.replace(".", "_")
    return view


def _show_page(case_id: int, page: steps.CasePage):
    case = _load_case(case_id)
    permissions.require(permissions.can_read_internal(current_user, case))
    return _render_case(case, page=page)


def _page_on_get(page: steps.CasePage):
    """A stage's endpoint: GET shows its page (the CPAM's), POST records its form (the view)."""

    def decorate(record):
        @wraps(record)
        def view(case_id: int):
            return _show_page(case_id, page) if request.method == "GET" else record(case_id)

        return view

    return decorate


def _render_case(case, status: int = 200, failed=None, page: steps.CasePage | None = None):
    membership = current_membership()
    person_accessed(
        case.person, orientation=case.orientation_id, organisation=membership.organisation_id if membership else None
    )
    db.session.commit()  # then reload what the page shows (the commit expires it all)
    case = queries.get_case(case.id)
    internal = permissions.can_read_internal(current_user, case)
    if failed is not None and page is None:
        page = steps.page_of_form(type(failed).__name__, case.stage)
    work = (page or steps.page_of_stage(case.stage)) if internal else None
    page_forms = _case_forms(case, (*work.forms, *steps.CASE_WIDE_FORMS)) if internal else {}
    if failed is not None:
        page_forms[type(failed).__name__] = failed
    events = case.events if internal else [e for e in case.events if e.kind in PUBLIC_EVENTS]
    on_practitioners = work is steps.PRACTITIONERS
    every_place = request.args.get("tous") == "1"
    return render_template(
        "cpam/case.html" if page is None else "cpam/case_page.html",
        case=case,
        internal=internal,
        page=page,
        work=work,
        steps=steps,
        forms=page_forms,
        events=events,
        stepper=STEPPER,
        proposed=queries.list_services(case.practitioner_service_ids) if on_practitioners else [],
        practitioners=practitioner_list(case, every_place=every_place) if on_practitioners else None,
        failed_form=type(failed).__name__ if failed is not None else None,
        CaseStage=CaseStage,
    ), status


def _case_forms(case, names) -> dict:
    """The forms of one page, filled with what the case holds (only those: the praticiens' list is a search)."""
    makers = {
        "OpenCaseForm": forms.OpenCaseForm,
        "ContactAttemptForm": forms.ContactAttemptForm,
        "StageForm": forms.StageForm,
        "RightsForm": lambda: forms.RightsForm.for_reviews(case.rights),
        "PractitionersForm": lambda: forms.PractitionersForm(
            data={"service_ids": [str(i) for i in case.practitioner_service_ids or ()], "note": case.practitioner_note}
        ),
        "FinancingForm": lambda: forms.FinancingForm(data={"aids": case.financial_aids, "note": case.financial_note}),
        "FollowUpForm": lambda: forms.FollowUpForm(
            data={"care_planned_on": case.care_planned_on, "note": case.follow_up_note}
        ),
        "WaitingForm": forms.WaitingForm,
        "NoteForm": forms.NoteForm,
        "CloseCaseForm": forms.CloseCaseForm,
    }
    return {name: makers[name]() for name in names}


def _page_url(case_id: int, page: steps.CasePage) -> str:
    return url_for(page.endpoint, case_id=case_id)


def _work(case_id: int, form, perform, message: str, back=None):
    """Load, check the CPAM side, validate, perform one operation, commit once, redirect to the page of
    the form (`back(case)`: another one), or show that page again with the error."""
    case = _load_case(case_id, work=True)
    form = form() if isinstance(form, type) else form(case)
    status = 400
    if form.validate_on_submit():
        try:
            perform(case, form)
        except lifecycle.TransitionError as refusal:  # MasRefused included
            db.session.rollback()
            _errors_of(form, refusal.field).append(str(refusal))
            status = refusal.form_status
        else:
            db.session.commit()
            flash(message, "success")
            if back is not None:
                return redirect(back(case))
            return redirect(_page_url(case_id, steps.page_of_form(type(form).__name__, case.stage)))
    return _render_case(case, status, failed=form)


def _stage_page(case) -> str:
    """After a step that may move the case (contact reached, stage changed): the page of where it is now."""
    return _page_url(case.id, steps.page_of_stage(case.stage))


@login_required
@redisplay_on_csrf_error
@logs_person_access(kind="cpam.show")  # a refused form shows the case again
def open_case(case_id: int):
    return _work(
        case_id,
        forms.OpenCaseForm,
        lambda case, form: operations.open_case(case, user=current_user),
        "Le dossier est pris en charge : prenez contact avec la personne.",
    )


@login_required
@redisplay_on_csrf_error
@logs_person_access(kind="cpam.show")  # a refused form shows the case again
def contact_attempt(case_id: int):
    return _work(
        case_id,
        forms.ContactAttemptForm,
        lambda case, form: operations.record_contact_attempt(
            case,
            user=current_user,
            succeeded=form.succeeded.data == "yes",
            channel=form.channel.data,
            note=form.note.data,
        ),
        "La tentative de contact est enregistrée.",
        back=_stage_page,
    )


@login_required
@redisplay_on_csrf_error
@logs_person_access(kind="cpam.show")  # a refused form shows the case again
def change_stage(case_id: int):
    return _work(
        case_id,
        forms.StageForm,
        lambda case, form: operations.move_to_stage(case, user=current_user, stage=form.stage.data),
        "Le dossier passe à l'étape choisie.",
        back=_stage_page,
    )


@login_required
@redisplay_on_csrf_error
@logs_person_access(kind="cpam.show")  # a refused form shows the case again
@_page_on_get(steps.RIGHTS)
def rights(case_id: int):
    return _work(
        case_id,
        forms.RightsForm,
        lambda case, form: operations.update_rights(case, user=current_user, statuses=form.statuses()),
        "Le bilan des droits est enregistré.",
    )


@login_required
@redisplay_on_csrf_error
@logs_person_access(kind="cpam.show")  # a refused form shows the case again
@_page_on_get(steps.PRACTITIONERS)
def practitioners(case_id: int):
    return _work(
        case_id,
        lambda case: forms.PractitionersForm(choices=choices_for_saving(case)),
        lambda case, form: operations.record_practitioners(
            case, user=current_user, service_ids=form.service_ids.data, note=form.note.data
        ),
        "La recherche de praticiens est enregistrée.",
    )


@login_required
@redisplay_on_csrf_error
@logs_person_access(kind="cpam.show")  # a refused form shows the case again
@_page_on_get(steps.FINANCING)
def financing(case_id: int):
    return _work(
        case_id,
        forms.FinancingForm,
        lambda case, form: operations.record_financing(
            case, user=current_user, aids=form.aids.data, note=form.note.data
        ),
        "Le montage financier est enregistré.",
    )


@login_required
@redisplay_on_csrf_error
@logs_person_access(kind="cpam.show")  # a refused form shows the case again
@_page_on_get(steps.FOLLOW_UP)
def follow_up(case_id: int):
    return _work(
        case_id,
        forms.FollowUpForm,
        lambda case, form: operations.record_follow_up(
            case, user=current_user, care_planned_on=form.care_planned_on.data, note=form.note.data
        ),
        "Le suivi est enregistré.",
    )


@login_required
@redisplay_on_csrf_error
@logs_person_access(kind="cpam.show")  # a refused form shows the case again
def waiting(case_id: int):
    return _work(
        case_id,
        forms.WaitingForm,
        lambda case, form: operations.set_waiting_on_person(
            case, user=current_user, waiting=form.waiting.data == "yes"
        ),
        "Le dossier est mis à jour.",
        back=lambda case: url_for("cpam.show", case_id=case.id),
    )


@login_required
@redisplay_on_csrf_error
@logs_person_access(kind="cpam.show")  # a refused form shows the case again
@_page_on_get(steps.NOTES)
def add_note(case_id: int):
    return _work(
        case_id,
        forms.NoteForm,
        lambda case, form: operations.add_note(case, user=current_user, body=form.body.data),
        "La note interne est ajoutée.",
    )


@login_required
@redisplay_on_csrf_error
@logs_person_access(kind="cpam.show")  # a refused form shows the case again
@_page_on_get(steps.CLOSING)
def close(case_id: int):
    if not confirming.is_confirmed():
        return _confirm_closing(case_id)
    return _work(
        case_id,
        forms.CloseCaseForm,
        lambda case, form: operations.close_case(
            case, user=current_user, outcome=form.outcome.data, reason=form.reason.data
        ),
        "Le dossier est clos ; la structure qui a signalé est informée du résultat.",
        back=lambda case: url_for("cpam.show", case_id=case.id, _anchor="resultat"),
    )


def _confirm_closing(case_id: int):
    """Closing is confirmed first: what the détecteur is told, what becomes of the orientation (confirming)."""
    case = _load_case(case_id, work=True)
    form = forms.CloseCaseForm()
    if not form.validate_on_submit():
        return _render_case(case, 400, failed=form)
    try:
        outcome, reason = operations.check_close_case(
            case, user=current_user, outcome=form.outcome.data, reason=form.reason.data
        )
    except lifecycle.TransitionError as refusal:
        db.session.rollback()
        _errors_of(form, refusal.field).append(str(refusal))
        return _render_case(case, refusal.form_status, failed=form)
    page = confirmations.closing(
        case,
        outcome,
        reason,
        action_url=request.path,
        back_url=_page_url(case.id, steps.CLOSING),
    )
    db.session.commit()  # the access log
    return confirming.confirmation(page)


@login_required
def dashboard():
    permissions.require(permissions.can_view_dashboard(current_user))
    exact = permissions.sees_small_counts(current_user)
    membership = current_membership()
    scope = membership.organisation_id if permissions.is_cpam_membership(membership) else None
    figures = queries.dashboard(exact=exact, organisation_id=scope)
    if request.args.get("format") == "csv":
        return _dashboard_csv(figures)
    return render_template("cpam/dashboard.html", figures=figures, exact=exact, small=queries.SMALL_COUNT)


def _dashboard_csv(figures) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["indicateur", "valeur", "nombre"])
    for name, rows in (
        ("soin", figures.by_care),
        ("raison", figures.by_reason),
        ("resultat", figures.by_outcome),
        ("etape", figures.by_stage),
    ):
        for row in rows:
            writer.writerow([name, row.label, "" if row.count is None else row.count])
    for row in figures.by_epci:
        writer.writerow(["epci", row["epci"], "" if row["cases"] is None else row["cases"]])
    writer.writerow(["delai_premier_contact_mediane_jours", "", figures.delay_median_days or ""])
    writer.writerow(["delai_premier_contact_p80_jours", "", figures.delay_p80_days or ""])
    return Response(
        out.getvalue(),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": "attachment; filename=cpam-mas.csv"},
    )


# ---------------------------------------------------------------------------------------------
# Santé: people without médecin traitant


@login_required
def medecin_traitant_list():
    membership = current_membership()
    permissions.require(permissions.can_list_reports(current_user, membership))
    rows = queries.list_medecin_traitant_needs(membership.organisation_id)
    return render_template("cpam/medecin_traitant.html", rows=rows, form=forms.DeclareMedecinTraitantForm())


@login_required
def declare_medecin_traitant(need_id: int):
    need = people_queries.get_need(need_id)
    receivers = queries.receiving_organisation_ids_of_need(need.id)
    permissions.require(permissions.can_declare_medecin_traitant(current_user, need, receivers))
    acting = permissions.acting_organisation_for_need(current_user, current_membership(), need, receivers)
    if not forms.DeclareMedecinTraitantForm().validate_on_submit():
        flash("Le formulaire a expiré : recommencez.", "error")
        return redirect(url_for("sante.medecin_traitant"))
    try:
        operations.declare_medecin_traitant(need, user=current_user, organisation_id=acting)
    except (operations.MasRefused, lifecycle.TransitionError) as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    else:
        db.session.commit()
        flash("Médecin traitant déclaré : le besoin est clos (satisfait).", "success")
    return redirect(safe_next_url(request.form.get("next_url"), url_for("sante.medecin_traitant")))
