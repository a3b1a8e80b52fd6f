"""A real HTTP server on its own database, for browser tests (Playwright + Debian chromium)."""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager

from werkzeug.serving import make_server

from orientation import create_app
from orientation.config import DEMO_PASSWORD
from orientation.extensions import db
from tests.conftest import create_database, drop_database, testing_config

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def live_server(suffix: str, *, demo: bool = True, **config):
    """Serve a fresh app (own PostgreSQL database, demo data) on 127.0.0.1; yield (base_url, app).

    `config` overrides settings of the served app (e.g. its REDIS_URL)."""
    database_url = create_database(suffix)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    app = create_app(testing_config(database_url, SERVER_NAME=None, PUBLIC_BASE_URL=base_url, **config))
    with app.app_context():
        db.create_all()
        if demo:
            from orientation.demo import load_demo_data

            load_demo_data()
        db.session.commit()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base_url, app
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()
        drop_database(database_url)


@contextmanager
def chromium_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="fr-FR")
            page.set_default_timeout(15_000)
            yield page
        finally:
            browser.close()


def log_in(page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login page as a person would (any previous session dropped)."""
    page.context.clear_cookies()
    page.goto(base_url + "/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(base_url + "/")
