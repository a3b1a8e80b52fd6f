"""Redis down: the pages that do not need it keep working (issue 19, « degrade, never fail »).

Real processes: the app runs under gunicorn, its broker and its rate-limit / login-throttle storage
on a private redis-server that the test starts, uses, then stops (never the shared one).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import redis
import sqlalchemy as sa

from orientation import create_app
from orientation.extensions import db
from orientation.notifications.models import MessageStatus, OutboxMessage
from orientation.referrals.models import Orientation
from orientation.territory.operations import load_territory
from tests import builders
from tests.conftest import CSRF_RE, create_database, drop_database, testing_config
from tests.live_server import free_port
from tests.notifications.processes import PrivateRedis
from tests.referrals import builders as referral_builders

ROOT = Path(__file__).resolve().parents[1]
SLOW_REQUEST_SECONDS = 6.0  # generous on a loaded machine; without socket timeouts a stuck Redis held requests forever


class Browser:
    """An HTTP client with cookies that submits forms with their CSRF token, and times each request."""

    def __init__(self, base_url: str):
        self.http = httpx.Client(base_url=base_url, follow_redirects=False, timeout=30)
        self.slowest = 0.0

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        started = time.monotonic()
        response = self.http.request(method, url, **kwargs)
        self.slowest = max(self.slowest, time.monotonic() - started)
        assert response.status_code != 500, f"{method} {url}: 500\n{response.text[:2000]}"
        return response

    def get(self, url: str, **kwargs) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def submit(self, url: str, data: dict, *, page: str | None = None) -> httpx.Response:
        match = CSRF_RE.search(self.get(page or url).text)
        assert match, f"no CSRF token on {page or url}"
        return self.request("POST", url, data={**data, "csrf_token": match.group(1)})

    def login(self, email: str, password: str = builders.PASSWORD) -> httpx.Response:
        return self.submit("/connexion", {"email": email, "password": password})


@pytest.fixture(scope="module")
def seeded():
    """A database of its own with a sender, a receiver's service, a person with consent and a need."""
    url = create_database("without_redis")
    app = create_app(testing_config(url))
    with app.app_context():
        db.create_all()
        load_territory()
        world = referral_builders.scenario()
        db.session.commit()
        ids = {
            "sender": world.sender.email,
            "person": world.person.id,
            "service": world.service.id,
            "need": world.need.id,
        }
        db.session.remove()
        db.engine.dispose()
    try:
        yield url, app, ids
    finally:
        drop_database(url)


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path / "redis.log")
    server.start()
    yield server
    server.stop()


def start_gunicorn(database_url: str, redis_url: str, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "ORIENTATION_ENV": "testing",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,  # broker, rate limits and login throttling
        "SECRET_KEY": "without-redis-secret-0123456789abcdef",
        "PUBLIC_BASE_URL": base_url,
        "NOTIFICATIONS_DELIVER_INLINE": "0",  # hand messages to the (dead) broker, as in production
        "HEALTH_BROKER_CACHE_SECONDS": "0",
        "MAIL_BACKEND": "locmem",
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "4", "--bind", f"127.0.0.1:{port}"]
    with log.open("ab") as output:
        process = subprocess.Popen(
            [*command, "orientation:create_app()"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        assert time.monotonic() < deadline, "gunicorn not ready: " + log.read_text(errors="replace")[-3000:]
        try:
            if httpx.get(base_url + "/healthz/ready", timeout=2).status_code == 200:
                return process, base_url
        except httpx.TransportError:
            pass
        time.sleep(0.2)


def stop_gunicorn(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def freeze(server: PrivateRedis) -> None:
    """SIGSTOP: the port still accepts connections (the kernel does) but nothing ever answers, like a
    Redis stuck in swap or on a dropped route — the case that only socket timeouts end."""
    server.process.send_signal(signal.SIGSTOP)


def thaw(server: PrivateRedis) -> None:
    server.process.send_signal(signal.SIGCONT)


@pytest.mark.no_db_transaction
@pytest.mark.parametrize("outage", ["stopped", "frozen"])
def test_pages_answer_without_redis_and_messages_wait_in_the_outbox(outage, seeded, private_redis, tmp_path):
    database_url, app, ids = seeded
    server, base_url = start_gunicorn(database_url, private_redis.url, tmp_path / "gunicorn.log")
    try:
        before = Browser(base_url)  # with Redis up: the counters are in Redis
        assert before.login(ids["sender"]).status_code == 302
        assert before.get("/annuaire/?q=demarches").status_code == 200
        assert redis.Redis.from_url(private_redis.url).keys("*"), "the limits must be counted in Redis"

        if outage == "stopped":
            private_redis.stop()
        else:
            freeze(private_redis)

        browser = Browser(base_url)
        assert browser.get("/connexion").status_code == 200
        assert browser.login(ids["sender"]).status_code == 302
        assert browser.get("/annuaire/?q=demarches").status_code == 200
        assert before.get("/annuaire/?q=demarches").status_code == 200  # a session opened before the outage
        assert browser.get(f"/personnes/{ids['person']}").status_code == 200
        sent = browser.submit(
            f"/orientations/nouvelle?personne={ids['person']}",
            {
                "service_id": ids["service"],
                "need_ids": [ids["need"]],
                "message": "Merci de la recevoir",
                "urgency": "normal",
                "shared_fields": ["phone"],
                "send": "1",
            },
        )
        assert sent.status_code == 302, sent.text[:3000]
        assert browser.get(sent.headers["location"]).status_code == 200

        public = Browser(base_url)
        feed = public.get("/api/v1/hsds/services")
        assert feed.status_code == 200 and feed.json()["contents"] is not None
        assert public.get("/api/v1/data-inclusion/services").status_code == 200

        # Login throttling falls back to this process's memory, it does not fail open.
        statuses = [public.login("inconnu@test.fr", "mauvais").status_code for _ in range(6)]
        assert statuses == [401] * 5 + [429]

        health = public.get("/healthz")
        assert health.status_code == 503 and health.json() == {"database": "ok", "broker": "error"}
        assert public.get("/healthz/ready").status_code == 200  # the load balancer keeps the process

        slowest = max(before.slowest, browser.slowest, public.slowest)
        print(f"Redis {outage}: slowest request {slowest:.2f} s")
        assert slowest < SLOW_REQUEST_SECONDS, f"a request took {slowest:.2f} s with Redis down"
    finally:
        stop_gunicorn(server)
        if outage == "frozen":
            thaw(private_redis)

    with app.app_context():
        orientation = db.session.scalar(
            sa.select(Orientation)
            .where(Orientation.person_id == ids["person"])
            .order_by(Orientation.id.desc())
            .limit(1)
        )
        assert orientation is not None, "the orientation must be saved"
        waiting = db.session.scalars(
            sa.select(OutboxMessage.status).where(
                OutboxMessage.subject_type == "orientation", OutboxMessage.subject_id == orientation.id
            )
        ).all()
        assert waiting and set(waiting) == {MessageStatus.PENDING}, "its messages wait in the outbox"
        db.session.remove()
        db.engine.dispose()
