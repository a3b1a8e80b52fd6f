import pytest

from tests.cpam import builders as cpam_builders
from tests.referrals import builders as referral_builders
from tests.rgpd import builders as rgpd_builders


@pytest.fixture(autouse=True)
def attachments_folder(app, tmp_path, monkeypatch):
    folder = tmp_path / "attachments"
    monkeypatch.setitem(app.config, "ATTACHMENTS_FOLDER", str(folder))
    return folder


@pytest.fixture
def full():
    """Rosa's file: a row in every table of personal data (MAS case closed, orientation completed)."""
    return rgpd_builders.full_file()


@pytest.fixture
def world():
    """A sender (EDeS), a receiver (médiation) with a service, an outsider, a person with consent and a need."""
    return referral_builders.scenario()


@pytest.fixture
def cpam_world():
    return cpam_builders.world()


AGENT = "Mozilla/5.0 (X11; Linux) Firefox/128.0"


@pytest.fixture
def logged_in_from(app):
    """logged_in_from(user, ip) -> a FormClient logged in from that address with a known browser."""
    from tests.conftest import FormClient

    def _login(user, ip: str = "10.84.0.7"):
        client = app.test_client()
        client.environ_base.update({"REMOTE_ADDR": ip, "HTTP_USER_AGENT": AGENT})
        form_client = FormClient(client)
        form_client.login(user.email)
        return form_client

    return _login
