"""What every benchmark needs: an app on a database of its own, with the schema and the territory."""

from __future__ import annotations

import sqlalchemy as sa


def bench_app(url: str, **overrides):
    """(app, raw psycopg URL) for the benchmark database `url`, schema created, communes loaded."""
    from orientation import create_app
    from orientation.extensions import db
    from orientation.territory.operations import load_territory

    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": url,
            "REDIS_URL": None,
            "RATELIMIT_STORAGE_URI": "memory://",
            "SECRET_KEY": "bench-" + "x" * 40,
            **overrides,
        }
    )
    with app.app_context():
        with db.engine.begin() as connection:
            for extension in ("unaccent", "pg_trgm"):
                connection.execute(sa.text(f"CREATE EXTENSION IF NOT EXISTS {extension}"))
        db.create_all()
        load_territory()
        db.session.commit()
    raw_url = sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return app, raw_url
