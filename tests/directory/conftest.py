"""Directory tests run on PostgreSQL (the session app) and, for search, on SQLite too."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from orientation import create_app
from orientation.extensions import db
from orientation.territory.operations import load_territory
from tests.conftest import testing_config

FIXTURES = Path(__file__).parent / "fixtures"


def shared_dir() -> Path:
    return Path(os.environ.get("ORIENTATION_SHARED_DIR") or Path(__file__).resolve().parents[2].parent / "shared")


@pytest.fixture(scope="session")
def sqlite_app(tmp_path_factory):
    path = tmp_path_factory.mktemp("directory-sqlite") / "directory.sqlite"
    app = create_app(testing_config(f"sqlite:///{path}", REDIS_URL=None, RATELIMIT_STORAGE_URI="memory://"))
    with app.app_context():
        db.create_all()
        load_territory()
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(params=["postgresql", "sqlite"])
def backend(request, app):
    """An app context on each database; SQLite work is rolled back like the PostgreSQL transaction."""
    if request.param == "postgresql":
        yield app
        return
    sqlite_app = request.getfixturevalue("sqlite_app")
    with sqlite_app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        engine = db.engines[None]
        db.engines[None] = connection
        db.session.remove()
        db.session.configure(join_transaction_mode="create_savepoint")
        try:
            yield sqlite_app
        finally:
            db.session.remove()
            transaction.rollback()
            connection.close()
            db.engines[None] = engine
