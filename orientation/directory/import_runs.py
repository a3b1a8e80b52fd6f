"""Import runs: a preview (a dry run, rolled back) before the real import, both in the worker.

The screen stores the uploaded file under DIRECTORY_IMPORTS_FOLDER/<run id>/ and creates the run;
after the commit a task reads it with the importers in one transaction and rolls it back: the preview
is the real import's report (counts and the records behind them), nothing written. « Appliquer » queues
the same import, committed this time, or rolled back whole on any failure (never half-applied).

Progress is written on a connection of its own (committed at once, so the page can poll it while the
import's transaction is still open); the run's final state is written in the import's transaction.
Imports are serialised by an advisory lock: a nightly sync waits for an import of the screen to end.
The command line and the nightly sync record their runs here too (`record_run`), for the history.
"""

from __future__ import annotations

import logging
import shutil
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from werkzeug.utils import secure_filename

from orientation.aftercommit import after_commit
from orientation.db import utcnow
from orientation.directory.importers import ImportFileError, ImportReport
from orientation.directory.models import ImportOrigin, ImportRun, ImportSource, ImportStatus
from orientation.extensions import db

log = logging.getLogger(__name__)

IMPORT_LOCK = 0x0D1A_1A17  # pg_advisory_xact_lock key: one directory import at a time
PROGRESS_SECONDS = 1.0  # at most one progress write a second
NOTHING_IMPORTED = "Aucun enregistrement importable : rien n'a été modifié."
UNEXPECTED = "Erreur inattendue pendant l'import : rien n'a été modifié. L'équipe technique a été prévenue."
INTERRUPTED = (
    "Le traitement s'est arrêté en cours de route (redémarrage du serveur) : rien n'a été modifié. Relancez l'import."
)
EXPIRED = (
    "Aperçu non appliqué dans les {days} jours : le fichier a été supprimé, rien n'a été modifié. Relancez l'import."
)
# A run stays « en cours » this long after its start at least before it can be found interrupted: the
# moment between claiming the run and taking the import lock.
INTERRUPTED_AFTER = timedelta(minutes=5)


class RejectedUpload(Exception):
    """The uploaded file cannot be imported (message in French, for the form)."""


# ---------------------------------------------------------------------------------------------
# Starting a run (the screen): flush, never commit; the task is queued after the commit


def folder(run: ImportRun) -> Path:
    return Path(current_app.config["DIRECTORY_IMPORTS_FOLDER"]) / str(run.id)


def stored_file(run: ImportRun) -> Path:
    return folder(run) / run.file_name


def start_file_import(upload, source: ImportSource, *, partial: bool, user) -> ImportRun:
    """Store the uploaded file and queue its preview. Raises RejectedUpload (nothing kept)."""
    name = secure_filename(upload.filename or "") or "import"
    run = ImportRun(
        source=source,
        origin=ImportOrigin.SCREEN,
        status=ImportStatus.PREVIEWING,
        partial=partial,
        file_name=name[-255:],
        created_by_id=user.id,
    )
    db.session.add(run)
    db.session.flush()
    target = stored_file(run)
    target.parent.mkdir(parents=True, exist_ok=True)
    upload.save(target)
    size = target.stat().st_size
    limit = current_app.config["DIRECTORY_IMPORT_MAX_BYTES"]
    problem = None
    if size == 0:
        problem = "Le fichier est vide."
    elif size > limit:
        problem = f"Le fichier dépasse la taille permise ({limit // 2**20} Mo au plus)."
    if problem:
        shutil.rmtree(folder(run), ignore_errors=True)
        raise RejectedUpload(problem)
    after_commit(_queue, "directory.preview_import", run.id)
    return run


