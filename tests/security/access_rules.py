"""Who may reach each endpoint: the declared expectations the attack tests hold the app to.

Every rule of `app.url_map` must have an entry here (`test_every_endpoint_has_a_rule` fails
otherwise), so an area merged later is forced into the role × endpoint matrix, the CSRF check,
the stored-XSS walk and the form fuzzing. To add an endpoint:

- `own`: the roles (tests/security/world.py) that reach it with their own organisation's objects
  (or at all, when the URL names no object);
- `other`: the roles that reach it with the *other* organisation's objects (usually nobody;
  coordinators for the directory and organisations);
- URL arguments are filled from the world by name (`person_id`, `case_id`, `token`…);
  `params` maps an argument to another world key, `query` adds query-string arguments;
- `data`: valid form data for a POST (values may be callables of a `walk.Target`: `.ids`, `.user`); `form`: the
  WTForms class behind the POST, whose free-text fields get the XSS payloads and the fuzzing;
- `anonymous`: LOGIN (sent to the login page), PUBLIC (reachable), or DENIED (401/403, an API);
- `api=True`: a JSON endpoint (no form to fuzz); it may be exempt from CSRF only if a logged-in
  browser session alone cannot make it act (test_csrf checks that a cookie-only POST is refused).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from tests.security.world import (
    AGENT_EDES,
    ANONYMOUS,
    CONSEILLER_CPAM,
    COORDINATION,
    DETECTEUR,
    LINK_HOLDER,
    MEDIATEUR,
    MEMBERS,
    RESPONSABLE,
)

LOGIN, PUBLIC, DENIED = "login", "public", "denied"

EDES = frozenset({AGENT_EDES, RESPONSABLE})  # the person's organisation (sender of the orientation)
ORIENTATION_SIDES = EDES | {MEDIATEUR}  # sender and receiver
CASE_SIDES = frozenset({CONSEILLER_CPAM, DETECTEUR})  # the MAS team and the filing organisation
MANAGERS = frozenset({RESPONSABLE, COORDINATION})  # the structure's manager, and coordinators
NOBODY: frozenset[str] = frozenset()
EVERYONE = MEMBERS | {ANONYMOUS}


@dataclass(frozen=True)
class Rule:
    own: frozenset[str]
    other: frozenset[str] = NOBODY
    anonymous: str = LOGIN
    params: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    form: str | None = None
    login_redirect_ok: bool = False  # an allowed answer may send to the login page (logout)
    also: frozenset[int] = frozenset()  # other statuses an allowed request may get (401: wrong password)
    api: bool = False  # a JSON endpoint with its own authentication: no WTForms form, may be exempt from CSRF
    created_page: bool = False  # success answers 200 with what was created (a secret shown once, no redirect)


def in_days(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


PERSON = {
    "first_name": "Lucie",
    "last_name": "Durand",
    "contact_preference": "post",
    "commune_code": "84007",
    "address": "1 rue de la République",
}
SERVICE = {
    "name": "Accueil social",
    "description": "Accueil et accompagnement social.",
    "thematiques": "mobilite--acceder-a-un-vehicule",
    "code_postal": "84000",
    "commune_name": "Avignon",
    "zone_eligibilite": "84",
    "capacity": "open",
    "contact_nom_prenom": "Accueil",
    "adresse": "2 place de l'Horloge",
}
STRUCTURE = {"name": "Espace départemental (annuaire)", "code_postal": "84000", "commune_name": "Avignon"}
ORGANISATION = {"name": "Structure de test", "type": "association", "commune_code": "84007", "active": "y"}
NEW_PASSWORD = {"password": "une phrase de passe solide 84", "confirm": "une phrase de passe solide 84"}
PDF = b"%PDF-1.4\n% compte rendu\n%%EOF\n"
# The partner API authenticates with a bearer token, never with the session cookie: a logged-in
# browser gets 401 like anyone without a token (walk.problem accepts 401 from an API refusing a role).
TOKEN_ONLY = {"own": NOBODY, "anonymous": DENIED, "api": True}
# The public directory feeds and the API's documentation: open data, anyone (a token only raises the rate limit).
OPEN_DATA = {"own": EVERYONE, "other": EVERYONE, "anonymous": PUBLIC, "api": True}
# Pilotage: coordinators (the département) and structure managers (their structure); a CPAM member is
# sent to the CPAM's dashboard (302), the others get 403.
STEERING = frozenset({RESPONSABLE, COORDINATION, CONSEILLER_CPAM})
# ProConnect is off in the tested app (no PROCONNECT_* settings): its pages answer 404 to everyone,
# as in any deployment without it; tests/auth/test_proconnect.py runs them against a real provider.
PROCONNECT_OFF = frozenset({404})


class ReusableFile(io.BytesIO):
    """An upload the fuzzing may send again: the test client closes the files it sent; this one rewinds."""

    def close(self) -> None:
        self.seek(0)


LINK_ORIENTATION = {"orientation_id": "link_orientation_id"}  # the orientation reached by e-mail link
HOLDER = frozenset({LINK_HOLDER})  # its token-free pages: the browser that typed the link's code

RULES: dict[str, Rule] = {
    # -- public pages
    "health.healthz": Rule(EVERYONE, anonymous=PUBLIC),
    "health.ready": Rule(EVERYONE, anonymous=PUBLIC),
    # Prometheus: the bearer of METRICS_TOKEN only (unset in tests: refused to everyone, as in production).
    "ops.metrics": Rule(**TOKEN_ONLY),
    "main.accessibility": Rule(EVERYONE, anonymous=PUBLIC),
    "static": Rule(EVERYONE, anonymous=PUBLIC, params={"filename": "filename"}),
    "auth.login": Rule(
        EVERYONE,
        anonymous=PUBLIC,
        form="LoginForm",
        also=frozenset({401}),
        data={"email": "personne@exemple.fr", "password": "mauvais mot de passe", "next": "/"},
    ),
    "auth.request_password_reset": Rule(
        EVERYONE,
        anonymous=PUBLIC,
        login_redirect_ok=True,
        form="PasswordResetRequestForm",
        data={"email": "personne@exemple.fr"},
    ),
    "auth.reset_password": Rule(
        EVERYONE,
        anonymous=PUBLIC,
        params={"token": "reset_token"},
        login_redirect_ok=True,
        form="PasswordResetForm",
        data=NEW_PASSWORD,
    ),
    "invitations.accept": Rule(
        EVERYONE,
        EVERYONE,
        anonymous=PUBLIC,
        form="AcceptInvitationForm",
        data={"first_name": "Léa", "last_name": "Blanc", **NEW_PASSWORD},
    ),
    # -- every member
    "main.home": Rule(MEMBERS),
    "auth.logout": Rule(EVERYONE, anonymous=PUBLIC, login_redirect_ok=True, form="EmptyForm"),
    "auth.switch_organisation": Rule(
        MEMBERS,
        form="SwitchOrganisationForm",
        data={"membership_id": lambda ctx: ctx.user.memberships[0].id if ctx.user else 0},
    ),
    "directory.search": Rule(MEMBERS),
    "directory.service": Rule(MEMBERS, MEMBERS),
    "directory.structure": Rule(MEMBERS, MEMBERS),
    "people.list": Rule(MEMBERS),
    "people.create": Rule(MEMBERS, form="PersonForm", data={**PERSON, "first_name": "Anna", "last_name": "Nouvelle"}),
    "referrals.inbox": Rule(MEMBERS),
    "referrals.sent": Rule(MEMBERS),
    "referrals.choose_person": Rule(MEMBERS, MEMBERS, query={"service": "service_id"}),
    "cpam.reports": Rule(MEMBERS),
    "sante.medecin_traitant": Rule(MEMBERS),
    "cpam.saisine": Rule(
        MEMBERS - {CONSEILLER_CPAM},
        form="SaisineForm",
        data={
            "first_name": "Anna",
            "last_name": "Nouvelle",
            "commune_code": "84035",
            "contact_preference": "post",
            "consent_given": "y",
            "consent_method": "oral",
            "care_kinds": "other",
            "other_care": "Podologie",
            "reasons": "other",
            "other_reason": "Ne sait pas à qui s'adresser",
            "urgency": "normal",
            "call_slots": "morning",
            "call_channel": "phone",
            "message": "Appeler le matin.",
        },
    ),
    # -- directory: a structure's managers and coordinators edit it
    "directory.edit_structure": Rule(MANAGERS, {COORDINATION}, form="StructureForm", data=STRUCTURE),
    "directory.edit_service": Rule(MANAGERS, {COORDINATION}, form="ServiceForm", data=SERVICE),
    "directory.create_service": Rule(MANAGERS, {COORDINATION}, form="ServiceForm", data=SERVICE),
    "directory.confirm_service": Rule(MANAGERS, {COORDINATION}, form="EmptyForm"),
    "directory.stale": Rule(MANAGERS),  # a manager: their structure's entries only
    # -- the coordination's imports of open data (they change the whole directory)
    "directory.imports": Rule(
        {COORDINATION},
        form="ImportForm",
        data={
            "source": "data_inclusion_file",
            "document": lambda ctx: (ReusableFile(b'[{"source": "t", "id": "1", "nom": "S"}]'), "structures.json"),
        },
    ),
    "directory.start_sync": Rule({COORDINATION}, form="EmptyForm"),
    "directory.import_run": Rule({COORDINATION}),
    "directory.apply_import": Rule({COORDINATION}, form="EmptyForm"),
    "directory.import_progress": Rule({COORDINATION}),
    # -- directory freshness: the coordination's lists; any member signals an error, the structure's
    # managers (or the coordination) process it; the freshness e-mail's signed link works without a session
    "directory.to_confirm": Rule({COORDINATION}),
    "directory.reports": Rule({COORDINATION}),
    "directory.report_error": Rule(
        MEMBERS, MEMBERS, form="ErrorReportForm", data={"message": "Le numéro de téléphone a changé."}
    ),
    "directory.report_done": Rule(MANAGERS, {COORDINATION}, form="EmptyForm"),
    "directory.confirm_freshness": Rule(
        EVERYONE, EVERYONE, anonymous=PUBLIC, params={"token": "freshness_token"}, form="EmptyForm", created_page=True
    ),
    # -- organisations and members
    "organisations.list": Rule({COORDINATION}),
    "organisations.create": Rule({COORDINATION}, form="OrganisationForm", data=ORGANISATION),
    "organisations.edit": Rule({COORDINATION}, {COORDINATION}, form="OrganisationForm", data=ORGANISATION),
    "organisations.members": Rule(
        MANAGERS, {COORDINATION}, form="InvitationForm", data={"email": "nouvelle.collegue@exemple.fr", "role": "agent"}
    ),
    "organisations.notification_preference": Rule(
        MANAGERS, {COORDINATION}, form="NotificationPreferenceForm", data={"notification_digest": "y"}
    ),
    "organisations.change_role": Rule(MANAGERS, {COORDINATION}, form="RoleForm", data={"role": "manager"}),
    "organisations.remove_member": Rule(MANAGERS, {COORDINATION}, form="EmptyForm"),
    "organisations.revoke_invitation": Rule(MANAGERS, {COORDINATION}, form="EmptyForm"),
    # -- a directory structure gets its space: the public join request (from the link page), its
    # confirmation link, the coordination's decisions and attachments, the managers' « Ma structure »
    # (a structure without an account; the page answers what was recorded: 200, no redirect)
    "organisations.join_request": Rule(
        EVERYONE,
        anonymous=PUBLIC,
        params={"structure_id": "join_structure_id"},
        created_page=True,
        form="JoinRequestForm",
        data={
            "first_name": "Inès",
            "last_name": "Demande",
            "email": "ines@exemple.fr",
            "organisation_name": "Association",
            "organisation_type": "association",
        },
    ),
    "organisations.confirm_join_request": Rule(
        EVERYONE, anonymous=PUBLIC, params={"token": "join_token"}, form="EmptyForm", created_page=True
    ),
    "organisations.join_requests": Rule({COORDINATION}),
    "organisations.accept_join_request": Rule({COORDINATION}, form="EmptyForm"),
    "organisations.refuse_join_request": Rule(
        {COORDINATION}, form="RefuseJoinRequestForm", data={"reason": "Adresse personnelle."}
    ),
    "organisations.attach_structures": Rule(
        {COORDINATION},
        form="AttachStructureForm",
        data={
            "structure_id": lambda ctx: ctx.ids["structure_id"],
            "organisation_id": lambda ctx: ctx.ids["organisation_id"],
        },
    ),
    "organisations.detach_structure": Rule({COORDINATION}, {COORDINATION}, form="EmptyForm"),
    "organisations.service_receiver": Rule(
        {COORDINATION}, {COORDINATION}, form="ServiceReceiverForm", data={"organisation_id": ""}
    ),
    # « Ma structure »: the structure one acts for, as its manager (no URL names another one)
    "organisations.my_structure": Rule(MANAGERS, form="StructureForm", data=STRUCTURE),
    "organisations.my_structure_services": Rule(MANAGERS),
    "organisations.my_members": Rule(
        MANAGERS, form="InvitationForm", data={"email": "autre.collegue@exemple.fr", "role": "agent"}
    ),
    "organisations.my_reception": Rule(MANAGERS, form="ReceptionSettingsForm", data={"notification_digest": "y"}),
    "notifications.failures": Rule({COORDINATION}),
    # -- a user's own notifications (the one in the world is the EDeS agent's: the orientation they sent
    # was accepted) and their e-mail choices
    "notifications.inbox": Rule(MEMBERS),
    "notifications.open": Rule({AGENT_EDES}),
    "notifications.choices": Rule(
        MEMBERS,
        form="NotificationChoicesForm",
        data={
            "orientation_received": "digest",
            "orientation_changed": "immediate",
            "reminder": "digest",
            "mas_case": "immediate",
        },
    ),
    "notifications.retry": Rule({COORDINATION}, form="EmptyForm"),
    # -- a person's file: its organisation only
    "people.show": Rule(EDES),
    "people.edit": Rule(EDES, form="PersonForm", data=PERSON),
    "people.add_consent": Rule(
        EDES,
        form="ConsentForm",
        data={"agreed": "y", "method": "oral", "purpose": "Orientation vers les services", "scope": "sante"},
    ),
    "people.withdraw_consent": Rule(EDES, form="WithdrawConsentForm", data={"note": "À la demande de la personne"}),
    "people.add_needs": Rule(EDES, form="NeedsForm", data={"codes": "sante_droits", "note": "Droits à vérifier"}),
    "people.close_need": Rule(EDES, form="CloseNeedForm", data={"status": "met"}),
    "people.suggest_services": Rule(EDES),
    "referrals.create": Rule(
        EDES,
        query={"personne": "person_id"},
        form="SendOrientationForm",
        data={
            "service_id": lambda ctx: ctx.ids["receiving_service_id"],
            "need_ids": lambda ctx: ctx.ids["need_id"],
            "message": "Merci de recevoir la personne.",
            "urgency": "normal",
            "shared_fields": "phone",
        },
    ),
    # -- an orientation: sender and receiver
    "referrals.show": Rule(ORIENTATION_SIDES),
    "referrals.print": Rule(EDES),  # the fiche handed to the person: the sending side only
    "referrals.change_status": Rule(
        ORIENTATION_SIDES,
        form="TransitionForm",
        data={  # each side's own move
            "to_status": lambda ctx: "in_progress" if ctx.role == MEDIATEUR else "cancelled",
            "reason": lambda ctx: "" if ctx.role == MEDIATEUR else "no_longer_needed",
            "note": "Nouvelles de la personne",
        },
    ),
    "referrals.add_comment": Rule(ORIENTATION_SIDES, form="CommentForm", data={"body": "Bonjour, des nouvelles ?"}),
    "referrals.add_appointment": Rule(
        {MEDIATEUR},
        form="AppointmentForm",
        data={
            "day": in_days(3),
            "time": "09:30",
            "channel": "in_person",
            "place": "Salle 2",
            "note": "Apporter la carte",
        },
    ),
    "referrals.appointment_status": Rule({MEDIATEUR}, form="AppointmentStatusForm", data={"status": "cancelled"}),
    "referrals.service_obtained": Rule(EDES, form="ServiceObtainedForm", data={"answer": "yes"}),
    # -- receivers without an account (referrals.link_views): the link and its code are for anyone
    # holding the token (the code's form refuses a wrong code: 400); the orientation's token-free pages
    # only for the browser that typed the code (tests/security/test_link_holder.py walks them as
    # that new actor); the sender and the coordination revoke and send links again.
    "receiver_links.open_link": Rule(
        EVERYONE,
        EVERYONE,
        anonymous=PUBLIC,
        params={"token": "link_token"},
        form="LinkCodeForm",
        data={"code": "123456"},
        also=frozenset({429}),
    ),
    "receiver_links.send_code": Rule(
        EVERYONE, EVERYONE, anonymous=PUBLIC, params={"token": "link_token"}, form="EmptyForm", also=frozenset({429})
    ),
    "receiver_links.request_link": Rule(
        EVERYONE, anonymous=PUBLIC, form="NewLinkForm", data={"email": "contact@exemple.fr"}, also=frozenset({429})
    ),
    "receiver_links.orientation": Rule(HOLDER, anonymous=DENIED, params=LINK_ORIENTATION),
    "receiver_links.change_status": Rule(
        HOLDER,
        anonymous=DENIED,
        params=LINK_ORIENTATION,
        form="TransitionForm",
        data={"to_status": "completed", "outcome": "met", "note": "Permis obtenu"},
    ),
    "receiver_links.add_comment": Rule(
        HOLDER, anonymous=DENIED, params=LINK_ORIENTATION, form="CommentForm", data={"body": "Bien reçu."}
    ),
    "receiver_links.add_appointment": Rule(
        HOLDER,
        anonymous=DENIED,
        params=LINK_ORIENTATION,
        form="AppointmentForm",
        data={"day": in_days(5), "time": "10:00", "channel": "in_person"},
    ),
    "receiver_links.appointment_status": Rule(
        HOLDER,
        anonymous=DENIED,
        params={**LINK_ORIENTATION, "appointment_id": "link_appointment_id"},
        form="AppointmentStatusForm",
        data={"status": "cancelled"},
    ),
    "referrals.receiver_links": Rule({COORDINATION}),
    "referrals.revoke_link": Rule(EDES | {COORDINATION}, {COORDINATION}, params=LINK_ORIENTATION, form="EmptyForm"),
    "referrals.resend_link": Rule(EDES | {COORDINATION}, {COORDINATION}, params=LINK_ORIENTATION, form="EmptyForm"),
    "sante.declare_medecin_traitant": Rule(
        EDES, params={"need_id": "sante_need_id"}, form="DeclareMedecinTraitantForm"
    ),
    # -- second factor, account security (every member, on their own account)
    "auth.login_code": Rule(
        EVERYONE,
        anonymous=PUBLIC,
        login_redirect_ok=True,  # no password given yet in this session: back to the login page
        also=frozenset({401}),
        form="SecondFactorForm",
        data={"code": "123456"},
    ),
    "auth.login_enrol": Rule(
        EVERYONE, anonymous=PUBLIC, login_redirect_ok=True, form="EnrolTotpForm", data={"code": "123456"}
    ),
    "auth.proconnect_login": Rule(EVERYONE, anonymous=PUBLIC, also=PROCONNECT_OFF),
    "auth.proconnect_callback": Rule(EVERYONE, anonymous=PUBLIC, also=PROCONNECT_OFF),
    "auth.proconnect_logged_out": Rule(EVERYONE, anonymous=PUBLIC, login_redirect_ok=True),
    "auth.security": Rule(MEMBERS),
    "auth.change_password": Rule(
        MEMBERS,
        form="ChangePasswordForm",
        data={"current_password": "un mot de passe de test", **NEW_PASSWORD},
    ),
    "auth.enrol_totp": Rule(MEMBERS, form="EnrolTotpForm", data={"code": "123456"}),
    "auth.disable_totp": Rule(MEMBERS, form="DisableTotpForm", data={"code": "123456"}),
    "auth.regenerate_recovery_codes": Rule(MEMBERS, form="EmptyForm"),
    "auth.logout_everywhere": Rule(MEMBERS, login_redirect_ok=True, form="EmptyForm"),
    # a colleague's lost second factor: the coordination, for any structure's member
    "auth.reset_second_factor": Rule({COORDINATION}, {COORDINATION}, form="EmptyForm"),
    # -- pilotage: aggregates of one's scope (see STEERING); the exports are files, not for the CPAM either
    "pilotage.dashboard": Rule(STEERING),
    "pilotage.map": Rule(STEERING),
    "pilotage.white_zones_map": Rule(STEERING),
    "pilotage.summary": Rule(STEERING),
    "pilotage.export": Rule(MANAGERS),
    # -- RGPD of a person's file: its agents export it and show what was shared; the journal and the
    # erasure are for the organisation's managers and the person's référent·e (none in the world)
    "rgpd.export": Rule(EDES),
    "rgpd.export_json": Rule(EDES),
    "rgpd.shared": Rule(EDES),
    "rgpd.journal": Rule({RESPONSABLE}),
    "rgpd.journal_csv": Rule({RESPONSABLE}),
    "auth.security_journal": Rule({COORDINATION}),
    "auth.security_journal_csv": Rule({COORDINATION}),
    "rgpd_structure.journal": Rule(MANAGERS),  # the structure acted for: no id in the URL
    "rgpd_structure.journal_csv": Rule(MANAGERS),
    # the world's person has an orientation under way: the erasure is refused (409) until it closes
    "rgpd.erase": Rule({RESPONSABLE}, form="EraseForm", data={"confirm": "y"}, also=frozenset({409})),
    # -- an orientation's documents: its sender and receiver
    "attachments.upload": Rule(
        ORIENTATION_SIDES,
        form="AttachmentForm",
        data={"document": lambda ctx: (io.BytesIO(PDF), "compte-rendu.pdf")},
    ),
    "attachments.download": Rule(ORIENTATION_SIDES),
    # -- the partner API (JSON, bearer token) and its managers' pages
    "api.openapi_document": Rule(**OPEN_DATA),
    "api.docs": Rule(**OPEN_DATA),
    "api.data_inclusion_structures": Rule(**OPEN_DATA),
    "api.data_inclusion_services": Rule(**OPEN_DATA),
    "api.hsds_root": Rule(**OPEN_DATA),
    "api.hsds_services": Rule(**OPEN_DATA),
    "api.hsds_service": Rule(**OPEN_DATA, params={"id": "hsds_service_id"}),
    "api.hsds_organizations": Rule(**OPEN_DATA),
    "api.hsds_organization": Rule(**OPEN_DATA, params={"id": "hsds_organization_id"}),
    "api.hsds_service_at_locations": Rule(**OPEN_DATA),
    "api.orientations": Rule(**TOKEN_ONLY),
    "api.orientation": Rule(**TOKEN_ONLY),
    "api.create_orientation": Rule(**TOKEN_ONLY),
    "api.change_status": Rule(**TOKEN_ONLY),
    "api.add_comment": Rule(**TOKEN_ONLY),
    "api.add_appointment": Rule(**TOKEN_ONLY),
    "api.appointment_status": Rule(**TOKEN_ONLY),
    # a structure's managers (a coordinator manages the département's own organisation's access)
    "api_manage.index": Rule(MANAGERS),
    "api_manage.create_token": Rule(
        MANAGERS,
        form="CreateTokenForm",
        data={"name": "Logiciel de suivi SIAO", "scopes": "orientations"},
        created_page=True,
    ),
    "api_manage.create_webhook": Rule(
        MANAGERS,
        form="CreateWebhookForm",
        data={"url": "https://siao.exemple.fr/orientation/webhook"},
        created_page=True,
    ),
    "api_manage.revoke_token": Rule({RESPONSABLE}, form="EmptyForm"),
    "api_manage.disable_webhook": Rule({RESPONSABLE}, form="EmptyForm"),
    # -- the CPAM: the queue and case work for the MAS team; the filing structure reads its case
    "cpam.queue": Rule({CONSEILLER_CPAM}),
    "cpam.dashboard": Rule({CONSEILLER_CPAM, COORDINATION}),
    "cpam.show": Rule(CASE_SIDES),
    # the case's pages, one per stage of the work (GET; POST records its form): the MAS team only, the
    # détecteur reads the summary
    "cpam.contact_page": Rule({CONSEILLER_CPAM}),
    "cpam.open_case": Rule({CONSEILLER_CPAM}, form="OpenCaseForm"),
    "cpam.contact_attempt": Rule(
        {CONSEILLER_CPAM},
        form="ContactAttemptForm",
        data={"succeeded": "yes", "channel": "phone", "note": "Jointe le matin"},
    ),
    "cpam.change_stage": Rule({CONSEILLER_CPAM}, form="StageForm", data={"stage": "rights_review"}),
    "cpam.rights": Rule({CONSEILLER_CPAM}, form="RightsForm", data={"right_css": "to_check"}),
    "cpam.practitioners": Rule({CONSEILLER_CPAM}, form="PractitionersForm", data={"note": "Deux cabinets"}),
    "cpam.financing": Rule({CONSEILLER_CPAM}, form="FinancingForm", data={"aids": "css", "note": "Devis"}),
    "cpam.follow_up": Rule(
        {CONSEILLER_CPAM}, form="FollowUpForm", data={"care_planned_on": in_days(10), "note": "Rendez-vous pris"}
    ),
    "cpam.waiting": Rule({CONSEILLER_CPAM}, form="WaitingForm", data={"waiting": "yes"}),
    "cpam.add_note": Rule({CONSEILLER_CPAM}, form="NoteForm", data={"body": "Rappeler jeudi"}),
    "cpam.close": Rule(
        {CONSEILLER_CPAM}, form="CloseCaseForm", data={"outcome": "abandoned", "reason": "La personne ne souhaite plus"}
    ),
}

# Forms that are never POSTed to an endpoint of RULES: GET filters (checked by the SQL-injection
# and reflection tests) and base classes.
# Forms read from the URL (GET): their free text is fuzzed with the search pages (test_fuzz_forms.SEARCH_PAGES).
NOT_POSTED_FORMS = {"BaseForm", "SearchForm", "PersonSearchForm", "UrlFilters", "SecurityJournalFilters"}

# World keys of objects that belong to no organisation: one variant only.
SHARED_KEYS = {"message_id", "reset_token", "filename", "table", "fmt"}
SHARED_KEYS |= {"join_token", "join_request_id", "join_structure_id"}  # the structure without an account
SHARED_KEYS |= {"run_id"}  # an import run of the directory (the coordination's)
