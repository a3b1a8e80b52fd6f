"""Celery entry point: `celery -A worker worker` and `celery -A worker beat`.

This module is the one place where the worker's Flask app is built and where every periodic
schedule is declared (see `worker.schedule`).
"""

from orientation import create_app
from worker.schedule import BEAT_SCHEDULE

flask_app = create_app()
app = flask_app.extensions["celery"]
app.conf.beat_schedule = BEAT_SCHEDULE
app.autodiscover_tasks(
    [
        "orientation.followups",
        "orientation.notifications",
        "orientation.rgpd",
        "orientation.pilotage",
    ],
    force=True,
)
