"""Reads shared by the journals (the person log, the security journal)."""

from __future__ import annotations

import sqlalchemy as sa

from orientation.auth.models import User
from orientation.extensions import db
from orientation.organisations.models import Organisation


def names(user_ids: set[int], organisation_ids: set[int]) -> tuple[dict[int, str], dict[int, str]]:
    """Names of these accounts and of these structures, by id (two queries at most)."""
    users = (
        {
            row.id: f"{row.first_name} {row.last_name}"
            for row in db.session.execute(
                sa.select(User.id, User.first_name, User.last_name).where(User.id.in_(user_ids))
            )
        }
        if user_ids
        else {}
    )
    organisations = (
        dict(
            db.session.execute(
                sa.select(Organisation.id, Organisation.name).where(Organisation.id.in_(organisation_ids))
            ).all()
        )
        if organisation_ids
        else {}
    )
    return users, organisations
