"""Receivers without an account: a personal link to one orientation, proved by a one-time code.

- *The link.* When an orientation reached by e-mail (`Reception.LINK`) is sent, its contact address
  gets an e-mail without personal data holding a random token (`secrets.token_urlsafe(32)`); only
  its SHA-256 is stored (`ReceiverLink.token_hash`), the raw token lives in the outbox context of a
  message that carries credentials (wiped once sent). A link lives RECEIVER_LINK_DAYS, may be
  revoked by the sender or the coordination, and is dead once the orientation is closed or reaches
  another receiver. A new one is asked by e-mail (`request_new_links`), never shown.
- *The code.* Before any personal data the holder proves they read that mailbox: a 6-digit code
  e-mailed to the same address, stored as an HMAC, single-use, valid RECEIVER_LINK_CODE_MINUTES,
  void after CODE_MAX_ATTEMPTS wrong tries. Sending codes is rate-limited per link (link_views).
- *The proof* is then kept in the Flask session (`SESSION_KEY`: {link id: verified at}) for
  RECEIVER_LINK_PROOF_HOURS; the token-free pages read it through `proven_holder()`.
- *A bounce.* A link e-mail that fails for good is reported to the sender (a follow-up rule of the
  outbox's failed messages) and shown on the orientation page (`bounced_address`).

Every function flushes, never commits.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, session
from sqlalchemy.orm import contains_eager, joinedload

from orientation import clock
from orientation.auth.tokens import hash_opaque_token, new_opaque_token
from orientation.directory.models import Service
from orientation.extensions import db
from orientation.followups.rules import Rule, register
from orientation.french import date_fr
from orientation.notifications.models import MessageStatus, OutboxMessage, SubjectType
from orientation.notifications.operations import enqueue_message, enqueue_messages, message_values
from orientation.organisations.models import Organisation
from orientation.paging import Page, folded, paged, search_words
from orientation.referrals import lifecycle
from orientation.referrals.lifecycle import CLOSED_STATUSES, LinkHolder, OrientationStatus
from orientation.referrals.models import Orientation, ReceiverLink, Reception
from orientation.referrals.notifications import sender_recipients

log = logging.getLogger(__name__)

LINK_TEMPLATE = "receiver_link"
CODE_TEMPLATE = "receiver_link_code"
CANCELLED_TEMPLATE = "receiver_link_cancelled"
BOUNCED_TEMPLATE = "receiver_link_bounced"
BOUNCE_KEY = "receiver-link-bounce"
CODE_MAX_ATTEMPTS = 5
SESSION_KEY = "receiver_links"
S = OrientationStatus


class LinkRefused(Exception):
    """A French message for the holder (a wrong code, a code not asked)."""


def _code_hash(link: ReceiverLink, code: str) -> str:
    """Keyed by the app's secret: six digits alone would be read back from a stolen hash at once."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"receiver-link:{link.id}:{code}".encode(), hashlib.sha256).hexdigest()


# The link ---------------------------------------------------------------------------------------


def issue_link(orientation: Orientation, *, by=None) -> tuple[ReceiverLink, str]:
    """A new link to `orientation` for its receiver address: (the link, its raw token, to e-mail once)."""
    token, token_hash = new_opaque_token()
    link = ReceiverLink(
        orientation_id=orientation.id,
        email=orientation.receiver_email,
        token_hash=token_hash,
        created_at=clock.now(),
        created_by_id=getattr(by, "id", None),
        expires_at=clock.now() + timedelta(days=current_app.config["RECEIVER_LINK_DAYS"]),
    )
    db.session.add(link)
    db.session.flush()
    return link, token


def send_link(orientation: Orientation, *, by=None, key: str | None = None) -> ReceiverLink:
    """Issue a link and e-mail it to the receiver address (the token only in the outbox, as a credential)."""
    link, token = issue_link(orientation, by=by)
    enqueue_message(
        "email",
        link.email,
        LINK_TEMPLATE,
        {"orientation": orientation, "link": link, "token": token},
        idempotency_key=key or f"receiver-link:{link.id}",
        subject_type=SubjectType.ORIENTATION,
        subject_id=orientation.id,
        contains_credentials=True,
    )
    return link


def tell_link_receiver(orientation: Orientation, event, key: str) -> None:
    """The receiver address learns a new orientation (with its link) or its cancellation (without any)."""
    if orientation.receiver_email is None:
        return
    if event.to_status is S.SENT:
        send_link(orientation, key=f"orientation:{orientation.id}:{key}:link")
    elif event.to_status is S.CANCELLED:
        enqueue_message(
            "email",
            orientation.receiver_email,
            CANCELLED_TEMPLATE,
            {"orientation": orientation, "event": event},
            idempotency_key=f"orientation:{orientation.id}:{key}:link",
            subject_type=SubjectType.ORIENTATION,
            subject_id=orientation.id,
        )