def start_sync(*, user, departements: list[str] | None = None) -> ImportRun:
    run = ImportRun(
        source=ImportSource.DATA_INCLUSION_SYNC,
        origin=ImportOrigin.SCREEN,
        status=ImportStatus.PREVIEWING,
        departements=departements or list(current_app.config["DATA_INCLUSION_DEPARTEMENTS"]),
        created_by_id=user.id,
    )
    db.session.add(run)
    db.session.flush()
    after_commit(_queue, "directory.preview_import", run.id)
    return run


def queue_apply(run: ImportRun) -> bool:
    """« Appliquer » a previewed run; False when it is not (or no longer) waiting for it."""
    claimed = db.session.execute(
        sa.update(ImportRun)
        .where(ImportRun.id == run.id, ImportRun.status == ImportStatus.PREVIEWED)
        .values(status=ImportStatus.QUEUED, progress=0, processed=0)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed:
        after_commit(_queue, "directory.apply_import", run.id)
    db.session.refresh(run)
    return bool(claimed)


def _queue(task_name: str, run_id: int) -> None:
    current_app.extensions["celery"].send_task(task_name, args=[run_id])


# ---------------------------------------------------------------------------------------------
# Running (the tasks): preview and apply


def run_preview(run_id: int) -> None:
    run = db.session.get(ImportRun, run_id)
    if run is None or run.status is not ImportStatus.PREVIEWING:
        return
    run.started_at = utcnow()
    db.session.commit()
    report, error = _execute(run, expected=None)
    db.session.rollback()  # the dry run: whatever the import wrote goes
    run = db.session.get(ImportRun, run_id)
    if error is None and report.failed:
        error = NOTHING_IMPORTED
    run.processed = report.processed if report else run.processed
    run.expected = run.processed
    run.finished_at = utcnow()
    if error is None:
        run.status, run.preview, run.counts, run.progress = ImportStatus.PREVIEWED, report.as_json(), report.counts, 100
    else:
        _fail(run, error, report)
    db.session.commit()


def run_apply(run_id: int) -> None:
    claimed = db.session.execute(
        sa.update(ImportRun)
        .where(ImportRun.id == run_id, ImportRun.status == ImportStatus.QUEUED)
        .values(status=ImportStatus.APPLYING, started_at=utcnow(), finished_at=None, progress=0, processed=0)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not claimed:
        return
    run = db.session.get(ImportRun, run_id)
    report, error = _execute(run, expected=run.expected)
    if error is None and report.failed:
        error = NOTHING_IMPORTED
    if error is not None:
        db.session.rollback()
        run = db.session.get(ImportRun, run_id)
        _fail(run, error, report)
    else:
        _finish(run, report)
        shutil.rmtree(folder(run), ignore_errors=True)  # applied: the file has served
    db.session.commit()


def _execute(run: ImportRun, expected: int | None) -> tuple[ImportReport | None, str | None]:
    """(report, None) or (report or None, French error); the caller commits or rolls back."""
    progress = ProgressWriter(run.id, expected)
    try:
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(IMPORT_LOCK)))
        return _import(run, progress), None
    except ImportFileError as error:
        return None, f"{error} Rien n'a été modifié."
    except Exception:
        log.exception("directory: import run %s failed", run.id)
        return None, UNEXPECTED


def _import(run: ImportRun, progress) -> ImportReport:
    from orientation.directory.importers import import_data_inclusion, import_mediation_numerique
    from orientation.directory.sync import sync_data_inclusion

    if run.source is ImportSource.DATA_INCLUSION_SYNC:
        return sync_data_inclusion(run.departements or None, progress=progress)
    path = stored_file(run)
    if not path.is_file():
        raise ImportFileError(f"{run.file_name} : le fichier envoyé n'est plus disponible, envoyez-le à nouveau.")
    if run.source is ImportSource.MEDIATION_NUMERIQUE_FILE:
        return import_mediation_numerique(path, withdraw=not run.partial, progress=progress)
    return import_data_inclusion([path], withdraw=not run.partial, progress=progress)


