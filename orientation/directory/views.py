"""Directory pages: search with map, service and structure pages, edit and confirm, the coordination's imports."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from orientation import signals
from orientation.auth.forms import EmptyForm
from orientation.auth.session import current_membership
from orientation.auth.tokens import InvalidToken
from orientation.csrf import redisplay_on_csrf_error
from orientation.db import as_id
from orientation.directory import freshness, import_runs, operations, permissions, queries
from orientation.directory.forms import ErrorReportForm, ImportForm, SearchForm, ServiceForm, StructureForm
from orientation.directory.models import ImportSource, ServiceErrorReport, Structure
from orientation.extensions import db
from orientation.forms import BUTTON_CSRF_MESSAGE
from orientation.paging import search_text


@login_required
def search():
    permissions.require(permissions.can_view_directory(current_user))
    form = SearchForm(formdata=request.args)
    form.validate()
    params = form.to_params()
    result = queries.search_services(params)
    if params.page == 1 and _searched_for_something(params):
        signals.directory_searched.send(params, results=result.total)
        db.session.commit()  # writes nothing of its own; ends the request as reading views do (audit.access)
    return render_template(
        "directory/search.html", form=form, result=result, map_points=_map_points(result), page_url=_page_url
    )


def _searched_for_something(params) -> bool:
    """A search with a criterion (opening the bare directory page is not one)."""
    return bool(params.text.strip() or params.thematique or params.volet or params.commune_code or params.label)


def _map_points(result) -> list[dict]:
    """Plain data for the map script (rendered with |tojson, so imported text stays text)."""
    return [
        {
            "name": hit.service.name,
            "structure": hit.service.structure.name,
            "commune": hit.service.commune_name or "",
            "lat": hit.service.latitude,
            "lon": hit.service.longitude,
            "url": url_for("directory.service", service_id=hit.service.id),
        }
        for hit in result.items
        if hit.service.latitude is not None and hit.service.longitude is not None
    ]


def _page_url(page: int) -> str:
    args = request.args.to_dict()
    args["page"] = page
    return url_for("directory.search", **args)


@login_required
def service(service_id: int):
    permissions.require(permissions.can_view_directory(current_user))
    entry = queries.get_service(service_id)
    return render_template(
        "directory/service.html",
        service=entry,
        empty_form=EmptyForm(),
        can_edit=permissions.can_edit_service(current_user, entry),
    )


@login_required
def structure(structure_id: int):
    permissions.require(permissions.can_view_directory(current_user))
    entry = queries.get_structure(structure_id)
    return render_template(
        "directory/structure.html", structure=entry, can_edit=permissions.can_edit_structure(current_user, entry)
    )


@login_required
@redisplay_on_csrf_error
def edit_structure(structure_id: int):
    """A structure's own entry: its managers (also from « Ma structure ») and the coordination."""
    entry = queries.get_structure(structure_id)
    permissions.require(permissions.can_edit_structure(current_user, entry))
    form = StructureForm(obj=entry)
    if request.method == "GET":
        form.fill_hours(entry.horaires_accueil)
    if form.validate_on_submit():
        changed = operations.save_structure(entry, current_user, **form.structure_fields())
        db.session.commit()
        flash(*StructureForm.saved_message(entry.name, changed))
        return redirect(url_for("directory.structure", structure_id=entry.id))
    return render_template("directory/edit_structure.html", form=form, structure=entry), 400 if form.errors else 200


@login_required
@redisplay_on_csrf_error
def edit_service(service_id: int | None = None, structure_id: int | None = None):
    entry = queries.get_service(service_id) if service_id else None
    owner = entry.structure if entry else db.get_or_404(Structure, structure_id)
    permissions.require(permissions.can_edit_structure(current_user, owner))
    form = ServiceForm(obj=entry)
    if entry is not None and request.method == "GET":
        form.fill_from(entry)
    if form.validate_on_submit():
        fields = form.service_fields()
        entry = operations.save_service(
            entry,
            owner,
            current_user,
            thematiques=fields.pop("thematiques"),
            zone_eligibilite=fields.pop("zone_eligibilite"),
            **fields,
        )
        db.session.commit()
        flash(f"Le service « {entry.name} » est enregistré et confirmé à jour.", "success")
        return redirect(url_for("directory.service", service_id=entry.id))
    return render_template(
        "directory/edit_service.html", form=form, service=entry, structure=owner
    ), 400 if form.errors else 200


@login_required
def confirm_service(service_id: int):
    entry = queries.get_service(service_id)
    permissions.require(permissions.can_confirm_service(current_user, entry))
    if EmptyForm().validate_on_submit():
        operations.confirm_service(entry, current_user)
        db.session.commit()
        flash("Merci : la fiche est confirmée à jour.", "success")
    else:
        flash(BUTTON_CSRF_MESSAGE, "error")
    return redirect(url_for("directory.service", service_id=entry.id))


@login_required
def stale():
    """Every entry to confirm (coordination), or the structure's own (its manager; `?fiches=miennes`)."""
    membership = current_membership()
    permissions.require(permissions.can_see_stale_entries(current_user, membership))
    own = permissions.sees_own_stale_entries_only(current_user, membership) or (
        request.args.get("fiches") == "miennes" and membership is not None
    )
    search = search_text(request.args.get("q"))
    page = queries.stale_services_page(
        search, request.args.get("page"), organisation_id=membership.organisation_id if own else None
    )
    return render_template("directory/stale.html", page=page, search=search, own=own)


