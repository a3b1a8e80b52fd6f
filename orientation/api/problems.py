"""Errors of the API as RFC 9457 `application/problem+json`, in French or English (Accept-Language).

Every refusal of the API goes through `ApiProblem`; HTTP errors raised elsewhere (404 of an unknown
URL, 405, 429 of the rate limiter) are turned into problems by `http_problem()`, which the app's
error handlers call for every path under /api/.
"""

from __future__ import annotations

from flask import request
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "application/problem+json"

TITLES = {
    400: ("Requête incorrecte", "Bad request"),
    401: ("Authentification requise", "Authentication required"),
    403: ("Accès refusé", "Forbidden"),
    404: ("Ressource introuvable", "Not found"),
    405: ("Méthode non autorisée", "Method not allowed"),
    406: ("Format non disponible", "Not acceptable"),
    409: ("Conflit", "Conflict"),
    412: ("Version périmée", "Precondition failed"),
    413: ("Envoi trop volumineux", "Payload too large"),
    415: ("Format d'envoi non pris en charge", "Unsupported media type"),
    422: ("Données invalides", "Unprocessable content"),
    428: ("En-tête If-Match requis", "Precondition required"),
    429: ("Trop de demandes", "Too many requests"),
    500: ("Erreur inattendue", "Internal server error"),
}

DETAILS = {
    400: ("La demande n'a pas pu être comprise.", "The request could not be understood."),
    401: (
        "Donnez un jeton d'API valide dans l'en-tête « Authorization: Bearer … ».",
        "Give a valid API token in the 'Authorization: Bearer …' header.",
    ),
    403: ("Ce jeton ne donne pas accès à cette ressource.", "This token does not give access to this resource."),
    404: (
        "Cette ressource n'existe pas, ou ce jeton n'y a pas accès.",
        "This resource does not exist, or this token cannot see it.",
    ),
    405: ("Cette méthode n'est pas possible sur cette adresse.", "This method is not allowed on this URL."),
    413: ("Le contenu envoyé est trop volumineux.", "The request body is too large."),
    429: (
        "Trop de demandes en peu de temps : patientez avant de réessayer.",
        "Too many requests in a short time: wait before trying again.",
    ),
    500: (
        "Une erreur est survenue de notre côté ; rien n'a été enregistré. Réessayez plus tard.",
        "Something went wrong on our side; nothing was saved. Try again later.",
    ),
}


def language() -> str:
    return request.accept_languages.best_match(["fr", "en"], default="fr") or "fr"


class ApiProblem(Exception):
    """A refusal: `detail` in French and English, `code` for programs, `errors` per field."""

    def __init__(
        self,
        status: int,
        detail_fr: str | None = None,
        detail_en: str | None = None,
        *,
        code: str | None = None,
        refusal: str | None = None,
        errors: list[dict] | None = None,
        headers: dict | None = None,
    ):
        super().__init__(detail_fr or "")
        self.status, self.code, self.errors, self.headers = status, code, errors or [], headers or {}
        self.refusal = refusal
        default_fr, default_en = DETAILS.get(status, (None, None))
        self.detail_fr = detail_fr or default_fr or TITLES.get(status, TITLES[400])[0]
        self.detail_en = detail_en or default_en or self.detail_fr

    @classmethod
    def of_refusal(cls, refusal):
        """A refusal of the state-machine kernel (or any refusal carrying the same attributes):
        its HTTP status, code and messages; its field, if any, in `errors`."""
        errors = [{"field": refusal.field, "detail": str(refusal)}] if getattr(refusal, "field", None) else None
        return cls(
            refusal.status,
            refusal.message_fr,
            refusal.message_en,
            code=refusal.api_code,
            refusal=refusal.code,
            errors=errors,
        )

    @classmethod
    def on_field(cls, field: str | None, detail: str, fr: str, en: str, *, code: str, status: int = 422):
        """A refusal of one field of the request: `detail` is the short French word shown with it."""
        return cls(status, fr, en, code=code, errors=[{"field": field, "detail": detail}])


def problem_response(problem: ApiProblem):
    from flask import current_app, json

    english = language() == "en"
    titles = TITLES.get(problem.status, (f"Erreur {problem.status}", f"Error {problem.status}"))
    body = {
        "type": f"about:blank#{problem.code}" if problem.code else "about:blank",
        "title": titles[1] if english else titles[0],
        "status": problem.status,
        "detail": problem.detail_en if english else problem.detail_fr,
    }
    if problem.code:
        body["code"] = problem.code
    if problem.refusal:
        body["refusal"] = problem.refusal
    if problem.errors:
        body["errors"] = problem.errors
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), status=problem.status, mimetype=PROBLEM_TYPE
    )
    response.headers["Content-Language"] = "en" if english else "fr"
    response.headers["Vary"] = "Accept-Language"
    for name, value in problem.headers.items():
        response.headers[name] = value
    return response


def http_problem(code: int, error: HTTPException | None = None):
    """An HTTP error on an /api/ path (keeps headers such as Allow or Retry-After)."""
    headers = {}
    if error is not None:
        headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
    if code == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="orientation"')
    return problem_response(ApiProblem(code, code=_CODES.get(code), headers=headers))


_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "rate_limited",
    500: "internal_error",
}
