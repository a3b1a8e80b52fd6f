"""The backup and restore drill: `flask ops backup`, then `flask ops restore-check` into a fresh database.

The data are committed in a database of their own (pg_dump is another process: it sees only
committed rows), with orientations, their events and attached documents; the dump is restored into
another new database, where every orientation, event and document is found with equal checksums.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from orientation import create_app
from orientation.attachments import operations as attachment_operations
from orientation.extensions import db
from orientation.ops import backup
from orientation.referrals.lifecycle import OrientationStatus as S
from orientation.territory.operations import load_territory
from tests.conftest import create_database, drop_database, testing_config
from tests.referrals import builders as referral_builders
from tests.rgpd.builders import PDF

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

pytestmark = pytest.mark.no_db_transaction


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """An app on its own database with committed orientations, events and documents."""
    url = create_database("backup_source")
    folder = tmp_path_factory.mktemp("attachments")
    app = create_app(testing_config(url, ATTACHMENTS_FOLDER=str(folder)))
    with app.app_context():
        db.create_all()
        load_territory()
        world = referral_builders.scenario()
        for status, documents in ((S.SENT, [PDF]), (S.ACCEPTED, [PDF, PNG]), (S.COMPLETED, []), (S.DECLINED, [PNG])):
            orientation = world.orientation(status)
            for number, data in enumerate(documents):
                attachment_operations.add_attachment(
                    orientation,
                    user=world.sender,
                    organisation_id=world.sender_org.id,
                    filename=f"piece-{number}.{'pdf' if data is PDF else 'png'}",
                    data=data,
                )
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop_database(url)


@pytest.fixture
def fresh_database():
    urls = []

    def _create(suffix: str) -> str:
        urls.append(create_database(f"restore_{suffix}"))
        return urls[-1]

    yield _create
    for url in urls:
        drop_database(url)


def _rows(url: str) -> dict[str, list]:
    """Every orientation, event and document, as comparable tuples."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    queries = {
        "orientations": "SELECT id, status, person_id, service_id, message FROM orientations ORDER BY id",
        "orientation_events": "SELECT id, orientation_id, to_status, at FROM orientation_events ORDER BY id",
        "orientation_attachments": "SELECT id, orientation_id, storage_key, size FROM orientation_attachments "
        "ORDER BY id",
    }
    with engine.connect() as connection:
        rows = {table: [tuple(row) for row in connection.execute(sa.text(query))] for table, query in queries.items()}
    engine.dispose()
    return rows


def _backup(app, destination):
    result = app.test_cli_runner().invoke(args=["ops", "backup", str(destination)])
    assert result.exit_code == 0, result.output
    assert "Sauvegarde écrite dans" in result.output
    (folder,) = [path for path in destination.iterdir() if path.is_dir()]
    assert not folder.name.endswith(".partial")
    return folder


def test_a_backup_restores_every_orientation_event_and_document(source, fresh_database, tmp_path):
    folder = _backup(source, tmp_path / "sauvegardes")
    manifest = json.loads((folder / "manifest.json").read_text())
    tables = manifest["database"]["tables"]
    assert (tables["orientations"], tables["orientation_attachments"]) == (4, 4)
    assert tables["orientation_events"] >= 4 + 3 + 5 + 3  # one per transition
    assert len(manifest["attachments"]["files"]) == 4 and manifest["attachments"]["missing_at_backup"] == []

    target = fresh_database("ok")
    result = source.test_cli_runner().invoke(args=["ops", "restore-check", str(folder), "--target-url", target])
    assert result.exit_code == 0, result.output
    assert "Restauration vérifiée" in result.output and "4 orientations" in result.output

    source_url = source.config["SQLALCHEMY_DATABASE_URI"]
    assert _rows(target) == _rows(source_url)
    # Each document of the restored database has its file in the backup, with the bytes stored.
    with source.app_context():
        original = backup._stored_files(backup.Path(source.config["ATTACHMENTS_FOLDER"]))
    checksums = {path.name: backup.sha256_of(path) for path in original}
    for _id, _orientation_id, key, size in _rows(target)["orientation_attachments"]:
        copy = folder / "attachments" / backup.attachment_path(key)
        assert (
            backup.sha256_of(copy) == checksums[key] == manifest["attachments"]["files"][f"{key[:2]}/{key}"]["sha256"]
        )
        assert copy.stat().st_size == size


