"""The security journal: every account's logins, failures and changes of rights, for the coordination."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user, login_required

from orientation import clock
from orientation.audit import security_queries as queries
from orientation.audit.models import SecurityEventKind
from orientation.audit.security_display import describe
from orientation.auth.forms import SecurityJournalFilters
from orientation.auth.permissions import can_view_security_journal
from orientation.csv_download import csv_download

FAILURES = {kind.value for kind in SecurityEventKind if kind.is_failure}
COLUMNS = [
    ("at", "Date et heure (UTC)"),
    ("kind", "Événement"),
    ("account", "Compte"),
    ("email", "Adresse"),
    ("by", "Par"),
    ("organisation", "Structure"),
    ("detail", "Détail"),
    ("ip_address", "Adresse IP"),
    ("user_agent", "Navigateur"),
]


def event_rows(events) -> list[dict]:
    users, organisations = queries.names_of(events)
    return [
        {
            "at": event.at,
            "kind": event.kind_label,
            "failure": event.kind in FAILURES,
            "account": users.get(event.user_id) or "",
            "email": event.email or "",
            "by": users.get(event.actor_id, "") if event.actor_id else "",
            "organisation": organisations.get(event.organisation_id, ""),
            "detail": describe(event),
            "ip_address": event.ip_address or "",
            "user_agent": event.user_agent or "",
        }
        for event in events
    ]


def _context():
    if not can_view_security_journal(current_user):
        abort(403)
    form = SecurityJournalFilters(request.args)
    notices = form.clean()
    start, end = form.utc_period()
    filters = queries.JournalFilters(
        kind=SecurityEventKind(form.type.data) if form.type.data else None,
        failures_only=bool(form.echecs.data),
        email=(form.compte.data or "").strip() or None,
        start=start,
        end=end,
    )
    return form, filters, notices


@login_required
def security_journal():
    form, filters, notices = _context()
    result = queries.journal_page(filters, request.args.get("page", type=int))
    return render_template(
        "auth/security_journal.html",
        form=form,
        notices=notices,
        rows=event_rows(result.items),
        result=result,
        query_args=form.query_args(),
    )


@login_required
def security_journal_csv():
    _form, filters, _notices = _context()
    return csv_download(event_rows(queries.journal(filters)), COLUMNS, f"journal-securite-{clock.now():%Y-%m-%d}.csv")
