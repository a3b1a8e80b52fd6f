"""The journal in words: what a logged page or task was, and which information of the file changed.

The access log stores codes (the page's endpoint `referrals.show`, the column `closed_at`): they stay
stable in the database; the pages and the CSV download show these French words instead, and never a
raw code (an unknown one falls back on the area's name, or on « une autre information »).
"""

from __future__ import annotations

import re

# What a logged reading or change was done through: the page (endpoint) or the task.
PURPOSES = {
    "people.show": "Consultation de la fiche",
    "people.edit": "Modification de la fiche",
    "people.create": "Création de la fiche",
    "people.consent": "Recueil du consentement",
    "people.withdraw_consent": "Retrait du consentement",
    "people.needs": "Saisie des besoins",
    "people.close_need": "Clôture d'un besoin",
    "people.suggest_services": "Recherche de services pour un besoin",
    "referrals.show": "Consultation d'une orientation",
    "referrals.create": "Envoi d'une orientation",
    "referrals.print": "Impression de la fiche orientation",
    "referrals.person_message": "Message à la personne (SMS ou e-mail)",
    "attachments.download": "Téléchargement d'un document joint",
    "cpam.saisine": "Signalement à la Mission d'Accompagnement en Santé",
    "cpam.show": "Consultation d'un dossier de la Mission d'Accompagnement en Santé",
    "rgpd.journal": "Consultation du journal des accès",
    "rgpd.journal_csv": "Téléchargement du journal des accès",
    "rgpd.shared": "Consultation des données partagées",
    "rgpd.erase": "Effacement de la fiche",
    "rgpd.erasure": "Effacement de la fiche",
    "rgpd.export": "Export des données (droit d'accès)",
    "rgpd.retention": "Durée de conservation écoulée (traitement automatique)",
    "api.orientations.create": "Orientation reçue par l'API d'un partenaire",
    "api.orientations.show": "Consultation par l'API d'un partenaire",
    "api.orientations.status": "Suivi par l'API d'un partenaire",
    "système": "Traitement automatique",
}

# The areas, for a page not named above: « Orientations (autre page) ».
AREAS = {
    "people": "Personnes",
    "referrals": "Orientations",
    "links": "Orientations suivies par e-mail",
    "cpam": "Mission d'Accompagnement en Santé",
    "rgpd": "Données personnelles",
    "api": "API d'un partenaire",
    "attachments": "Documents joints",
    "directory": "Annuaire",
    "organisations": "Structure",
    "auth": "Compte",
    "main": "Accueil",
    "pilotage": "Pilotage",
    "followups": "Relances automatiques",
    "notifications": "Messages",
}

_CODE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")


def purpose_label(purpose: str | None) -> str:
    """The page or task in words; a purpose already written in French (a consent's) is kept."""
    if not purpose:
        return "Traitement automatique"
    if purpose in PURPOSES:
        return PURPOSES[purpose]
    if not _CODE.match(purpose):
        return purpose
    area = AREAS.get(purpose.split(".")[0])
    return f"{area} (autre page)" if area else "Autre page de l'application"


