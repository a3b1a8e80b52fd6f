"""Settings read from the environment, one class per environment.

`load_config()` returns a plain dict that `create_app()` applies; the production class refuses to
start on unsafe settings and says why (`UnsafeConfiguration`).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

DEMO_PASSWORD = "demo-orientation-84"  # noqa: S105 (demo data only, refused in production)
INSECURE_SECRET_KEYS = {"", "dev", "change-me", "secret", DEMO_PASSWORD}
MFA_ROLES = {"coordinator", "cpam"}  # values of MFA_REQUIRED_ROLES


class UnsafeConfiguration(RuntimeError):
    """Raised when a configuration would be unsafe to run (production) or cannot work (not PostgreSQL)."""


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _development_secret_key(instance_path: Path) -> str:
    """Generated once and kept under instance/ so sessions survive a restart."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def log_format_problem(value: str) -> str | None:
    if value in ("", "json", "text"):
        return None
    return f"LOG_FORMAT={value!r} n'est pas un format de journal connu (json, text, ou vide)"


class BaseConfig:
    ENV_NAME = "base"

    def __init__(self, instance_path: Path):
        self.instance_path = Path(instance_path)

    def settings(self) -> dict:
        redis_url = os.environ.get("REDIS_URL") or None
        database_url = os.environ.get("DATABASE_URL") or self.default_database_url()
        redis_timeout = float(os.environ.get("REDIS_SOCKET_TIMEOUT", "0.5"))
        # CELERY (its broker depends on the database and Redis) is added by load_config().
        return {
            "ENV_NAME": self.ENV_NAME,
            "DEBUG": _env_bool("FLASK_DEBUG", False),
            "SECRET_KEY": os.environ.get("SECRET_KEY") or self.default_secret_key(),
            "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
            "REDIS_URL": redis_url,
            "RATELIMIT_STORAGE_URI": redis_url or "memory://",
            "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "orientation"),
            "LOGIN_MAX_FAILURES_PER_ACCOUNT": _env_int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5),
            "LOGIN_MAX_FAILURES_PER_IP": _env_int("LOGIN_MAX_FAILURES_PER_IP", 30),
            "LOGIN_THROTTLE_MINUTES": _env_int("LOGIN_THROTTLE_MINUTES", 15),
            "PASSWORD_RESET_MAX_AGE": _env_int("PASSWORD_RESET_MAX_AGE", 3600),
            "INVITATION_VALID_DAYS": _env_int("INVITATION_VALID_DAYS", 14),
            # A receiver without an account: its personal link lives this long (a new one is asked by
            # e-mail), its one-time code this many minutes, the proof of the code this many hours.
            "RECEIVER_LINK_DAYS": _env_int("RECEIVER_LINK_DAYS", 14),
            "RECEIVER_LINK_CODE_MINUTES": _env_int("RECEIVER_LINK_CODE_MINUTES", 15),
            "RECEIVER_LINK_PROOF_HOURS": _env_int("RECEIVER_LINK_PROOF_HOURS", 4),
            "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://localhost:5000"),
            # Sessions end after this much inactivity, and in any case this long after the login.
            "SESSION_IDLE_MINUTES": _env_int("SESSION_IDLE_MINUTES", 30),
            "SESSION_MAX_HOURS": _env_int("SESSION_MAX_HOURS", 12),
            # Second factor: who must use one ("coordinator", "cpam"), and the name in the app.
            "MFA_REQUIRED_ROLES": _env_list("MFA_REQUIRED_ROLES", self.default_mfa_required_roles()),
            "MFA_ISSUER": os.environ.get("MFA_ISSUER", "Orientation Vaucluse"),
            "MFA_SECRET_KEY": os.environ.get("MFA_SECRET_KEY", ""),  # encrypts TOTP secrets; default: SECRET_KEY
            # ProConnect (OpenID Connect single sign-on of public agents): off without a discovery URL.
            "PROCONNECT_DISCOVERY_URL": os.environ.get("PROCONNECT_DISCOVERY_URL", ""),
            "PROCONNECT_CLIENT_ID": os.environ.get("PROCONNECT_CLIENT_ID", ""),
            "PROCONNECT_CLIENT_SECRET": os.environ.get("PROCONNECT_CLIENT_SECRET", ""),
            "PROCONNECT_SCOPES": os.environ.get("PROCONNECT_SCOPES", "openid email given_name usual_name siret uid"),
            "PROCONNECT_ACR_VALUES": os.environ.get("PROCONNECT_ACR_VALUES", "eidas1"),
            "PROCONNECT_TIMEOUT": _env_int("PROCONNECT_TIMEOUT", 10),
            # Pilotage « zones blanches »: a commune whose nearest live service of a volet is farther than this (km).
            "PILOTAGE_WHITE_ZONE_KM": float(os.environ.get("PILOTAGE_WHITE_ZONE_KM", "15")),
            # Rate limits (Flask-Limiter notation), per client address.
            "RATELIMIT_LOGIN": os.environ.get("RATELIMIT_LOGIN", "30 per minute;300 per hour"),
            "RATELIMIT_PASSWORD_RESET": os.environ.get("RATELIMIT_PASSWORD_RESET", "10 per 10 minutes;50 per day"),
            "RATELIMIT_DIRECTORY_SEARCH": os.environ.get("RATELIMIT_DIRECTORY_SEARCH", "120 per minute"),
            "RATELIMIT_HEALTH": os.environ.get("RATELIMIT_HEALTH", "600 per minute"),
            # Receivers by link: codes sent per link; links and new-link requests per address.
            "RATELIMIT_RECEIVER_LINK_CODE": os.environ.get(
                "RATELIMIT_RECEIVER_LINK_CODE", "3 per 15 minutes;10 per day"
            ),
            "RATELIMIT_RECEIVER_LINK": os.environ.get("RATELIMIT_RECEIVER_LINK", "60 per minute;600 per day"),
            "RATELIMIT_RECEIVER_LINK_REQUEST": os.environ.get(
                "RATELIMIT_RECEIVER_LINK_REQUEST", "5 per 10 minutes;30 per day"
            ),
            "RATELIMIT_RECEIVER_LINK_REQUEST_PER_ADDRESS": os.environ.get(
                "RATELIMIT_RECEIVER_LINK_REQUEST_PER_ADDRESS", "3 per hour;10 per day"
            ),
            # Redis down: limits are counted in each process's memory, a storage error never reaches
            # a request, and their Redis calls (and /healthz's) give up after REDIS_SOCKET_TIMEOUT seconds.
            "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
            "RATELIMIT_SWALLOW_ERRORS": True,
            "REDIS_SOCKET_TIMEOUT": redis_timeout,
            "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": redis_timeout, "socket_timeout": redis_timeout},
            # /healthz asks the broker at most once in this many seconds per process (0: every call).
            "HEALTH_BROKER_CACHE_SECONDS": float(os.environ.get("HEALTH_BROKER_CACHE_SECONDS", "5")),
            # GET /metrics (Prometheus) answers only `Authorization: Bearer <METRICS_TOKEN>`; without a
            # token, only development requests from localhost (production and tests refuse everyone).
            "METRICS_TOKEN": os.environ.get("METRICS_TOKEN", ""),
            # HTTP hardening: HSTS (production), extra image sources of the CSP (map tiles).
            "HSTS_SECONDS": _env_int("HSTS_SECONDS", 0),
            "CSP_IMG_SOURCES": _env_list("CSP_IMG_SOURCES", "https://tile.openstreetmap.org"),
            # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
            "PROXY_COUNT": _env_int("PROXY_COUNT", 0),
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE", False),
            "REMEMBER_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE", False),
            "REMEMBER_COOKIE_HTTPONLY": True,
            "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
            # Mail: SMTP in production, the console in development, memory in tests.
            "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", self.default_mail_backend()),
            "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
            "MAIL_PORT": _env_int("MAIL_PORT", 25),
            "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
            "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
            "MAIL_USE_TLS": _env_bool("MAIL_USE_TLS", False),
            "MAIL_USE_SSL": _env_bool("MAIL_USE_SSL", False),
            "MAIL_TIMEOUT": _env_int("MAIL_TIMEOUT", 10),
            "MAIL_FILE_PATH": str(self.instance_path / "mails"),
            "MAIL_DEFAULT_SENDER": os.environ.get(
                "MAIL_DEFAULT_SENDER", "Orientation Vaucluse <ne-pas-repondre@orientation.vaucluse.fr>"
            ),
            # data·inclusion API (`flask directory sync data-inclusion`, daily beat task): base URL, token
            # (Bearer), the départements pulled (Vaucluse and, if wanted, its neighbours), page size, timeout.
            "DATA_INCLUSION_API_URL": os.environ.get(
                "DATA_INCLUSION_API_URL", "https://api.data.inclusion.beta.gouv.fr/api/v1"
            ),
            "DATA_INCLUSION_API_TOKEN": os.environ.get("DATA_INCLUSION_API_TOKEN", ""),
            "DATA_INCLUSION_DEPARTEMENTS": _env_list("DATA_INCLUSION_DEPARTEMENTS", "84"),
            "DATA_INCLUSION_PAGE_SIZE": _env_int("DATA_INCLUSION_PAGE_SIZE", 1000),
            "DATA_INCLUSION_TIMEOUT": float(os.environ.get("DATA_INCLUSION_TIMEOUT", "30")),
            # The coordination's import screen: uploaded files wait here (per import run) for the worker.
            "DIRECTORY_IMPORTS_FOLDER": os.environ.get("DIRECTORY_IMPORTS_FOLDER")
            or str(self.instance_path / "directory-imports"),
            "DIRECTORY_IMPORT_MAX_BYTES": _env_int("DIRECTORY_IMPORT_MAX_BYTES", 200 * 1024 * 1024),
            # A preview not applied within this many days is dropped with its file (the data has aged).
            "DIRECTORY_IMPORT_PREVIEW_DAYS": _env_int("DIRECTORY_IMPORT_PREVIEW_DAYS", 7),
            # Freshness loop (orientation.directory.freshness): a structure's managers are asked by e-mail to
            # confirm each service every this many months (a service may set its own frequency); still
            # unconfirmed this many days after the e-mail, the coordination sees it; the e-mail's
            # « Tout est à jour » link is valid this many days.
            "DIRECTORY_FRESHNESS_MONTHS": _env_int("DIRECTORY_FRESHNESS_MONTHS", 6),
            "DIRECTORY_FRESHNESS_ESCALATION_DAYS": _env_int("DIRECTORY_FRESHNESS_ESCALATION_DAYS", 30),
            "DIRECTORY_FRESHNESS_LINK_DAYS": _env_int("DIRECTORY_FRESHNESS_LINK_DAYS", 60),
            # SMS: a provider behind one interface; "file" writes them under instance/ in dev.
            "SMS_BACKEND": os.environ.get("SMS_BACKEND", "file"),
            "SMS_API_URL": os.environ.get("SMS_API_URL"),
            "SMS_API_KEY": os.environ.get("SMS_API_KEY"),
            "SMS_SENDER": os.environ.get("SMS_SENDER", "VAUCLUSE"),
            "SMS_FILE_PATH": os.environ.get("SMS_FILE_PATH") or str(self.instance_path / "sms"),
            "SMS_TIMEOUT": _env_int("SMS_TIMEOUT", 10),
            # Outbox delivery (orientation.notifications): retries, claims, sweep.
            "NOTIFICATIONS_DELIVER_INLINE": _env_bool("NOTIFICATIONS_DELIVER_INLINE", False),
            "NOTIFICATIONS_MAX_ATTEMPTS": _env_int("NOTIFICATIONS_MAX_ATTEMPTS", 8),
            "NOTIFICATIONS_RETRY_BASE_SECONDS": _env_int("NOTIFICATIONS_RETRY_BASE_SECONDS", 60),
            "NOTIFICATIONS_RETRY_MAX_SECONDS": _env_int("NOTIFICATIONS_RETRY_MAX_SECONDS", 3600),
            "NOTIFICATIONS_CLAIM_TIMEOUT": _env_int("NOTIFICATIONS_CLAIM_TIMEOUT", 40),
            "NOTIFICATIONS_REQUEUE_AFTER": _env_int("NOTIFICATIONS_REQUEUE_AFTER", 300),
            "NOTIFICATIONS_SWEEP_LIMIT": _env_int("NOTIFICATIONS_SWEEP_LIMIT", 5000),
            "NOTIFICATIONS_BATCH_SIZE": _env_int("NOTIFICATIONS_BATCH_SIZE", 20),
            # Follow-up delays (orientation.followups; declared by referrals and cpam): one setting each.
            # The three marked "per service" can be overridden on a service's edit page.
            "FOLLOWUP_UNOPENED_WORKING_DAYS": _env_int("FOLLOWUP_UNOPENED_WORKING_DAYS", 2),  # per service
            "FOLLOWUP_UNDECIDED_WORKING_DAYS": _env_int("FOLLOWUP_UNDECIDED_WORKING_DAYS", 5),  # per service
            "FOLLOWUP_EXPIRY_DAYS": _env_int("FOLLOWUP_EXPIRY_DAYS", 30),  # per service
            "FOLLOWUP_STALLED_DAYS": _env_int("FOLLOWUP_STALLED_DAYS", 15),
            "FOLLOWUP_OBTAINED_CHECK_DAYS": _env_int("FOLLOWUP_OBTAINED_CHECK_DAYS", 30),
            "FOLLOWUP_OBTAINED_CHECK_WINDOW_DAYS": _env_int("FOLLOWUP_OBTAINED_CHECK_WINDOW_DAYS", 14),
            # A « Contact direct » orientation its sender follows: reminders after the question, at most this many.
            "FOLLOWUP_SENDER_FOLLOWED_REMINDERS": _env_int("FOLLOWUP_SENDER_FOLLOWED_REMINDERS", 2),
            "FOLLOWUP_APPOINTMENT_REMINDER_HOURS": _env_int("FOLLOWUP_APPOINTMENT_REMINDER_HOURS", 24),
            "FOLLOWUP_MAS_FIRST_CONTACT_WORKING_DAYS": _env_int("FOLLOWUP_MAS_FIRST_CONTACT_WORKING_DAYS", 5),
            "FOLLOWUP_MAS_STALLED_DAYS": _env_int("FOLLOWUP_MAS_STALLED_DAYS", 60),
            "FOLLOWUP_BATCH": _env_int("FOLLOWUP_BATCH", 5000),  # at most this many subjects per rule and sweep
            # RGPD retention (orientation.rgpd): files with no activity for this long are anonymised;
            # accounts unused this long are deactivated, after a warning e-mail this many days before.
            "RGPD_PERSON_INACTIVITY_MONTHS": _env_int("RGPD_PERSON_INACTIVITY_MONTHS", 24),
            "RGPD_USER_INACTIVITY_MONTHS": _env_int("RGPD_USER_INACTIVITY_MONTHS", 12),
            "RGPD_USER_WARNING_DAYS": _env_int("RGPD_USER_WARNING_DAYS", 30),
            # The security journal (logins, failures, changes of rights) is kept this long.
            "SECURITY_EVENTS_RETENTION_MONTHS": _env_int("SECURITY_EVENTS_RETENTION_MONTHS", 12),
            # In-app notifications, once read, are deleted after this many days (rgpd retention).
            "NOTIFICATIONS_READ_RETENTION_DAYS": _env_int("NOTIFICATIONS_READ_RETENTION_DAYS", 90),
            # Documents attached to orientations: size limit, and deletion this long after the closure.
            "ATTACHMENTS_FOLDER": os.environ.get("ATTACHMENTS_FOLDER") or str(self.instance_path / "attachments"),
            "ATTACHMENTS_MAX_BYTES": _env_int("ATTACHMENTS_MAX_BYTES", 10 * 1024 * 1024),
            "RGPD_ATTACHMENT_RETENTION_MONTHS": _env_int("RGPD_ATTACHMENT_RETENTION_MONTHS", 6),
            # Erasure is refused this long after a MAS case's closure (the CPAM keeps the trace).
            "RGPD_MAS_LEGAL_RETENTION_MONTHS": _env_int("RGPD_MAS_LEGAL_RETENTION_MONTHS", 12),
            # Partner API (orientation.api): rate limits (Flask-Limiter syntax) and webhook calls.
            "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "600/minute"),
            "API_ANONYMOUS_RATE_LIMIT": os.environ.get("API_ANONYMOUS_RATE_LIMIT", "120/minute"),
            "API_ADDRESS_RATE_LIMIT": os.environ.get("API_ADDRESS_RATE_LIMIT", "1200/minute"),
            "WEBHOOK_TIMEOUT": _env_int("WEBHOOK_TIMEOUT", 10),
            # encrypts the webhooks' signing secrets; default: SECRET_KEY
            "WEBHOOK_SECRET_KEY": os.environ.get("WEBHOOK_SECRET_KEY", ""),
            "NOTIFICATIONS_TEMPLATE_FOLDERS": [
                folder for folder in os.environ.get("NOTIFICATIONS_TEMPLATE_FOLDERS", "").split(os.pathsep) if folder
            ],
            # Log lines (orientation.ops.logs): "json", "text", or "" to leave logging alone.
            "LOG_FORMAT": os.environ.get("LOG_FORMAT", self.default_log_format()).strip().lower(),
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO").strip().upper(),
        }

    def default_log_format(self) -> str:
        return "text"

    def default_database_url(self) -> str | None:
        """The embedded server of `make run` (instance/postgres/), running or not: an app can be
        built without it (the worker module builds one on import); a query then says it is stopped."""
        from orientation import embedded_db

        return embedded_db.url(self.instance_path / "postgres")

    def default_secret_key(self) -> str:
        return _development_secret_key(self.instance_path)

    def default_mail_backend(self) -> str:
        return "file"

    def default_mfa_required_roles(self) -> str:
        return ""  # development and demo: the demo logins work with a password alone

    def check(self, settings: dict) -> None:
        """Refuse a configuration that cannot work; the base environments accept everything else."""
        if problem := log_format_problem(settings["LOG_FORMAT"]):
            raise UnsafeConfiguration(f"Configuration refusée : {problem}")
        problem = database_problem(settings["SQLALCHEMY_DATABASE_URI"])
        if problem:
            raise UnsafeConfiguration(f"Configuration refusée : {problem}")


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"


