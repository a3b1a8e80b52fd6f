import pytest

from tests.referrals import builders as referral_builders


@pytest.fixture
def world():
    """A sender, a receiver with a service, a person with consent and a need (tests.referrals.builders)."""
    return referral_builders.scenario()
