"""Builders for test data: short calls with sensible defaults (`make.user(...)`)."""

from __future__ import annotations

import itertools

from orientation.auth import operations as auth_operations
from orientation.extensions import db
from orientation.organisations.models import Membership, MembershipRole, Organisation, OrganisationType

PASSWORD = "un mot de passe de test"
_counter = itertools.count(1)


def organisation(
    name: str | None = None,
    type: OrganisationType = OrganisationType.EDES,
    commune_code: str | None = "84007",
    **fields,
) -> Organisation:
    organisation = Organisation(
        name=name or f"Structure {next(_counter)}", type=type, commune_code=commune_code, **fields
    )
    db.session.add(organisation)
    db.session.flush()
    return organisation


def user(
    email: str | None = None,
    *,
    organisation: Organisation | None = None,
    role: MembershipRole = MembershipRole.AGENT,
    coordinator: bool = False,
    password: str = PASSWORD,
    first_name: str = "Alex",
    last_name: str = "Test",
    active: bool = True,
):
    user = auth_operations.create_user(
        email or f"user{next(_counter)}@test.orientation.fr",
        first_name,
        last_name,
        password,
        is_coordinator=coordinator,
    )
    user.active = active
    if organisation is not None:
        membership(user, organisation, role)
    db.session.flush()
    return user


def membership(user, organisation: Organisation, role: MembershipRole = MembershipRole.AGENT) -> Membership:
    membership = Membership(user=user, organisation=organisation, role=role)
    db.session.add(membership)
    db.session.flush()
    return membership


def agent(organisation_: Organisation | None = None, **kwargs):
    return user(organisation=organisation_ or organisation(), **kwargs)


def manager(organisation_: Organisation | None = None, **kwargs):
    return user(organisation=organisation_ or organisation(), role=MembershipRole.MANAGER, **kwargs)


def totp(user) -> str:
    """Turn the user's second factor on (no code used yet); return the secret to compute codes with."""
    import pyotp

    from orientation import clock

    user.totp_secret = pyotp.random_base32()
    user.totp_enabled_at = clock.now()
    db.session.flush()
    return user.totp_secret


def totp_code(secret: str, offset_steps: int = 0) -> str:
    """The code an authenticator app shows now (per the project clock), or `offset_steps` later."""
    import pyotp

    from orientation import clock

    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(clock.now()) + offset_steps)
