"""Imports every model so that the metadata is complete (migrations, create_all, tests)."""

from orientation.api.models import ApiToken, WebhookEndpoint  # noqa: F401
from orientation.attachments.models import OrientationAttachment  # noqa: F401
from orientation.audit.models import PersonAccessLog, SecurityEvent  # noqa: F401
from orientation.auth.models import RecoveryCode, User  # noqa: F401
from orientation.cpam.models import (  # noqa: F401
    ContactAttempt,
    MasCase,
    MasCaseCare,
    MasCaseEvent,
    MasCaseReason,
    MasNote,
    MasRightReview,
    MasTeam,
    MedecinTraitantDeclaration,
)
from orientation.directory.models import Service, ServiceThematique, ServiceZone, Structure  # noqa: F401
from orientation.followups.models import SentFollowUp  # noqa: F401
from orientation.heartbeats import OpsHeartbeat  # noqa: F401
from orientation.notifications.models import OutboxMessage  # noqa: F401
from orientation.organisations.models import Invitation, Membership, Organisation  # noqa: F401
from orientation.people.models import Consent, Need, Person  # noqa: F401
from orientation.pilotage.models import DeclineFact, DelayFact, OrientationFact, Refresh  # noqa: F401
from orientation.pilotage.outcome_facts import OutcomeFact  # noqa: F401
from orientation.referrals.models import (  # noqa: F401
    Appointment,
    Orientation,
    OrientationComment,
    OrientationEvent,
    ServiceFollowUpSetting,
)
from orientation.referrals.outcome_details import OrientationOutcomeDetail  # noqa: F401
from orientation.territory.models import Commune, Epci  # noqa: F401
