"""What the CPAM area adds to the layout and to pages of other areas (the person page, an orientation
page), so that people and referrals never import the CPAM area."""

from orientation import signals
from orientation.cpam import links, queries
from orientation.cpam.permissions import can_file_saisine, can_view_queue, cpam_organisation_ids
from orientation.notifications.models import SubjectType
from orientation.notifications.queries import register_subject_page
from orientation.signals import HomeCard, MenuItem


@signals.user_roles.connect
def _roles(user):
    return {"cpam"} if cpam_organisation_ids(user) else None


@signals.menu_items.connect
def _menu(user, membership=None):
    is_cpam = bool(cpam_organisation_ids(user))
    items = []
    if is_cpam:
        items.append(MenuItem(60, "cpam.queue", "File MAS"))
    if user.memberships and not is_cpam:
        items.append(MenuItem(70, "cpam.reports", "Signalements santé"))
    if user.is_coordinator or is_cpam:
        items.append(MenuItem(80, "cpam.dashboard", "Renoncement aux soins"))
    return items


@signals.home_cards.connect
def _home(user, membership=None):
    cards = []
    if can_file_saisine(user, membership):
        cards.append(
            HomeCard(
                50,
                "Signaler un renoncement aux soins",
                "Transmettre à la Mission d'Accompagnement en Santé de la CPAM et suivre le résultat.",
                "cpam.saisine",
            )
        )
    if can_view_queue(user, membership):
        counts = queries.home_counts(membership.organisation_id)
        to_contact, stalled = counts[queries.QueueTab.TO_CONTACT], counts[queries.QueueTab.STALLED]
        cards += [
            HomeCard.counting(
                51,
                to_contact,
                ("dossier MAS à contacter", "dossiers MAS à contacter"),
                "Nouveaux signalements : appeler la personne.",
                "cpam.queue",
                onglet=queries.QueueTab.TO_CONTACT.value,
            ),
            HomeCard.counting(
                52,
                stalled,
                ("dossier MAS sans avancée", "dossiers MAS sans avancée"),
                "Rien de noté depuis longtemps : relancer ou clôturer.",
                "cpam.queue",
                onglet=queries.QueueTab.STALLED.value,
            ),
        ]
        cards.append(
            HomeCard(
                60,
                "File de la Mission d'Accompagnement en Santé",
                "Contacter, faire le bilan des droits, trouver des praticiens, suivre jusqu'aux soins.",
                "cpam.queue",
            )
        )
    return cards


@signals.person_actions.connect
def _person_actions(person, user, membership=None):
    return links.saisine_action(user, membership, person)


@signals.service_door.connect
def _service_door(service_id, person=None):
    return links.mas_door(service_id, person) if person is not None else None


@signals.orientation_notices.connect
def _orientation_notices(orientation, user):
    return links.mas_case_notice(user, orientation)


# In-app notifications about a MAS case open the case.
register_subject_page(SubjectType.MAS_CASE, "cpam.show", "case_id")
