"""Extensions, created unbound here and bound to the app in create_app()."""

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from orientation.db import Base


def address_key() -> str:
    """Per client address (the one ProxyFix took from X-Forwarded-For when PROXY_COUNT is set)."""
    # The prefix is read per request (not once at init) so that each test counts on its own.
    return f"{current_app.config['RATELIMIT_KEY_PREFIX']}:{get_remote_address()}"


def account_or_address_key() -> str:
    """Per account for a logged-in user, per address otherwise.

    Thirty agents of one EDeS behind one NAT address share that address: counting their searches
    together would refuse a normal working morning, so a logged-in user is counted on their own.
    """
    if current_user.is_authenticated:
        return f"{current_app.config['RATELIMIT_KEY_PREFIX']}:account:{current_user.id}"
    return address_key()


def is_refused(response) -> bool:
    """Only refused attempts count against the login limits (a colleague's successful login never does)."""
    return response.status_code >= 400


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
# Storage errors never reach a request: with RATELIMIT_IN_MEMORY_FALLBACK_ENABLED the limits are
# counted in this process's memory while Redis is down (and in Redis again once it answers), and
# with RATELIMIT_SWALLOW_ERRORS any other storage error is logged and the request allowed.
limiter = Limiter(key_func=address_key, default_limits=[], headers_enabled=False)
