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


sync_cli = AppGroup("sync", help="Synchronise l'annuaire avec une source ouverte.")
directory_cli.add_command(sync_cli)

PARTIAL = click.option(
    "--partial",
    is_flag=True,
    help="Fichier partiel : ne retire pas les entrées de la même source absentes du fichier.",
)


def _run_import(run, source: str, **recorded) -> None:
    """One transaction: committed when something was imported, rolled back (nothing changed) otherwise.

    Each run is recorded in the history of imports (import_runs), failed ones in a transaction of their own.
    Exits 1 when the file cannot be read or nothing could be imported, so a scheduled run can tell."""
    from orientation.directory.import_runs import NOTHING_IMPORTED, record_run
    from orientation.directory.importers import ImportFileError
    from orientation.directory.models import ImportOrigin, ImportSource

    source, origin = ImportSource(source), ImportOrigin.COMMAND

    def failed(reason: str, report=None) -> None:
        db.session.rollback()
        record_run(source, origin, report=report, error=reason, **recorded)
        db.session.commit()

    try:
        report = run()
    except ImportFileError as error:
        failed(f"{error} Rien n'a été modifié.")
        raise click.ClickException(f"{error} Rien n'a été modifié.") from error
    except BaseException:
        db.session.rollback()
        raise
    for issue in report.issues:
        click.echo(issue.line(), err=True)
    if report.failed:
        failed(NOTHING_IMPORTED, report)
        click.echo(report.summary())
        raise click.ClickException("Aucun enregistrement importé : rien n'a été modifié.")
    record_run(source, origin, report=report, **recorded)
    db.session.commit()
    click.echo(report.summary())


@import_cli.command("data-inclusion")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@PARTIAL
def import_data_inclusion_command(files, partial):
    """Structures et services data·inclusion v1 : liste JSON, NDJSON, {"structures", "services"} ou pages d'API."""
    from orientation.directory.importers import import_data_inclusion

    _run_import(
        lambda: import_data_inclusion(list(files), withdraw=not partial),
        "data_inclusion_file",
        file_name=", ".join(path.name for path in files),
        partial=partial,
    )


@import_cli.command("mediation-numerique")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@PARTIAL
def import_mediation_numerique_command(file, partial):
    """Lieux de médiation numérique (CSV du standard de La MedNum, séparé par « , » ou « ; »)."""
    from orientation.directory.importers import import_mediation_numerique

    _run_import(
        lambda: import_mediation_numerique(file, withdraw=not partial),
        "mediation_numerique_file",
        file_name=file.name,
        partial=partial,
    )


@sync_cli.command("data-inclusion")
@click.option(
    "--departement",
    "departements",
    multiple=True,
    help="Code de département (répétable) ; par défaut DATA_INCLUSION_DEPARTEMENTS de la configuration.",
)
def sync_data_inclusion_command(departements):
    """Structures et services de l'API data·inclusion (DATA_INCLUSION_API_URL, DATA_INCLUSION_API_TOKEN)."""
    from orientation.directory.sync import sync_data_inclusion

    _run_import(
        lambda: sync_data_inclusion(list(departements) or None),
        "data_inclusion_sync",
        departements=list(departements) or None,
    )


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
