"""Rate limits per client address (Flask-Limiter on Redis) on login, password reset and directory search."""

from collections import Counter

import redis

from tests.conftest import REDIS_URL, FormClient
from tests.referrals import builders as referral_builders


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


def test_an_office_behind_one_address_searches_without_429(make, logged_in):
    """30 agents of one EDeS behind one NAT address: each is counted on their own account."""
    office = make.organisation("EDeS derrière un NAT")
    agents = [logged_in(referral_builders.member(office)) for _ in range(30)]  # 30 logins from one address, all let in
    statuses = Counter(agent.get("/annuaire/?q=numerique").status_code for _ in range(5) for agent in agents)
    assert statuses == {200: 150}  # more than the 120 a minute that one address used to get


def test_directory_search_is_limited_per_account(make, logged_in, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_DIRECTORY_SEARCH", "2 per minute")
    first, colleague = logged_in(make.agent()), logged_in(make.agent())
    assert [first.get("/annuaire/?q=numerique").status_code for _ in range(3)] == [200, 200, 429]
    assert colleague.get("/annuaire/?q=numerique").status_code == 200  # same address, own account


def test_only_refused_logins_count_against_the_address(make, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN", "3 per minute")
    office = make.organisation()
    for _ in range(5):  # more successful logins than the limit, from one address
        FormClient(app.test_client()).login(referral_builders.member(office).email)
    guesser = FormClient(app.test_client())
    statuses = [guesser.submit("/connexion", {"email": "x@test.fr", "password": "x"}).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_each_app_keeps_counting_in_its_own_storage(app, database_url, browser_client):
    """A second app without Redis (a command, a test) must not move the web app's counters into memory."""
    from limits.storage import MemoryStorage, RedisStorage

    from orientation import create_app
    from orientation.extensions import limiter
    from tests.conftest import testing_config

    other = create_app(testing_config(database_url, REDIS_URL=None, RATELIMIT_STORAGE_URI="memory://"))
    with other.app_context():
        assert isinstance(limiter.storage, MemoryStorage)
    with app.app_context():
        assert isinstance(limiter.storage, RedisStorage)
    browser_client.submit("/connexion", {"email": "personne@test.fr", "password": "x"})
    prefix = app.config["RATELIMIT_KEY_PREFIX"]
    assert redis.Redis.from_url(REDIS_URL).keys(f"*{prefix}*"), "the web app's counters stay in Redis"
