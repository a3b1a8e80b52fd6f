"""Rate limits per client address (Flask-Limiter on Redis) on login, password reset and directory search."""

import redis

from tests.conftest import REDIS_URL


def test_login_posts_are_limited_with_a_french_429_page(client, browser_client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN", "3 per minute")
    statuses = [
        browser_client.submit("/connexion", {"email": f"x{n}@test.fr", "password": "x"}).status_code for n in range(4)
    ]
    assert statuses[:3] == [401, 401, 401]
    assert statuses[3] == 429
    limited = browser_client.post("/connexion", data={"email": "a@test.fr", "password": "x"})
    page = limited.get_data(as_text=True)
    assert limited.status_code == 429
    assert "Trop de demandes" in page and "Patientez quelques minutes" in page
    assert limited.headers["Content-Security-Policy"]
    assert browser_client.get("/connexion").status_code == 200  # reading the page is not limited
    prefix = app.config["RATELIMIT_KEY_PREFIX"]
    assert redis.Redis.from_url(REDIS_URL).keys(f"*{prefix}*"), "the counters must live in Redis"


def test_password_reset_requests_are_limited(browser_client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_PASSWORD_RESET", "2 per minute")
    statuses = [browser_client.submit("/mot-de-passe-oublie", {"email": f"x{n}@test.fr"}).status_code for n in range(3)]
    assert statuses == [302, 302, 429]


def test_directory_search_is_limited(make, logged_in, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_DIRECTORY_SEARCH", "2 per minute")
    client = logged_in(make.agent())
    statuses = [client.get("/annuaire/?q=numerique").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    json_answer = client.get("/annuaire/?q=numerique", headers={"Accept": "application/json"})
    assert json_answer.status_code == 429 and json_answer.get_json()["title"] == "Trop de demandes"


def test_limits_count_per_client_address(browser_client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN", "1 per minute")
    first = browser_client.submit("/connexion", {"email": "a@test.fr", "password": "x"})
    assert first.status_code == 401
    other_address = browser_client.submit(
        "/connexion", {"email": "a@test.fr", "password": "x"}, environ_base={"REMOTE_ADDR": "10.0.0.2"}
    )
    assert other_address.status_code == 401
    same_address = browser_client.submit("/connexion", {"email": "a@test.fr", "password": "x"})
    assert same_address.status_code == 429