@login_required
def to_confirm():
    """The coordination's « Services à confirmer »: asked by e-mail a month ago, still not confirmed."""
    permissions.require(permissions.can_see_stale_entries(current_user))
    search = search_text(request.args.get("q"))
    page = freshness.services_to_confirm_page(search, request.args.get("page"))
    return render_template("directory/to_confirm.html", page=page, search=search)


@redisplay_on_csrf_error
def confirm_freshness(token: str):
    """The « Tout est à jour » link of the freshness e-mail: a page with a button (GET confirms nothing)."""
    try:
        found = freshness.request_from_token(token)
    except InvalidToken as error:
        return render_template("directory/freshness_invalid_link.html", message=error.message), 400
    form = EmptyForm()
    if form.validate_on_submit():
        confirmed = freshness.confirm_request(found)
        db.session.commit()
        return render_template("directory/freshness_confirmed.html", request_=found, confirmed=confirmed)
    return render_template("directory/freshness_confirm.html", form=form, request_=found)


# ---------------------------------------------------------------------------------------------
# The coordination's imports: upload or sync → preview (a dry run in the worker) → « Appliquer »


@login_required
@redisplay_on_csrf_error
def imports():
    permissions.require(permissions.can_import(current_user))
    form = ImportForm()
    if form.validate_on_submit():
        try:
            run = import_runs.start_file_import(
                form.document.data, ImportSource(form.source.data), partial=form.partial.data, user=current_user
            )
        except import_runs.RejectedUpload as refusal:
            db.session.rollback()
            form.document.errors = [str(refusal)]
        else:
            db.session.commit()
            flash("Fichier reçu : l'aperçu de ce qui changerait est en préparation, rien n'est encore modifié.", "info")
            return redirect(url_for("directory.import_run", run_id=run.id))
    runs = queries.import_runs_page(as_id(request.args.get("page")))
    return render_template(
        "directory/imports.html",
        form=form,
        sync_form=EmptyForm(),
        runs=runs,
        page_url=lambda page: url_for("directory.imports", page=page),
    ), 400 if form.errors else 200


@login_required
def start_sync():
    permissions.require(permissions.can_import(current_user))
    if not EmptyForm().validate_on_submit():
        flash(BUTTON_CSRF_MESSAGE, "error")
        return redirect(url_for("directory.imports"))
    run = import_runs.start_sync(user=current_user)
    db.session.commit()
    flash("Synchronisation demandée : l'aperçu de ce qui changerait est en préparation.", "info")
    return redirect(url_for("directory.import_run", run_id=run.id))


@login_required
def import_run(run_id: int):
    permissions.require(permissions.can_import(current_user))
    run = queries.get_import_run(run_id)
    return render_template("directory/import_run.html", run=run, apply_form=EmptyForm())


@login_required
def apply_import(run_id: int):
    permissions.require(permissions.can_import(current_user))
    run = queries.get_import_run(run_id)
    if not EmptyForm().validate_on_submit():
        flash(BUTTON_CSRF_MESSAGE, "error")
    elif import_runs.queue_apply(run):
        db.session.commit()
        flash("Import lancé : suivez sa progression ci-dessous.", "info")
    else:
        flash("Cet import n'attend pas d'être appliqué (déjà lancé, appliqué ou en échec).", "error")
    return redirect(url_for("directory.import_run", run_id=run.id))


@login_required
def import_progress(run_id: int):
    """What the progress script polls (JSON): status, percentage, records read."""
    permissions.require(permissions.can_import(current_user))
    run = queries.get_import_run(run_id)
    return jsonify(
        status=run.status.value,
        label=run.status.label,
        running=run.status.is_running,
        progress=run.progress,
        processed=run.processed,
        expected=run.expected,
    )


@login_required
@redisplay_on_csrf_error
def report_error(service_id: int):
    entry = queries.get_service(service_id)
    permissions.require(permissions.can_report_error(current_user, entry))
    form = ErrorReportForm()
    if form.validate_on_submit():
        freshness.report_error(entry, current_user, form.message.data)
        db.session.commit()
        flash(f"Merci : votre signalement est transmis {permissions.report_handlers(entry)}.", "success")
        return redirect(url_for("directory.service", service_id=entry.id))
    return render_template("directory/report_error.html", form=form, service=entry), 400 if form.errors else 200


@login_required
def reports():
    """Error reports about structures without anyone to process them: the coordination's list."""
    permissions.require(permissions.can_see_stale_entries(current_user))
    return render_template(
        "directory/reports.html", reports=freshness.list_open_reports(without_managers=True), empty_form=EmptyForm()
    )


@login_required
def report_done(report_id: int):
    report = db.get_or_404(ServiceErrorReport, report_id)
    permissions.require(permissions.can_process_report(current_user, report))
    if EmptyForm().validate_on_submit():
        freshness.mark_report_done(report, current_user)
        db.session.commit()
        flash("Le signalement est marqué comme traité.", "success")
    else:
        flash(BUTTON_CSRF_MESSAGE, "error")
    if request.form.get("from") == "structure":
        return redirect(url_for("organisations.my_structure_services"))
    return redirect(url_for("directory.reports"))
