"""Orientation: tracked orientations and a shared directory for the social services of Vaucluse."""

from __future__ import annotations

from pathlib import Path

from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    """Build the application; `config` overrides settings read from the environment."""
    from orientation import cli, errors, extensions, models, web  # noqa: F401 (models: full metadata)
    from orientation.celery_app import celery_init_app
    from orientation.config import load_config
    from orientation.ops.logs import configure_logging

    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(load_config(Path(app.instance_path), config))
    if app.config["PROXY_COUNT"]:  # client address and scheme as seen by the reverse proxy
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    extensions.db.init_app(app)
    extensions.migrate.init_app(
        app,
        extensions.db,
        directory=str(Path(__file__).parent.parent / "migrations"),
    )
    extensions.csrf.init_app(app)
    extensions.mail.init_app(app)
    extensions.limiter.init_app(app)
    _configure_login(app)

    from orientation.urls import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added
    web.register_blueprints(app)
    errors.register_error_pages(app)
    cli.register_commands(app)
    celery_init_app(app)
    configure_logging(app)
    return app


def _configure_login(app: Flask) -> None:
    from orientation.auth import session as auth_session
    from orientation.extensions import login_manager

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(auth_session.load_user)
    app.before_request(auth_session.enforce_session_lifetime)
