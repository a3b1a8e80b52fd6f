"""Schemathesis against the app's own OpenAPI document, through WSGI: no 500, responses conform.

Bounded (a few dozen examples per operation, no shrinking deadline) so it runs in well under two
minutes; the data it hits includes real orientations of the token's organisation.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from orientation.referrals.lifecycle import OrientationStatus as S
from tests.api.conftest import make_token
from tests.referrals import builders as referral_builders


@pytest.fixture
def api_schema(app):
    names = ("API_RATE_LIMIT", "API_ANONYMOUS_RATE_LIMIT", "API_ADDRESS_RATE_LIMIT")
    previous = {name: app.config[name] for name in names}
    app.config.update(dict.fromkeys(names, "100000/minute"))
    # A missing If-Match is answered 428 Precondition Required (RFC 6585), the status made for it.
    config = SchemathesisConfig.from_dict(
        {"checks": {"missing_required_header": {"expected-statuses": [400, 401, 403, 406, 415, 422, 428]}}}
    )
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    app.config.update(previous)


@pytest.fixture
def api_token():
    world = referral_builders.scenario()
    for status in (S.SENT, S.RECEIVED, S.ACCEPTED, S.COMPLETED):
        world.orientation(status)
    return make_token(world.receiver_org)[1]


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_follows_its_own_document(case, api_token):
    # A well-formed orientation can still be refused by the rules (422: no consent for that volet, a
    # service that takes no orientations, a move the lifecycle forbids): only reads must accept all valid input.
    excluded = [positive_data_acceptance] if case.method == "POST" else []
    case.call_and_validate(headers={"Authorization": f"Bearer {api_token}"}, excluded_checks=excluded)
