"""`flask rgpd retention [--dry-run]`: what the daily task does, by hand (counts and ids, no personal data)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from orientation.audit.operations import acting_as
from orientation.extensions import db

rgpd_cli = AppGroup("rgpd", help="RGPD : durées de conservation.")


@rgpd_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="Montrer ce qui serait anonymisé ou désactivé, sans rien changer.")
def retention_command(dry_run: bool):
    """Anonymise les fiches inactives, prévient puis désactive les comptes inutilisés."""
    from orientation.rgpd import retention

    plan = retention.plan()
    if dry_run:
        db.session.rollback()
        click.echo("Simulation : rien n'a été modifié.")
    else:
        with acting_as(retention.RETENTION_PURPOSE):
            retention.apply(plan)
        db.session.commit()
        click.echo("Conservation appliquée.")
    for line in plan.summary_lines():
        click.echo(line)
