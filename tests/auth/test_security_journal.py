"""The security journal: logins, failures and changes of credentials and rights are recorded — who,
when, from where, by whom —, shown to the account on its security page and to the coordination."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import sqlalchemy as sa

from orientation import clock
from orientation.api import operations as api_operations
from orientation.audit.models import SecurityEvent
from orientation.auth import mfa
from orientation.extensions import db
from orientation.organisations import operations as organisation_operations
from orientation.organisations.models import MembershipRole
from orientation.rgpd import retention
from tests.builders import PASSWORD, totp, totp_code
from tests.conftest import FormClient, csrf_token_from


def _events(**where) -> list[SecurityEvent]:
    query = sa.select(SecurityEvent).order_by(SecurityEvent.id)
    for name, value in where.items():
        query = query.where(getattr(SecurityEvent, name) == value)
    return list(db.session.scalars(query))


def _kinds(**where) -> list[str]:
    return [event.kind for event in _events(**where)]


def _client(app, ip: str = "10.84.2.1") -> FormClient:
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": ip, "HTTP_USER_AGENT": "Mozilla/5.0 Firefox/128.0"})
    return FormClient(client)


def test_logins_and_failed_logins_are_recorded_with_where_from_and_never_the_password(make, app):
    user = make.agent(email="camille@test.fr")
    client = _client(app)
    client.submit("/connexion", {"email": "camille@test.fr", "password": "Mauvais-secret-42"})
    client.submit("/connexion", {"email": "Inconnu@Test.fr", "password": "Autre-secret-43"})
    client.login("camille@test.fr")

    failed, unknown, login = _events()
    assert (failed.kind, failed.user_id, failed.email) == ("login_failed", user.id, "camille@test.fr")
    assert (unknown.kind, unknown.user_id, unknown.email) == ("login_failed", None, "inconnu@test.fr")
    assert (login.kind, login.user_id, login.detail) == ("login", user.id, {"method": "password"})
    assert login.ip_address == "10.84.2.1" and "Firefox" in login.user_agent and login.actor_id is None
    stored = str([(e.email, e.detail, e.user_agent) for e in _events()])
    assert "secret" not in stored


def test_blocked_logins_and_refused_codes_are_recorded(make, app):
    app.config["LOGIN_MAX_FAILURES_PER_IP"] = 2
    try:
        user = make.agent(email="camille@test.fr")
        secret = totp(user)
        client = _client(app)
        assert client.submit("/connexion", {"email": "camille@test.fr", "password": PASSWORD}).status_code == 302
        assert client.submit("/connexion/code", {"code": totp_code(secret, offset_steps=7)}).status_code == 401
        client.submit("/connexion", {"email": "camille@test.fr", "password": "faux"})
        assert client.submit("/connexion", {"email": "camille@test.fr", "password": PASSWORD}).status_code == 429
    finally:
        app.config["LOGIN_MAX_FAILURES_PER_IP"] = 30
    assert _kinds(user_id=user.id)[-3:] == ["second_factor_failed", "login_failed", "login_blocked"]


def test_changes_of_credentials_are_recorded_and_a_reset_names_the_coordinator(make, app, logged_in):
    user = make.agent(email="camille@test.fr")
    client = logged_in(user)
    page = client.get("/compte/securite").get_data(as_text=True)
    client.post(
        "/compte/securite/mot-de-passe",
        data={
            "csrf_token": csrf_token_from(page),
            "current_password": PASSWORD,
            "password": "Un nouveau mot de passe solide 2026",
            "confirm": "Un nouveau mot de passe solide 2026",
        },
    )
    assert _kinds(user_id=user.id) == ["login", "password_changed"]  # the renewed session is not a new login

    secret = pyotp.random_base32()
    assert mfa.enable_totp(user, secret, pyotp.TOTP(secret).at(clock.now()))
    mfa.replace_recovery_codes(user)
    assert _kinds(user_id=user.id)[-2:] == ["totp_enabled", "recovery_codes_replaced"]
    coordinator = make.user(coordinator=True)
    coordination = logged_in(coordinator)
    token = csrf_token_from(coordination.get("/").get_data(as_text=True))
    coordination.post(f"/comptes/{user.id}/double-authentification/reinitialiser", data={"csrf_token": token})
    reset, sessions_closed = _events(user_id=user.id)[-2:]
    assert (reset.kind, reset.actor_id) == ("totp_reset", coordinator.id)
    assert (sessions_closed.kind, sessions_closed.actor_id) == ("logout_everywhere", coordinator.id)

    _client(app).submit("/mot-de-passe-oublie", {"email": "camille@test.fr"})
    _client(app).submit("/mot-de-passe-oublie", {"email": "personne@test.fr"})
    assert _kinds(kind="password_reset_requested") == ["password_reset_requested"]  # an account only


def test_changes_of_rights_are_recorded_with_the_structure_and_who_made_them(make, app):
    organisation = make.organisation("EDeS de Cavaillon")
    manager = make.manager(organisation, email="nadia@test.fr")
    colleague = make.agent(organisation, email="paul@test.fr")
    with app.test_request_context():
        from flask_login import login_user

        login_user(manager)
        organisation_operations.invite_member(manager, organisation, "Nouvelle@Test.fr", MembershipRole.AGENT)
        membership = colleague.memberships[0]
        organisation_operations.change_role(membership, MembershipRole.MANAGER)
        organisation_operations.remove_member(membership)
        token, _secret = api_operations.create_token(
            organisation_id=organisation.id, user=manager, name="Logiciel", scopes=["orientations"]
        )
        api_operations.revoke_token(token, user=manager)
    invited, promoted, removed, created, revoked = _events(organisation_id=organisation.id)
    assert (invited.kind, invited.email, invited.user_id, invited.actor_id) == (
        "invitation_sent",
        "nouvelle@test.fr",
        None,
        manager.id,
    )
    assert (promoted.kind, promoted.user_id, promoted.detail) == (
        "role_changed",
        colleague.id,
        {"from": "agent", "to": "manager"},
    )
    assert (removed.kind, removed.user_id, removed.actor_id) == ("member_removed", colleague.id, manager.id)
    assert created.kind == "api_token_created" and created.detail["scopes"] == ["orientations"]
    assert created.detail["prefix"] == token.prefix and _secret not in str(created.detail)
    assert revoked.kind == "api_token_revoked"


def test_the_account_sees_its_own_recent_activity_on_its_security_page(make, app, logged_in):
    user = make.agent(email="camille@test.fr")
    other = make.agent(email="autre@test.fr")
    _client(app, "10.84.9.9").submit("/connexion", {"email": "camille@test.fr", "password": "faux"})
    _client(app, "10.84.7.7").submit("/connexion", {"email": "autre@test.fr", "password": "faux"})
    assert other.id
    page = logged_in(user).get("/compte/securite").get_data(as_text=True)
    activity = page.split('data-testid="account-activity"')[1].split("</table>")[0]
    assert "Échec de connexion (mot de passe)" in activity and "10.84.9.9" in activity
    assert "Connexion" in activity and "par mot de passe" in activity
    assert "10.84.7.7" not in activity


def test_the_coordination_reads_filters_and_exports_the_journal_others_may_not(make, app, logged_in):
    coordinator = make.user(coordinator=True, first_name="Pierre", last_name="Coordination")
    make.agent(email="camille@test.fr", first_name="Camille", last_name="Roux")
    with clock.frozen(datetime(2026, 3, 10, 9, 0, tzinfo=UTC)):
        _client(app, "10.84.3.3").submit("/connexion", {"email": "camille@test.fr", "password": "faux"})
    _client(app).login("camille@test.fr")
    client = logged_in(coordinator)

    page = client.get("/securite/journal")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Journal de sécurité" in html and "Camille Roux" in html and "10.84.3.3" in html
    assert "filtre ignoré" not in html  # no filter asked, none refused
    failures = client.get("/securite/journal?echecs=y").get_data(as_text=True)
    table = failures.split("<tbody>")[1]
    assert "10.84.3.3" in table and "par mot de passe" not in table
    march = client.get("/securite/journal?du=2026-03-10&au=2026-03-10&compte=CAMILLE").get_data(as_text=True)
    assert march.split("<tbody>")[1].count("<tr>") == 1
    reflected = client.get("/securite/journal", query_string={"compte": '"><script>alert(1)</script>'})
    assert "<script>alert(1)" not in reflected.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)" in reflected.get_data(as_text=True)
    unusable = client.get("/securite/journal?type=pirater&du=demain").get_data(as_text=True)
    assert "« Événement » : valeur inconnue, filtre ignoré." in unusable
    assert "« Du » : date illisible, filtre ignoré." in unusable

    exported = client.get("/securite/journal.csv?type=login_failed")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert [row["Adresse IP"] for row in rows] == ["10.84.3.3"]
    assert rows[0]["Compte"] == "Camille Roux" and rows[0]["Événement"] == "Échec de connexion (mot de passe)"

    agent = logged_in(make.agent())
    assert agent.get("/securite/journal").status_code == 403
    assert agent.get("/securite/journal.csv").status_code == 403
    assert 'href="/securite/journal"' in client.get("/").get_data(as_text=True)


def test_the_retention_deletes_events_after_a_year_and_events_are_never_rewritten(make, app):
    user = make.agent(email="camille@test.fr")
    with clock.frozen(datetime(2025, 1, 5, 9, 0, tzinfo=UTC)):
        _client(app).login("camille@test.fr")
    _client(app).login("camille@test.fr")
    _old, recent = _events(user_id=user.id)
    now = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    plan = retention.plan(now)
    assert plan.security_events_to_delete == 1
    assert any("journal de sécurité" in line and line.endswith(": 1") for line in plan.summary_lines())
    assert len(_events(user_id=user.id)) == 2  # the dry run deletes nothing
    retention.apply(plan)
    db.session.commit()
    assert [event.id for event in _events(user_id=user.id)] == [recent.id]
    assert recent.at > now - timedelta(days=365)
    recent.kind = "login_failed"
    with pytest.raises(RuntimeError, match="never updated"):
        db.session.flush()
