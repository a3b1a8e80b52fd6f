"""One seeded world for the attack tests: two organisations of each kind, each owning its objects.

Side "own" (A) holds the demo roles' organisations; side "other" (B) is another EDeS, médiation,
CCAS and CPAM with their own people, orientations and MAS cases. Every id a URL can take is in
`Side.ids` (or `World.shared_ids` for objects that belong to no organisation), named after the
URL argument it fills (`person_id`, `case_id`…), so a new endpoint whose arguments use these names
is filled automatically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from orientation.api import operations as api_operations
from orientation.api.hsds import hsds_id
from orientation.api.models import Scope
from orientation.attachments.operations import add_attachment
from orientation.auth.tokens import make_password_reset_token, new_opaque_token
from orientation.clock import now
from orientation.directory import freshness as directory_freshness
from orientation.directory.models import ImportOrigin, ImportRun, ImportSource, ImportStatus
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.notifications.models import Channel, MessageStatus, OutboxMessage, UserNotification
from orientation.organisations.models import (
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    MembershipRole,
    OrganisationType,
)
from orientation.pilotage.refresh import refresh_facts
from orientation.referrals import lifecycle, links, operations
from orientation.referrals.lifecycle import LinkHolder, OrientationStatus
from orientation.referrals.models import AppointmentChannel
from tests import builders
from tests.cpam import builders as cpam_builders
from tests.directory import builders as directory_builders
from tests.referrals import builders as rb
from tests.rgpd.builders import PDF

# The roles of the demo (README "Demo logins"), plus anonymous.
AGENT_EDES = "agent_edes"
MEDIATEUR = "mediateur"
DETECTEUR = "detecteur"
CONSEILLER_CPAM = "conseiller_cpam"
RESPONSABLE = "responsable"
COORDINATION = "coordination"
ANONYMOUS = "anonymous"
ROLES = (AGENT_EDES, MEDIATEUR, DETECTEUR, CONSEILLER_CPAM, RESPONSABLE, COORDINATION, ANONYMOUS)
MEMBERS = frozenset(ROLES) - {ANONYMOUS}  # every logged-in role belongs to an organisation
# A receiver without an account: a browser that opened side A's link orientation and typed its code
# (walk.Visitor proves it; tests/security/test_link_holder.py walks the map as this actor).
LINK_HOLDER = "link_holder"

# Names only the other side's people carry: no page shown to side A's roles may contain them.
OTHER_SIDE_SECRETS = ("Xanthopoulos", "Zarkadakis", "07 98 76 54 32")


@dataclass
class Side:
    name: str
    users: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)


@dataclass
class World:
    own: Side
    other: Side
    coordinator: object
    shared_ids: dict

    def user(self, role: str):
        if role == LINK_HOLDER:
            return None  # no account
        return self.coordinator if role == COORDINATION else self.own.users[role]

    def side(self, name: str) -> Side:
        return self.own if name == "own" else self.other


def _side(
    name: str,
    *,
    person_names: tuple[str, str],
    mas_names: tuple[str, str],
    phone: str,
    mas_commune: str,
    team_zones: tuple[str, ...],
) -> Side:
    side = Side(name)
    edes = builders.organisation(f"EDeS {name}")
    mediation = builders.organisation(f"Médiation {name}", type=OrganisationType.MEDIATION_NUMERIQUE)
    ccas = builders.organisation(f"CCAS {name}", type=OrganisationType.CCAS, commune_code="84035")
    cpam = builders.organisation(f"CPAM {name}", type=OrganisationType.CPAM)
    users = side.users
    users[AGENT_EDES] = rb.member(edes, first_name="Camille", last_name=f"Agent{name}")
    users[RESPONSABLE] = rb.member(edes, MembershipRole.MANAGER, first_name="Nadia", last_name=f"Responsable{name}")
    colleague = rb.member(edes, first_name="Théo", last_name=f"Collègue{name}")
    users[MEDIATEUR] = rb.member(mediation, first_name="Karim", last_name=f"Médiateur{name}")
    users[DETECTEUR] = rb.member(ccas, first_name="Sophie", last_name=f"Détectrice{name}")
    users[CONSEILLER_CPAM] = rb.member(cpam, first_name="Julien", last_name=f"Conseiller{name}")
    team = cpam_builders.mas_team(cpam, zones=team_zones, name=f"MAS {name}")

    # A person of the EDeS, with consent, a numérique and a santé need, oriented to the médiation.
    service = rb.receiving_service(mediation, Volet.NUMERIQUE, name=f"Aide numérique {name}")
    person = rb.person(edes, user=users[AGENT_EDES], first_name=person_names[0], last_name=person_names[1], phone=phone)
    need = rb.need(person, Volet.NUMERIQUE, user=users[AGENT_EDES])
    sante_need = rb.need(person, Volet.SANTE, user=users[AGENT_EDES])
    scenario = rb.Scenario(edes, mediation, users[AGENT_EDES], users[MEDIATEUR], colleague, person, need, service)
    orientation = scenario.orientation(OrientationStatus.ACCEPTED)

    # A person of the CCAS and the MAS case its détecteur filed.
    mas_person = rb.person(
        ccas,
        user=users[DETECTEUR],
        consent=False,
        first_name=mas_names[0],
        last_name=mas_names[1],
        commune_code=mas_commune,
        phone=phone,
    )
    world = cpam_builders.CpamWorld(
        cpam, team, users[CONSEILLER_CPAM], None, ccas, users[DETECTEUR], None, None, None, None, mas_person
    )
    case = world.saisine()

    # The EDeS's own directory entry (its manager edits it), a pending invitation, a colleague's membership.
    structure = directory_builders.structure(name=f"EDeS {name} (annuaire)", organisation_id=edes.id)
    edes_service = directory_builders.service(
        f"Accueil social {name}", structure_=structure, thematiques=[rb.THEMATIQUE[Volet.MOBILITE]], zones=["84"]
    )
    token, token_hash = new_opaque_token()
    invitation = Invitation(
        email=f"invite.{name.lower()}@test.orientation.fr",
        organisation=edes,
        role=MembershipRole.AGENT,
        token_hash=token_hash,
        invited_by_id=users[RESPONSABLE].id,
        expires_at=now().replace(year=now().year + 1),
    )
    db.session.add(invitation)
    db.session.flush()

    # A document of the orientation, a rendez-vous the médiation set (on a second orientation, in progress,
    # so that the first one keeps its "accepted" status), the manager's API token and webhook, and a
    # colleague with a second factor (the coordination resets it when the phone is lost).
    attachment = add_attachment(
        orientation, user=users[AGENT_EDES], organisation_id=edes.id, filename="Bilan.pdf", data=PDF
    )
    appointment = scenario.appointment(now() + timedelta(days=5))
    api_token, _secret = api_operations.create_token(
        organisation_id=edes.id, user=users[RESPONSABLE], name=f"Logiciel {name}", scopes=[Scope.ORIENTATIONS]
    )
    webhook = api_operations.create_webhook(
        organisation_id=edes.id, user=users[RESPONSABLE], url=f"https://logiciel-{name.lower()}.exemple.fr/webhook"
    )
    builders.totp(colleague)
    # An error report on the EDeS's service (its manager processes it), and the freshness e-mail's signed
    # link of its manager (the service was listed in it).
    report = directory_freshness.report_error(edes_service, users[AGENT_EDES], "Le numéro de téléphone a changé.")
    asked_at = now() - timedelta(days=1)
    directory_freshness.mark_asked([edes_service], asked_at)
    freshness_token = directory_freshness.make_link_token(structure.id, users[RESPONSABLE].id, asked_at)

    # An orientation to a service without an account, reached by e-mail link, and a live link to it.
    link_structure = directory_builders.structure(
        name=f"Auto-école {name}", courriel=f"contact.{name.lower()}@exemple.fr"
    )
    link_service = directory_builders.service(
        f"Permis solidaire {name}",
        structure_=link_structure,
        thematiques=[rb.THEMATIQUE[Volet.NUMERIQUE]],
        zones=["84"],
    )
    link_orientation = rb.Scenario(
        edes, None, users[AGENT_EDES], None, colleague, person, need, link_service
    ).orientation(OrientationStatus.SENT)
    receiver_link, link_token = links.issue_link(link_orientation)
    holder = LinkHolder(receiver_link.email, link_orientation.id, receiver_link.id)
    lifecycle.transition(link_orientation, OrientationStatus.ACCEPTED, actor=holder)
    link_appointment = operations.add_appointment(
        link_orientation,
        user=holder,
        starts_at=now() + timedelta(days=4),
        channel=AppointmentChannel.IN_PERSON,
        place="Auto-école",
        reminder_agreed=False,
        note=None,
    )

    side.people = {"person": person, "mas_person": mas_person}
    side.ids = {
        "person_id": person.id,
        "need_id": need.id,
        "sante_need_id": sante_need.id,
        "consent_id": orientation.consent_id,
        "orientation_id": orientation.id,
        "notification_id": db.session.scalar(
            sa.select(UserNotification.id).where(UserNotification.user_id == users[AGENT_EDES].id).limit(1)
        ),
        "case_id": case.id,
        "mas_person_id": mas_person.id,
        "service_id": edes_service.id,
        "structure_id": structure.id,
        "receiving_service_id": service.id,
        "organisation_id": edes.id,
        "membership_id": colleague.memberships[0].id,
        "invitation_id": invitation.id,
        "token": token,
        "volet": Volet.SANTE.value,
        "team_id": team.id,
        "attachment_id": attachment.id,
        "appointment_id": appointment.id,
        "token_id": api_token.id,
        "endpoint_id": webhook.id,
        "user_id": colleague.id,
        "link_token": link_token,
        "link_orientation_id": link_orientation.id,
        "link_id": receiver_link.id,
        "link_appointment_id": link_appointment.id,
        "report_id": report.id,
        "freshness_token": freshness_token,
        "hsds_service_id": hsds_id("service", edes_service.id),
        "hsds_organization_id": hsds_id("organization", structure.id),
    }
    return side


def build_world() -> World:
    own = _side(
        "A",
        person_names=("Lucie", "Durand"),
        mas_names=("Rosa", "Pereira"),
        phone="06 12 34 56 78",
        mas_commune="84035",
        team_zones=("84",),
    )
    other = _side(
        "B",
        person_names=("Bérénice", "Xanthopoulos"),
        mas_names=("Ophélie", "Zarkadakis"),
        phone="07 98 76 54 32",
        mas_commune="84031",
        team_zones=("84031",),
    )
    departement = builders.organisation("Département (coordination)", type=OrganisationType.DEPARTEMENT)
    coordinator = rb.member(
        departement, MembershipRole.MANAGER, first_name="Pierre", last_name="Coordination", coordinator=True
    )
    failed = OutboxMessage(
        channel=Channel.EMAIL,
        recipient="destinataire@exemple.fr",
        template="numbered",
        context={},
        idempotency_key="security-failed",
        status=MessageStatus.FAILED,
        attempts=8,
        last_error="erreur de test",
    )
    db.session.add(failed)
    # A structure of the directory without an account: one join request waits for its confirmation
    # (its link's token), another for the coordination.
    joining = directory_builders.structure(name="Association sans compte", courriel="contact@asso-sans-compte.fr")
    join_token, join_token_hash = new_opaque_token()
    requests = [
        JoinRequest(
            structure_id=joining.id,
            email=email,
            first_name="Inès",
            last_name="Demande",
            organisation_name="Association sans compte",
            organisation_type=OrganisationType.ASSOCIATION,
            status=status,
            token_hash=token_hash,
            token_expires_at=now() + timedelta(days=2),
            confirmed_at=None if status is JoinRequestStatus.UNCONFIRMED else now(),
        )
        for email, status, token_hash in (
            ("ines@asso-sans-compte.fr", JoinRequestStatus.UNCONFIRMED, join_token_hash),
            ("ines.demande@gmail.com", JoinRequestStatus.PENDING, None),
        )
    ]
    db.session.add_all(requests)
    import_run = ImportRun(
        source=ImportSource.DATA_INCLUSION_SYNC,
        origin=ImportOrigin.SCREEN,
        status=ImportStatus.PREVIEWED,
        departements=["84"],
        created_by_id=coordinator.id,
        preview=None,
    )
    db.session.add(import_run)
    db.session.flush()
    refresh_facts(full=True)  # the steering figures count both sides' orientations
    shared = {
        "message_id": failed.id,
        "reset_token": make_password_reset_token(own.users[AGENT_EDES]),
        "filename": "css/app.css",
        "table": "volets",  # a steering table, exported as CSV
        "fmt": "csv",
        "join_token": join_token,
        "join_structure_id": joining.id,
        "join_request_id": requests[1].id,
        "run_id": import_run.id,
    }
    db.session.commit()  # a savepoint in tests: requests (own sessions) see the world
    return World(own, other, coordinator, shared)
