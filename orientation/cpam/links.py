"""What the CPAM area adds to pages of other areas (the person page, an orientation page).

Registered in `orientation/web.py`, so that people and referrals never import the CPAM area.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from orientation.auth.session import current_membership
from orientation.cpam import permissions
from orientation.cpam.models import MasCase
from orientation.extensions import db


def saisine_action(user, person) -> dict | None:
    """ "Signaler un renoncement aux soins" on the file of a person of the détecteur's organisation."""
    if not permissions.can_file_for_person(user, current_membership(), person):
        return None
    return {"label": "Signaler un renoncement aux soins", "url": url_for("cpam.saisine", personne=person.id)}


def mas_case_notice(user, orientation) -> dict | None:
    """An orientation to a MAS service is worked as a MAS case: point to it, for those who may see it."""
    case = db.session.scalar(sa.select(MasCase).where(MasCase.orientation_id == orientation.id))
    if case is None or not permissions.can_view_case(user, case):
        return None
    return {
        "text": "Cette orientation est suivie par la Mission d'Accompagnement en Santé de la CPAM, "
        "dans un dossier avec ses propres étapes.",
        "label": "Voir le dossier MAS",
        "url": url_for("cpam.show", case_id=case.id),
    }
