import pytest

from tests.referrals import builders as referral_builders
from tests.referrals.links_helpers import link_service


@pytest.fixture
def world():
    """A sender (EDeS), a receiver (médiation) with a service, an outsider, a person with consent and a need."""
    return referral_builders.scenario()


@pytest.fixture
def link_world(world):
    """The same world, its service reached by e-mail link (a structure without account, with a contact address)."""
    world.service = link_service()
    return world
