"""The security journal in words: one French line per event, for the pages and the CSV."""

from __future__ import annotations

from orientation.audit.models import SecurityEvent, SecurityEventKind

_METHODS = {"password": "par mot de passe", "proconnect": "par ProConnect"}
_ROLES = {"agent": "agent", "manager": "responsable de structure"}
_SSO_REASONS = {
    "untrusted_answer": "réponse non vérifiable (expirée, rejouée ou altérée)",
    "no_active_account": "aucun compte actif à cette adresse",
    "assurance_level": "niveau d'authentification insuffisant",
    "no_email": "adresse e-mail non transmise",
    "inconsistent_answer": "réponse incohérente",
}
_SCOPES = {"read-directory": "annuaire", "orientations": "orientations"}
_STRUCTURE_FIELDS = {
    "name": "nom",
    "siret": "SIRET",
    "description": "présentation",
    "adresse": "adresse",
    "complement_adresse": "complément d'adresse",
    "code_postal": "code postal",
    "commune_name": "commune",
    "telephone": "téléphone",
    "courriel": "e-mail",
    "site_web": "site web",
    "horaires_accueil": "horaires",
}


def describe(event: SecurityEvent) -> str:
    detail = event.detail or {}
    kind = event.kind

    def role(key: str) -> str:
        return _ROLES.get(detail.get(key), detail.get(key) or "?")

    if kind == SecurityEventKind.LOGIN:
        return _METHODS.get(detail.get("method"), detail.get("method") or "")
    if kind == SecurityEventKind.ROLE_CHANGED:
        return f"{role('from')} → {role('to')}"
    if kind in (SecurityEventKind.INVITATION_SENT, SecurityEventKind.MEMBER_REMOVED):
        text = f"rôle : {role('role')}"
        return text + (", avec le rôle de coordination" if detail.get("coordinator") else "")
    if kind == SecurityEventKind.SSO_REFUSED:
        return _SSO_REASONS.get(detail.get("reason"), detail.get("reason") or "")
    if kind in (SecurityEventKind.API_TOKEN_CREATED, SecurityEventKind.API_TOKEN_REVOKED):
        scopes = ", ".join(_SCOPES.get(scope, scope) for scope in detail.get("scopes") or ())
        return f"« {detail.get('name', '')} » ({detail.get('prefix', '')}…)" + (f" : {scopes}" if scopes else "")
    if kind == SecurityEventKind.ACCOUNT_DEACTIVATED:
        return f"aucune connexion depuis {detail.get('months', '?')} mois, après un e-mail d'avertissement"
    if kind in (SecurityEventKind.WEBHOOK_CREATED, SecurityEventKind.WEBHOOK_DISABLED):
        return detail.get("url", "")
    if kind == SecurityEventKind.STRUCTURE_EDITED:
        fields = ", ".join(_STRUCTURE_FIELDS.get(name, "autre champ") for name in detail.get("fields") or ())
        return f"« {detail.get('structure', '')} » : {fields}"
    if kind == SecurityEventKind.RECEPTION_CHANGED:
        return _reception(detail)
    return ""


def _reception(detail: dict) -> str:
    parts = []
    if detail.get("accepting"):
        parts.append("accepte les orientations suivies : " + ", ".join(detail["accepting"]))
    if detail.get("not_accepting"):
        parts.append("n'accepte plus les orientations suivies : " + ", ".join(detail["not_accepting"]))
    if "digest" in detail:
        mode = "un récapitulatif par jour" if detail["digest"] else "un par événement"
        parts.append(f"e-mails des membres : {mode}")
    return " ; ".join(parts)
