"""E-mails from French templates (text + HTML), recorded in the outbox and sent after the commit.

`queue_mail()` keeps its historic signature; it now writes an outbox message in the current
transaction (see orientation.notifications): the worker renders and sends it once committed, and
retries it if the SMTP server is down. Model instances in the context are stored as ids.
"""

from __future__ import annotations

import uuid

from orientation.notifications.models import Channel
from orientation.notifications.operations import enqueue_message

# Their link is a credential: the outbox forgets it once the message has left.
CREDENTIAL_TEMPLATES = {"password_reset", "invitation"}


def queue_mail(to: str, template: str, **context) -> None:
    """Send `mail/<template>.*` to `to` once the transaction commits (never if it rolls back)."""
    # Each call is a distinct message (a second reset request sends a second link).
    enqueue_message(
        Channel.EMAIL,
        to,
        template,
        context,
        idempotency_key=f"mail:{template}:{uuid.uuid4().hex}",
        contains_credentials=template in CREDENTIAL_TEMPLATES,
    )
