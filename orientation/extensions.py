"""Extensions, created unbound here and bound to the app in create_app()."""

from flask import current_app, has_app_context
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


class AppLimiter(Limiter):
    """Flask-Limiter keeping each app's counters in that app's own storage.

    Flask-Limiter binds its storage to the Limiter object, so the last app initialised in a process
    would count for every other one (a second app built by a command, by the worker, by a test:
    one without Redis silently moved the web app's counters into memory). Here the storage and its
    rate limiter are kept in `app.extensions` and read from the current app.
    """

    _EXTENSION = "orientation.limiter"

    def init_app(self, app) -> None:
        super().init_app(app)
        app.extensions[self._EXTENSION] = {
            "storage": self.__dict__.get("_own_storage"),
            "limiter": self.__dict__.get("_own_limiter"),
        }

    def _bound(self, name: str):
        if has_app_context() and (bound := current_app.extensions.get(self._EXTENSION)):
            return bound[name]
        return self.__dict__.get(f"_own_{name}")

    @property
    def _storage(self):
        return self._bound("storage")

    @_storage.setter
    def _storage(self, value) -> None:
        self.__dict__["_own_storage"] = value

    @property
    def _limiter(self):
        return self._bound("limiter")

    @_limiter.setter
    def _limiter(self, value) -> None:
        self.__dict__["_own_limiter"] = value


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
# Storage errors never reach a request: with RATELIMIT_IN_MEMORY_FALLBACK_ENABLED the limits are
# counted in this process's memory while Redis is down (and in Redis again once it answers), and
# with RATELIMIT_SWALLOW_ERRORS any other storage error is logged and the request allowed.
limiter = AppLimiter(key_func=address_key, default_limits=[], headers_enabled=False)


def limit_from(setting: str, **options):
    """A Flask-Limiter decorator whose rate is read from the app's configuration at each request."""
    return limiter.limit(lambda: current_app.config[setting], **options)
