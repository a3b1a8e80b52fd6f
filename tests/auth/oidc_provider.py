"""A small but real OpenID Connect provider, served over HTTP in a thread, standing in for ProConnect.

It speaks what ProConnect speaks: discovery, JWKS, the authorization code flow with state and nonce,
client_secret_post at the token endpoint, RS256-signed id_tokens, a userinfo endpoint answering a
signed JWT (application/jwt), and RP-initiated logout. Tests choose who "logs in" at the provider
(`provider.login_as`) and can make it misbehave (wrong nonce, foreign signing key).
"""

from __future__ import annotations

import secrets
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import Flask, abort, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "orientation-tests"
CLIENT_SECRET = "secret-du-fournisseur-de-test"


@dataclass
class Agent:
    email: str
    given_name: str = "Camille"
    usual_name: str = "Agent"
    siret: str = "22840001700016"
    uid: str = field(default_factory=lambda: secrets.token_hex(4))

    @property
    def sub(self) -> str:
        return f"sub-{self.uid}"


@dataclass
class Provider:
    base_url: str
    key: RSAKey
    login_as: Agent | None = None
    wrong_nonce: bool = False
    acr_answer: str | None = None  # the level the provider claims, whatever was asked (None: as asked)
    foreign_key: bool = False
    codes: dict = field(default_factory=dict)
    authorize_requests: list = field(default_factory=list)
    logout_requests: list = field(default_factory=list)

    @property
    def discovery_url(self) -> str:
        return self.base_url + "/api/v2/.well-known/openid-configuration"

    def reset(self) -> None:
        self.login_as, self.wrong_nonce, self.foreign_key, self.acr_answer = None, False, False, None
        self.codes.clear()
        self.authorize_requests.clear()
        self.logout_requests.clear()

    def sign(self, claims: dict) -> str:
        key = RSAKey.generate_key(2048, parameters={"kid": self.key.kid}) if self.foreign_key else self.key
        return jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, key)


def _create_app(provider: Provider) -> Flask:
    app = Flask("oidc_provider")

    @app.get("/api/v2/.well-known/openid-configuration")
    def discovery():
        base = provider.base_url + "/api/v2"
        return jsonify(
            {
                "issuer": base,
                "authorization_endpoint": base + "/authorize",
                "token_endpoint": base + "/token",
                "userinfo_endpoint": base + "/userinfo",
                "jwks_uri": base + "/jwks",
                "end_session_endpoint": base + "/session/end",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "scopes_supported": ["openid", "email", "given_name", "usual_name", "siret", "uid"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "userinfo_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
                "acr_values_supported": ["eidas1"],
            }
        )

    @app.get("/api/v2/jwks")
    def jwks():
        return jsonify(KeySet([provider.key]).as_dict(private=False))

    @app.get("/api/v2/authorize")
    def authorize():
        args = request.args
        provider.authorize_requests.append(dict(args))
        if (
            args.get("client_id") != CLIENT_ID
            or args.get("response_type") != "code"
            or "openid" not in args.get("scope", "").split()
        ):
            abort(400)
        agent = provider.login_as
        if agent is None:
            return redirect(
                args["redirect_uri"] + "?" + urlencode({"error": "access_denied", "state": args.get("state", "")})
            )
        code = secrets.token_urlsafe(16)
        provider.codes[code] = {
            "agent": agent,
            "nonce": args.get("nonce"),
            "redirect_uri": args["redirect_uri"],
            "acr": args.get("acr_values", "eidas1"),
        }
        return redirect(args["redirect_uri"] + "?" + urlencode({"code": code, "state": args.get("state", "")}))

    @app.post("/api/v2/token")
    def token():
        form = request.form
        grant = provider.codes.pop(form.get("code", ""), None)  # a code works once
        if (
            grant is None
            or form.get("client_id") != CLIENT_ID
            or form.get("client_secret") != CLIENT_SECRET
            or form.get("redirect_uri") != grant["redirect_uri"]
        ):
            return jsonify({"error": "invalid_grant"}), 400
        agent, now = grant["agent"], int(time.time())
        access_token = secrets.token_urlsafe(24)
        provider.codes[f"access:{access_token}"] = agent
        id_token = provider.sign(
            {
                "iss": provider.base_url + "/api/v2",
                "sub": agent.sub,
                "aud": CLIENT_ID,
                "iat": now,
                "exp": now + 60,
                "nonce": "un-autre-nonce" if provider.wrong_nonce else grant["nonce"],
                "acr": provider.acr_answer if provider.acr_answer is not None else grant["acr"],
                "amr": ["pwd"],
            }
        )
        return jsonify(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 60,
                "id_token": id_token,
                "scope": "openid email given_name usual_name siret uid",
            }
        )

    @app.get("/api/v2/userinfo")
    def userinfo():
        bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
        agent = provider.codes.get(f"access:{bearer}")
        if agent is None:
            return jsonify({"error": "invalid_token"}), 401
        claims = {
            "iss": provider.base_url + "/api/v2",
            "aud": CLIENT_ID,
            "sub": agent.sub,
            "email": agent.email,
            "given_name": agent.given_name,
            "usual_name": agent.usual_name,
            "siret": agent.siret,
            "uid": agent.uid,
        }
        return provider.sign(claims), 200, {"Content-Type": "application/jwt; charset=utf-8"}

    @app.get("/api/v2/session/end")
    def end_session():
        provider.logout_requests.append(dict(request.args))
        target = request.args["post_logout_redirect_uri"]
        return redirect(target + "?" + urlencode({"state": request.args.get("state", "")}))

    return app


@contextmanager
def running_provider():
    server = make_server("127.0.0.1", 0, None, threaded=True)
    provider = Provider(
        base_url=f"http://127.0.0.1:{server.server_port}",
        key=RSAKey.generate_key(2048, parameters={"kid": "test-key-1", "use": "sig"}),
    )
    server.app = _create_app(provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(timeout=10)
