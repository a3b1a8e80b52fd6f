"""When a CSRF check fails, show the same form again with what was typed (never lose input).

Views that render a form opt in with `@redisplay_on_csrf_error`; their form's own CSRF
validation fails again, so the action is never carried out, and the page explains why.
"""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from orientation.forms import CSRF_MESSAGE

_FLAG = "_redisplay_on_csrf_error"


def redisplay_on_csrf_error(view):
    setattr(view, _FLAG, True)
    return view


def handle_csrf_error(error: CSRFError):
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method == "POST" and view is not None and getattr(view, _FLAG, False):
        try:
            response = current_app.make_response(view(**(request.view_args or {})))
        except HTTPException as error:  # e.g. the view's rate limit: its own page, not a 500
            return current_app.handle_http_exception(error)
        response.status_code = 400
        return response
    return render_template(
        "errors/error.html",
        code=400,
        title="Formulaire expiré",
        message=CSRF_MESSAGE.split(" Vos saisies")[0] + " Revenez à la page précédente, rechargez-la et recommencez.",
    ), 400
