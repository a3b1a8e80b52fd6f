"""`flask directory ...`: open-data import and export."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from orientation.extensions import db

directory_cli = AppGroup("directory", help="Annuaire partagé : import et export de données ouvertes.")
import_cli = AppGroup("import", help="Importe des données ouvertes (idempotent : met à jour, ne duplique pas).")
export_cli = AppGroup("export", help="Exporte l'annuaire.")
directory_cli.add_command(import_cli)
directory_cli.add_command(export_cli)


def _finish(report) -> None:
    for where, reason in report.errors:
        click.echo(f"Refusé — {where} : {reason}", err=True)
    db.session.commit()
    click.echo(report.summary())


@import_cli.command("data-inclusion")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_data_inclusion_command(files):
    """Structures et services au format data·inclusion v1 (un ou plusieurs fichiers JSON)."""
    from orientation.directory.importers import ImportFileError, import_data_inclusion

    try:
        report = import_data_inclusion(list(files))
    except ImportFileError as error:
        raise click.ClickException(str(error)) from error
    _finish(report)


@import_cli.command("mediation-numerique")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_mediation_numerique_command(file):
    """Lieux de médiation numérique (CSV du standard de La MedNum)."""
    from orientation.directory.importers import ImportFileError, import_mediation_numerique

    try:
        report = import_mediation_numerique(file)
    except ImportFileError as error:
        raise click.ClickException(str(error)) from error
    _finish(report)


@export_cli.command("data-inclusion")
@click.option(
    "--output",
    "output_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier où écrire structures.json et services.json (sinon : un objet JSON sur la sortie).",
)
def export_data_inclusion_command(output_dir):
    """Structures et services au format data·inclusion v1, validés contre le schéma."""
    from orientation.directory.export import export_data_inclusion

    structures, services, problems = export_data_inclusion()
    for problem in problems:
        click.echo(f"Non exporté — {problem}", err=True)
    if output_dir is None:
        json.dump({"structures": structures, "services": services}, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    output_dir.mkdir(parents=True, exist_ok=True)
    for name, records in (("structures", structures), ("services", services)):
        (output_dir / f"{name}.json").write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    click.echo(f"{len(structures)} structures et {len(services)} services exportés dans {output_dir}.", err=True)
