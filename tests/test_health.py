import pytest

from orientation import create_app
from tests.conftest import testing_config


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"database": "ok", "broker": "ok"}


@pytest.mark.no_db_transaction
def test_healthz_is_503_when_the_broker_is_down(database_url):
    # A Redis URL on a port where nothing listens: the broker is down for this app.
    app = create_app(testing_config(database_url, REDIS_URL="redis://127.0.0.1:1/0"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"database": "ok", "broker": "error"}


@pytest.mark.no_db_transaction
def test_healthz_is_503_when_the_database_is_down():
    app = create_app(testing_config("postgresql+psycopg://postgres@127.0.0.1:1/nowhere"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "error"


def test_error_pages_are_in_french(client):
    response = client.get("/cette-page-n-existe-pas")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)
    assert client.get("/healthz", headers={"Accept": "application/json"}).is_json