def _finish(run: ImportRun, report: ImportReport) -> None:
    run.status = ImportStatus.APPLIED
    run.report, run.counts = report.as_json(), report.counts
    run.processed, run.progress = report.processed, 100
    run.finished_at = utcnow()


def _fail(run: ImportRun, error: str, report: ImportReport | None) -> None:
    run.status, run.error, run.finished_at = ImportStatus.FAILED, error, utcnow()
    shutil.rmtree(folder(run), ignore_errors=True)  # a failed run is never applied: its file has served
    if report is not None:
        run.report, run.counts = report.as_json(), report.counts


# ---------------------------------------------------------------------------------------------
# Housekeeping (worker/schedule.py): runs a dead worker left « en cours », previews never applied


def tidy_runs() -> dict[str, int]:
    """Close the runs nobody will finish. A preview or an application runs in a transaction holding the
    import lock: when the lock is free, a run still « en cours » long after its start lost its worker
    (its transaction was rolled back with its connection: nothing was written). A preview waiting for
    « Appliquer » longer than DIRECTORY_IMPORT_PREVIEW_DAYS is dropped with its file."""
    now = utcnow()
    interrupted = 0
    if db.session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(IMPORT_LOCK))):
        running = db.session.scalars(
            sa.select(ImportRun).where(
                ImportRun.status.in_([ImportStatus.PREVIEWING, ImportStatus.APPLYING]),
                sa.func.coalesce(ImportRun.started_at, ImportRun.created_at) < now - INTERRUPTED_AFTER,
            )
        ).all()
        for run in running:
            _fail(run, INTERRUPTED, None)
        interrupted = len(running)
    days = current_app.config["DIRECTORY_IMPORT_PREVIEW_DAYS"]
    stale = db.session.scalars(
        sa.select(ImportRun).where(
            ImportRun.status == ImportStatus.PREVIEWED,
            sa.func.coalesce(ImportRun.finished_at, ImportRun.created_at) < now - timedelta(days=days),
        )
    ).all()
    for run in stale:
        _fail(run, EXPIRED.format(days=days), None)
    db.session.commit()
    if interrupted or stale:
        log.warning("directory: %s import runs interrupted, %s previews expired", interrupted, len(stale))
    return {"interrupted": interrupted, "expired": len(stale)}


class ProgressWriter:
    """Called by the importer with the records read: writes the percentage on its own connection."""

    def __init__(self, run_id: int, expected: int | None):
        self.run_id, self.expected = run_id, expected
        self.engine = db.engine.engine  # in tests db.engine is the test's connection: take its engine
        self.last = 0.0

    def __call__(self, processed: int) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_SECONDS:
            return
        self.last = now
        percent = min(99, processed * 100 // self.expected) if self.expected else 0
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    sa.update(ImportRun.__table__)
                    .where(ImportRun.__table__.c.id == self.run_id)
                    .values(processed=processed, progress=percent)
                )
        except sa.exc.SQLAlchemyError:  # progress is a courtesy: never fail an import for it
            log.warning("directory: progress of import run %s not written", self.run_id, exc_info=True)


# ---------------------------------------------------------------------------------------------
# Runs of the command line and of the nightly sync


def record_run(
    source: ImportSource,
    origin: ImportOrigin,
    *,
    report: ImportReport | None = None,
    error: str | None = None,
    file_name: str | None = None,
    departements: list[str] | None = None,
    partial: bool = False,
) -> ImportRun:
    """Add the finished run to the history (flush; in the import's transaction when it succeeded)."""
    now = utcnow()
    run = ImportRun(
        source=source,
        origin=origin,
        status=ImportStatus.FAILED if error else ImportStatus.APPLIED,
        partial=partial,
        file_name=(file_name or None) and file_name[:255],
        departements=departements,
        started_at=now,
        finished_at=now,
        progress=0 if error else 100,
        processed=report.processed if report else 0,
        counts=report.counts if report else None,
        report=report.as_json() if report else None,
        error=error,
    )
    db.session.add(run)
    db.session.flush()
    return run
