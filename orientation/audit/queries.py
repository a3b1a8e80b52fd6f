"""Reads shared by the journals (the person log, the security journal)."""

from __future__ import annotations

import sqlalchemy as sa

from orientation.extensions import db

# The journals name accounts and structures by their tables, not their models: the audit area sits
# below the areas whose acts it records (auth, organisations) and imports none of them.
_users = sa.table("users", sa.column("id"), sa.column("first_name"), sa.column("last_name"))
_organisations = sa.table("organisations", sa.column("id"), sa.column("name"))


def names(user_ids: set[int], organisation_ids: set[int]) -> tuple[dict[int, str], dict[int, str]]:
    """Names of these accounts and of these structures, by id (two queries at most)."""
    users = (
        {
            row.id: f"{row.first_name} {row.last_name}"
            for row in db.session.execute(
                sa.select(_users.c.id, _users.c.first_name, _users.c.last_name).where(_users.c.id.in_(user_ids))
            )
        }
        if user_ids
        else {}
    )
    organisations = (
        dict(
            db.session.execute(
                sa.select(_organisations.c.id, _organisations.c.name).where(_organisations.c.id.in_(organisation_ids))
            ).all()
        )
        if organisation_ids
        else {}
    )
    return users, organisations