class TestingConfig(BaseConfig):
    ENV_NAME = "testing"

    def default_log_format(self) -> str:
        return ""  # pytest captures the logs

    def settings(self) -> dict:
        settings = super().settings()
        # Messages are delivered in-process right after the commit, so tests see them at once;
        # the worker tests start real Celery processes instead (NOTIFICATIONS_DELIVER_INLINE=0).
        settings.update(
            TESTING=True,
            MAIL_BACKEND=os.environ.get("MAIL_BACKEND", "locmem"),
            SMS_BACKEND=os.environ.get("SMS_BACKEND", "memory"),
            NOTIFICATIONS_DELIVER_INLINE=_env_bool("NOTIFICATIONS_DELIVER_INLINE", True),
        )
        return settings


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"

    def default_log_format(self) -> str:
        return "json"

    def default_database_url(self) -> str | None:
        return None  # DATABASE_URL, always

    def default_secret_key(self) -> str:
        return ""

    def default_mail_backend(self) -> str:
        return "smtp"

    def default_mfa_required_roles(self) -> str:
        return "coordinator,cpam"

    def settings(self) -> dict:
        settings = super().settings()
        settings["SESSION_COOKIE_SECURE"] = _env_bool("SESSION_COOKIE_SECURE", True)
        settings["REMEMBER_COOKIE_SECURE"] = settings["SESSION_COOKIE_SECURE"]
        settings["PREFERRED_URL_SCHEME"] = "https"
        settings["HSTS_SECONDS"] = _env_int("HSTS_SECONDS", 31_536_000)
        settings["PROXY_COUNT"] = _env_int("PROXY_COUNT", 1)  # behind the TLS-terminating proxy
        return settings

    def check(self, settings: dict) -> None:
        problems = []
        if settings.get("DEBUG"):
            problems.append("le mode debug est activé (FLASK_DEBUG) : désactivez-le en production")
        secret = settings.get("SECRET_KEY") or ""
        if secret in INSECURE_SECRET_KEYS or len(secret) < 32:
            problems.append("SECRET_KEY est absente, connue ou trop courte (32 caractères au moins)")
        if not settings.get("SESSION_COOKIE_SECURE"):
            problems.append("les cookies de session doivent être sécurisés (SESSION_COOKIE_SECURE=1)")
        if settings.get("LOAD_DEMO_DATA"):
            problems.append("les données de démonstration et leur mot de passe sont interdits en production")
        if problem := database_problem(settings["SQLALCHEMY_DATABASE_URI"]):
            problems.append(problem)
        if problem := log_format_problem(settings["LOG_FORMAT"]):
            problems.append(problem)
        unknown_roles = set(settings.get("MFA_REQUIRED_ROLES", [])) - MFA_ROLES
        if unknown_roles:
            problems.append(
                f"MFA_REQUIRED_ROLES contient des rôles inconnus : {', '.join(sorted(unknown_roles))} "
                f"(possibles : {', '.join(sorted(MFA_ROLES))})"
            )
        if settings.get("PROCONNECT_DISCOVERY_URL"):
            if not settings["PROCONNECT_DISCOVERY_URL"].startswith("https://"):
                problems.append("PROCONNECT_DISCOVERY_URL doit être une adresse https://")
            if not (settings.get("PROCONNECT_CLIENT_ID") and settings.get("PROCONNECT_CLIENT_SECRET")):
                problems.append("ProConnect est activé sans PROCONNECT_CLIENT_ID et PROCONNECT_CLIENT_SECRET")
        if problems:
            raise UnsafeConfiguration("Configuration de production refusée :\n- " + "\n- ".join(problems))


