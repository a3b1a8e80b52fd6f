"""Alembic migrations upgrade and downgrade, and match the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from orientation import create_app
from orientation.extensions import db
from tests.conftest import create_database, drop_database, testing_config


@pytest.fixture
def empty_database():
    url = create_database("migrations")
    yield url
    drop_database(url)


@pytest.mark.no_db_transaction
def test_upgrade_matches_models_then_downgrade_to_nothing(empty_database):
    app = create_app(testing_config(empty_database))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = [d for d in compare_metadata(context, db.metadata) if not _ignored(d)]
        assert differences == [], "models and migrations differ: write a migration"
        downgrade(revision="base")
        assert set(db.inspect(db.engine).get_table_names()) - {"alembic_version"} == set()
        upgrade()  # and back up again: the downgrade left a usable database
        db.engine.dispose()


# Made by the migrations' raw DDL (full-text search), not described by the models.
DDL_ONLY_INDEXES = {"ix_services_search_vector", "ix_search_words_word_trgm"}


def _ignored(difference) -> bool:
    kind = difference[0] if isinstance(difference, tuple) else difference[0][0]
    if kind == "remove_index":
        return difference[1].name in DDL_ONLY_INDEXES
    return False


@pytest.mark.no_db_transaction
def test_webhook_secrets_are_encrypted_by_the_migration_and_back(empty_database):
    import sqlalchemy as sa

    from orientation.secret_box import decrypt

    app = create_app(testing_config(empty_database))
    with app.app_context():
        upgrade(revision="0011_appointment_follow_up")
        with db.engine.begin() as connection:
            organisation_id = connection.execute(
                sa.text(
                    "INSERT INTO organisations (name, type, active, created_at, updated_at) "
                    "VALUES ('Partenaire', 'association', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"
                )
            ).scalar_one()
            connection.execute(
                sa.text(
                    "INSERT INTO webhook_endpoints (organisation_id, url, secret, active, created_at) "
                    "VALUES (:org, 'https://partenaire.example.fr/h', 'whsec_clair', true, CURRENT_TIMESTAMP)"
                ),
                {"org": organisation_id},
            )
        upgrade()
        with db.engine.connect() as connection:
            stored = connection.execute(sa.text("SELECT secret_encrypted FROM webhook_endpoints")).scalar_one()
        assert "whsec_clair" not in stored and decrypt(stored, "webhook") == "whsec_clair"
        downgrade(revision="0011_appointment_follow_up")
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT secret FROM webhook_endpoints")).scalar_one() == "whsec_clair"
        db.engine.dispose()
