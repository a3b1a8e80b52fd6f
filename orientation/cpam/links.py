"""What the CPAM area adds to pages of other areas (the person page, an orientation page).

Offered through `orientation.signals` (connected in `cpam/signals.py`), so that people and referrals
never import the CPAM area.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from orientation.cpam import permissions
from orientation.cpam.models import MasCase, MasTeam
from orientation.db import as_id
from orientation.extensions import db
from orientation.signals import Link, Notice


def saisine_action(user, membership, person) -> Link | None:
    """ "Signaler un renoncement aux soins" on the file of a person of the détecteur's organisation."""
    if not permissions.can_file_for_person(user, membership, person):
        return None
    return Link(10, "Signaler un renoncement aux soins", url_for("cpam.saisine", personne=person.id))


def mas_door(service_id, person) -> Link | None:
    """One door to the MAS: an orientation to a MAS service is a saisine (with its care, reasons, consent)."""
    service_id = as_id(service_id)
    if not service_id:
        return None
    if db.session.scalar(sa.select(MasTeam.id).where(MasTeam.service_id == service_id).limit(1)) is None:
        return None
    return Link(
        10, "Signaler un renoncement aux soins", url_for("cpam.saisine", personne=person.id, depuis="orientation")
    )


def mas_case_notice(user, orientation) -> Notice | None:
    """An orientation to a MAS service is worked as a MAS case: point to it, for those who may see it."""
    case = db.session.scalar(sa.select(MasCase).where(MasCase.orientation_id == orientation.id))
    if case is None or not permissions.can_view_case(user, case):
        return None
    return Notice(
        10,
        text="Cette orientation est suivie par la Mission d'Accompagnement en Santé de la CPAM, "
        "dans un dossier avec ses propres étapes.",
        label="Voir le dossier MAS",
        url=url_for("cpam.show", case_id=case.id),
    )
