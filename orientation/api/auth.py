"""Who is calling: the API token of the request, and the organisation and person it acts for.

A token acts for its organisation through the manager who created it. `ApiActor` is that user
seen through that one organisation only: the need-to-know rules, `lifecycle.transition()` and the
operations receive it as the user, so a token never sees what its creator sees in another
structure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import request

from orientation import clock
from orientation.api.models import ApiToken, Scope
from orientation.api.problems import ApiProblem
from orientation.api.tokens import bearer_token, token_hash
from orientation.auth.models import User
from orientation.extensions import db
from orientation.organisations.models import Membership, MembershipRole

_CALLER_KEY = "orientation.api_caller"
LAST_USED_PRECISION = timedelta(minutes=1)  # one UPDATE a minute per token at most, not one per request


class ApiActor:
    """The token's creator, restricted to the token's organisation (duck-types a User)."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_coordinator = False  # an API token never carries the coordination's rights

    def __init__(self, user: User, membership: Membership):
        self._user = user
        self.memberships = [membership]

    def __getattr__(self, name):
        return getattr(self._user, name)


@dataclass
class ApiCaller:
    token: ApiToken
    actor: ApiActor

    @property
    def organisation_id(self) -> int:
        return self.token.organisation_id


def _unauthenticated(detail_fr: str, detail_en: str) -> ApiProblem:
    return ApiProblem(
        401, detail_fr, detail_en, code="unauthenticated", headers={"WWW-Authenticate": 'Bearer realm="orientation"'}
    )


def current_caller(required_scope: Scope | None, *, optional: bool = False) -> ApiCaller | None:
    """The authenticated caller (401 without a valid token, 403 without the scope); cached per request."""
    # Cached on the request itself (not on `g`, which lives as long as the app context).
    if _CALLER_KEY not in request.environ:
        request.environ[_CALLER_KEY] = _authenticate()
    caller = request.environ[_CALLER_KEY]
    if caller is None:
        if optional:
            return None
        raise _unauthenticated(
            "Donnez un jeton d'API valide dans l'en-tête « Authorization: Bearer … ».",
            "Give a valid API token in the 'Authorization: Bearer …' header.",
        )
    if required_scope is not None and required_scope not in caller.token.scope_set:
        raise ApiProblem(
            403,
            f"Ce jeton n'a pas la portée « {required_scope.value} » nécessaire ici.",
            f"This token lacks the '{required_scope.value}' scope needed here.",
            code="missing_scope",
        )
    return caller


def _authenticate() -> ApiCaller | None:
    header = request.headers.get("Authorization")
    if not header:
        return None
    secret = bearer_token(header)
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == token_hash(secret))) if secret else None
    if token is None or not token.is_active:
        raise _unauthenticated("Ce jeton d'API est inconnu ou a été révoqué.", "This API token is unknown or revoked.")
    creator = token.created_by
    membership = (
        next((m for m in creator.memberships if m.organisation_id == token.organisation_id), None)
        if creator is not None and creator.active
        else None
    )
    if membership is None or membership.role is not MembershipRole.MANAGER or not token.organisation.active:
        raise _unauthenticated(
            "Ce jeton n'est plus valable : la personne qui l'a créé n'est plus responsable de la structure "
            "(ou la structure est désactivée). Un·e responsable doit en créer un nouveau.",
            "This token is no longer valid: its creator is no longer a manager of the organisation.",
        )
    _touch(token)
    return ApiCaller(token, ApiActor(creator, membership))


def _touch(token: ApiToken) -> None:
    """Record the last use (shown to managers) without writing on every request."""
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        db.session.execute(
            sa.update(ApiToken)
            .where(ApiToken.id == token.id)
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()


def rate_limit_key() -> str:
    """Per token when one is given (its hash: no database read), else per address."""
    secret = bearer_token(request.headers.get("Authorization"))
    if secret:
        return "api-token:" + token_hash(secret)[:32]
    return "api-ip:" + (request.remote_addr or "unknown")


def rate_limit_value() -> str:
    from flask import current_app

    if bearer_token(request.headers.get("Authorization")):
        return current_app.config.get("API_RATE_LIMIT", "600/minute")
    return current_app.config.get("API_ANONYMOUS_RATE_LIMIT", "120/minute")


def address_rate_limit_value() -> str:
    """Every API request of one address, whatever token it shows (random tokens get no bucket each)."""
    from flask import current_app

    return current_app.config.get("API_ADDRESS_RATE_LIMIT", "1200/minute")


def address_key() -> str:
    return "api-address:" + (request.remote_addr or "unknown")
