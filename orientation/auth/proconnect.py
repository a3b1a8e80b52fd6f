"""ProConnect: the OpenID Connect single sign-on of French public agents (successor of AgentConnect).

The client is Authlib's; it validates state, nonce, issuer, audience and the RS256 signature of the
id_token against the provider's JWKS. ProConnect answers the userinfo endpoint with a signed JWT
(application/jwt), which is verified with the same keys. Accounts are never created here: the
e-mail must be that of an existing, active account.
"""

from __future__ import annotations

from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App
from flask import current_app
from joserfc import jwt
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from orientation.auth.models import User
from orientation.auth.operations import get_user_by_email


class ProConnectError(Exception):
    """The provider's answer cannot be trusted or used; `message` is for the user, in French."""

    def __init__(self, message: str, *, reason: str, email: str | None = None):
        super().__init__(message)
        self.message, self.reason, self.email = message, reason, email


def is_enabled() -> bool:
    return bool(current_app.config.get("PROCONNECT_DISCOVERY_URL") and current_app.config.get("PROCONNECT_CLIENT_ID"))


def client() -> FlaskOAuth2App:
    """One client per configuration, kept on the app (it caches the discovery document and keys)."""
    config = current_app.config
    settings = (
        config["PROCONNECT_DISCOVERY_URL"],
        config["PROCONNECT_CLIENT_ID"],
        config["PROCONNECT_CLIENT_SECRET"],
        config["PROCONNECT_SCOPES"],
    )
    cache = current_app.extensions.setdefault("proconnect", {})
    if settings not in cache:
        cache.clear()
        cache[settings] = FlaskOAuth2App(
            FlaskIntegration("proconnect"),
            name="proconnect",
            server_metadata_url=settings[0],
            client_id=settings[1],
            client_secret=settings[2],
            client_kwargs={
                "scope": settings[3],
                "token_endpoint_auth_method": "client_secret_post",
                "default_timeout": config["PROCONNECT_TIMEOUT"],
                # ProConnect's access tokens live 60 s: Authlib's default 60 s margin would call
                # them expired before the userinfo request.
                "leeway": 5,
            },
        )
    return cache[settings]


def fetch_userinfo(token: dict) -> dict:
    """The userinfo claims: a JWT signed by the provider (ProConnect), or plain JSON."""
    proconnect = client()
    metadata = proconnect.load_server_metadata()
    response = proconnect.get(metadata["userinfo_endpoint"], token=token)
    response.raise_for_status()
    if response.headers.get("Content-Type", "").split(";")[0].strip() != "application/jwt":
        return response.json()
    keys = KeySet.import_key_set(proconnect.fetch_jwk_set())
    algorithms = metadata.get("userinfo_signing_alg_values_supported") or ["RS256", "ES256"]
    decoded = jwt.decode(response.text.strip(), keys, registry=JWSRegistry(algorithms=algorithms))
    return dict(decoded.claims)


def check_assurance(id_claims: dict) -> None:
    """The agent was authenticated at a level we asked for: `acr_values` is only a request, and
    the provider may answer with a weaker level (OpenID Connect Core §3.1.2.1), so the ID token's
    `acr` is checked against the accepted levels."""
    accepted = current_app.config["PROCONNECT_ACR_VALUES"].split()
    if accepted and id_claims.get("acr") not in accepted:
        raise ProConnectError(
            "ProConnect ne garantit pas le niveau d'authentification demandé par Orientation pour ce compte. "
            "Connectez-vous avec votre mot de passe Orientation, ou avec un autre fournisseur d'identité.",
            reason="assurance_level",
            email=id_claims.get("email"),
        )


def account_for(id_claims: dict, userinfo: dict) -> User:
    """The active account the agent's verified e-mail belongs to."""
    check_assurance(id_claims)
    if userinfo.get("sub") != id_claims.get("sub"):
        raise ProConnectError(
            "La réponse de ProConnect est incohérente. Réessayez de vous connecter.", reason="inconsistent_answer"
        )
    email = (userinfo.get("email") or id_claims.get("email") or "").strip()
    if not email:
        raise ProConnectError(
            "ProConnect n'a pas transmis votre adresse e-mail : connectez-vous avec votre mot de passe Orientation.",
            reason="no_email",
        )
    user = get_user_by_email(email)
    if user is None or not user.active:
        raise ProConnectError(
            f"Aucun compte Orientation actif ne correspond à l'adresse {email}. Orientation ne crée pas de compte "
            "à la connexion : demandez une invitation au ou à la responsable de votre structure, ou connectez-vous "
            "avec l'adresse de votre compte.",
            reason="no_active_account",
            email=email,
        )
    return user