def test_a_corrupted_document_fails_the_restore_check(source, fresh_database, tmp_path):
    folder = _backup(source, tmp_path / "sauvegardes")
    copy = sorted((folder / "attachments").rglob("*"))[-1]
    copy.write_bytes(copy.read_bytes()[:-1] + b"!")
    result = source.test_cli_runner().invoke(
        args=["ops", "restore-check", str(folder), "--target-url", fresh_database("corrupted")]
    )
    assert result.exit_code == 1
    assert f"document altéré (empreinte SHA-256 différente) : {copy.parent.name}/{copy.name}" in result.output
    assert "Restauration NON conforme : 1 écart(s)" in result.output


def test_a_missing_document_and_a_damaged_dump_are_reported(source, fresh_database, tmp_path):
    folder = _backup(source, tmp_path / "sauvegardes")
    copy = sorted(path for path in (folder / "attachments").rglob("*") if path.is_file())[0]
    copy.unlink()
    result = source.test_cli_runner().invoke(
        args=["ops", "restore-check", str(folder), "--target-url", fresh_database("missing")]
    )
    assert result.exit_code == 1
    assert f"document absent de la sauvegarde : {copy.parent.name}/{copy.name}" in result.output

    with (folder / "database.dump").open("ab") as dump:
        dump.write(b"\0")
    result = source.test_cli_runner().invoke(
        args=["ops", "restore-check", str(folder), "--target-url", fresh_database("damaged")]
    )
    assert result.exit_code == 1 and "database.dump est altéré" in result.output


def test_a_document_without_its_file_is_reported_at_backup_and_at_restore(source, fresh_database, tmp_path):
    url = source.config["SQLALCHEMY_DATABASE_URI"]
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    lost = "0f" * 16
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO orientation_attachments (orientation_id, organisation_id, filename, content_type, size,"
                " storage_key, created_at) SELECT orientation_id, organisation_id, 'perdu.pdf', content_type, size,"
                " :key, created_at FROM orientation_attachments ORDER BY id LIMIT 1"
            ),
            {"key": lost},
        )
    try:
        result = source.test_cli_runner().invoke(args=["ops", "backup", str(tmp_path / "sauvegardes")])
        assert result.exit_code == 0, result.output
        assert "Attention : 1 document(s) enregistré(s) en base sans fichier" in result.output and lost in result.output
        (folder,) = (tmp_path / "sauvegardes").iterdir()
        result = source.test_cli_runner().invoke(
            args=["ops", "restore-check", str(folder), "--target-url", fresh_database("lost")]
        )
        assert result.exit_code == 1 and f"document sans fichier dans la sauvegarde : {lost}" in result.output
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM orientation_attachments WHERE storage_key = :key"), {"key": lost})
        engine.dispose()


def test_the_restore_check_refuses_a_database_that_is_not_empty(source, tmp_path):
    folder = _backup(source, tmp_path / "sauvegardes")
    result = source.test_cli_runner().invoke(
        args=["ops", "restore-check", str(folder), "--target-url", source.config["SQLALCHEMY_DATABASE_URI"]]
    )
    assert result.exit_code == 1 and "la base cible n'est pas vide" in result.output


def test_a_backup_to_an_unwritable_place_fails_in_french(source, tmp_path):
    blocker = tmp_path / "fichier"
    blocker.write_text("")
    result = source.test_cli_runner().invoke(args=["ops", "backup", str(blocker / "sous-dossier")])
    assert result.exit_code == 1 and "Sauvegarde impossible" in result.output


def test_pg_dump_too_old_for_the_server_is_named(monkeypatch):
    monkeypatch.setattr(backup, "_candidates", lambda program: [backup.Path("/usr/bin/pg_dump")])
    monkeypatch.setattr(backup, "program_major", lambda path: 13)
    with pytest.raises(backup.BackupError, match=r"aucun pg_dump de version 18 ou plus .*/usr/bin/pg_dump \(13\)"):
        backup.postgres_program("pg_dump", 18)
