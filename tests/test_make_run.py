"""What `make run` does, on a fresh database and without Redis: migrations, demo data, login, the API.

Here rather than in tests/api: an app on memory:// rebinds the shared limiter, so these apps are
built after the other areas' tests.
"""

import pytest
from flask_migrate import upgrade

from orientation import create_app
from orientation.config import DEMO_PASSWORD
from orientation.demo import load_demo_data
from orientation.extensions import db
from tests.conftest import FormClient, create_database, drop_database, testing_config


@pytest.fixture(scope="module")
def demo_app():
    url = create_database("make_run")
    app = create_app(testing_config(url, REDIS_URL=None, RATELIMIT_STORAGE_URI="memory://"))
    with app.app_context():
        upgrade()
        load_demo_data()
        db.session.commit()
        load_demo_data()  # idempotent: a second load changes nothing
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()
    drop_database(url)


@pytest.mark.no_db_transaction
def test_demo_agent_logs_in(demo_app):
    from orientation.auth.models import User
    from orientation.demo import demo_logins
    from orientation.organisations.models import Organisation

    with demo_app.app_context():
        logins = [email for email, _role in demo_logins()]
        assert db.session.scalar(db.select(db.func.count()).select_from(User).where(User.email.in_(logins))) == 6
        assert db.session.scalar(db.select(db.func.count()).select_from(Organisation)) >= 12
        db.session.remove()
    client = FormClient(demo_app.test_client())
    client.login("agent.edes@demo.orientation.fr", DEMO_PASSWORD)
    page = client.get("/").get_data(as_text=True)
    assert "Bonjour Camille" in page


@pytest.mark.no_db_transaction
def test_failed_logins_are_throttled_in_memory_without_redis(demo_app):
    assert demo_app.config["REDIS_URL"] is None
    client = FormClient(demo_app.test_client())
    for _ in range(demo_app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        client.submit("/connexion", {"email": "detecteur@demo.orientation.fr", "password": "faux"})
    blocked = client.submit("/connexion", {"email": "detecteur@demo.orientation.fr", "password": DEMO_PASSWORD})
    assert blocked.status_code == 429


@pytest.mark.no_db_transaction
def test_the_partner_api_on_the_demo_data(demo_app):
    """Feeds, proximity (SQL math functions) and a token on the demo data."""
    from orientation.api import operations
    from orientation.auth.models import User

    with demo_app.app_context():
        manager = db.session.scalar(db.select(User).where(User.email == "responsable@demo.orientation.fr"))
        _, secret = operations.create_token(
            organisation_id=manager.memberships[0].organisation_id,
            user=manager,
            name="Démo",
            scopes=["orientations", "read-directory"],
        )
        db.session.commit()
        db.session.remove()
    client = demo_app.test_client()
    services = client.get("/api/v1/data-inclusion/services?size=100").get_json()
    assert services["total"] > 10 and services["items"]
    near = client.get("/api/v1/hsds/service_at_locations?postcode=84000&proximity=10000").get_json()
    assert near["total_items"] > 0
    headers = {"Authorization": f"Bearer {secret}"}
    listed = client.get("/api/v1/orientations?box=received", headers=headers)
    assert listed.status_code == 200
    for item in listed.get_json()["items"][:3]:
        read = client.get(f"/api/v1/orientations/{item['id']}", headers=headers)
        assert read.status_code == 200 and read.headers["ETag"]
