"""Reads of a person's file are logged by one view decorator, in a transaction of their own."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from orientation import create_app
from orientation.audit.access import logs_person_access, person_accessed
from orientation.audit.models import PersonAccessLog
from orientation.extensions import db
from tests.conftest import create_database, drop_database, testing_config


def test_every_view_that_logs_a_read_declares_it(app):
    """The views that call person_accessed() are those declared with @logs_person_access."""
    declared = {
        endpoint: getattr(view, "person_access_kind", None)
        for endpoint, view in app.view_functions.items()
        if getattr(view, "person_access_kind", None)
    }
    assert declared["people.show"] == "people.show"
    assert declared["referrals.change_status"] == "referrals.show"  # a refused form shows the orientation again
    assert declared["api.change_status"] == "api.orientations.status"
    assert "people.list" not in declared


def test_a_read_outside_a_declared_view_is_refused(app):
    with app.test_request_context("/"), pytest.raises(RuntimeError, match="logs_person_access"):
        person_accessed(SimpleNamespace(id=1))


@pytest.mark.no_db_transaction
def test_a_read_stays_logged_when_the_request_fails():
    url = create_database("access_log")
    try:
        app = create_app(testing_config(url))
        with app.app_context():
            db.create_all()

            @logs_person_access(kind="tests.read")
            def failing_view():
                db.session.execute(sa.text("SELECT 1"))  # the request's own transaction is open
                person_accessed(SimpleNamespace(id=4242), organisation=None)
                person_accessed(SimpleNamespace(id=4242), organisation=None)  # once per request
                db.session.rollback()
                raise RuntimeError("the request fails after the read")

            request = app.test_request_context("/personnes/4242", headers={"User-Agent": "tests"})
            with request, pytest.raises(RuntimeError):
                failing_view()
            db.session.remove()
            rows = db.session.execute(
                sa.select(PersonAccessLog.person_id, PersonAccessLog.purpose, PersonAccessLog.user_agent)
            ).all()
            assert rows == [(4242, "tests.read", "tests")]
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_database(url)
