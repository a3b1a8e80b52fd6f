"""The coordination's import screen: upload → preview (a dry run: nothing written) → « Appliquer » →
the import in one transaction, its progress, and the history with the reports. The tasks are called
directly, as the worker would (tests/directory/test_browser_import.py runs them in a real worker)."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from orientation import clock
from orientation.directory import import_runs, tasks
from orientation.directory.models import ImportOrigin, ImportRun, ImportSource, ImportStatus, Service, Structure
from orientation.extensions import db
from tests.directory.conftest import FIXTURES

SAMPLE = (FIXTURES / "data-inclusion-sample.json").read_bytes()


@pytest.fixture
def queued(app, monkeypatch, tmp_path):
    """The tasks handed to the broker after a commit (name, run id); uploads stored under tmp_path."""
    calls = []
    monkeypatch.setattr(import_runs, "_queue", lambda name, run_id: calls.append((name, run_id)))
    monkeypatch.setitem(app.config, "DIRECTORY_IMPORTS_FOLDER", str(tmp_path / "imports"))
    return calls


@pytest.fixture
def coordinator(logged_in, make):
    return logged_in(make.user(coordinator=True))


def _upload(client, content: bytes, name: str = "annuaire.json", source: str = "data_inclusion_file", **extra):
    return client.submit(
        "/annuaire/imports",
        {"source": source, "document": (io.BytesIO(content), name), **extra},
        content_type="multipart/form-data",
    )


def _run(run_id: int) -> ImportRun:
    db.session.expire_all()
    return db.session.get(ImportRun, run_id)


def _dora_structures() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Structure).where(Structure.source == "dora"))


def _previewed(coordinator, queued) -> ImportRun:
    response = _upload(coordinator, SAMPLE)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    name, run_id = queued[-1]
    assert name == "directory.preview_import"
    tasks.preview_import(run_id)
    return _run(run_id)


def test_an_upload_is_previewed_without_writing_anything(coordinator, queued):
    response = _upload(coordinator, SAMPLE)
    run_id = queued[0][1]
    assert response.headers["Location"].endswith(f"/annuaire/imports/{run_id}")
    waiting = coordinator.get(f"/annuaire/imports/{run_id}").get_data(as_text=True)
    assert "Aperçu en cours" in waiting and "js/import-progress.js" in waiting and 'http-equiv="refresh"' in waiting

    tasks.preview_import(run_id)
    run = _run(run_id)
    assert run.status is ImportStatus.PREVIEWED and run.origin is ImportOrigin.SCREEN
    assert run.counts["structure"]["new"] == 2 and run.counts["structure"]["refused"] == 1
    assert run.expected == run.processed > 0
    assert _dora_structures() == 0  # a dry run: nothing written
    page = coordinator.get(f"/annuaire/imports/{run_id}").get_data(as_text=True)
    assert "Aperçu : ce qui changerait" in page and ">Appliquer</button>" in page
    assert "Espace France Services d&#39;Apt" in page  # the records behind the counts
    assert "s-invalid" in page and "champ obligatoire manquant" in page  # the refusal and its reason, in French


def test_applying_imports_in_the_worker_and_the_history_shows_the_report(coordinator, queued):
    run = _previewed(coordinator, queued)
    response = coordinator.submit(f"/annuaire/imports/{run.id}/appliquer", page=f"/annuaire/imports/{run.id}")
    assert response.status_code == 302
    assert queued[-1] == ("directory.apply_import", run.id)
    assert _run(run.id).status is ImportStatus.QUEUED
    state = coordinator.get(f"/annuaire/imports/{run.id}/etat").get_json()
    assert state["status"] == "queued" and state["running"] is True

    tasks.apply_import(run.id)
    run = _run(run.id)
    assert run.status is ImportStatus.APPLIED and run.progress == 100
    assert run.report["counts"]["structure"]["new"] == 2 and _dora_structures() == 2
    assert coordinator.get(f"/annuaire/imports/{run.id}/etat").get_json()["progress"] == 100
    history = coordinator.get("/annuaire/imports").get_data(as_text=True)
    assert f"/annuaire/imports/{run.id}" in history and "Appliqué" in history and "annuaire.json" in history
    report = coordinator.get(f"/annuaire/imports/{run.id}").get_data(as_text=True)
    assert "Rapport de l&#39;import" in report and 'value="100"' in report

    # a second « Appliquer » (double click, replayed form) queues nothing
    again = coordinator.submit(f"/annuaire/imports/{run.id}/appliquer", page=f"/annuaire/imports/{run.id}")
    assert again.status_code == 302 and queued[-1] == ("directory.apply_import", run.id) and len(queued) == 2
    tasks.apply_import(run.id)  # a redelivered task does nothing either
    assert _run(run.id).status is ImportStatus.APPLIED


def test_a_failure_at_application_changes_nothing_and_says_why(coordinator, queued):
    run = _previewed(coordinator, queued)
    import_runs.stored_file(run).write_bytes(SAMPLE[: len(SAMPLE) // 2])  # the file got cut since
    coordinator.submit(f"/annuaire/imports/{run.id}/appliquer", page=f"/annuaire/imports/{run.id}")
    tasks.apply_import(run.id)
    run = _run(run.id)
    assert run.status is ImportStatus.FAILED and "tronqué" in run.error and "Rien n'a été modifié" in run.error
    assert _dora_structures() == 0
    page = coordinator.get(f"/annuaire/imports/{run.id}").get_data(as_text=True)
    assert "L'import n'a pas abouti" in page


@pytest.mark.parametrize(
    ("content", "name", "source", "message"),
    [
        (SAMPLE[:300], "tronque.json", "data_inclusion_file", "fichier tronqué"),
        (b'{"foo": 1, "bar": [1]}', "autre.json", "data_inclusion_file", "ce n&#39;est pas un fichier data·inclusion"),
        (b"nom;adresse\nMairie;1 place\n", "lieux.csv", "mediation_numerique_file", "colonnes obligatoires absentes"),
        (b"\xff\xfe[\x00]\x00", "utf16.json", "data_inclusion_file", "UTF-16 non pris en charge"),
        (b"[]", "vide.json", "data_inclusion_file", "Aucun enregistrement importable"),
    ],
)
def test_bad_files_fail_in_french_at_the_preview(coordinator, queued, content, name, source, message):
    _upload(coordinator, content, name, source)
    tasks.preview_import(queued[0][1])
    run = _run(queued[0][1])
    assert run.status is ImportStatus.FAILED
    page = coordinator.get(f"/annuaire/imports/{run.id}").get_data(as_text=True)
    assert message in page and ">Appliquer</button>" not in page
    assert coordinator.post(f"/annuaire/imports/{run.id}/appliquer").status_code in (302, 400)
    assert _run(run.id).status is ImportStatus.FAILED


def test_a_latin_1_file_is_read(coordinator, queued):
    content = json.dumps(
        [{"source": "dora", "id": "s-1", "nom": "Équipe d'été", "date_maj": "2025-01-01", "code_postal": "84000"}],
        ensure_ascii=False,
    ).encode("cp1252")
    _upload(coordinator, content, "latin.json")
    tasks.preview_import(queued[0][1])
    run = _run(queued[0][1])
    assert run.status is ImportStatus.PREVIEWED and "Windows-1252" in run.preview["summary"]
    assert run.preview["records"]["structure"]["new"] == [["s-1", "Équipe d'été"]]


def test_the_upload_may_be_larger_than_other_forms(app, coordinator, queued, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)  # every other form: 1,000 bytes at most
    assert len(SAMPLE) > 1000
    assert _upload(coordinator, SAMPLE).status_code == 302 and len(queued) == 1


def test_an_empty_or_too_large_upload_is_refused_in_the_form(app, coordinator, queued, monkeypatch):
    response = _upload(coordinator, b"", "vide.json")
    assert response.status_code == 400 and "Le fichier est vide." in response.get_data(as_text=True)
    monkeypatch.setitem(app.config, "DIRECTORY_IMPORT_MAX_BYTES", 100)
    response = _upload(coordinator, SAMPLE)
    assert response.status_code == 400 and "dépasse la taille permise" in response.get_data(as_text=True)
    missing = coordinator.submit("/annuaire/imports", {"source": "data_inclusion_file"})
    assert missing.status_code == 400 and "Choisissez un fichier." in missing.get_data(as_text=True)
    assert queued == [] and db.session.scalar(sa.select(sa.func.count()).select_from(ImportRun)) == 0


def test_a_sync_is_previewed_then_applied(coordinator, queued, monkeypatch):
    from orientation.directory.importers import import_records

    def fake_sync(departements=None, *, client=None, progress=None):
        assert departements == ["84"]
        records = [("structure", "API structures du 84, page 1 n°1", json.loads(SAMPLE)["structures"][0])]
        return import_records(records)

    monkeypatch.setattr("orientation.directory.sync.sync_data_inclusion", fake_sync)
    response = coordinator.submit("/annuaire/imports/synchroniser", page="/annuaire/imports")
    assert response.status_code == 302
    run_id = queued[0][1]
    tasks.preview_import(run_id)
    assert _run(run_id).status is ImportStatus.PREVIEWED and _dora_structures() == 0
    coordinator.submit(f"/annuaire/imports/{run_id}/appliquer", page=f"/annuaire/imports/{run_id}")
    tasks.apply_import(run_id)
    run = _run(run_id)
    assert run.status is ImportStatus.APPLIED and run.source is ImportSource.DATA_INCLUSION_SYNC
    assert _dora_structures() == 1


def test_the_command_line_imports_are_in_the_history(app, coordinator, tmp_path):
    path = tmp_path / "annuaire.json"
    path.write_bytes(SAMPLE)
    result = app.test_cli_runner().invoke(args=["directory", "import", "data-inclusion", str(path)])
    assert result.exit_code == 0, result.output
    broken = tmp_path / "coupe.json"
    broken.write_bytes(SAMPLE[:200])
    result = app.test_cli_runner().invoke(args=["directory", "import", "data-inclusion", str(broken)])
    assert result.exit_code == 1
    runs = db.session.scalars(sa.select(ImportRun).order_by(ImportRun.id)).all()
    assert [(r.origin, r.status, r.file_name) for r in runs] == [
        (ImportOrigin.COMMAND, ImportStatus.APPLIED, "annuaire.json"),
        (ImportOrigin.COMMAND, ImportStatus.FAILED, "coupe.json"),
    ]
    assert runs[0].report["counts"]["structure"]["new"] == 2 and "tronqué" in runs[1].error
    history = coordinator.get("/annuaire/imports").get_data(as_text=True)
    assert "Ligne de commande" in history and "coupe.json" in history


def test_only_the_coordination_imports(logged_in, make, queued):
    run = ImportRun(source=ImportSource.DATA_INCLUSION_SYNC, origin=ImportOrigin.SCREEN, status=ImportStatus.PREVIEWED)
    db.session.add(run)
    db.session.commit()
    for user in (make.agent(), make.manager()):
        client = logged_in(user)
        for url in ("/annuaire/imports", f"/annuaire/imports/{run.id}", f"/annuaire/imports/{run.id}/etat"):
            assert client.get(url).status_code == 403
        assert client.post(f"/annuaire/imports/{run.id}/appliquer").status_code in (400, 403)
        upload = {"source": "data_inclusion_file", "document": (io.BytesIO(SAMPLE), "a.json")}
        assert client.post("/annuaire/imports", data=upload, content_type="multipart/form-data").status_code == 403
    assert queued == [] and _run(run.id).status is ImportStatus.PREVIEWED


def test_only_one_service_per_id(coordinator, queued):
    """Sanity: the services of the applied sample are there once (the preview left nothing behind)."""
    run = _previewed(coordinator, queued)
    coordinator.submit(f"/annuaire/imports/{run.id}/appliquer", page=f"/annuaire/imports/{run.id}")
    tasks.apply_import(run.id)
    ids = db.session.scalars(sa.select(Service.source_id).where(Service.source == "dora")).all()
    assert len(ids) == len(set(ids)) > 0


def test_the_uploaded_file_is_removed_once_applied_or_failed(coordinator, queued):
    run = _previewed(coordinator, queued)
    assert import_runs.stored_file(run).is_file()
    coordinator.submit(f"/annuaire/imports/{run.id}/appliquer", page=f"/annuaire/imports/{run.id}")
    tasks.apply_import(run.id)
    assert not import_runs.folder(run).exists()
    _upload(coordinator, b"[", "coupe.json")
    tasks.preview_import(queued[-1][1])
    failed = _run(queued[-1][1])
    assert failed.status is ImportStatus.FAILED and not import_runs.folder(failed).exists()


def _aged(run: ImportRun, **ages) -> None:
    """Move the run's timestamps back (started_at=timedelta, …)."""
    for column, age in ages.items():
        setattr(run, column, clock.now() - age)
    db.session.commit()  # (the next request's session would otherwise drop what was only flushed)


