"""French error pages (HTML, or JSON for API and JSON clients)."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from orientation.api.problems import http_problem
from orientation.csrf import handle_csrf_error
from orientation.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Requête incorrecte", "La demande n'a pas pu être comprise. Vérifiez votre saisie."),
    403: (
        "Accès refusé",
        "Vous n'avez pas le droit d'accéder à cette page. Si vous pensez que c'est une "
        "erreur, contactez le ou la responsable de votre structure.",
    ),
    404: ("Page introuvable", "La page que vous cherchez n'existe pas ou a été déplacée."),
    405: ("Action impossible", "Cette action n'est pas possible depuis cette page."),
    413: ("Envoi trop volumineux", "Le fichier ou le texte envoyé est trop volumineux."),
    429: (
        "Trop de demandes",
        "Vous avez fait trop de demandes en peu de temps. Patientez quelques minutes avant de réessayer.",
    ),
    500: (
        "Erreur inattendue",
        "Une erreur est survenue de notre côté. Vos données n'ont pas été modifiées. Réessayez dans quelques instants.",
    ),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def render_error(code: int, error: HTTPException | None = None):
    if request.path.startswith("/api/"):  # the partner API answers application/problem+json
        return http_problem(code, error)
    title, message = MESSAGES.get(code, MESSAGES[500])
    if _wants_json():
        return jsonify({"type": "about:blank", "title": title, "status": code, "detail": message}), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register_error_pages(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        return render_error(error.code or 500, error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if app.testing:  # let the test see the traceback
            raise error
        log.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return render_error(500)