ENVIRONMENTS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(instance_path: Path, overrides: dict | None = None) -> dict:
    overrides = dict(overrides or {})
    env_name = overrides.pop("ENV_NAME", None) or os.environ.get("ORIENTATION_ENV", "development")
    if env_name not in ENVIRONMENTS:
        raise UnsafeConfiguration(f"ORIENTATION_ENV inconnu : {env_name!r} ({', '.join(ENVIRONMENTS)})")
    config = ENVIRONMENTS[env_name](instance_path)
    settings = config.settings()
    settings.update(overrides)
    if "REDIS_URL" in overrides:
        settings.setdefault("RATELIMIT_STORAGE_URI", overrides["REDIS_URL"] or "memory://")
    settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(settings["SQLALCHEMY_DATABASE_URI"])
    # Any request body: an attachment at its limit plus the form around it. A file a little too big
    # still reaches the form, which says so and keeps what was typed; a huge one gets the 413 page.
    settings.setdefault("MAX_CONTENT_LENGTH", settings["ATTACHMENTS_MAX_BYTES"] + 1024 * 1024)
    config.check(settings)
    if "CELERY" not in overrides:
        settings["CELERY"] = celery_settings(
            settings["REDIS_URL"], config.instance_path, settings["SQLALCHEMY_DATABASE_URI"]
        )
    return settings


