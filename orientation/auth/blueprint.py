"""Every URL of the auth area."""

from flask import Blueprint

from orientation.auth import account_views, journal_views, proconnect_views, signals, views  # noqa: F401 (signals)
from orientation.extensions import is_refused, limit_from

bp = Blueprint("auth", __name__)


def _limit(setting: str):
    """Rate limit of POSTs per client address, read from the configuration (Redis-backed when REDIS_URL)."""
    return limit_from(setting, methods=["POST"])


def _refusals_limit(setting: str):
    """Like `_limit`, but only refused attempts count: an office behind one address logs all its
    agents in at nine o'clock, while guessing passwords or codes stays limited."""
    return limit_from(setting, methods=["POST"], deduct_when=is_refused)


bp.add_url_rule("/connexion", "login", _refusals_limit("RATELIMIT_LOGIN")(views.login), methods=["GET", "POST"])
bp.add_url_rule(
    "/connexion/code", "login_code", _refusals_limit("RATELIMIT_LOGIN")(views.login_code), methods=["GET", "POST"]
)
bp.add_url_rule(
    "/connexion/double-authentification",
    "login_enrol",
    _refusals_limit("RATELIMIT_LOGIN")(views.login_enrol),
    methods=["GET", "POST"],
)
bp.add_url_rule("/connexion/proconnect", "proconnect_login", proconnect_views.proconnect_login)
bp.add_url_rule("/connexion/proconnect/retour", "proconnect_callback", proconnect_views.proconnect_callback)
bp.add_url_rule("/deconnexion", "logout", views.logout, methods=["POST"])
bp.add_url_rule("/deconnexion/proconnect", "proconnect_logged_out", proconnect_views.proconnect_logged_out)
bp.add_url_rule(
    "/mot-de-passe-oublie",
    "request_password_reset",
    _limit("RATELIMIT_PASSWORD_RESET")(views.request_password_reset),
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/mot-de-passe/<token>",
    "reset_password",
    _limit("RATELIMIT_PASSWORD_RESET")(views.reset_password),
    methods=["GET", "POST"],
)
bp.add_url_rule("/organisation-courante", "switch_organisation", views.switch_organisation, methods=["POST"])
bp.add_url_rule("/compte/securite", "security", account_views.security)
bp.add_url_rule("/compte/securite/mot-de-passe", "change_password", account_views.change_password, methods=["POST"])
bp.add_url_rule(
    "/compte/securite/double-authentification", "enrol_totp", account_views.enrol_totp, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/compte/securite/double-authentification/desactiver", "disable_totp", account_views.disable_totp, methods=["POST"]
)
bp.add_url_rule(
    "/compte/securite/codes-de-secours",
    "regenerate_recovery_codes",
    account_views.regenerate_recovery_codes,
    methods=["POST"],
)
bp.add_url_rule(
    "/compte/securite/deconnexion-partout", "logout_everywhere", account_views.logout_everywhere, methods=["POST"]
)
bp.add_url_rule(
    "/comptes/<int:user_id>/double-authentification/reinitialiser",
    "reset_second_factor",
    account_views.reset_second_factor,
    methods=["POST"],
)
bp.add_url_rule("/securite/journal", "security_journal", journal_views.security_journal)
bp.add_url_rule("/securite/journal.csv", "security_journal_csv", journal_views.security_journal_csv)