def test_a_run_whose_worker_died_is_closed_as_interrupted_and_nothing_else(coordinator, queued):
    run = _previewed(coordinator, queued)
    coordinator.submit(f"/annuaire/imports/{run.id}/appliquer", page=f"/annuaire/imports/{run.id}")
    run = _run(run.id)
    run.status = ImportStatus.APPLYING  # claimed by a worker that was then killed: its transaction is gone
    _aged(run, started_at=timedelta(minutes=20))
    recent = _previewed(coordinator, queued)
    recent.status = ImportStatus.APPLYING  # a worker just claimed it, and is about to take the lock
    run = _run(run.id)
    _aged(recent, started_at=timedelta(minutes=1))

    engine = db.engine.engine
    with engine.connect() as other, other.begin():  # an import running elsewhere holds the lock
        other.execute(sa.select(sa.func.pg_advisory_xact_lock(import_runs.IMPORT_LOCK)))
        assert import_runs.tidy_runs() == {"interrupted": 0, "expired": 0}
    assert _run(run.id).status is ImportStatus.APPLYING

    assert import_runs.tidy_runs() == {"interrupted": 1, "expired": 0}
    interrupted = _run(run.id)
    assert interrupted.status is ImportStatus.FAILED and interrupted.error == import_runs.INTERRUPTED
    assert not import_runs.folder(interrupted).exists() and _dora_structures() == 0
    assert _run(recent.id).status is ImportStatus.APPLYING
    page = coordinator.get(f"/annuaire/imports/{run.id}").get_data(as_text=True)
    assert "Le traitement s&#39;est arrêté en cours de route" in page and "Application en cours" not in page


def test_a_preview_never_applied_is_dropped_with_its_file_after_a_week(app, coordinator, queued):
    old = _previewed(coordinator, queued)
    _aged(old, finished_at=timedelta(days=8))
    fresh = _previewed(coordinator, queued)
    _aged(fresh, finished_at=timedelta(days=2))
    assert import_runs.tidy_runs() == {"interrupted": 0, "expired": 1}
    expired = _run(old.id)
    assert expired.status is ImportStatus.FAILED and "Aperçu non appliqué dans les 7 jours" in expired.error
    assert not import_runs.folder(expired).exists()
    kept = _run(fresh.id)
    assert kept.status is ImportStatus.PREVIEWED and import_runs.stored_file(kept).is_file()
    response = coordinator.submit(f"/annuaire/imports/{old.id}/appliquer", page=f"/annuaire/imports/{old.id}")
    assert response.status_code in (200, 302) and not [call for call in queued if call[0] == "directory.apply_import"]


def test_the_housekeeping_is_scheduled_and_registered(app):
    from worker.schedule import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["directory-tidy-import-runs"]
    assert entry["task"] in app.extensions["celery"].tasks and entry["schedule"] <= 600
