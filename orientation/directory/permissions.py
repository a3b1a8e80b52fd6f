"""Who may read and edit the directory: the only place these rules live."""

from __future__ import annotations

from flask import abort

from orientation.auth.models import User
from orientation.directory.models import Service, ServiceErrorReport, Structure


def can_view_directory(user: User) -> bool:
    return user.is_authenticated


def _manages(user: User, organisation_id: int | None) -> bool:
    return organisation_id is not None and any(
        m.organisation_id == organisation_id and m.is_manager for m in user.memberships
    )


def can_edit_structure(user: User, structure: Structure) -> bool:
    """Coordinators edit everything; a structure's managers edit their own entry."""
    return user.is_authenticated and (user.is_coordinator or _manages(user, structure.organisation_id))


def can_edit_service(user: User, service: Service) -> bool:
    return can_edit_structure(user, service.structure)


def can_confirm_service(user: User, service: Service) -> bool:
    return can_edit_service(user, service)


def can_see_stale_entries(user: User, membership=None) -> bool:
    """Coordinators see every entry to confirm; a manager, those of the structure they act for."""
    return user.is_authenticated and (user.is_coordinator or sees_own_stale_entries_only(user, membership))


def sees_own_stale_entries_only(user: User, membership) -> bool:
    return (
        user.is_authenticated
        and not user.is_coordinator
        and membership is not None
        and membership.user_id == user.id
        and membership.is_manager
    )


def can_import(user: User) -> bool:
    """Imports and syncs of open data change the whole directory: the coordination only."""
    return user.is_authenticated and user.is_coordinator


def can_report_error(user: User, service: Service) -> bool:
    """« Signaler une erreur »: any logged-in user who reads the directory, on a live entry."""
    return can_view_directory(user) and service.withdrawn_at is None


def can_process_report(user: User, report: ServiceErrorReport) -> bool:
    """The structure's managers process its reports; the coordination, any (those of structures without members)."""
    return can_edit_structure(user, report.service.structure)


def report_handlers(service: Service) -> str:
    """Who will read an error report on this service (for the thank-you message)."""
    organisation = service.structure.organisation
    if (
        organisation is not None
        and organisation.active
        and any(m.is_manager and m.user.active for m in organisation.memberships)
    ):
        return "aux responsables de la structure"
    return "à la coordination départementale"


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)
