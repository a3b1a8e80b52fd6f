import pytest

from tests.cpam import builders as cpam_builders


@pytest.fixture
def cpam_world():
    """A CPAM with one MAS team (whole département), a CCAS détecteur, another partner, a coordinator, a person."""
    return cpam_builders.world()
