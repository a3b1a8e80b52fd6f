import redis

from orientation.extensions import db
from tests.builders import PASSWORD
from tests.conftest import REDIS_URL


def test_login_success_lands_on_home_with_organisation_in_header(make, browser_client):
    organisation = make.organisation("EDeS de Sorgues")
    user = make.agent(organisation, email="camille@test.fr", first_name="Camille")
    response = browser_client.submit("/connexion", {"email": " Camille@Test.fr ", "password": PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/")
    page = browser_client.get("/").get_data(as_text=True)
    assert "Bonjour Camille" in page
    assert "EDeS de Sorgues (Agent)" in page
    db.session.refresh(user)
    assert user.last_login_at is not None


def test_wrong_password_keeps_email_not_password(make, browser_client):
    make.agent(email="camille@test.fr")
    response = browser_client.submit("/connexion", {"email": "camille@test.fr", "password": "faux mot de passe"})
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect." in page
    assert 'value="camille@test.fr"' in page
    assert "faux mot de passe" not in page
    assert 'id="error-summary"' in page


def test_unknown_email_gets_the_same_message(browser_client):
    response = browser_client.submit("/connexion", {"email": "personne@test.fr", "password": "peu importe"})
    assert response.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect." in response.get_data(as_text=True)


def test_inactive_account_cannot_log_in(make, browser_client):
    make.agent(email="parti@test.fr", active=False)
    response = browser_client.submit("/connexion", {"email": "parti@test.fr", "password": PASSWORD})
    assert response.status_code == 401


def test_invalid_email_is_explained_in_french(browser_client):
    response = browser_client.submit("/connexion", {"email": "pas-une-adresse", "password": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Saisissez une adresse e-mail valide" in page
    assert 'value="pas-une-adresse"' in page


def test_safe_next_redirect_is_followed_and_external_one_ignored(make, browser_client, app):
    make.agent(email="a@test.fr")
    ok = browser_client.submit("/connexion", {"email": "a@test.fr", "password": PASSWORD, "next": "/structures/"})
    assert ok.location == "/structures/"
    browser_client.post("/deconnexion", data={"csrf_token": _token(browser_client)})
    evil = browser_client.submit(
        "/connexion", {"email": "a@test.fr", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert evil.location == "/"


def _token(form_client):
    from tests.conftest import csrf_token_from

    return csrf_token_from(form_client.get("/").get_data(as_text=True))


def test_logout_requires_post_and_csrf(make, logged_in):
    client = logged_in(make.agent())
    assert client.get("/deconnexion").status_code == 405
    assert client.post("/deconnexion").status_code == 400  # no CSRF token: refused
    assert client.get("/").status_code == 200
    client.post("/deconnexion", data={"csrf_token": _token(client)})
    assert client.get("/").status_code == 302


def test_pages_require_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/connexion?next=%2F" in response.location


def test_failed_logins_are_throttled_per_account_in_redis(make, browser_client, app):
    make.agent(email="cible@test.fr")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        assert browser_client.submit("/connexion", {"email": "cible@test.fr", "password": "mauvais"}).status_code == 401
    # Even the right password is refused while the account is throttled.
    blocked = browser_client.submit("/connexion", {"email": "cible@test.fr", "password": PASSWORD})
    page = blocked.get_data(as_text=True)
    assert blocked.status_code == 429
    assert "Trop de tentatives de connexion infructueuses" in page
    assert 'value="cible@test.fr"' in page
    prefix = app.config["RATELIMIT_KEY_PREFIX"]
    keys = redis.Redis.from_url(REDIS_URL).keys(f"*{prefix}:login-failures:account:cible@test.fr*")
    assert keys, "the failure counter must live in Redis"


def test_failed_logins_are_throttled_per_ip_across_accounts(make, browser_client, app):
    app.config["LOGIN_MAX_FAILURES_PER_IP"] = 3
    try:
        make.agent(email="victime@test.fr")
        for index in range(3):
            browser_client.submit("/connexion", {"email": f"essai{index}@test.fr", "password": "x"})
        blocked = browser_client.submit("/connexion", {"email": "victime@test.fr", "password": PASSWORD})
        assert blocked.status_code == 429
    finally:
        app.config["LOGIN_MAX_FAILURES_PER_IP"] = 30


def test_successful_login_clears_the_account_counter(make, browser_client, app):
    make.agent(email="distrait@test.fr")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] - 1):
        browser_client.submit("/connexion", {"email": "distrait@test.fr", "password": "mauvais"})
    assert browser_client.submit("/connexion", {"email": "distrait@test.fr", "password": PASSWORD}).status_code == 302
    browser_client.post("/deconnexion", data={"csrf_token": _token(browser_client)})
    browser_client.submit("/connexion", {"email": "distrait@test.fr", "password": "mauvais"})
    assert browser_client.submit("/connexion", {"email": "distrait@test.fr", "password": PASSWORD}).status_code == 302


def test_missing_csrf_token_is_refused_and_input_kept(make, client):
    make.agent(email="camille@test.fr")
    client.get("/connexion")
    response = client.post("/connexion", data={"email": "camille@test.fr", "password": PASSWORD})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "jeton de sécurité manquant" in page
    assert 'value="camille@test.fr"' in page
    assert client.get("/").status_code == 302  # not logged in


def test_switching_organisation_changes_the_acting_membership(make, logged_in):
    first, second = make.organisation("Structure A"), make.organisation("Structure B")
    user = make.agent(first)
    make.membership(user, second)
    client = logged_in(user)
    assert "Structure A (Agent)" in client.get("/").get_data(as_text=True)
    page = client.get("/").get_data(as_text=True)
    from tests.conftest import csrf_token_from

    second_membership = user.memberships[1]
    client.post(
        "/organisation-courante", data={"csrf_token": csrf_token_from(page), "membership_id": str(second_membership.id)}
    )
    assert "Structure B (Agent)" in client.get("/").get_data(as_text=True)


def test_cannot_switch_to_someone_elses_membership(make, logged_in):
    user = make.agent()
    other_membership = make.agent().memberships[0]
    client = logged_in(user)
    from tests.conftest import csrf_token_from

    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post(
        "/organisation-courante", data={"csrf_token": token, "membership_id": str(other_membership.id)}
    )
    assert response.status_code == 403
