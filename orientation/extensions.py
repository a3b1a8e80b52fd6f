"""Extensions, created unbound here and bound to the app in create_app()."""

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from orientation.db import Base


def _rate_limit_key() -> str:
    # The prefix is read per request (not once at init) so that each test counts on its own.
    return f"{current_app.config['RATELIMIT_KEY_PREFIX']}:{get_remote_address()}"


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
limiter = Limiter(key_func=_rate_limit_key, default_limits=[], headers_enabled=False)
