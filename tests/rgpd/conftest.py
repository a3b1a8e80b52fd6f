import pytest

from tests.rgpd import builders as rgpd_builders


@pytest.fixture
def full():
    """Rosa's file: a row in every table of personal data (MAS case closed, orientation completed)."""
    return rgpd_builders.full_file()
