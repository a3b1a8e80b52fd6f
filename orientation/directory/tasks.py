"""The directory's tasks: the daily sync with data·inclusion (declared in worker/schedule.py), and the
preview and application of the coordination's imports (orientation.directory.import_runs)."""

from __future__ import annotations

import logging

from celery import shared_task

from orientation.extensions import db

log = logging.getLogger(__name__)


@shared_task(name="directory.sync_data_inclusion", ignore_result=True)
def sync_data_inclusion() -> dict:
    """One transaction: a failed or empty pull changes nothing (and is logged, recorded, then raised)."""
    from orientation.directory.import_runs import NOTHING_IMPORTED, UNEXPECTED, record_run
    from orientation.directory.importers import ImportFileError
    from orientation.directory.models import ImportOrigin, ImportSource
    from orientation.directory.sync import sync_data_inclusion as run

    source, origin = ImportSource.DATA_INCLUSION_SYNC, ImportOrigin.SCHEDULE
    report = None
    try:
        report = run()
        if report.failed:
            raise RuntimeError(f"Synchronisation data·inclusion : rien d'importable. {report.summary()}")
        record_run(source, origin, report=report)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        log.exception("directory: data·inclusion sync failed, nothing changed")
        if isinstance(error, ImportFileError):
            reason = f"{error} Rien n'a été modifié."
        elif report is not None and report.failed:
            reason = NOTHING_IMPORTED
        else:
            reason = UNEXPECTED
        record_run(source, origin, report=report, error=reason)
        db.session.commit()
        raise
    log.info("directory: data·inclusion sync: %s", report.summary())
    return report.counts


@shared_task(name="directory.preview_import", ignore_result=True)
def preview_import(run_id: int) -> None:
    """The dry run of an import run (rolled back), its report kept as the preview."""
    from orientation.directory.import_runs import run_preview

    run_preview(run_id)


@shared_task(name="directory.apply_import", ignore_result=True)
def apply_import(run_id: int) -> None:
    """The real import of a previewed run, in one transaction (a failure changes nothing)."""
    from orientation.directory.import_runs import run_apply

    run_apply(run_id)


@shared_task(name="directory.tidy_import_runs", ignore_result=True)
def tidy_import_runs() -> dict:
    """Runs a dead worker left « en cours », previews never applied (orientation.directory.import_runs)."""
    from orientation.directory.import_runs import tidy_runs

    return tidy_runs()
