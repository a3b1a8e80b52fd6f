"""HTTP hardening: the same protective headers on every kind of response, and templates that need no
inline script or style (so the Content-Security-Policy can forbid them)."""

import re
from pathlib import Path

import pytest

import orientation

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _assert_hardened(response):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (name, response.status_code)
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "https://tile.openstreetmap.org" in directives["img-src"]
    assert "unsafe" not in csp


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/connexion", 200),  # HTML page
        ("get", "/", 302),  # redirect
        ("get", "/healthz", 200),  # JSON
        ("get", "/page-qui-n-existe-pas", 404),  # error page
        ("get", "/api/nimporte", 404),  # JSON error
        ("get", "/static/css/app.css", 200),  # static file
        ("get", "/deconnexion", 405),  # method not allowed
        ("post", "/connexion", 400),  # CSRF failure
    ],
)
def test_every_kind_of_response_is_hardened(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    _assert_hardened(response)


def test_logged_in_pages_are_not_cached_and_static_files_may_be(make, logged_in):
    client = logged_in(make.agent())
    page = client.get("/")
    _assert_hardened(page)
    assert page.headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


def test_hsts_only_when_configured(client, app, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/connexion").headers
    monkeypatch.setitem(app.config, "HSTS_SECONDS", 31_536_000)
    assert client.get("/connexion").headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_proconnect_host_may_receive_the_logout_redirect(client, app, monkeypatch):
    monkeypatch.setitem(
        app.config,
        "PROCONNECT_DISCOVERY_URL",
        "https://auth.agentconnect.gouv.fr/api/v2/.well-known/openid-configuration",
    )
    csp = client.get("/connexion").headers["Content-Security-Policy"]
    assert "form-action 'self' https://auth.agentconnect.gouv.fr;" in csp


SERVED_TEMPLATES = [
    path
    for path in (Path(orientation.__file__).parent / "templates").rglob("*.html")
    if path.parent.name not in {"mail", "sms"}
]  # e-mails need inline styles; not served


@pytest.mark.parametrize("template", SERVED_TEMPLATES, ids=lambda path: path.name)
def test_templates_have_no_inline_script_handler_or_style(template):
    html = re.sub(r"{{.*?}}|{%.*?%}", "", template.read_text(), flags=re.S)  # markup only, not Jinja
    inline_scripts = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html)
        if "src=" not in tag and 'type="application/json"' not in tag
    ]
    assert not inline_scripts
    assert not re.search(r"\son[a-z]+\s*=", html), "on*= handler"
    assert not re.search(r"\sstyle\s*=", html), "style= attribute"
    assert "javascript:" not in html
