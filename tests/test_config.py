import pytest

from orientation import create_app
from orientation.config import DEMO_PASSWORD, UnsafeConfiguration, load_config

GOOD_SECRET = "x" * 48
PG = "postgresql://app@db/orientation"


def _production(monkeypatch, tmp_path, **env):
    for name in ("FLASK_DEBUG", "SECRET_KEY", "SESSION_COOKIE_SECURE", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ORIENTATION_ENV", "production")
    for name, value in {"SECRET_KEY": GOOD_SECRET, "DATABASE_URL": PG, **env}.items():
        if value is not None:
            monkeypatch.setenv(name, value)
    return load_config(tmp_path)


def test_a_safe_production_configuration_starts(monkeypatch, tmp_path):
    settings = _production(monkeypatch, tmp_path)
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://app@db/orientation"
    assert settings["MAIL_BACKEND"] == "smtp"


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({"FLASK_DEBUG": "1"}, "mode debug"),
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": "change-me"}, "SECRET_KEY"),
        ({"SECRET_KEY": DEMO_PASSWORD}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"SESSION_COOKIE_SECURE": "0"}, "cookies"),
        ({"DATABASE_URL": None}, "DATABASE_URL n'est pas définie"),
        ({"DATABASE_URL": "sqlite:///orientation.sqlite"}, "PostgreSQL"),
    ],
)
def test_production_refuses_unsafe_settings_and_says_why(monkeypatch, tmp_path, env, reason):
    with pytest.raises(UnsafeConfiguration, match=reason):
        _production(monkeypatch, tmp_path, **env)


def test_production_refuses_demo_data(monkeypatch, tmp_path):
    monkeypatch.setenv("ORIENTATION_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", GOOD_SECRET)
    with pytest.raises(UnsafeConfiguration, match="démonstration"):
        load_config(tmp_path, {"SQLALCHEMY_DATABASE_URI": PG, "LOAD_DEMO_DATA": True})


def test_development_secret_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("ORIENTATION_ENV", "development")
    first = load_config(tmp_path)["SECRET_KEY"]
    assert len(first) >= 32
    assert load_config(tmp_path)["SECRET_KEY"] == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_without_redis_the_broker_is_in_postgresql_and_rate_limits_in_memory(monkeypatch, tmp_path):
    for name in ("REDIS_URL", "ORIENTATION_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@/orientation?host=/srv/instance/postgres")
    settings = load_config(tmp_path)
    assert (
        settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://postgres@/orientation?host=/srv/instance/postgres"
    )
    assert settings["CELERY"]["broker_url"] == (
        "sqla+postgresql+psycopg://postgres@/orientation_broker?host=%2Fsrv%2Finstance%2Fpostgres"
    )
    assert settings["RATELIMIT_STORAGE_URI"] == "memory://"


def test_development_defaults_to_the_embedded_server(monkeypatch, tmp_path):
    for name in ("DATABASE_URL", "ORIENTATION_ENV"):
        monkeypatch.delenv(name, raising=False)
    socket_dir = tmp_path / "postgres"
    assert load_config(tmp_path)["SQLALCHEMY_DATABASE_URI"] == (
        f"postgresql+psycopg://postgres@/orientation?host={socket_dir}&port=5432"
    )
    monkeypatch.setattr(
        "orientation.embedded_db.running_url",
        lambda data_dir, database="orientation": f"postgresql://postgres@/{database}?host=/run/elsewhere&port=5433",
    )
    settings = load_config(tmp_path)
    assert (
        settings["SQLALCHEMY_DATABASE_URI"]
        == "postgresql+psycopg://postgres@/orientation?host=/run/elsewhere&port=5433"
    )
    assert settings["CELERY"]["broker_url"].startswith("sqla+postgresql+psycopg://postgres@/orientation_broker?")


@pytest.mark.parametrize("environment", ["development", "testing", "production"])
def test_a_database_other_than_postgresql_is_refused_everywhere(monkeypatch, tmp_path, environment):
    monkeypatch.setenv("ORIENTATION_ENV", environment)
    monkeypatch.setenv("SECRET_KEY", GOOD_SECRET)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///instance/orientation.sqlite")
    with pytest.raises(UnsafeConfiguration, match="PostgreSQL.*« sqlite » n'est pas pris en charge"):
        load_config(tmp_path)


def test_redis_url_drives_broker_and_rate_limits(monkeypatch, tmp_path):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    settings = load_config(tmp_path)
    assert settings["CELERY"]["broker_url"] == "redis://127.0.0.1:6379/3"
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"


def test_unknown_environment_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("ORIENTATION_ENV", "prod")
    with pytest.raises(UnsafeConfiguration, match="ORIENTATION_ENV"):
        load_config(tmp_path)


def test_create_app_refuses_to_start_unsafe_production(monkeypatch):
    monkeypatch.setenv("ORIENTATION_ENV", "production")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("SECRET_KEY", GOOD_SECRET)
    monkeypatch.setenv("DATABASE_URL", PG)
    with pytest.raises(UnsafeConfiguration):
        create_app()
