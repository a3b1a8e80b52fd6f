"""`flask ops`: backups and the restore drill."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from orientation.extensions import db

ops_cli = AppGroup("ops", help="Exploitation : sauvegardes et vérification de leur restauration.")


@ops_cli.command("backup")
@click.argument("destination", type=click.Path(file_okay=False, path_type=Path))
def backup_command(destination: Path):
    """Sauvegarde la base (pg_dump) et les documents joints dans un nouveau dossier daté sous DESTINATION."""
    from orientation.attachments import storage
    from orientation.ops import backup

    try:
        made = backup.backup(db.engine, current_app.config["SQLALCHEMY_DATABASE_URI"], storage.folder(), destination)
    except backup.BackupError as error:
        raise click.ClickException(f"Sauvegarde impossible : {error}") from error
    for warning in made.warnings:
        click.echo(f"Attention : {warning}", err=True)
    tables = made.manifest["database"]["tables"]
    click.echo(
        f"Sauvegarde écrite dans {made.folder} : {len(tables)} tables, "
        f"{tables.get('orientations', 0)} orientations, {len(made.manifest['attachments']['files'])} documents "
        f"(pg_dump {made.manifest['pg_dump']['version']})."
    )


@ops_cli.command("restore-check")
@click.argument("backup_folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--target-url",
    required=True,
    help="Base PostgreSQL neuve et vide où restaurer (postgresql://…) ; jamais la base de production.",
)
def restore_check_command(backup_folder: Path, target_url: str):
    """Restaure la sauvegarde dans une base neuve et compare lignes et empreintes au manifeste."""
    from orientation.config import normalise_database_url
    from orientation.ops import backup

    try:
        report = backup.restore_check(backup_folder, normalise_database_url(target_url))
    except backup.BackupError as error:
        raise click.ClickException(f"Vérification impossible : {error}") from error
    if report.problems:
        for problem in report.problems:
            click.echo(f"- {problem}", err=True)
        raise click.ClickException(f"Restauration NON conforme : {len(report.problems)} écart(s) avec le manifeste.")
    main = ", ".join(f"{report.counts.get(table, 0)} {table}" for table in backup.MAIN_TABLES)
    click.echo(
        f"Restauration vérifiée : {len(report.counts)} tables identiques ({main}), "
        f"{report.files_checked} documents aux empreintes identiques."
    )
