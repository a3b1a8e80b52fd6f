"""`flask demo load`: the Vaucluse demo data (idempotent, refused in production)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from orientation.demo import load_demo_data
from orientation.extensions import db

demo_cli = AppGroup("demo", help="Données de démonstration.")


@demo_cli.command("load")
def load_demo_command():
    """Charge les données de démonstration du Vaucluse (idempotent)."""
    summary = load_demo_data()
    db.session.commit()
    for line in summary:
        click.echo(line)
