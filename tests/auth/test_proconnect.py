"""ProConnect single sign-on, end to end against a real OIDC provider served over HTTP by the tests."""

from urllib.parse import parse_qs, urlsplit

import httpx
import pyotp
import pytest

from orientation import clock
from orientation.extensions import db
from tests.auth.oidc_provider import CLIENT_ID, CLIENT_SECRET, Agent, running_provider
from tests.conftest import FormClient


@pytest.fixture(scope="session")
def oidc_provider():
    with running_provider() as provider:
        yield provider


@pytest.fixture
def provider(app, oidc_provider, monkeypatch):
    """ProConnect switched on for this test, pointing at the local provider."""
    oidc_provider.reset()
    monkeypatch.setitem(app.config, "PROCONNECT_DISCOVERY_URL", oidc_provider.discovery_url)
    monkeypatch.setitem(app.config, "PROCONNECT_CLIENT_ID", CLIENT_ID)
    monkeypatch.setitem(app.config, "PROCONNECT_CLIENT_SECRET", CLIENT_SECRET)
    return oidc_provider


def _start(client, next_url=None):
    """Click "S'identifier avec ProConnect"; return the provider's authorize URL the browser is sent to."""
    response = client.get("/connexion/proconnect" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302
    return response.location


def _through_provider(authorize_url: str) -> str:
    """The browser at the provider: it authenticates the agent and redirects back; return the callback path."""
    answer = httpx.get(authorize_url, follow_redirects=False)
    assert answer.status_code == 302
    callback = urlsplit(answer.headers["location"])
    assert callback.netloc == "orientation.test"
    return f"{callback.path}?{callback.query}"


def _sso_login(client, provider, email):
    provider.login_as = Agent(email=email)
    return client.get(_through_provider(_start(client)))


def test_full_flow_logs_the_matching_account_in(make, client, provider):
    user = make.agent(email="camille.agent@vaucluse.fr", first_name="Camille")
    provider.login_as = Agent(email="Camille.Agent@vaucluse.fr")
    authorize_url = _start(client, next_url="/annuaire/")
    params = {key: values[0] for key, values in parse_qs(urlsplit(authorize_url).query).items()}
    assert authorize_url.startswith(provider.base_url + "/api/v2/authorize")
    assert params["scope"] == "openid email given_name usual_name siret uid"
    assert params["acr_values"] == "eidas1"
    assert params["client_id"] == CLIENT_ID and params["response_type"] == "code"
    assert params["redirect_uri"] == "http://orientation.test/connexion/proconnect/retour"
    assert len(params["state"]) >= 20 and len(params["nonce"]) >= 20

    response = client.get(_through_provider(authorize_url))
    assert response.status_code == 302 and response.location == "/annuaire/"
    assert "Bonjour Camille" in client.get("/").get_data(as_text=True)
    page = client.get("/compte/securite").get_data(as_text=True)
    assert "connecté·e avec\n  ProConnect" in page or "connecté·e avec ProConnect" in " ".join(page.split())
    assert user.email == "camille.agent@vaucluse.fr"


def test_state_mismatch_is_refused(make, client, provider):
    make.agent(email="camille@vaucluse.fr")
    provider.login_as = Agent(email="camille@vaucluse.fr")
    callback = _through_provider(_start(client))
    query = parse_qs(urlsplit(callback).query)
    forged = f"/connexion/proconnect/retour?code={query['code'][0]}&state=etat-forge"
    response = client.get(forged)
    assert response.status_code == 400
    assert "pas pu être vérifiée" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not logged in


def test_callback_from_another_browser_is_refused(make, client, app, provider):
    """Login CSRF: a callback started in one browser and replayed in another has no state there."""
    make.agent(email="camille@vaucluse.fr")
    provider.login_as = Agent(email="camille@vaucluse.fr")
    callback = _through_provider(_start(client))
    other_browser = app.test_client()
    response = other_browser.get(callback)
    assert response.status_code == 400
    assert other_browser.get("/").status_code == 302


def test_nonce_mismatch_is_refused(make, client, provider):
    make.agent(email="camille@vaucluse.fr")
    provider.wrong_nonce = True
    response = _sso_login(client, provider, "camille@vaucluse.fr")
    assert response.status_code == 400
    assert "pas pu être vérifiée" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_id_token_signed_with_a_foreign_key_is_refused(make, client, provider):
    make.agent(email="camille@vaucluse.fr")
    provider.foreign_key = True
    response = _sso_login(client, provider, "camille@vaucluse.fr")
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_weaker_authentication_level_than_asked_is_refused(make, client, provider):
    """acr_values is a request: a provider answering with another level must not let the agent in."""
    make.agent(email="camille@vaucluse.fr")
    provider.acr_answer = "eidas0"
    response = _sso_login(client, provider, "camille@vaucluse.fr")
    assert response.status_code == 403
    assert "niveau d&#39;authentification" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_any_of_the_accepted_levels_lets_the_agent_in(make, client, provider, monkeypatch, app):
    make.agent(email="camille@vaucluse.fr")
    monkeypatch.setitem(
        app.config, "PROCONNECT_ACR_VALUES", "eidas1 https://proconnect.gouv.fr/assurance/self-asserted-2fa"
    )
    provider.acr_answer = "https://proconnect.gouv.fr/assurance/self-asserted-2fa"
    response = _sso_login(client, provider, "camille@vaucluse.fr")
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    from orientation.audit.models import SecurityEvent

    login = db.session.scalars(db.select(SecurityEvent).where(SecurityEvent.kind == "login")).one()
    assert login.detail == {"method": "proconnect"}


def test_unknown_email_is_refused_in_french_and_no_account_is_created(make, client, provider):
    from orientation.auth.operations import get_user_by_email

    response = _sso_login(client, provider, "inconnu@vaucluse.fr")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Aucun compte Orientation actif ne correspond à l&#39;adresse inconnu@vaucluse.fr" in page
    assert "demandez une invitation" in page
    assert get_user_by_email("inconnu@vaucluse.fr") is None
    assert client.get("/").status_code == 302
    from orientation.audit.models import SecurityEvent

    refused = db.session.scalars(db.select(SecurityEvent).where(SecurityEvent.kind == "sso_refused")).all()
    assert [(event.email, event.detail) for event in refused] == [
        ("inconnu@vaucluse.fr", {"reason": "no_active_account"})
    ]


def test_inactive_account_is_refused(make, client, provider):
    make.agent(email="parti@vaucluse.fr", active=False)
    response = _sso_login(client, provider, "parti@vaucluse.fr")
    assert response.status_code == 403


def test_refusal_at_the_provider_comes_back_as_a_french_message(client, provider):
    provider.login_as = None  # the agent cancels at ProConnect
    response = client.get(_through_provider(_start(client)))
    assert response.status_code == 400
    assert "La connexion avec ProConnect a été interrompue" in response.get_data(as_text=True)


def test_second_factor_is_still_asked_after_proconnect(make, client, provider):
    user = make.agent(email="camille@vaucluse.fr")
    user.totp_secret = pyotp.random_base32()
    db.session.flush()
    response = _sso_login(client, provider, "camille@vaucluse.fr")
    assert response.location == "/connexion/code"
    assert client.get("/").status_code == 302
    form_client = FormClient(client)
    code = pyotp.TOTP(user.totp_secret).at(clock.now())
    assert form_client.submit("/connexion/code", {"code": code}).status_code == 302
    assert client.get("/").status_code == 200


def test_logout_ends_the_proconnect_session_too(make, client, provider):
    make.agent(email="camille@vaucluse.fr")
    _sso_login(client, provider, "camille@vaucluse.fr")
    form_client = FormClient(client)
    response = form_client.submit("/deconnexion", page="/")
    assert response.location.startswith(provider.base_url + "/api/v2/session/end")
    assert client.get("/").status_code == 302  # the local session is already over
    back = httpx.get(response.location, follow_redirects=False)
    request = provider.logout_requests[-1]
    assert request["id_token_hint"].count(".") == 2
    assert request["post_logout_redirect_uri"] == "http://orientation.test/deconnexion/proconnect"
    landing = urlsplit(back.headers["location"])
    after = client.get(f"{landing.path}?{landing.query}", follow_redirects=True)
    assert "Vous êtes déconnecté·e d&#39;Orientation et de ProConnect." in after.get_data(as_text=True)


def test_button_and_routes_absent_when_proconnect_is_not_configured(client):
    assert "ProConnect" not in client.get("/connexion").get_data(as_text=True)
    assert client.get("/connexion/proconnect").status_code == 404
    assert client.get("/connexion/proconnect/retour?code=x&state=y").status_code == 404


def test_button_shown_when_configured(client, provider):
    page = client.get("/connexion").get_data(as_text=True)
    assert "S'identifier avec ProConnect" in page