def normalise_database_url(url: str | None) -> str | None:
    """Accept the usual `postgres://` forms and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url and url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def database_problem(url: str | None) -> str | None:
    """Why the database URL cannot be used (French, shown as is), or None. PostgreSQL only."""
    if not url:
        return "DATABASE_URL n'est pas définie : indiquez la base PostgreSQL (postgresql://…)"
    if not url.startswith("postgresql"):
        scheme = url.split(":", 1)[0]
        return (
            f"DATABASE_URL doit désigner une base PostgreSQL (postgresql://…) : « {scheme} » n'est pas pris en charge"
        )
    return None


def sql_broker_url(database_url: str) -> str:
    """The Celery broker without Redis: kombu's SQLAlchemy transport on the database `<name>_broker`
    of the same server (kept apart from the app's tables and migrations)."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    return "sqla+" + url.set(database=f"{url.database}_broker").render_as_string(hide_password=False)


# A stuck Redis (frozen, or a dropped route: connections accepted, nothing answered) must not keep a
# request waiting: handing a message over after the commit then gives up within seconds and the
# message waits in the outbox. The worker's BRPOP is read only when data is there, so it is unaffected.
BROKER_SOCKET_TIMEOUTS = {"socket_timeout": 1.0, "socket_connect_timeout": 1.0}


def celery_settings(redis_url: str | None, instance_path: Path, database_url: str | None = None) -> dict:
    """Redis when configured; otherwise a broker in PostgreSQL, so `make run` needs no Redis."""
    instance_path = Path(instance_path)
    broker = redis_url or sql_broker_url(database_url)
    return {
        "broker_url": broker,
        "task_ignore_result": True,
        "task_serializer": "json",
        "accept_content": ["json"],
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        # Redis redelivers a task whose worker died after this long (acks late); the SQLAlchemy
        # transport passes these options to create_engine, so it gets none.
        "broker_transport_options": {"visibility_timeout": 3600, **BROKER_SOCKET_TIMEOUTS} if redis_url else {},
        "beat_schedule_filename": str(instance_path / "celerybeat-schedule"),
        "timezone": "Europe/Paris",
    }
