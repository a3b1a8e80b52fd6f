"""`flask` commands: territory, first coordinator; the groups of the areas (directory, demo, rgpd, ops)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from orientation.extensions import db


def register_commands(app: Flask) -> None:
    app.cli.add_command(territory_cli)
    app.cli.add_command(create_coordinator)

    from orientation.demo.cli import demo_cli

    app.cli.add_command(demo_cli)

    from orientation.directory.cli import directory_cli

    app.cli.add_command(directory_cli)

    from orientation.rgpd.cli import rgpd_cli

    app.cli.add_command(rgpd_cli)

    from orientation.ops.cli import ops_cli

    app.cli.add_command(ops_cli)


territory_cli = AppGroup("territory", help="Référentiel territorial (communes, EPCI).")


@territory_cli.command("load")
def load_territory_command():
    """Charge (ou met à jour) les communes et EPCI de Vaucluse."""
    from orientation.territory.operations import load_territory

    epci_count, commune_count = load_territory()
    db.session.commit()
    click.echo(f"{epci_count} EPCI et {commune_count} communes chargés.")


@click.command("create-coordinator")
@click.option("--email", prompt="Adresse e-mail")
@click.option("--first-name", prompt="Prénom")
@click.option("--last-name", prompt="Nom")
@click.option(
    "--organisation",
    "organisation_name",
    default="Département de Vaucluse",
    show_default=True,
    help="Structure de rattachement (créée si absente).",
)
@click.password_option("--password", prompt="Mot de passe")
def create_coordinator(email, first_name, last_name, organisation_name, password):
    """Crée le premier compte de coordination (ou donne ce droit à un compte existant)."""
    from orientation.auth import operations as auth_operations
    from orientation.auth.passwords import password_problem
    from orientation.organisations import operations as organisation_operations
    from orientation.organisations.models import MembershipRole, Organisation, OrganisationType

    problem = password_problem(password, email=email)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    organisation = db.session.scalar(db.select(Organisation).where(Organisation.name == organisation_name))
    if organisation is None:
        organisation = organisation_operations.save_organisation(
            Organisation(), name=organisation_name, type=OrganisationType.DEPARTEMENT
        )
    user = auth_operations.get_user_by_email(email)
    if user is None:
        user = auth_operations.create_user(email, first_name, last_name, password, is_coordinator=True)
    user.is_coordinator = True
    if not any(m.organisation_id == organisation.id for m in user.memberships):
        organisation_operations.add_membership(user, organisation, MembershipRole.MANAGER)
    db.session.commit()
    click.echo(f"Compte de coordination prêt : {user.email} ({organisation.name}).")
