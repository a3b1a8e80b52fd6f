"""Fixtures of the API tests: a sender and a receiver with tokens, and a JSON client."""

from __future__ import annotations

import json

import pytest

from orientation.api import operations
from orientation.extensions import db
from orientation.organisations.models import MembershipRole
from tests.directory.conftest import shared_dir
from tests.referrals import builders as referral_builders

REFERENCE = shared_dir() / "reference"  # ../shared beside the checkout, or ORIENTATION_SHARED_DIR


class ApiClient:
    """The test client speaking JSON with a bearer token."""

    def __init__(self, client, token: str | None = None):
        self.client, self.token = client, token

    def _headers(self, headers: dict | None) -> dict:
        merged = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        merged.update(headers or {})
        return merged

    def get(self, url: str, headers: dict | None = None, **kwargs):
        return self.client.get(url, headers=self._headers(headers), **kwargs)

    def post(self, url: str, body=None, headers: dict | None = None, **kwargs):
        return self.client.post(
            url,
            data=json.dumps(body) if body is not None else None,
            content_type="application/json",
            headers=self._headers(headers),
            **kwargs,
        )


@pytest.fixture
def world():
    return referral_builders.scenario()


def make_token(organisation, scopes=("orientations", "read-directory"), manager=None):
    manager = manager or referral_builders.member(organisation, MembershipRole.MANAGER)
    token, secret = operations.create_token(
        organisation_id=organisation.id, user=manager, name="Logiciel", scopes=list(scopes)
    )
    db.session.flush()
    return token, secret


@pytest.fixture
def sender_api(client, world):
    return ApiClient(client, make_token(world.sender_org)[1])


@pytest.fixture
def receiver_api(client, world):
    return ApiClient(client, make_token(world.receiver_org)[1])


@pytest.fixture
def outsider_api(client, world):
    return ApiClient(client, make_token(world.outsider.memberships[0].organisation)[1])


@pytest.fixture
def public_api(client):
    return ApiClient(client)