def is_live(link: ReceiverLink | None, now: datetime | None = None) -> bool:
    """Open: not expired, not revoked, its orientation still open and still reached at that address."""
    if link is None:
        return False
    orientation = link.orientation
    return (
        link.revoked_at is None
        and link.expires_at > (now or clock.now())
        and orientation.reception is Reception.LINK
        and orientation.receiver_email == link.email
        and orientation.status not in CLOSED_STATUSES
        and orientation.status is not S.DRAFT
    )


def state_of(link: ReceiverLink) -> str:
    """What the sender reads of a link: revoked, expired, dead with its orientation, or valid until when."""
    if link.revoked_at is not None:
        return f"révoqué le {date_fr(link.revoked_at)}"
    if link.expires_at <= clock.now():
        return f"expiré le {date_fr(link.expires_at)}"
    if not is_live(link):
        return "inactif (orientation close ou adressée ailleurs)"
    return f"valable jusqu'au {date_fr(link.expires_at)}"


def find_link(token: str) -> ReceiverLink | None:
    """The live link of this token; None for any other (unknown, expired, revoked, closed: not told apart)."""
    if not token or len(token) > 200:
        return None
    link = db.session.scalar(sa.select(ReceiverLink).where(ReceiverLink.token_hash == hash_opaque_token(token)))
    return link if is_live(link) else None


def links_of(orientation: Orientation) -> list[ReceiverLink]:
    return list(
        db.session.scalars(
            sa.select(ReceiverLink)
            .where(ReceiverLink.orientation_id == orientation.id)
            .order_by(ReceiverLink.created_at.desc(), ReceiverLink.id.desc())
        )
    )


LINKS_PAGE = 50


def live_links_page(search: str = "", page=None) -> Page:
    """Links that still open an orientation, newest first (the coordination's list), paged; each word
    searched in the address, the sender's or the service's name, or the orientation's number."""
    words = [
        sa.or_(
            folded(ReceiverLink.email).contains(word, autoescape=True),
            Orientation.sender_organisation.has(folded(Organisation.name).contains(word, autoescape=True)),
            Orientation.service.has(folded(Service.name).contains(word, autoescape=True)),
            *([ReceiverLink.orientation_id == int(word)] if word.isdigit() and len(word) < 10 else []),
        )
        for word in search_words(search)
    ]
    statement = (
        sa.select(ReceiverLink)
        .join(Orientation, Orientation.id == ReceiverLink.orientation_id)
        .where(
            ReceiverLink.revoked_at.is_(None),
            ReceiverLink.expires_at > clock.now(),
            Orientation.reception == Reception.LINK,
            Orientation.receiver_email == ReceiverLink.email,
            Orientation.status.not_in([*CLOSED_STATUSES, S.DRAFT]),
            *words,
        )
        .order_by(ReceiverLink.created_at.desc(), ReceiverLink.id.desc())
    )
    loads = contains_eager(ReceiverLink.orientation).options(  # the list shows each one's sender and service
        joinedload(Orientation.sender_organisation), joinedload(Orientation.service)
    )
    return paged(statement, page, LINKS_PAGE, options=[loads])


def revoke(link: ReceiverLink, *, by) -> None:
    """The sender or the coordination ends a link at once (a proof already given in a session dies with it)."""
    if link.revoked_at is None:
        link.revoked_at = clock.now()
        link.revoked_by_id = by.id
        db.session.flush()


def request_new_links(email: str) -> int:
    """A fresh link per open orientation reached at `email` (old ones stay valid until they expire)."""
    address = (email or "").strip().lower()
    if not address:
        return 0
    orientations = db.session.scalars(
        sa.select(Orientation)
        .where(
            Orientation.reception == Reception.LINK,
            sa.func.lower(Orientation.receiver_email) == address,
            Orientation.status.not_in([*CLOSED_STATUSES, S.DRAFT]),
        )
        .order_by(Orientation.id)
    ).all()
    for orientation in orientations:
        send_link(orientation, key=f"receiver-link:renewal:{uuid.uuid4().hex}")
    return len(orientations)


# The one-time code ---------------------------------------------------------------------------


def send_code(link: ReceiverLink) -> None:
    """A new code (the previous one is void) e-mailed to the link's address."""
    code = f"{secrets.randbelow(10**6):06d}"
    link.code_hash = _code_hash(link, code)
    link.code_expires_at = clock.now() + timedelta(minutes=current_app.config["RECEIVER_LINK_CODE_MINUTES"])
    link.code_attempts = 0
    db.session.flush()
    enqueue_message(
        "email",
        link.email,
        CODE_TEMPLATE,
        {"orientation": link.orientation, "code": code},
        idempotency_key=f"receiver-link:{link.id}:code:{uuid.uuid4().hex}",
        subject_type=SubjectType.ORIENTATION,
        subject_id=link.orientation_id,
        contains_credentials=True,
    )


