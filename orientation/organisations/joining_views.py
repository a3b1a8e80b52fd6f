"""A structure of the directory gets its space: the public join request and the coordination's pages
(join requests, attaching structures, who receives a service); the managers' side is « Ma structure »."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from orientation.auth.forms import EmptyForm
from orientation.csrf import redisplay_on_csrf_error
from orientation.directory.models import Service, Structure
from orientation.directory.reach import reach_of
from orientation.extensions import db
from orientation.organisations import joining, permissions, queries
from orientation.organisations.forms import (
    AttachStructureForm,
    JoinRequestForm,
    RefuseJoinRequestForm,
    ServiceReceiverForm,
)
from orientation.organisations.models import JoinRequest, JoinRequestStatus, Organisation, OrganisationType
from orientation.paging import search_text


def _search_text(name: str) -> str:
    return request.args.get(name, "")[:100].replace("\x00", "")  # PostgreSQL text cannot hold NUL


# -- the public join request ----------------------------------------------------------------------


@redisplay_on_csrf_error
def join_request(structure_id: int):
    """« Recevoir les prochaines orientations dans un espace de la structure » (no account needed)."""
    structure = db.get_or_404(Structure, structure_id)
    form = JoinRequestForm(
        data=None
        if request.method == "POST"
        else {
            "email": _search_text("email"),
            "organisation_name": structure.name,
            "organisation_type": OrganisationType.OTHER.value,
        }
    )
    problem = joining.already_joined_message(structure)
    if problem is None and form.validate_on_submit():
        try:
            joined = joining.request_to_join(
                structure,
                email=form.email.data,
                first_name=form.first_name.data,
                last_name=form.last_name.data,
                phone=form.phone.data,
                organisation_name=form.organisation_name.data,
                organisation_type=OrganisationType(form.organisation_type.data),
            )
        except joining.JoinError as error:
            db.session.rollback()
            problem = str(error)
        else:
            db.session.commit()
            return render_template("organisations/join_sent.html", join_request=joined, structure=structure)
    status = 400 if form.errors or (problem and request.method == "POST") else 200
    return render_template("organisations/join_request.html", form=form, structure=structure, problem=problem), status


@redisplay_on_csrf_error
def confirm_join_request(token: str):
    """The link of the confirmation e-mail: a page with a button (a mail scanner opening it confirms nothing)."""
    found = joining.get_join_request_by_token(token)
    problem = joining.confirmation_problem(found)
    if problem:
        return render_template("organisations/join_invalid_link.html", message=problem), 400
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            joining.confirm_join_request(found)
        except joining.JoinError as error:
            db.session.rollback()
            return render_template("organisations/join_invalid_link.html", message=str(error)), 400
        db.session.commit()
        return render_template("organisations/join_confirmed.html", join_request=found)
    structure = db.session.get(Structure, found.structure_id)
    return render_template("organisations/join_confirm.html", form=form, join_request=found, structure=structure)


# -- the coordination: join requests --------------------------------------------------------------


@login_required
def join_requests():
    permissions.require(permissions.can_moderate_join_requests(current_user))
    search = search_text(request.args.get("q"))
    pending = queries.join_requests_page(JoinRequestStatus.PENDING, search, request.args.get("page"))
    decided = queries.list_join_requests(JoinRequestStatus.ACCEPTED, JoinRequestStatus.REFUSED, limit=30)
    shown = {item.structure_id for item in [*pending.items, *decided]}
    return render_template(
        "organisations/join_requests.html",
        pending=pending,
        decided=decided,
        search=search,
        structures={s.id: s for s in db.session.scalars(db.select(Structure).where(Structure.id.in_(shown)))},
        empty_form=EmptyForm(),
    )


@login_required
def accept_join_request(join_request_id: int):
    found = db.get_or_404(JoinRequest, join_request_id)
    permissions.require(permissions.can_moderate_join_requests(current_user))
    if EmptyForm().validate_on_submit():
        try:
            organisation = joining.accept_join_request(found, decided_by=current_user)
        except joining.JoinError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"L'espace « {organisation.name} » est ouvert ; {found.email} est invité·e à le gérer.", "success")
    return redirect(url_for("organisations.join_requests"))


@login_required
@redisplay_on_csrf_error
def refuse_join_request(join_request_id: int):
    found = db.get_or_404(JoinRequest, join_request_id)
    permissions.require(permissions.can_moderate_join_requests(current_user))
    form = RefuseJoinRequestForm()
    if form.validate_on_submit():
        try:
            joining.refuse_join_request(found, current_user, form.reason.data)
        except joining.JoinError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"La demande de {found.full_name} est refusée ; un e-mail lui en donne la raison.", "success")
        return redirect(url_for("organisations.join_requests"))
    structure = db.session.get(Structure, found.structure_id)
    return render_template(
        "organisations/join_refuse.html", form=form, join_request=found, structure=structure
    ), 400 if form.errors else 200


# -- the coordination: attaching structures, who receives a service -------------------------------


@login_required
@redisplay_on_csrf_error
def attach_structures():
    permissions.require(permissions.can_attach_structures(current_user))
    form = AttachStructureForm()
    if form.validate_on_submit():
        structure = db.session.get(Structure, form.structure_id.data)
        organisation = db.session.get(Organisation, form.organisation_id.data)
        if structure is None:
            form.structure_id.errors.append("Cette structure de l'annuaire n'existe pas.")
        if organisation is None:
            form.organisation_id.errors.append("Cette structure partenaire n'existe pas.")
        if structure is not None and organisation is not None:
            try:
                service_ids = joining.attach_structure(structure, organisation)
            except joining.JoinError as error:
                db.session.rollback()
                form.structure_id.errors.append(str(error))
            else:
                db.session.commit()
                flash(
                    f"« {structure.name} » est rattachée à {organisation.name} : ses orientations en attente "
                    f"reçues par e-mail passent dans son espace ({len(service_ids)} service(s) concerné(s)).",
                    "success",
                )
                return redirect(url_for("organisations.attach_structures", structure_q=structure.name))
    structure_search, organisation_search = _search_text("structure_q"), _search_text("organisation_q")
    return render_template(
        "organisations/attach.html",
        form=form,
        empty_form=EmptyForm(),
        structure_search=structure_search,
        organisation_search=organisation_search,
        structures=queries.search_structures(structure_search),
        organisations=queries.list_organisations(organisation_search)[:20],
    ), 400 if form.errors else 200


@login_required
def detach_structure(structure_id: int):
    structure = db.get_or_404(Structure, structure_id)
    permissions.require(permissions.can_attach_structures(current_user))
    if EmptyForm().validate_on_submit():
        name = structure.organisation.name if structure.organisation else ""
        try:
            joining.detach_structure(structure)
        except joining.JoinError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"« {structure.name} » n'est plus rattachée à {name}.", "success")
    return redirect(url_for("organisations.attach_structures", structure_q=structure.name))


@login_required
@redisplay_on_csrf_error
def service_receiver(service_id: int):
    service = db.get_or_404(Service, service_id)
    permissions.require(permissions.can_attach_structures(current_user))
    organisations = queries.active_organisations()
    form = ServiceReceiverForm(
        organisations=organisations,
        data=None if request.method == "POST" else {"organisation_id": str(service.receiving_organisation_id or "")},
    )
    if form.validate_on_submit():
        chosen = next((o for o in organisations if str(o.id) == form.organisation_id.data), None)
        joining.set_service_receiver(service, chosen)
        db.session.commit()
        flash(f"Les orientations vers « {service.name} » : {reach_of(service).reach.label.lower()}.", "success")
        return redirect(url_for("organisations.service_receiver", service_id=service.id))
    return render_template(
        "organisations/service_receiver.html", form=form, service=service, reach=reach_of(service)
    ), 400 if form.errors else 200
