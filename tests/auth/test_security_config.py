"""Security settings: MFA mandatory for coordinators and CPAM in production only, HSTS, proxies, ProConnect."""

import pytest

from orientation.config import UnsafeConfiguration, load_config
from tests.test_config import _production


def test_production_requires_mfa_for_coordinators_and_cpam_and_sends_hsts(monkeypatch, tmp_path):
    settings = _production(monkeypatch, tmp_path)
    assert settings["MFA_REQUIRED_ROLES"] == ["coordinator", "cpam"]
    assert settings["HSTS_SECONDS"] == 31_536_000
    assert settings["PROXY_COUNT"] == 1
    assert settings["SESSION_IDLE_MINUTES"] == 30 and settings["SESSION_MAX_HOURS"] == 12


def test_development_keeps_the_demo_logins_password_only(monkeypatch, tmp_path):
    for name in ("ORIENTATION_ENV", "MFA_REQUIRED_ROLES", "HSTS_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    settings = load_config(tmp_path)
    assert settings["MFA_REQUIRED_ROLES"] == []
    assert settings["HSTS_SECONDS"] == 0
    assert settings["PROCONNECT_DISCOVERY_URL"] == ""


def test_mfa_roles_can_be_chosen(monkeypatch, tmp_path):
    settings = _production(monkeypatch, tmp_path, MFA_REQUIRED_ROLES="coordinator")
    assert settings["MFA_REQUIRED_ROLES"] == ["coordinator"]


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({"MFA_REQUIRED_ROLES": "coordinator,admin"}, "rôles inconnus : admin"),
        (
            {
                "PROCONNECT_DISCOVERY_URL": "http://proconnect.test/.well-known/openid-configuration",
                "PROCONNECT_CLIENT_ID": "id",
                "PROCONNECT_CLIENT_SECRET": "secret",
            },
            "https://",
        ),
        (
            {"PROCONNECT_DISCOVERY_URL": "https://proconnect.test/.well-known/openid-configuration"},
            "PROCONNECT_CLIENT_ID",
        ),
    ],
)
def test_production_refuses_bad_security_settings(monkeypatch, tmp_path, env, reason):
    with pytest.raises(UnsafeConfiguration, match=reason):
        _production(monkeypatch, tmp_path, **env)


def test_behind_a_proxy_the_client_address_is_the_forwarded_one(database_url, tmp_path):
    from orientation import create_app
    from tests.conftest import testing_config

    app = create_app(testing_config(database_url, PROXY_COUNT=1))

    @app.get("/test-adresse")
    def _address():
        from flask import request

        return request.remote_addr

    answer = app.test_client().get("/test-adresse", headers={"X-Forwarded-For": "203.0.113.7"})
    assert answer.get_data(as_text=True) == "203.0.113.7"
