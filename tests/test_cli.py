from orientation.auth.models import User
from orientation.extensions import db
from orientation.organisations.models import Organisation


def test_create_coordinator_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-coordinator",
            "--email",
            "Premiere.Coord@Vaucluse.fr",
            "--first-name",
            "Anne",
            "--last-name",
            "Coste",
            "--password",
            "une phrase de passe solide",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Compte de coordination prêt" in result.output
    user = db.session.scalar(db.select(User).where(User.email == "premiere.coord@vaucluse.fr"))
    assert user.is_coordinator
    assert user.memberships[0].organisation.name == "Département de Vaucluse"


def test_create_coordinator_refuses_a_weak_password(app):
    result = app.test_cli_runner().invoke(
        args=[
            "create-coordinator",
            "--email",
            "c@vaucluse.fr",
            "--first-name",
            "A",
            "--last-name",
            "B",
            "--password",
            "court",
        ]
    )
    assert result.exit_code != 0
    assert "12 caractères" in result.output
    assert db.session.scalar(db.select(User).where(User.email == "c@vaucluse.fr")) is None


def test_demo_load_is_idempotent(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    counts = (
        db.session.scalar(db.select(db.func.count()).select_from(User)),
        db.session.scalar(db.select(db.func.count()).select_from(Organisation)),
    )
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert counts == (
        db.session.scalar(db.select(db.func.count()).select_from(User)),
        db.session.scalar(db.select(db.func.count()).select_from(Organisation)),
    )
    from orientation.demo import demo_logins

    logins = [email for email, _role in demo_logins()]
    assert len(logins) == 6 and counts[1] >= 12
    assert db.session.scalar(db.select(db.func.count()).select_from(User).where(User.email.in_(logins))) == 6
