"""The import screen in Chromium, its tasks run by a real Celery worker: upload, preview (the page
follows the worker and reloads by itself), « Appliquer », the progress bar at 100 % and the report;
no script refused by the CSP, no accessibility violation (axe)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from orientation.config import celery_settings
from orientation.directory.models import Structure
from orientation.extensions import db
from orientation.territory.operations import load_territory
from tests import builders
from tests.axe import axe_violations
from tests.directory.conftest import FIXTURES
from tests.directory.test_browser_edit import RECORD_VIOLATIONS
from tests.live_server import chromium_page, live_server, log_in
from tests.notifications.processes import QUEUE, SHARED_BROKER, start_worker, stop


@pytest.mark.browser
@pytest.mark.worker
@pytest.mark.no_db_transaction
def test_a_coordinator_previews_then_applies_an_import_followed_by_a_progress_bar(tmp_path):
    folder = tmp_path / "imports"
    # this run's own queue on the shared broker: the worker below is the only one to consume it
    celery = {**celery_settings(SHARED_BROKER, Path(tempfile.gettempdir())), "task_default_queue": QUEUE}
    served = live_server(
        "browser_import", demo=False, REDIS_URL=SHARED_BROKER, CELERY=celery, DIRECTORY_IMPORTS_FOLDER=str(folder)
    )
    with served as (base_url, app):
        with app.app_context():
            load_territory()
            email = builders.user(coordinator=True).email
            db.session.commit()
            db.session.remove()
        worker = start_worker(
            app.config["SQLALCHEMY_DATABASE_URI"],
            SHARED_BROKER,
            1,  # no e-mail is sent
            tmp_path / "worker.log",
            name="directory-import",
            extra_env={"DIRECTORY_IMPORTS_FOLDER": str(folder)},
        )
        try:
            with chromium_page() as page:
                page.add_init_script(RECORD_VIOLATIONS)
                page.set_default_timeout(60_000)  # a loaded machine: the worker shares two cores
                log_in(page, base_url, email, builders.PASSWORD)
                page.goto(f"{base_url}/annuaire/imports")
                assert axe_violations(page) == []
                page.set_input_files("#document", str(FIXTURES / "data-inclusion-sample.json"))
                page.get_by_role("button", name="Voir l'aperçu", exact=True).click()
                page.get_by_role("heading", name="Aperçu : ce qui changerait").wait_for()
                with app.app_context():
                    assert db.session.scalar(sa.select(sa.func.count()).select_from(Structure)) == 0
                    db.session.remove()
                assert axe_violations(page) == []
                page.get_by_role("button", name="Appliquer").click()
                page.get_by_role("heading", name="Rapport de l'import").wait_for()
                assert page.locator("#import-progress").get_attribute("value") == "100"
                assert "Appliqué" in page.locator("#import-status").inner_text()
                assert axe_violations(page) == []
                page.goto(f"{base_url}/annuaire/imports")
                assert "data-inclusion-sample.json" in page.locator("main").inner_text()
                assert page.evaluate("window.__cspViolations") == []
            with app.app_context():
                assert db.session.scalar(sa.select(sa.func.count()).select_from(Structure)) == 2
                db.session.remove()
        finally:
            stop(worker)
