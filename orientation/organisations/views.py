"""Coordinators manage organisations; managers and coordinators manage members."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from orientation import french
from orientation.acting import current_membership
from orientation.auth import operations as auth_operations
from orientation.auth.forms import AcceptInvitationForm, EmptyForm
from orientation.auth.session import choose_membership
from orientation.auth.views import continue_login
from orientation.csrf import redisplay_on_csrf_error
from orientation.extensions import db
from orientation.organisations import joining, operations, permissions, queries
from orientation.organisations.forms import InvitationForm, NotificationPreferenceForm, OrganisationForm, RoleForm
from orientation.organisations.models import Invitation, Membership, MembershipRole, Organisation
from orientation.paging import search_text


@login_required
def list_organisations():
    permissions.require(permissions.can_manage_organisations(current_user))
    search = search_text(request.args.get("q"))
    page = queries.organisations_page(search, request.args.get("page"))
    return render_template("organisations/list.html", page=page, search=search)


@login_required
@redisplay_on_csrf_error
def edit_organisation(organisation_id: int | None = None):
    permissions.require(permissions.can_manage_organisations(current_user))
    organisation = db.get_or_404(Organisation, organisation_id) if organisation_id else None
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        organisation = operations.save_organisation(
            organisation or Organisation(),
            name=form.name.data,
            type=form.type.data,
            siret=form.siret.data or None,
            commune_code=form.commune_code.data or None,
            email=form.email.data or None,
            phone=form.phone.data or None,
            active=form.active.data,
            notification_digest=form.notification_digest.data,
        )
        db.session.commit()
        flash(f"La structure « {organisation.name} » est enregistrée.", "success")
        return redirect(url_for("organisations.members", organisation_id=organisation.id))
    return render_template("organisations/edit.html", form=form, organisation=organisation), 400 if form.errors else 200


@login_required
@redisplay_on_csrf_error
def members(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    permissions.require(permissions.can_manage_members(current_user, organisation))
    return members_page(organisation)


def members_page(organisation: Organisation, tab: str | None = None):
    """The members, their roles, the pending invitations and the invitation form; `tab`: shown in « Ma
    structure » (its side menu) rather than as the coordination's page of any structure."""
    form = InvitationForm()
    if not permissions.can_grant_coordinator(current_user):
        del form.grants_coordinator
    if form.validate_on_submit():
        try:
            operations.invite_member(
                current_user,
                organisation,
                form.email.data,
                MembershipRole(form.role.data),
                grants_coordinator=bool(getattr(form, "grants_coordinator", None) and form.grants_coordinator.data),
            )
        except operations.MembershipError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Invitation envoyée à {form.email.data}.", "success")
            return redirect(members_url(organisation.id))
    return render_template(
        "organisations/members.html",
        organisation=organisation,
        form=form,
        tab=tab,
        members=queries.list_members(organisation),
        invitations=queries.list_pending_invitations(organisation),
        role_form=RoleForm(),
        empty_form=EmptyForm(),
        preference_form=NotificationPreferenceForm(notification_digest=organisation.notification_digest),
    ), 400 if form.errors else 200


def members_url(organisation_id: int) -> str:
    """Back to the members: the manager's « Ma structure » for the structure they act for, else the page of
    that structure (the coordination's)."""
    membership = current_membership()
    if permissions.can_manage_own_structure(current_user, membership) and membership.organisation_id == organisation_id:
        return url_for("organisations.my_members")
    return url_for("organisations.members", organisation_id=organisation_id)


@login_required
def change_role(membership_id: int):
    membership = db.get_or_404(Membership, membership_id)
    permissions.require(permissions.can_change_membership(current_user, membership))
    form = RoleForm()
    if form.validate_on_submit():
        _apply(
            lambda: operations.change_role(membership, MembershipRole(form.role.data)),
            f"Le rôle {french.de(membership.user.full_name)} est modifié.",
        )
    else:
        flash("Le rôle demandé n'est pas valide.", "error")
    return redirect(members_url(membership.organisation_id))


@login_required
def remove_member(membership_id: int):
    membership = db.get_or_404(Membership, membership_id)
    permissions.require(permissions.can_change_membership(current_user, membership))
    organisation_id, name = membership.organisation_id, membership.user.full_name
    if EmptyForm().validate_on_submit():
        _apply(lambda: operations.remove_member(membership), f"{name} ne fait plus partie de la structure.")
    return redirect(members_url(organisation_id))


@login_required
def revoke_invitation(invitation_id: int):
    invitation = db.get_or_404(Invitation, invitation_id)
    permissions.require(permissions.can_manage_members(current_user, invitation.organisation))
    if EmptyForm().validate_on_submit():
        _apply(lambda: operations.revoke_invitation(invitation), f"L'invitation de {invitation.email} est annulée.")
    return redirect(members_url(invitation.organisation_id))


def _apply(operation, success_message: str) -> None:
    try:
        operation()
    except operations.MembershipError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(success_message, "success")


@login_required
def notification_preference(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    permissions.require(permissions.can_manage_members(current_user, organisation))
    form = NotificationPreferenceForm()
    if form.validate_on_submit():
        joining.set_digest(organisation, bool(form.notification_digest.data))
        db.session.commit()
        flash("Les préférences d'e-mail de la structure sont enregistrées.", "success")
    return redirect(members_url(organisation.id))


@redisplay_on_csrf_error
def accept_invitation(token: str):
    invitation = queries.get_invitation_by_token(token)
    problem = operations.invitation_problem(invitation)
    if problem:
        return render_template("auth/invalid_link.html", message=problem), 400
    existing = auth_operations.get_user_by_email(invitation.email)
    form = EmptyForm() if existing else AcceptInvitationForm()
    form.email_for_policy = invitation.email
    if form.validate_on_submit():
        user = operations.accept_invitation(
            invitation,
            existing,
            first_name=getattr(form, "first_name", None) and form.first_name.data,
            last_name=getattr(form, "last_name", None) and form.last_name.data,
            password=getattr(form, "password", None) and form.password.data,
        )
        db.session.commit()
        choose_membership(user, user.memberships[-1].id)
        flash(f"Bienvenue ! Vous avez rejoint {invitation.organisation.name}.", "success")
        return continue_login(user, "invitation", "")
    return render_template(
        "auth/accept_invitation.html", form=form, invitation=invitation, existing=existing
    ), 400 if form.errors else 200
