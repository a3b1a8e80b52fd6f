"""The embedded default: migrations, demo data and login on SQLite, as `make run` does."""

import pytest
from flask_migrate import upgrade

from orientation import create_app
from orientation.config import DEMO_PASSWORD
from orientation.demo import load_demo_data
from orientation.extensions import db
from tests.conftest import FormClient, testing_config


@pytest.fixture
def sqlite_demo_app(tmp_path):
    app = create_app(testing_config(f"sqlite:///{tmp_path / 'orientation.sqlite'}", REDIS_URL=None,
                                    RATELIMIT_STORAGE_URI="memory://"))
    with app.app_context():
        upgrade()
        load_demo_data()
        db.session.commit()
        load_demo_data()  # idempotent: a second load changes nothing
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.sqlite
@pytest.mark.no_db_transaction
def test_demo_agent_logs_in_on_sqlite(sqlite_demo_app):
    from orientation.auth.models import User
    from orientation.organisations.models import Organisation

    with sqlite_demo_app.app_context():
        from orientation.demo import demo_logins

        logins = [email for email, _role in demo_logins()]
        assert db.session.scalar(db.select(db.func.count()).select_from(User).where(User.email.in_(logins))) == 6
        assert db.session.scalar(db.select(db.func.count()).select_from(Organisation)) >= 12
    client = FormClient(sqlite_demo_app.test_client())
    client.login("agent.edes@demo.orientation.fr", DEMO_PASSWORD)
    page = client.get("/").get_data(as_text=True)
    assert "Bonjour Camille" in page


@pytest.mark.sqlite
@pytest.mark.no_db_transaction
def test_failed_logins_are_throttled_in_memory_without_redis(sqlite_demo_app):
    client = FormClient(sqlite_demo_app.test_client())
    for _ in range(sqlite_demo_app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        client.submit("/connexion", {"email": "agent.edes@demo.orientation.fr", "password": "faux"})
    blocked = client.submit("/connexion", {"email": "agent.edes@demo.orientation.fr", "password": DEMO_PASSWORD})
    assert blocked.status_code == 429
