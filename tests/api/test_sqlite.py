"""The API on the embedded SQLite default (`make run`): feeds, proximity, tokens."""

import pytest
from flask_migrate import upgrade

from orientation import create_app
from orientation.api import operations
from orientation.auth.models import User
from orientation.demo import load_demo_data
from orientation.extensions import db
from tests.conftest import testing_config


@pytest.mark.sqlite
@pytest.mark.no_db_transaction
def test_the_api_on_sqlite_with_the_demo_data(tmp_path):
    app = create_app(
        testing_config(
            f"sqlite:///{tmp_path / 'orientation.sqlite'}", REDIS_URL=None, RATELIMIT_STORAGE_URI="memory://"
        )
    )
    with app.app_context():
        upgrade()
        load_demo_data()
        manager = db.session.scalar(db.select(User).where(User.email == "responsable@demo.orientation.fr"))
        _, secret = operations.create_token(
            organisation_id=manager.memberships[0].organisation_id,
            user=manager,
            name="Démo",
            scopes=["orientations", "read-directory"],
        )
        db.session.commit()
    client = app.test_client()
    services = client.get("/api/v1/data-inclusion/services?size=100").get_json()
    assert services["total"] > 10 and services["items"]
    near = client.get("/api/v1/hsds/service_at_locations?postcode=84000&proximity=10000").get_json()
    assert near["total_items"] > 0
    listed = client.get("/api/v1/orientations?box=received", headers={"Authorization": f"Bearer {secret}"})
    assert listed.status_code == 200
    for item in listed.get_json()["items"][:3]:
        read = client.get(f"/api/v1/orientations/{item['id']}", headers={"Authorization": f"Bearer {secret}"})
        assert read.status_code == 200 and read.headers["ETag"]
    with app.app_context():
        db.engine.dispose()
