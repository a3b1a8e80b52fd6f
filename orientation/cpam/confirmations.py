"""What the confirmation of closing a MAS case says (orientation.confirming)."""

from __future__ import annotations

from orientation.confirming import Confirmation, Consequence
from orientation.cpam.models import CaseOutcome, MasCase
from orientation.cpam.operations import closing_transition


def closing(case: MasCase, outcome: CaseOutcome, reason: str | None, *, action_url: str, back_url: str) -> Confirmation:
    orientation = case.orientation
    consequences = [
        Consequence(10, f"Le dossier est clos avec le résultat « {outcome.label} » : il sort de la file MAS."),
        Consequence(
            20,
            f"Un e-mail prévient {case.sender_organisation.name}, qui a signalé la personne, du résultat"
            + (" et du motif." if reason else "."),
        ),
        Consequence(40, "Les relances du dossier (premier contact, suivi) s'arrêtent."),
    ]
    if not orientation.status.is_closed:
        to_status = closing_transition(orientation.status, outcome)[0]
        consequences.append(Consequence(30, f"L'orientation liée passe à « {to_status.label} »."))
    return Confirmation(
        "Confirmer la clôture du dossier MAS", "Clôturer le dossier", action_url, back_url, consequences
    )
