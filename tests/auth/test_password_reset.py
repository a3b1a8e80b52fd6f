import re

from tests.builders import PASSWORD

NEW_PASSWORD = "une nouvelle phrase de passe"


def _reset_link(outbox) -> str:
    assert len(outbox) == 1
    match = re.search(r"http://orientation\.test(/mot-de-passe/\S+)", outbox[0].body)
    assert match, outbox[0].body
    return match.group(1)


def test_reset_by_emailed_link_then_login(make, browser_client, outbox):
    make.agent(email="oubli@test.fr")
    response = browser_client.submit("/mot-de-passe-oublie", {"email": "oubli@test.fr"})
    assert response.status_code == 302
    assert outbox[0].to == ["oubli@test.fr"]
    assert "réinitialisation" in outbox[0].subject
    html = outbox[0].alternatives[0][0]
    assert "Choisir un nouveau mot de passe" in html
    link = _reset_link(outbox)
    assert browser_client.get(link).status_code == 200
    done = browser_client.submit(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert browser_client.submit("/connexion", {"email": "oubli@test.fr", "password": PASSWORD}).status_code == 401
    browser_client.login("oubli@test.fr", NEW_PASSWORD)


def test_reset_link_is_single_use(make, browser_client, outbox):
    make.agent(email="oubli@test.fr")
    browser_client.submit("/mot-de-passe-oublie", {"email": "oubli@test.fr"})
    link = _reset_link(outbox)
    browser_client.submit(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    again = browser_client.get(link)
    assert again.status_code == 400
    assert "déjà été utilisé" in again.get_data(as_text=True)


def test_tampered_and_expired_links_are_refused(make, browser_client, outbox, app):
    make.agent(email="oubli@test.fr")
    browser_client.submit("/mot-de-passe-oublie", {"email": "oubli@test.fr"})
    link = _reset_link(outbox)
    tampered = browser_client.get(link[:-3] + "abc")
    assert tampered.status_code == 400 and "pas valide" in tampered.get_data(as_text=True)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    try:
        expired = browser_client.get(link)
        assert expired.status_code == 400 and "expiré" in expired.get_data(as_text=True)
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = 3600


def test_unknown_email_gets_the_same_answer_and_no_mail(browser_client, outbox):
    response = browser_client.submit("/mot-de-passe-oublie", {"email": "inconnu@test.fr"}, follow_redirects=True)
    assert "Si un compte actif existe" in response.get_data(as_text=True)
    assert outbox == []


def test_weak_or_mismatched_password_is_explained(make, browser_client, outbox):
    make.agent(email="oubli@test.fr")
    browser_client.submit("/mot-de-passe-oublie", {"email": "oubli@test.fr"})
    link = _reset_link(outbox)
    short = browser_client.submit(link, {"password": "court", "confirm": "court"})
    assert short.status_code == 400 and "au moins 12 caractères" in short.get_data(as_text=True)
    mismatch = browser_client.submit(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert "Les deux mots de passe sont différents." in mismatch.get_data(as_text=True)


def test_password_change_ends_other_sessions(make, logged_in, browser_client, outbox):
    user = make.agent(email="oubli@test.fr")
    other_session = logged_in(user)
    assert other_session.get("/").status_code == 200
    browser_client.submit("/mot-de-passe-oublie", {"email": "oubli@test.fr"})
    browser_client.submit(_reset_link(outbox), {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert other_session.get("/").status_code == 302