def verify_code(link: ReceiverLink, code: str) -> LinkHolder:
    """The code typed is the one sent: it is used up, and the holder acts. Else LinkRefused (French).

    Each try is counted by one conditional UPDATE (two guesses at once cannot both get the last try);
    the caller commits even when refused, so that the count stays.
    """
    code = (code or "").strip().replace(" ", "")
    now = clock.now()
    if link.code_hash is None or link.code_expires_at is None or link.code_expires_at <= now:
        raise LinkRefused("Aucun code valable : demandez un nouveau code.")
    table = ReceiverLink.__table__
    attempts = db.session.execute(
        sa.update(table)
        .where(table.c.id == link.id, table.c.code_hash.is_not(None), table.c.code_attempts < CODE_MAX_ATTEMPTS)
        .values(code_attempts=table.c.code_attempts + 1)
        .returning(table.c.code_attempts)
    ).scalar()
    db.session.refresh(link)
    if attempts is None:
        raise LinkRefused("Aucun code valable : demandez un nouveau code.")
    if code.isdigit() and hmac.compare_digest(link.code_hash, _code_hash(link, code)):
        link.code_hash = None  # single use
        link.code_expires_at = None
        link.last_opened_at = now
        db.session.flush()
        return LinkHolder(link.email, link.orientation_id, link.id)
    left = CODE_MAX_ATTEMPTS - attempts
    if left <= 0:
        link.code_hash = None
        link.code_expires_at = None
        db.session.flush()
        raise LinkRefused("Code incorrect, cinq fois : ce code n'est plus valable. Demandez un nouveau code.")
    raise LinkRefused(f"Code incorrect. Il vous reste {left} essai{'s' if left > 1 else ''}.")


def acknowledge(holder: LinkHolder, orientation: Orientation) -> None:
    """Opening a sent orientation by its link is receiving it."""
    if orientation.status is S.SENT:
        lifecycle.transition(orientation, S.RECEIVED, actor=holder, expected_version=orientation.version)


# The proof, in the session -------------------------------------------------------------------


def remember_proof(holder: LinkHolder) -> None:
    proofs = dict(session.get(SESSION_KEY) or {})
    proofs[str(holder.link_id)] = clock.now().timestamp()
    session[SESSION_KEY] = proofs


def _proved_links(orientation_id: int) -> list[ReceiverLink]:
    """The links of `orientation_id` this browser typed the code of lately (live or not)."""
    proofs = session.get(SESSION_KEY) or {}
    oldest = clock.now().timestamp() - current_app.config["RECEIVER_LINK_PROOF_HOURS"] * 3600
    ids = [
        int(link_id)
        for link_id, at in proofs.items()
        if str(link_id).isdigit() and len(str(link_id)) < 10 and isinstance(at, int | float) and at > oldest
    ]
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(ReceiverLink)
            .where(ReceiverLink.id.in_(ids), ReceiverLink.orientation_id == orientation_id)
            .order_by(ReceiverLink.id.desc())
        )
    )


def proven_holder(orientation_id: int) -> LinkHolder | None:
    """The holder this browser proved to be for `orientation_id` (code typed lately, link still live)."""
    for link in _proved_links(orientation_id):
        if is_live(link):
            return LinkHolder(link.email, link.orientation_id, link.id)
    return None


def proved_once(orientation_id: int) -> bool:
    """This browser did hold a link to it, dead since (the orientation closed): told so, nothing shown."""
    return bool(_proved_links(orientation_id))


# A link e-mail that bounced --------------------------------------------------------------------


def _link_messages(orientation_id: int):
    return sa.select(OutboxMessage).where(
        OutboxMessage.template == LINK_TEMPLATE,
        OutboxMessage.subject_type == SubjectType.ORIENTATION,
        OutboxMessage.subject_id == orientation_id,
    )


def bounced_address(orientation: Orientation) -> str | None:
    """The address the latest link e-mail could not be delivered to (None: delivered, or not yet tried)."""
    if orientation.reception is not Reception.LINK:
        return None
    latest = db.session.scalar(_link_messages(orientation.id).order_by(OutboxMessage.id.desc()).limit(1))
    return latest.recipient if latest is not None and latest.status is MessageStatus.FAILED else None


def tell_sender_of_bounce(message_id: int) -> bool:
    """A link e-mail failed for good: the sender learns it (once per message) and can re-route."""
    message = db.session.get(OutboxMessage, message_id)
    orientation = db.session.get(Orientation, message.subject_id) if message else None
    if orientation is None:
        return False
    rows = [
        message_values(
            "email",
            user.email,
            BOUNCED_TEMPLATE,
            {"orientation": orientation, "recipient": user, "address": message.recipient},
            idempotency_key=f"{BOUNCE_KEY}:{message.id}:user:{user.id}",
            recipient_user_id=user.id,
            subject_type=SubjectType.ORIENTATION,
            subject_id=orientation.id,
        )
        for user in sender_recipients(orientation)
    ]
    return bool(enqueue_messages(rows))


register(
    Rule(
        "referrals.receiver_link_bounced",
        OutboxMessage,
        since=OutboxMessage.created_at,
        where=lambda now: [
            OutboxMessage.template == LINK_TEMPLATE,
            OutboxMessage.status == MessageStatus.FAILED,
            OutboxMessage.created_at > now - timedelta(days=30),  # past that, the orientation has moved on
        ],
        act=tell_sender_of_bounce,
        act_once=True,  # told once per failed message (the claim, not a search of the outbox)
    )
)
