import pytest

from tests.referrals import builders as referral_builders


@pytest.fixture
def world():
    """A sender (EDeS), a receiver (médiation) with a service, an outsider, a person with consent and a need."""
    return referral_builders.scenario()
