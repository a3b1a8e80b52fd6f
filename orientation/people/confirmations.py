"""What the confirmation of withdrawing a consent or closing a need says and asks (orientation.confirming).

The people area says what happens to the file; the areas built on it (the orientations that stop,
their rendez-vous) add theirs through `signals.consequences`.
"""

from __future__ import annotations

from orientation import french, signals
from orientation.confirming import Confirmation, Consequence, Question
from orientation.people.models import Consent, Need, NeedStatus


def _split(items) -> tuple[list, list]:
    return [i for i in items if isinstance(i, Consequence)], [i for i in items if isinstance(i, Question)]


def withdrawal(consent: Consent, *, action_url: str, back_url: str) -> Confirmation:
    consequences, questions = _split(signals.collect(signals.consequences, consent, action="withdraw_consent"))
    consequences = [
        Consequence(
            10,
            f"Le consentement recueilli le {french.date_fr(consent.collected_at)} est retiré : aucune orientation "
            "ne peut plus partir sur ce consentement.",
        ),
        Consequence(20, "Les structures qui ont reçu la personne ne voient plus les informations partagées."),
        *consequences,
    ]
    return Confirmation(
        "Confirmer le retrait du consentement", "Retirer le consentement", action_url, back_url, consequences, questions
    )


def need_closure(need: Need, *, action_url: str, back_url: str) -> Confirmation:
    consequences, questions = _split(signals.collect(signals.consequences, need, action="close_need"))
    status = Question(
        10,
        "status",
        f"Résultat du besoin « {need.label} »",
        tuple((s.value, s.label) for s in NeedStatus if s is not NeedStatus.OPEN),
    )
    consequences = [
        Consequence(10, f"Le besoin « {need.label} » est clôturé : il sort du parcours en cours."),
        *consequences,
    ]
    return Confirmation(
        "Confirmer la clôture du besoin", "Clôturer le besoin", action_url, back_url, consequences, [status, *questions]
    )
