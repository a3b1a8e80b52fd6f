"""A service reached by e-mail link, and the steps of its receiver (read the link and the code from the e-mails)."""

from __future__ import annotations

import re

from orientation.directory.thematiques import Volet
from tests.directory import builders as directory_builders
from tests.referrals import builders as rb

RECEIVER_EMAIL = "contact@autoecole-solidaire.fr"
LINK_RE = re.compile(r"(/lien/[A-Za-z0-9_-]{40,})")
CODE_RE = re.compile(r"\b(\d{6})\b")


def link_service(name: str = "Permis solidaire", email: str = RECEIVER_EMAIL):
    """A directory service whose structure has no organisation, with a contact address: reached by link."""
    structure = directory_builders.structure(name="Auto-école solidaire", courriel=email)
    return directory_builders.service(
        name,
        structure_=structure,
        thematiques=[rb.THEMATIQUE[Volet.NUMERIQUE]],
        zones=["84"],
        accepts_orientations=True,
    )


def link_path(mails) -> str:
    """The path of the link in the latest link e-mail of `mails` (Flask-Mailman messages)."""
    for mail in reversed(mails):
        found = LINK_RE.search(mail.body)
        if found and "/lien/nouveau" not in found.group(1):
            return found.group(1)
    raise AssertionError("no link e-mail")


def code_of(mails) -> str:
    for mail in reversed(mails):
        if "code" in mail.subject.lower():
            return CODE_RE.search(mail.subject).group(1)
    raise AssertionError("no code e-mail")


def open_with_code(client, outbox, path: str):
    """Ask a code, type it: the response of the code's form (a redirect to the orientation when right)."""
    from tests.conftest import csrf_token_from

    page = client.get(path)
    token = csrf_token_from(page.get_data(as_text=True))
    client.post(path + "/code", data={"csrf_token": token})
    page = client.get(path)
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, "code": code_of(outbox)})
