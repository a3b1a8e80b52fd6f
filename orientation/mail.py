"""E-mails rendered from French templates (text + HTML), sent only after the commit."""

from __future__ import annotations

import logging

from flask import render_template
from flask_mailman import EmailMultiAlternatives

from orientation.aftercommit import after_commit

log = logging.getLogger(__name__)


def queue_mail(to: str, template: str, **context) -> None:
    """Render now (the data is at hand), send once the transaction has committed."""
    subject = render_template(f"mail/{template}.subject.txt", **context).strip()
    text = render_template(f"mail/{template}.txt", **context)
    html = render_template(f"mail/{template}.html", **context)
    after_commit(_send, to, subject, text, html)


def _send(to: str, subject: str, text: str, html: str) -> None:
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()
