"""« Ma structure »: the manager's one place for the structure they act for — its directory details, its
services, its members, how it receives orientations, its API access (the API area's page, under the same
side menu). A manager who acts for a structure they do not manage is offered the ones they manage."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from orientation import french
from orientation.acting import current_membership
from orientation.auth.forms import EmptyForm
from orientation.csrf import redisplay_on_csrf_error
from orientation.db import as_id
from orientation.directory import freshness
from orientation.directory import operations as directory_operations
from orientation.directory import permissions as directory_permissions
from orientation.directory.forms import StructureForm
from orientation.directory.models import Structure
from orientation.directory.reach import reach_of
from orientation.extensions import db
from orientation.organisations import joining, permissions, queries, views
from orientation.organisations.forms import ReceptionSettingsForm
from orientation.organisations.models import Organisation


def _own_organisation() -> Organisation | None:
    """The structure the manager acts for, or None when they act for one they do not manage (403 for
    whoever manages none)."""
    membership = current_membership()
    if permissions.can_manage_own_structure(current_user, membership):
        return membership.organisation
    permissions.require(permissions.manages_a_structure(current_user))
    return None


def _choose():
    """Acting for a structure they do not manage: which of those they manage to open."""
    return render_template(
        "organisations/my_structure/choose.html", managed=queries.managed_memberships(current_user), tab=None
    )


def _chosen_structure(structures: list[Structure]) -> Structure | None:
    """The directory entry shown (`?fiche=`), among the structure's own only."""
    wanted = request.args.get("fiche")
    if wanted is None:
        return structures[0] if structures else None
    found = next((structure for structure in structures if structure.id == as_id(wanted)), None)
    if found is None:
        abort(404)
    return found


@login_required
@redisplay_on_csrf_error
def details():
    organisation = _own_organisation()
    if organisation is None:
        return _choose()
    structures = queries.structures_of(organisation)
    structure = _chosen_structure(structures)
    form = StructureForm(obj=structure) if structure is not None else None
    if form is not None and request.method == "GET":
        form.fill_hours(structure.horaires_accueil)
    if form is not None and form.validate_on_submit():
        directory_permissions.require(directory_permissions.can_edit_structure(current_user, structure))
        changed = directory_operations.save_structure(structure, current_user, **form.structure_fields())
        db.session.commit()
        flash(*StructureForm.saved_message(structure.name, changed))
        return redirect(url_for("organisations.my_structure", fiche=structure.id))
    return render_template(
        "organisations/my_structure/details.html",
        tab="details",
        organisation=organisation,
        structures=structures,
        structure=structure,
        form=form,
    ), 400 if form is not None and form.errors else 200


@login_required
def services():
    organisation = _own_organisation()
    if organisation is None:
        return _choose()
    structures = queries.structures_of(organisation)
    return render_template(
        "organisations/my_structure/services.html",
        tab="services",
        organisation=organisation,
        structures=structures,
        reach_of=reach_of,
        reports=freshness.list_open_reports(structure_ids=[structure.id for structure in structures]),
        received_elsewhere=queries.services_received_by(organisation),
        empty_form=EmptyForm(),
    )


@login_required
@redisplay_on_csrf_error
def members():
    organisation = _own_organisation()
    if organisation is None:
        return _choose()
    return views.members_page(organisation, tab="members")


@login_required
@redisplay_on_csrf_error
def reception():
    organisation = _own_organisation()
    if organisation is None:
        return _choose()
    structures = queries.structures_of(organisation)
    own_services = [service for structure in structures for service in structure.services]
    form = ReceptionSettingsForm(
        services=own_services,
        data=None
        if request.method == "POST"
        else {
            "accepting": [service.id for service in own_services if service.accepts_orientations],
            "notification_digest": organisation.notification_digest,
        },
    )
    if form.validate_on_submit():
        changed = joining.save_reception(
            organisation, own_services, set(form.accepting.data or ()), digest=bool(form.notification_digest.data)
        )
        db.session.commit()
        flash(
            "Les réglages de réception sont enregistrés "
            f"({len(changed)} {french.plural(len(changed), 'service modifié', 'services modifiés')}).",
            "success",
        )
        return redirect(url_for("organisations.my_reception"))
    return render_template(
        "organisations/my_structure/reception.html",
        tab="reception",
        form=form,
        organisation=organisation,
        structures=structures,
        accepting=set(form.accepting.data or ()),
        reach_of=reach_of,
        recipients=queries.reception_recipients(organisation),
        received_elsewhere=queries.services_received_by(organisation),
    ), 400 if form.errors else 200
