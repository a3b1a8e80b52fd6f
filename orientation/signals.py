"""Signals between areas (blinker, as Indico's `indico.core.signals`).

An area announces what happened (`orientation_changed`) or asks what the others offer
(`menu_items`); the other areas connect their receivers in their own package, in
`orientation/<area>/signals.py`, imported by the area's `blueprint.py` — so they are connected once
per process when the first app registers its blueprints (receivers are module-level functions,
held by their module: blinker's weak references never drop them, and connecting the same function
again is a no-op, whatever the number of apps a test run creates).

This module is the bottom layer: it imports no area. An area that sends a signal does not know who
receives it; a lower area never imports a higher one, it asks through a signal instead.

Two kinds of signals:
- **events** — receivers act (in the sender's transaction: what they queue goes through the outbox,
  so nothing leaves for a change that is rolled back); their return values are ignored;
- **offers** — each receiver returns an item, a list of items or None; the caller collects them with
  `collect()` and renders them in the order of their `order` key (never in connection order).

An area adds a menu entry (a home card, an action on a person's file, a handler…) in its own
`signals.py`, with the same predicate its permissions module uses::

    @signals.menu_items.connect
    def _menu(user, membership=None):
        if can_view_something(user, membership):
            return MenuItem(85, "area.endpoint", "Libellé")  # between « Renoncement » (80) and « Pilotage » (90)
        return None

and its `blueprint.py` imports that module (`from orientation.area import signals, views  # noqa: F401`).
Orders in use — menu: 10 Accueil, 20 Annuaire, 30 Personnes, 40/50 Orientations reçues/envoyées,
60 File MAS, 70 Signalements santé, 80 Renoncement aux soins, 90 Pilotage, then the « Gestion » group:
95 Ma structure, 97 Membres, 100 Structures et comptes, 105 Demandes d'espace, 110 Messages en échec, 120 Journal de
sécurité, 130 API de la structure, 140 Journal des accès aux fiches; home cards: 5 notifications, 10 directory,
15 directory upkeep (coordination), 20 people, 30/40 referrals, 50/60 cpam, 70 pilotage, 100+ management
(services to confirm, invitations, join requests, failed messages).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from blinker import Namespace

from orientation.french import plural

_signals = Namespace()

# --- events ------------------------------------------------------------------------------------

orientation_changed = _signals.signal(
    "orientation-changed",
    doc="""An orientation moved (sent, accepted, declined, redirected, closed, expired, cancelled…).

    sender: the `Orientation` (its new status already set);
    kwargs: `event` — the `OrientationEvent` just written (from_status, to_status, side, reason…).
    Sent by `referrals.notifications.notify_transition`, in the transaction of the change, after the
    event is flushed (it has an id). Receivers queue their side effects through the outbox.
    """,
)

appointment_changed = _signals.signal(
    "appointment-changed",
    doc="""A rendez-vous of an orientation was set, honoured, missed or cancelled.

    sender: the `Appointment` (its new status already set);
    kwargs: `orientation` — the `Orientation` it belongs to.
    Sent by `referrals.notifications.notify_appointment`, in the transaction of the change.
    """,
)

person_anonymised = _signals.signal(
    "person-anonymised",
    doc="""People's files were anonymised (inactivity, or an erasure that must keep the figures) — the
    rows stay, their personal data is gone; other areas forget what they keep about them.

    sender: the ids of these people (a list of int, one batch);
    kwargs: none.
    Sent by `rgpd.anonymise.anonymise_people`, in the transaction of the anonymisation.
    """,
)

consent_withdrawn = _signals.signal(
    "consent-withdrawn",
    doc="""A person withdrew a consent: what rested on it must stop.

    sender: the `Consent` (its `withdrawn_at` already set and flushed);
    kwargs: `user` — who recorded the withdrawal.
    Return: how many orientations (or other tracked objects) the receiver stopped, or None.
    Sent by `people.operations.withdraw_consent`, in the transaction of the withdrawal.
    """,
)

structure_attached = _signals.signal(
    "structure-attached",
    doc="""A directory structure now belongs to an organisation (it joined, or the coordination attached it),
    or one of its services is now received by an organisation (the coordination chose it).

    sender: the `Structure`;
    kwargs: `organisation` — the `Organisation` that receives from now on; `service_ids` — the services
    concerned (None: every service of the structure the organisation receives).
    Sent by `organisations.joining`, in the transaction of the change. The referrals area moves the
    structure's pending orientations reached by e-mail link into the organisation's inbox.
    """,
)

directory_searched = _signals.signal(
    "directory-searched",
    doc="""An agent searched the directory (the first page of a search with at least one criterion).

    sender: the `SearchParams`; kwargs: `results` — how many services matched.
    Sent by `directory.views.search`. The pilotage keeps what was searched, never who searched nor for
    whom (no text typed: it could name a person), to show what agents look for and do not find.
    """,
)

service_error_reported = _signals.signal(
    "service-error-reported",
    doc="""An agent reported an error on a directory entry (« Signaler une erreur »).

    sender: the `ServiceErrorReport` (flushed). Sent by `directory.freshness.report_error`, in its
    transaction. The organisations area (it knows who manages a structure) e-mails the structure's
    managers, or the coordination for a structure without members.
    """,
)

need_closed = _signals.signal(
    "need-closed",
    doc="""A need of a person was closed (met, partly met, not met, no longer needed).

    sender: the `Need` (its status and `closed_at` already set);
    kwargs: `user` — who closed it; `answers` — {appointment id: status}, what the user said became of
    the rendez-vous still planned for it (asked on the confirmation, `consequences`).
    Sent by `people.operations.close_need`, in the transaction of the closure. A receiver may raise a
    `statemachine.TransitionRefused` (a rendez-vous answer refused): the closure is then refused.
    """,
)

# --- offers --------------------------------------------------------------------------------------

consequences = _signals.signal(
    "consequences",
    doc="""What a destructive action on an object of one area stops in the others, for its confirmation
    page (`orientation.confirming`): « the orientation to X is cancelled; an e-mail tells Y ».

    sender: the object (a `Consent` to withdraw, a `Need` to close);
    kwargs: `action` — "withdraw_consent" or "close_need".
    Return: `confirming.Consequence` items (sentences) and `confirming.Question` items (questions the
    action must have answered, e.g. what became of a rendez-vous still planned), or None.
    """,
)

user_roles = _signals.signal(
    "user-roles",
    doc="""Roles an area gives a user, beyond the accounts' own (`coordinator`): e.g. `cpam` for a member of
    a CPAM organisation — the roles `MFA_REQUIRED_ROLES` speaks of.

    sender: the `User`;
    kwargs: none.
    Return: a set of role names, or None.
    """,
)

menu_items = _signals.signal(
    "menu-items",
    doc="""Entries of the header's menu bar, for the logged-in user.

    sender: the `User`;
    kwargs: `membership` — the `Membership` they act for, or None.
    Return: a `MenuItem` (or a list of them) the user may open, or None.
    """,
)

home_cards = _signals.signal(
    "home-cards",
    doc="""Tiles of the home page.

    sender: the `User`;
    kwargs: `membership` — the `Membership` they act for, or None.
    Return: a `HomeCard` (or a list of them) the user may open, or None.
    """,
)

person_actions = _signals.signal(
    "person-actions",
    doc="""Buttons other areas add to a person's file (e.g. « Signaler un renoncement aux soins »).

    sender: the `Person` shown;
    kwargs: `user` — the `User` reading, `membership` — the `Membership` they act for, or None.
    Return: a `Link` (or a list of them), or None.
    """,
)

orientation_notices = _signals.signal(
    "orientation-notices",
    doc="""Notices other areas add on an orientation's page (e.g. « suivie par la MAS »).

    sender: the `Orientation` shown;
    kwargs: `user` — the `User` reading.
    Return: a `Notice` (or a list of them), or None.
    """,
)

service_door = _signals.signal(
    "service-door",
    doc="""The form a service is reached through, when it is not the orientation form (the CPAM's MAS
    services: a saisine). The orientation form sends the agent there with what they typed.

    sender: the id of the `Service` chosen;
    kwargs: `person` — the `Person` being oriented.
    Return: a `Link` to that form (it receives the orientation form's fields, posted again), or None.
    """,
)

menu_entry_of_page = _signals.signal(
    "menu-entry-of-page",
    doc="""Which menu entry a page belongs to, when its area has several (an orientation's page is
    under « Orientations envoyées » for its sender, « Orientations reçues » for its receiver).

    sender: the endpoint shown (`request.endpoint`);
    kwargs: `view_args` — the URL's arguments, `membership` — the `Membership` the user acts for, or None.
    Return: the endpoint of the menu entry, or None (then the area's first entry is marked).
    """,
)

template_helpers = _signals.signal(
    "template-helpers",
    doc="""Functions an area lends to every template (e.g. the RGPD buttons of a person's page, the
    documents panel of an orientation, a service's figures): called at render time, they read the
    request (current user) themselves.

    sender: the `Flask` app being created;
    kwargs: none.
    Return: a dict {name: callable}; names must not collide (the app refuses to start if they do).
    """,
)


# --- what offers return --------------------------------------------------------------------------


@dataclass(frozen=True)
class MenuItem:
    """An entry of the menu bar; entries of a `group` open from one menu, placed at its first entry."""

    order: int
    endpoint: str
    label: str
    group: str | None = None


@dataclass(frozen=True)
class HomeCard:
    """A tile of the home page; with a `count`, one of today's figures (the tile opens the list of exactly
    those items: `args` are the list's filters in its URL)."""

    order: int
    title: str
    detail: str
    endpoint: str
    count: int | None = None
    args: tuple[tuple[str, object], ...] = ()

    @classmethod
    def counting(cls, order: int, count: int, words: tuple[str, str], detail: str, endpoint: str, **args) -> HomeCard:
        """One of today's figures, its title agreeing with it: `words` (singular, plural) after the count
        (« 1 orientation à décider », « 3 orientations à décider »); `args`, the list's filters."""
        return cls(order, plural(count, *words), detail, endpoint, count=count, args=tuple(args.items()))


@dataclass(frozen=True)
class Link:
    order: int
    label: str
    url: str


@dataclass(frozen=True)
class Notice:
    order: int
    text: str
    label: str
    url: str


MANAGEMENT = "Gestion"  # the group of the structure's and the département's management pages


def collect(signal, sender=None, **kwargs) -> list:
    """Every item the receivers return (a single item, an iterable of items, or None), by `order`."""
    items = []
    for _receiver, returned in signal.send(sender, **kwargs):
        if returned is None:
            continue
        if isinstance(returned, Iterable) and not isinstance(returned, (str, dict)):
            items.extend(item for item in returned if item is not None)
        else:
            items.append(returned)
    return sorted(items, key=lambda item: item.order)
