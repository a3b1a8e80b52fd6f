"""RGPD pages: a person's file (journal, export, what was shared, erasure) and the structure's journal."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from orientation import clock, french
from orientation.audit import wording
from orientation.audit.access import logs_person_access, person_accessed
from orientation.audit.models import AuditAction
from orientation.audit.operations import log_person_event
from orientation.auth.session import current_membership
from orientation.csrf import redisplay_on_csrf_error
from orientation.csv_download import csv_download
from orientation.extensions import db
from orientation.referrals.models import SharedField
from orientation.rgpd import erasure, export, permissions, queries
from orientation.rgpd.forms import EraseForm, StructureJournalFilters


def _acting_organisation_id(person) -> int:
    membership = current_membership()
    return membership.organisation_id if membership is not None else person.organisation_id


def _load(person_id: int, allowed):
    person = queries.get_person(person_id)
    permissions.require(allowed(current_user, person))
    person_accessed(person, organisation=_acting_organisation_id(person))
    return person


def _journal_rows(entries):
    users, organisations = queries.names_of(entries)
    return [
        {
            "at": entry.at,
            "action": entry.action.label,
            "user": users.get(entry.user_id, "Système"),
            "organisation": organisations.get(entry.organisation_id, ""),
            "purpose": wording.purpose_label(entry.purpose),
            "what": export.SECTION_TITLES.get(entry.target, "Autre donnée de la fiche") if entry.target else "",
            "target_id": entry.target_id,
            "fields": wording.fields_label(entry.fields),
            "ip_address": entry.ip_address or "",
            "user_agent": entry.user_agent or "",
            "orientation_id": entry.orientation_id,
            "person_id": entry.person_id,
            "organisation_id": entry.organisation_id,
            "by_system": entry.user_id is None,
        }
        for entry in entries
    ]


@login_required
@logs_person_access(kind="rgpd.journal")
def journal(person_id: int):
    person = _load(person_id, permissions.can_view_journal)
    db.session.commit()
    page = queries.journal_page(person.id, request.args.get("page"))
    return render_template("rgpd/journal.html", person=person, page=page, rows=_journal_rows(page.items))


JOURNAL_COLUMNS = [
    ("at", "Date et heure (UTC)"),
    ("action", "Action"),
    ("user", "Par"),
    ("organisation", "Pour la structure"),
    ("purpose", "Page ou traitement"),
    ("what", "Donnée"),
    ("target_id", "N° de l'élément"),
    ("fields", "Champs modifiés"),
    ("orientation_id", "Orientation"),
    ("ip_address", "Adresse IP"),
    ("user_agent", "Navigateur"),
]


@login_required
@logs_person_access(kind="rgpd.journal_csv")
def journal_csv(person_id: int):
    person = _load(person_id, permissions.can_view_journal)
    db.session.commit()
    return csv_download(
        _journal_rows(queries.journal(person.id, limit=None)), JOURNAL_COLUMNS, f"journal-personne-{person.id}.csv"
    )


def _structure_journal_context():
    """Load → check access → the filters of the URL (unusable values are reported and ignored)."""
    membership = current_membership()
    permissions.require(permissions.can_view_structure_journal(current_user, membership))
    organisation_id = membership.organisation_id
    form = StructureJournalFilters(request.args)
    form.offer_agents(queries.structure_journal_agents(organisation_id))
    notices = form.clean()
    start, end = form.utc_period()
    filters = queries.StructureJournalFilters(
        user_id=int(form.par.data) if form.par.data else None,
        action=AuditAction(form.action.data) if form.action.data else None,
        start=start,
        end=end,
        outside_only=bool(form.hors_structure.data),
    )
    return membership.organisation, form, filters, notices


@login_required
def structure_journal():
    organisation, form, filters, notices = _structure_journal_context()
    result = queries.structure_journal_page(organisation.id, filters, request.args.get("page", type=int))
    return render_template(
        "rgpd/structure_journal.html",
        organisation=organisation,
        form=form,
        notices=notices,
        rows=_journal_rows(result.items),
        result=result,
        query_args=form.query_args(),
    )


@login_required
def structure_journal_csv():
    organisation, _form, filters, _notices = _structure_journal_context()
    rows = _journal_rows(queries.structure_journal(organisation.id, filters))
    return csv_download(
        rows,
        [("person_id", "Fiche n°"), *JOURNAL_COLUMNS],
        f"journal-structure-{organisation.id}-{clock.now():%Y-%m-%d}.csv",
    )


def _export(person_id: int, purpose: str):
    person = queries.get_person(person_id)
    permissions.require(permissions.can_export(current_user, person))
    log_person_event(
        person.id, AuditAction.EXPORT, user=current_user, organisation=_acting_organisation_id(person), purpose=purpose
    )
    db.session.commit()  # the export is logged before it is read (it includes its own entry)
    return person, export.collect(person.id)


@login_required
def export_page(person_id: int):
    person, data = _export(person_id, "rgpd.export")
    return render_template(
        "rgpd/export.html", person=person, data=data, titles=export.SECTION_TITLES, exported_at=clock.now()
    )


@login_required
def export_json(person_id: int):
    person, data = _export(person_id, "rgpd.export_json")
    body = json.dumps(data.as_json(clock.now()), ensure_ascii=False, indent=2, default=str)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="donnees-personne-{person.id}.json"'},
    )


@login_required
@logs_person_access(kind="rgpd.shared")
def shared(person_id: int):
    person = _load(person_id, permissions.can_view_shared)
    db.session.commit()
    return render_template(
        "rgpd/shared.html",
        person=person,
        orientations=queries.shared_orientations(person.id),
        cases=queries.mas_cases(person.id),
        consents=person.consents,
        always_shared="Votre nom et votre prénom",
        shared_field=SharedField,
    )


@login_required
@redisplay_on_csrf_error
@logs_person_access(kind="rgpd.erase")
def erase(person_id: int):
    person = _load(person_id, permissions.can_erase)
    form = EraseForm()
    refusal = erasure.refusal_reason(person)
    if refusal is None and form.validate_on_submit():
        name_for_message = person.full_name
        result = erasure.erase_person(person, user=current_user, organisation=_acting_organisation_id(person))
        db.session.commit()
        flash(
            f"La fiche {french.de(name_for_message)} est effacée."
            if result.deleted
            else f"La fiche {french.de(name_for_message)} est anonymisée : son identité, ses coordonnées "
            "et les textes libres sont effacés ; seuls les chiffres anonymes du suivi restent.",
            "success",
        )
        return redirect(url_for("people.list"))
    db.session.commit()
    status = 409 if refusal else (400 if form.errors else 200)
    return render_template("rgpd/erase.html", person=person, form=form, refusal=refusal), status