# The information of a file, by column name (every column of the tables a person's file spans).
FIELDS = {
    "actor_email": "adresse de la personne qui agit",
    "actor_organisation_id": "structure qui agit",
    "actor_user_id": "personne qui agit",
    "address": "adresse",
    "anonymised_at": "date d'anonymisation",
    "appointment_id": "rendez-vous",
    "assigned_to_id": "conseiller ou conseillère",
    "at": "date",
    "author_email": "adresse de l'auteur",
    "author_id": "auteur",
    "birth_date": "date de naissance",
    "body": "texte du message",
    "by_id": "auteur",
    "call_channel": "moyen de contact",
    "call_slots": "créneaux d'appel",
    "care_planned_on": "date des soins prévus",
    "case_id": "dossier",
    "channel": "modalité",
    "closed_at": "date de clôture",
    "closure_reason": "motif de clôture",
    "code": "code",
    "code_attempts": "essais du code",
    "code_expires_at": "expiration du code",
    "code_hash": "code de vérification",
    "collected_at": "date de recueil",
    "collected_by_id": "recueilli par",
    "commune_code": "commune",
    "consent_id": "consentement",
    "contact_preference": "préférence de contact",
    "messages_channel": "messages à la personne (accord et moyen)",
    "content_type": "type de document",
    "created_at": "date de création",
    "created_by_email": "adresse du créateur",
    "created_by_id": "créé par",
    "decided_at": "date de décision",
    "decision_due_at": "date limite de réponse",
    "declared_at": "date de déclaration",
    "declared_by_id": "déclaré par",
    "deleted_at": "date de suppression",
    "detail": "précisions",
    "details": "précisions",
    "email": "adresse électronique",
    "event_id": "étape de l'historique",
    "expires_at": "date d'expiration",
    "expires_on": "date de fin",
    "failed_attempts": "tentatives sans réponse",
    "filed_at": "date du signalement",
    "filed_by_id": "signalé par",
    "filename": "nom du fichier",
    "financial_aids": "aides financières",
    "financial_note": "note sur le plan de financement",
    "first_contact_at": "date du premier contact",
    "first_name": "prénom",
    "follow_up_note": "note de suivi",
    "from_status": "statut précédent",
    "id": "numéro",
    "kind": "type",
    "last_activity_at": "dernière activité",
    "last_name": "nom",
    "last_opened_at": "dernière ouverture",
    "last_progress_at": "dernière avancée",
    "message": "message",
    "method": "mode de recueil",
    "name_key": "nom (clé de recherche)",
    "need_id": "besoin",
    "note": "note",
    "opened_at": "date d'ouverture",
    "organisation_id": "structure",
    "orientation_id": "orientation",
    "other_care": "autres soins",
    "other_reason": "autre raison",
    "outcome": "résultat",
    "person_id": "personne",
    "phone": "téléphone",
    "place": "lieu",
    "practitioner_note": "note sur les praticiens",
    "practitioner_service_ids": "praticiens proposés",
    "public_detail": "précisions partagées",
    "purpose": "finalité",
    "reason": "motif",
    "received_at": "date de réception",
    "receiver_email": "adresse du destinataire",
    "receiver_organisation_id": "structure destinataire",
    "reception": "mode de suivi",
    "redirected_to_service_id": "service de réorientation",
    "referent_id": "référent",
    "reminder_agreed": "accord pour le rappel",
    "revoked_at": "date de révocation",
    "revoked_by_id": "révoqué par",
    "right": "droit",
    "scope": "portée",
    "sender_organisation_id": "structure qui oriente",
    "sender_user_id": "personne qui oriente",
    "sent_at": "date d'envoi",
    "service_id": "service",
    "service_obtained": "service obtenu",
    "service_obtained_at": "date de réponse sur le service obtenu",
    "service_obtained_by_id": "réponse donnée par",
    "shared_fields": "informations partagées",
    "side": "côté",
    "situation": "situation",
    "size": "taille",
    "stage": "étape",
    "starts_at": "date et heure",
    "status": "statut",
    "status_changed_at": "date du changement de statut",
    "status_changed_by_id": "statut changé par",
    "storage_key": "emplacement du fichier",
    "succeeded": "réussite",
    "team_id": "équipe",
    "to_status": "nouveau statut",
    "token_hash": "lien sécurisé",
    "updated_at": "date de modification",
    "updated_by_id": "modifié par",
    "uploaded_by_id": "déposé par",
    "urgency": "urgence",
    "version": "version",
    "volet": "volet",
    "waiting_on_person": "en attente de la personne",
    "withdrawal_note": "note de retrait",
    "withdrawn_at": "date de retrait",
    "withdrawn_by_id": "retiré par",
    # RGPD acts record what became of the file
    "anonymised": "anonymisation",
    "deleted": "suppression",
    "message_id": "message envoyé",
    "read_at": "date de lecture",
    "subject_id": "objet concerné",
    "subject_type": "sorte d'objet concerné",
    "title": "titre",
    "user_id": "compte",
}

OTHER_FIELD = "une autre information"


def field_label(name: str) -> str:
    return FIELDS.get(name, OTHER_FIELD)


def fields_label(names) -> str:
    """« date de clôture, statut » for ["closed_at", "status"]; each label once, in the given order."""
    labels = list(dict.fromkeys(field_label(name) for name in names or ()))
    return ", ".join(labels)
