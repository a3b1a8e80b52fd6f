"""Whether a recipient may be contacted: a registry other areas fill ("do not contact", opt-outs).

A check receives the message being delivered (a `DeliveryView`: id, channel, recipient,
recipient_user_id, template, subject_type, subject_id, context) and returns None when it may go,
or the reason (French, no personal data) why it must not: the message is then cancelled with that
reason. Checks run at delivery time, so a preference changed after the event is still obeyed.
"""

from __future__ import annotations

from collections.abc import Callable

RecipientCheck = Callable[[object], str | None]
_checks: list[RecipientCheck] = []


def register_recipient_check(check: RecipientCheck) -> RecipientCheck:
    """Add a check (usable as a decorator); registering the same function twice is a no-op."""
    if check not in _checks:
        _checks.append(check)
    return check


def unregister_recipient_check(check: RecipientCheck) -> None:
    if check in _checks:
        _checks.remove(check)


def recipient_refusal(message) -> str | None:
    for check in _checks:
        reason = check(message)
        if reason:
            return reason
    return None
