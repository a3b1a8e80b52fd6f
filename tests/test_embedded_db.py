"""The embedded PostgreSQL of `make run`: started in a folder of its own, the app migrates on it."""

import shutil
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from orientation import create_app, embedded_db
from orientation.extensions import db
from tests.conftest import testing_config


@pytest.mark.embedded_postgres
@pytest.mark.no_db_transaction
def test_the_embedded_server_starts_and_the_app_migrates_on_it():
    # Not under pytest's tmp_path: pytest keeps its root private (0700) while, as root, the library
    # runs the server as another user, who must reach the folder.
    folder = Path(tempfile.mkdtemp(prefix="orientation-embedded-"))
    data_dir = folder / "postgres"
    url = embedded_db.start(data_dir)
    try:
        assert embedded_db.running_url(data_dir) == url
        assert embedded_db.start(data_dir) == url  # a second start reuses the running server
        app = create_app(testing_config(url, REDIS_URL=None, RATELIMIT_STORAGE_URI="memory://"))
        assert app.config["CELERY"]["broker_url"].startswith("sqla+postgresql+psycopg://")
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                extensions = set(connection.execute(sa.text("SELECT extname FROM pg_extension")).scalars())
                assert {"unaccent", "pg_trgm"} <= extensions
                assert connection.execute(sa.text("SHOW timezone")).scalar_one() == "UTC"
                broker = connection.execute(
                    sa.text("SELECT 1 FROM pg_database WHERE datname = 'orientation_broker'")
                ).scalar()
                assert broker == 1
            db.engine.dispose()
    finally:
        stopped = embedded_db.stop(data_dir)
        shutil.rmtree(folder, ignore_errors=True)
    assert stopped
    assert embedded_db.running_url(data_dir) is None
