"""ANSSI-style password policy: length, not a common password, not the e-mail; French messages everywhere."""

import re

import pytest

from orientation.auth.passwords import is_common_password, password_problem
from tests.builders import PASSWORD
from tests.conftest import FormClient

COMMON = "Ce mot de passe fait partie des mots de passe les plus courants"


@pytest.mark.parametrize(
    "password",
    [
        "azertyuiop123",
        "Motdepasse2024!",
        "password123456",
        "qwertyuiop123",
        "1qaz2wsx3edc",
        "Vaucluse84000!!",
        "Soleil 123456789",
    ],
)
def test_common_passwords_are_refused(password):
    assert is_common_password(password)
    assert password_problem(password).startswith("Ce mot de passe fait partie des mots de passe les plus courants")


@pytest.mark.parametrize(
    "password", ["trois pommes sur la table", "Le Ventoux sous la neige", PASSWORD, "cheval-agrafe-batterie"]
)
def test_passphrases_are_accepted_without_composition_rules(password):
    assert password_problem(password) is None


def test_length_and_email_messages():
    assert password_problem("court") == "Le mot de passe doit contenir au moins 12 caractères."
    assert password_problem("x" * 201).startswith("Le mot de passe ne peut pas dépasser 200")
    assert "adresse e-mail" in password_problem("camille.martin 2025", email="camille.martin@vaucluse.fr")


def test_policy_applies_at_password_change(make, logged_in):
    client = logged_in(make.agent())
    response = client.submit(
        "/compte/securite/mot-de-passe",
        {"current_password": PASSWORD, "password": "azertyuiop2024", "confirm": "azertyuiop2024"},
        page="/compte/securite",
    )
    assert response.status_code == 400 and COMMON in response.get_data(as_text=True)
    short = client.submit(
        "/compte/securite/mot-de-passe",
        {"current_password": PASSWORD, "password": "court", "confirm": "court"},
        page="/compte/securite",
    )
    assert "au moins 12 caractères" in short.get_data(as_text=True)


def test_policy_applies_at_reset(make, browser_client, outbox):
    make.agent(email="oubli@test.fr")
    browser_client.submit("/mot-de-passe-oublie", {"email": "oubli@test.fr"})
    link = re.search(r"http://orientation\.test(/mot-de-passe/\S+)", outbox[0].body).group(1)
    response = browser_client.submit(link, {"password": "motdepasse1234", "confirm": "motdepasse1234"})
    assert response.status_code == 400 and COMMON in response.get_data(as_text=True)


def test_policy_applies_at_invitation_acceptance(make, logged_in, outbox, app):
    organisation = make.organisation()
    logged_in(make.manager(organisation)).submit(
        f"/structures/{organisation.id}/membres", {"email": "n@test.fr", "role": "agent"}
    )
    link = re.search(r"http://orientation\.test(/invitation/\S+)", outbox[-1].body).group(1)
    response = FormClient(app.test_client()).submit(
        link, {"first_name": "Léa", "last_name": "Blanc", "password": "Bonjour123456", "confirm": "Bonjour123456"}
    )
    assert response.status_code == 400 and COMMON in response.get_data(as_text=True)
