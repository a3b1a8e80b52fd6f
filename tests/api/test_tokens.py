"""Managers create, see and revoke their organisation's API tokens and webhooks (French pages)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from orientation.api.models import ApiToken, WebhookEndpoint
from orientation.api.tokens import token_hash
from orientation.extensions import db
from orientation.organisations.models import MembershipRole
from tests.api.conftest import ApiClient
from tests.referrals import builders as referral_builders

SECRET_RE = re.compile(r'id="secret" readonly value="([^"]+)"')


@pytest.fixture
def manager(world):
    return referral_builders.member(world.receiver_org, MembershipRole.MANAGER)


def test_a_manager_creates_a_token_shown_once_and_stored_hashed(world, manager, logged_in, client):
    browser = logged_in(manager)
    assert "API et webhooks" in browser.get("/structure/api/").get_data(as_text=True)
    page = browser.submit(
        "/structure/api/jetons", {"name": "Logiciel SIAO", "scopes": ["orientations", "read-directory"]}
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    secret = SECRET_RE.search(html).group(1)
    assert secret.startswith("ori_") and "Copiez ce jeton maintenant" in html
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.name == "Logiciel SIAO"))
    assert token.token_hash == token_hash(secret) and secret not in (token.prefix, token.token_hash)
    assert token.scope_set and token.last_used_at is None
    listing = browser.get("/structure/api/").get_data(as_text=True)
    assert "Jamais utilisé" in listing and secret not in listing and token.prefix in listing

    api = ApiClient(client, secret)
    assert api.get("/api/v1/orientations").status_code == 200
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at is not None
    assert "Jamais utilisé" not in browser.get("/structure/api/").get_data(as_text=True)

    revoked = browser.submit(f"/structure/api/jetons/{token.id}/revoquer", page="/structure/api/")
    assert revoked.status_code == 302
    assert api.get("/api/v1/orientations").status_code == 401


def test_the_token_form_redisplays_in_french(manager, logged_in):
    browser = logged_in(manager)
    page = browser.submit("/structure/api/jetons", {"name": "", "scopes": []})
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "Donnez un nom au jeton" in html and "Cochez au moins une autorisation" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_only_managers_of_the_organisation_manage_its_tokens(world, manager, logged_in):
    agent = logged_in(world.receiver)
    assert agent.get("/structure/api/").status_code == 403
    assert agent.submit("/structure/api/jetons", {"name": "x", "scopes": ["orientations"]}, page="/").status_code == 403
    other_manager = referral_builders.member(world.sender_org, MembershipRole.MANAGER)
    from orientation.api import operations

    token, _ = operations.create_token(
        organisation_id=world.receiver_org.id, user=manager, name="T", scopes=["orientations"]
    )
    db.session.commit()
    intruder = logged_in(other_manager)
    assert intruder.submit(f"/structure/api/jetons/{token.id}/revoquer", page="/structure/api/").status_code == 403
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_a_token_stops_when_its_creator_is_no_longer_manager(world, manager, client):
    from orientation.api import operations

    _, secret = operations.create_token(
        organisation_id=world.receiver_org.id, user=manager, name="T", scopes=["orientations"]
    )
    db.session.commit()
    api = ApiClient(client, secret)
    assert api.get("/api/v1/orientations").status_code == 200
    manager.memberships[0].role = MembershipRole.AGENT
    db.session.commit()
    refused = api.get("/api/v1/orientations")
    assert refused.status_code == 401 and "plus responsable" in refused.get_json()["detail"]


def test_webhooks_are_registered_with_https_only(manager, logged_in):
    browser = logged_in(manager)
    refused = browser.submit("/structure/api/webhooks", {"url": "http://partenaire.fr/hook"})
    assert refused.status_code == 400 and "https://" in refused.get_data(as_text=True)
    created = browser.submit("/structure/api/webhooks", {"url": "https://partenaire.fr/hook"})
    assert created.status_code == 200
    endpoint = db.session.scalar(sa.select(WebhookEndpoint))
    assert endpoint.secret in created.get_data(as_text=True)
    browser.submit(f"/structure/api/webhooks/{endpoint.id}/desactiver", page="/structure/api/")
    db.session.expire_all()
    assert db.session.get(WebhookEndpoint, endpoint.id).active is False


def test_rate_limit_per_token_answers_a_429_problem(app, world, client):
    from tests.api.conftest import make_token

    previous, app.config["API_RATE_LIMIT"] = app.config["API_RATE_LIMIT"], "3/minute"
    try:
        api = ApiClient(client, make_token(world.receiver_org)[1])
        other = ApiClient(client, make_token(world.sender_org)[1])
        assert [api.get("/api/v1/orientations").status_code for _ in range(3)] == [200, 200, 200]
        limited = api.get("/api/v1/orientations", headers={"Accept-Language": "en"})
        assert limited.status_code == 429 and limited.content_type == "application/problem+json"
        assert limited.get_json()["title"] == "Too many requests"
        assert other.get("/api/v1/orientations").status_code == 200  # counted per token
    finally:
        app.config["API_RATE_LIMIT"] = previous


def test_api_is_csrf_exempt_but_pages_are_not(world, manager, logged_in, sender_api):
    browser = logged_in(manager)
    assert browser.post("/structure/api/jetons", data={"name": "x", "scopes": ["orientations"]}).status_code == 400
    answer = sender_api.post(f"/api/v1/orientations/{world.orientation().id}/comments", {"body": "Bonjour"})
    assert answer.status_code == 201


def test_openapi_document_and_docs_page(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0" and "/orientations/{orientation_id}/status" in document["paths"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "Authorization: Bearer" in page.get_data(as_text=True)


def test_one_address_is_limited_whatever_tokens_it_tries(app, client):
    previous, app.config["API_ADDRESS_RATE_LIMIT"] = app.config["API_ADDRESS_RATE_LIMIT"], "5/minute"
    try:
        answers = [
            ApiClient(client, f"ori_guess-{index}").get("/api/v1/orientations").status_code for index in range(6)
        ]
        assert answers == [401] * 5 + [429]
    finally:
        app.config["API_ADDRESS_RATE_LIMIT"] = previous
