"""Session lifetime (inactivity and absolute, on the project clock), logout everywhere, password change."""

from orientation import clock
from orientation.extensions import db
from tests.builders import PASSWORD
from tests.conftest import FormClient

NEW_PASSWORD = "trois pommes sur la table"


def test_session_expires_after_inactivity(make, logged_in, app):
    user = make.agent()
    with clock.frozen() as frozen:
        client = logged_in(user)
        frozen.advance(minutes=29)
        assert client.get("/").status_code == 200  # activity restarts the countdown
        frozen.advance(minutes=29)
        assert client.get("/personnes/").status_code == 200
        frozen.advance(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
        response = client.get("/personnes/?page=2")
        assert response.status_code == 302
        assert response.location == "/connexion?next=/personnes/?page%3D2"
        page = client.get(response.location).get_data(as_text=True)
        assert "Votre session a expiré. Reconnectez-vous pour continuer." in page
        assert client.get("/").status_code == 302  # really logged out, not only redirected once


def test_session_has_an_absolute_lifetime_even_when_active(make, logged_in, app):
    user = make.agent()
    with clock.frozen() as frozen:
        client = logged_in(user)
        for _ in range(app.config["SESSION_MAX_HOURS"] * 3 - 1):
            frozen.advance(minutes=20)
            assert client.get("/").status_code == 200
        frozen.advance(minutes=21)
        assert client.get("/").status_code == 302


def test_expired_session_answers_json_to_the_api(make, logged_in, app):
    with clock.frozen() as frozen:
        client = logged_in(make.agent())
        frozen.advance(hours=1)
        response = client.get("/api/nimporte", headers={"Accept": "application/json"})
        assert response.status_code == 401
        assert response.get_json()["title"] == "Session expirée"


def test_logout_everywhere_ends_the_sessions_of_other_browsers(make, app):
    user = make.agent()
    office, phone = FormClient(app.test_client()), FormClient(app.test_client())
    office.login(user.email)
    phone.login(user.email)
    other_user = FormClient(app.test_client())
    other_user.login(make.agent().email)
    response = office.submit("/compte/securite/deconnexion-partout", page="/compte/securite")
    assert response.status_code == 302 and response.location == "/connexion"
    assert phone.get("/").status_code == 302
    assert office.get("/").status_code == 302
    assert other_user.get("/").status_code == 200  # only this user's sessions
    phone.login(user.email)  # a new login works
    assert phone.get("/").status_code == 200


def test_password_change_keeps_this_session_and_ends_the_others(make, app):
    user = make.agent()
    office, phone = FormClient(app.test_client()), FormClient(app.test_client())
    office.login(user.email)
    phone.login(user.email)
    response = office.submit(
        "/compte/securite/mot-de-passe",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        page="/compte/securite",
    )
    assert response.status_code == 302
    assert "Votre mot de passe a été modifié" in office.get("/compte/securite").get_data(as_text=True)
    assert office.get("/").status_code == 200
    assert phone.get("/").status_code == 302
    assert (
        FormClient(app.test_client()).submit("/connexion", {"email": user.email, "password": PASSWORD}).status_code
        == 401
    )
    FormClient(app.test_client()).login(user.email, NEW_PASSWORD)


def test_password_change_needs_the_current_password(make, logged_in):
    user = make.agent()
    client = logged_in(user)
    version = user.session_version
    response = client.submit(
        "/compte/securite/mot-de-passe",
        {"current_password": "pas le bon", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        page="/compte/securite",
    )
    assert response.status_code == 400
    assert "Le mot de passe actuel est incorrect." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.session_version == version


def test_security_page_lists_the_actions(make, logged_in):
    page = logged_in(make.agent()).get("/compte/securite").get_data(as_text=True)
    for text in ("Changer le mot de passe", "Activer la double authentification", "Se déconnecter partout"):
        assert text in page
    assert 'href="/compte/securite"' in page  # reachable from the header


def test_session_cookie_flags(make, browser_client):
    make.agent(email="camille@test.fr")
    response = browser_client.submit("/connexion", {"email": "camille@test.fr", "password": PASSWORD})
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
