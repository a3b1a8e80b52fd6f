"""Second factor: enrolment with a real authenticator code, login, replay, recovery codes, forced enrolment."""

import re
from datetime import timedelta

import pyotp
import pytest

from orientation import clock
from orientation.auth import mfa
from orientation.auth.models import RecoveryCode
from orientation.extensions import db
from orientation.organisations.models import OrganisationType
from tests.builders import PASSWORD, totp, totp_code
from tests.conftest import FormClient

SECRET_RE = re.compile(r'data-testid="totp-secret">([A-Z2-7]+)<')
CODES_RE = re.compile(r"<li><code>([a-z0-9-]+)</code></li>")


def _password_step(client: FormClient, email: str):
    return client.submit("/connexion", {"email": email, "password": PASSWORD})


def test_enrolment_from_the_security_page_with_a_real_code(make, logged_in):
    user = make.agent()
    client = logged_in(user)
    page = client.get("/compte/securite/double-authentification").get_data(as_text=True)
    secret = SECRET_RE.search(page).group(1)
    assert 'src="data:image/svg+xml' in page  # QR code drawn by the server
    assert f"secret={secret}" in mfa.provisioning_uri(secret, user.email)

    wrong = client.submit("/compte/securite/double-authentification", {"code": "000000"})
    assert wrong.status_code == 400 and "Code incorrect" in wrong.get_data(as_text=True)

    done = client.submit("/compte/securite/double-authentification", {"code": pyotp.TOTP(secret).at(clock.now())})
    codes = CODES_RE.findall(done.get_data(as_text=True))
    assert done.status_code == 200 and len(codes) == 10 and len(set(codes)) == 10
    db.session.refresh(user)
    assert user.totp_secret == secret and user.totp_enabled_at is not None
    stored = db.session.scalars(db.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not any(code in stored for code in codes)  # only hashes are kept
    assert "Activée" in client.get("/compte/securite").get_data(as_text=True)


def test_login_asks_for_the_code_and_the_session_starts_only_after_it(make, browser_client):
    user = make.agent(email="camille@test.fr")
    secret = totp(user)
    response = _password_step(browser_client, "camille@test.fr")
    assert response.location == "/connexion/code"
    assert browser_client.get("/").status_code == 302  # the password alone does not open the session
    wrong = browser_client.submit("/connexion/code", {"code": totp_code(secret, offset_steps=5)})
    assert wrong.status_code == 401 and "Code incorrect ou expiré" in wrong.get_data(as_text=True)
    ok = browser_client.submit("/connexion/code", {"code": totp_code(secret)})
    assert ok.status_code == 302 and ok.location == "/"
    assert browser_client.get("/").status_code == 200


def test_a_code_from_the_previous_step_is_accepted_for_clock_drift(make, browser_client):
    secret = totp(make.agent(email="camille@test.fr"))
    _password_step(browser_client, "camille@test.fr")
    assert browser_client.submit("/connexion/code", {"code": totp_code(secret, offset_steps=-1)}).status_code == 302


def test_a_code_cannot_be_replayed(make, app):
    user = make.agent(email="camille@test.fr")
    secret = totp(user)
    with clock.frozen():
        code = totp_code(secret)
        first = FormClient(app.test_client())
        _password_step(first, user.email)
        assert first.submit("/connexion/code", {"code": code}).status_code == 302
        thief = FormClient(app.test_client())
        _password_step(thief, user.email)
        replay = thief.submit("/connexion/code", {"code": code})
        assert replay.status_code == 401


def test_recovery_codes_work_once_each(make, app):
    user = make.agent(email="camille@test.fr")
    totp(user)
    codes = mfa.replace_recovery_codes(user)
    first = FormClient(app.test_client())
    _password_step(first, user.email)
    assert first.submit("/connexion/code", {"code": codes[0].upper()}).status_code == 302
    again = FormClient(app.test_client())
    _password_step(again, user.email)
    assert again.submit("/connexion/code", {"code": codes[0]}).status_code == 401
    assert again.submit("/connexion/code", {"code": codes[1]}).status_code == 302
    assert mfa.remaining_recovery_codes(user) == 8


def test_new_recovery_codes_replace_the_old_ones(make, logged_in):
    user = make.agent()
    client = logged_in(user)
    totp(user)
    old = mfa.replace_recovery_codes(user)
    page = client.submit("/compte/securite/codes-de-secours", page="/compte/securite").get_data(as_text=True)
    new = CODES_RE.findall(page)
    assert len(new) == 10
    assert not mfa.use_recovery_code(user, old[0])
    assert mfa.use_recovery_code(user, new[0])


def test_wrong_codes_are_throttled(make, browser_client):
    totp(make.agent(email="camille@test.fr"))
    _password_step(browser_client, "camille@test.fr")
    statuses = [browser_client.submit("/connexion/code", {"code": "123456"}).status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429


def test_pending_login_expires_after_five_minutes(make, browser_client):
    secret = totp(make.agent(email="camille@test.fr"))
    with clock.frozen() as frozen:
        _password_step(browser_client, "camille@test.fr")
        frozen.advance(minutes=6)
        response = browser_client.get("/connexion/code")
        assert response.status_code == 302 and response.location.startswith("/connexion")
        page = browser_client.get(response.location).get_data(as_text=True)
        assert "Le délai pour saisir le code est dépassé" in page
        assert (
            browser_client.submit("/connexion/code", {"code": totp_code(secret)}, page="/connexion").status_code == 302
        )
        assert browser_client.get("/").status_code == 302  # still not logged in


@pytest.fixture
def mfa_for_coordinators_and_cpam(app, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", ["coordinator", "cpam"])


def test_coordinator_is_forced_to_enrol_at_login(make, browser_client, mfa_for_coordinators_and_cpam):
    user = make.user(email="coord@test.fr", coordinator=True)
    response = _password_step(browser_client, "coord@test.fr")
    assert response.location == "/connexion/double-authentification"
    assert browser_client.get("/").status_code == 302  # nothing else until enrolled
    page = browser_client.get("/connexion/double-authentification").get_data(as_text=True)
    assert "la double\n    authentification est obligatoire" in page or "obligatoire" in page
    secret = SECRET_RE.search(page).group(1)
    done = browser_client.submit("/connexion/double-authentification", {"code": pyotp.TOTP(secret).at(clock.now())})
    assert done.status_code == 200 and len(CODES_RE.findall(done.get_data(as_text=True))) == 10
    assert browser_client.get("/").status_code == 200
    db.session.refresh(user)
    assert user.has_totp


def test_cpam_member_already_logged_in_is_sent_to_enrolment(make, logged_in, app, monkeypatch):
    cpam = make.organisation("CPAM de Vaucluse", type=OrganisationType.CPAM)
    client = logged_in(make.agent(cpam))
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", ["cpam"])  # the rule arrives after the login
    response = client.get("/")
    assert response.status_code == 302 and response.location == "/compte/securite/double-authentification"
    assert client.get("/compte/securite/double-authentification").status_code == 200


def test_agents_are_not_forced(make, browser_client, mfa_for_coordinators_and_cpam):
    make.agent(email="agent@test.fr")
    assert _password_step(browser_client, "agent@test.fr").location == "/"


def test_disabling_needs_a_code_and_is_refused_when_mandatory(make, logged_in, app, monkeypatch):
    user = make.user(coordinator=True)
    secret = totp(user)
    client = FormClient(app.test_client())
    _password_step(client, user.email)
    client.submit("/connexion/code", {"code": totp_code(secret)})
    wrong = client.submit(
        "/compte/securite/double-authentification/desactiver", {"code": "111111"}, page="/compte/securite"
    )
    assert wrong.status_code == 400 and "Code incorrect ou expiré." in wrong.get_data(as_text=True)
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", ["coordinator"])
    refused = client.submit(
        "/compte/securite/double-authentification/desactiver",
        {"code": totp_code(secret, offset_steps=1)},
        page="/compte/securite",
    )
    assert refused.status_code == 302
    db.session.refresh(user)
    assert user.has_totp
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", [])
    done = client.submit(
        "/compte/securite/double-authentification/desactiver",
        {"code": totp_code(secret, offset_steps=1)},
        page="/compte/securite",
    )
    assert done.status_code == 302
    db.session.refresh(user)
    assert not user.has_totp and user.recovery_codes == []


def test_code_at_the_edge_of_the_window(make):
    user = make.agent()
    secret = totp(user)
    with clock.frozen() as frozen:
        code = totp_code(secret)
        frozen.advance(timedelta(seconds=90))  # three steps later: too old
        assert not mfa.verify_totp(user, code)


def test_coordinator_resets_a_lost_second_factor_and_ends_the_sessions(make, logged_in, app):
    organisation = make.organisation()
    agent = make.agent(organisation)
    secret = totp(agent)
    agent_client = FormClient(app.test_client())
    _password_step(agent_client, agent.email)
    agent_client.submit("/connexion/code", {"code": totp_code(secret)})
    assert agent_client.get("/").status_code == 200
    members_page = f"/structures/{organisation.id}/membres"

    manager = logged_in(make.manager(organisation))
    assert "Réinitialiser la double authentification" not in manager.get(members_page).get_data(as_text=True)
    assert (
        manager.submit(
            f"/comptes/{agent.id}/double-authentification/reinitialiser", page="/compte/securite"
        ).status_code
        == 403
    )

    coordinator = logged_in(make.user(coordinator=True))
    assert "Réinitialiser la double authentification" in coordinator.get(members_page).get_data(as_text=True)
    response = coordinator.submit(
        f"/comptes/{agent.id}/double-authentification/reinitialiser", {"next": members_page}, page=members_page
    )
    assert response.status_code == 302 and response.location == members_page
    db.session.refresh(agent)
    assert not agent.has_totp
    assert agent_client.get("/").status_code == 302  # the (maybe stolen) sessions are over
    assert _password_step(FormClient(app.test_client()), agent.email).location == "/"


def test_an_unfinished_enrolment_secret_is_never_given_to_the_next_user_of_the_browser(make, browser_client):
    first, second = make.agent(email="a@test.fr"), make.agent(email="b@test.fr")
    browser_client.login(first.email)
    secret_a = SECRET_RE.search(browser_client.get("/compte/securite/double-authentification").get_data(as_text=True))
    browser_client.submit("/deconnexion", page="/")
    browser_client.login(second.email)
    secret_b = SECRET_RE.search(browser_client.get("/compte/securite/double-authentification").get_data(as_text=True))
    assert secret_a.group(1) != secret_b.group(1)


def test_totp_secrets_are_encrypted_at_rest(make, app, monkeypatch):
    user = make.agent()
    secret = totp(user)
    stored = db.session.scalar(db.text("SELECT totp_secret_encrypted FROM users WHERE id = :id"), {"id": user.id})
    assert secret not in stored and stored.startswith("gAAAAA")  # a Fernet token
    assert user.totp_secret == secret
    monkeypatch.setitem(app.config, "MFA_SECRET_KEY", "une autre clé de chiffrement, plus la bonne")
    assert user.totp_secret is None and user.has_totp
    assert not mfa.verify_totp(user, totp_code(secret))  # refused, not a crash: a coordinator resets it
