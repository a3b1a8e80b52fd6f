"""Celery entry point: `celery -A worker worker` and `celery -A worker beat`.

This module is the one place where the worker's Flask app is built and where every periodic
schedule is declared (see `worker.schedule`).
"""

from celery import signals

from orientation import create_app
from orientation.heartbeats import WorkerHeartbeat
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
        "orientation.directory",
    ],
    force=True,
)


if flask_app.config["LOG_FORMAT"]:
    # The app's handler (JSON lines in production, with the request id of the task) stays: Celery
    # would otherwise replace the root handler with its own format when the worker starts.
    signals.setup_logging.connect(lambda **_kwargs: None, weak=False)

_heartbeat = None


@signals.worker_ready.connect
def _start_heartbeat(sender=None, **_kwargs):
    """Each worker writes `worker:<hostname>` every 30 s (orientation.heartbeats), read by /metrics."""
    global _heartbeat
    _heartbeat = WorkerHeartbeat(flask_app.config["SQLALCHEMY_DATABASE_URI"], sender.hostname)
    _heartbeat.start()


@signals.worker_shutdown.connect
def _stop_heartbeat(**_kwargs):
    if _heartbeat is not None:
        _heartbeat.stop()
