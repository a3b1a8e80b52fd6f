"""No N+1: the inbox, the sent list, the person's file (timeline) and an orientation page issue the same
number of SQL statements with 3 or 30 orientations."""

from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa

from orientation.referrals.lifecycle import OrientationStatus as S
from tests.referrals import builders as rb

# The first three already fill the inbox tabs measured (new, ongoing, closed).
STATUSES = [S.SENT, S.ACCEPTED, S.DECLINED, S.RECEIVED, S.IN_PROGRESS, S.COMPLETED]


@contextmanager
def counting():
    statements = []

    def _count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", _count)
    try:
        yield statements
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", _count)


def _fill(world, count):
    for index in range(count):
        orientation = world.orientation(STATUSES[index % len(STATUSES)])
        if index % 2:
            rb.operations.add_comment(orientation, user=world.sender, body="Un message")
    return orientation


def _counts(world, logged_in, count):
    last = _fill(world, count)
    sender, receiver = logged_in(world.sender), logged_in(world.receiver)
    pages = {
        "inbox-new": (receiver, "/orientations/recues"),
        "inbox-ongoing": (receiver, "/orientations/recues?onglet=en-cours"),
        "inbox-closed": (receiver, "/orientations/recues?onglet=terminees"),
        "sent": (sender, "/orientations/envoyees"),
        "person": (sender, f"/personnes/{world.person.id}"),
        "orientation": (sender, f"/orientations/{last.id}"),
    }
    result = {}
    for name, (client, url) in pages.items():
        with counting() as statements:
            assert client.get(url).status_code == 200
        result[name] = len(statements)
    return result


def test_pages_issue_a_constant_number_of_statements(logged_in):
    small = _counts(rb.scenario(), logged_in, 3)
    large = _counts(rb.scenario(), logged_in, 30)
    assert small == large, (small, large)
