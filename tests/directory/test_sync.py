"""`flask directory sync data-inclusion` against a local HTTP server shaped like the data·inclusion API
(pages `{"items", "total", "page", "size"}`, its edge cases, a 500 and a timeout halfway)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from orientation.directory import tasks
from orientation.directory.models import Service, Structure
from orientation.extensions import db
from worker.schedule import BEAT_SCHEDULE

TOKEN = "jeton-de-test"


def structure(id, departement="84", **fields):
    return {
        "source": "dora",
        "id": id,
        "nom": f"Structure {id}",
        "date_maj": "2025-03-01",
        "code_postal": f"{departement}000",
        **fields,
    }


def service(id, structure_id, **fields):
    return {
        "source": "dora",
        "id": id,
        "structure_id": structure_id,
        "nom": f"Service {id}",
        "description": "Un service de l'API data·inclusion.",
        "date_maj": "2025-03-01",
        **fields,
    }


class FakeApi:
    """Serves {"structures": {dept: [...]}, "services": {dept: [...]}} page by page; `fail` and `slow`
    name (endpoint, page) answered 500 or too late."""

    def __init__(self):
        self.data = {"structures": {}, "services": {}}
        self.fail, self.slow, self.requests = set(), set(), []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                url = urlparse(self.path)
                query = {key: values[0] for key, values in parse_qs(url.query).items()}
                endpoint = url.path.rsplit("/", 1)[-1]
                api.requests.append((url.path, query, self.headers.get("Authorization")))
                page, size = int(query.get("page", 1)), int(query.get("size", 100))
                if (endpoint, page) in api.slow:
                    time.sleep(1.5)
                if (endpoint, page) in api.fail:
                    self.send_response(500)
                    self.end_headers()
                    self.wfile.write(b"Internal Server Error")
                    return
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self.send_response(403)
                    self.end_headers()
                    return
                items = api.data.get(endpoint, {}).get(query.get("code_departement"), [])
                body = {
                    "items": items[(page - 1) * size : page * size],
                    "total": len(items),
                    "page": page,
                    "size": size,
                }
                payload = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def api(app, monkeypatch):
    server = FakeApi()
    monkeypatch.setitem(app.config, "DATA_INCLUSION_API_URL", server.url)
    monkeypatch.setitem(app.config, "DATA_INCLUSION_API_TOKEN", TOKEN)
    monkeypatch.setitem(app.config, "DATA_INCLUSION_DEPARTEMENTS", ["84"])
    monkeypatch.setitem(app.config, "DATA_INCLUSION_PAGE_SIZE", 2)
    monkeypatch.setitem(app.config, "DATA_INCLUSION_TIMEOUT", 0.5)
    server.data["structures"]["84"] = [
        structure("s-1", siret="1234567890123", courriel="", telephone=None, reseaux_porteurs=["france-service"]),
        structure("s-2", description=None, horaires_accueil="", labels_nationaux=["conseiller-numerique"]),
        structure("s-3"),
    ]
    server.data["services"]["84"] = [
        service("svc-1", "s-1", type="inconnu", publics=["jeunes", "extraterrestres"], frais=""),
        service("svc-2", "s-2", thematiques=["numerique--acceder-a-une-connexion-internet"], telephone="0" * 60),
        service("svc-3", "s-3", zone_eligibilite=["84", "pas-un-code"]),
    ]
    yield server
    server.stop()


def sync(app, *args):
    return app.test_cli_runner().invoke(args=["directory", "sync", "data-inclusion", *args])


def get(model, source_id):
    return db.session.scalar(db.select(model).where(model.source_id == source_id))


def test_sync_pulls_every_page_of_the_departement_with_the_api_parameters(app, api):
    result = sync(app)
    assert result.exit_code == 0, result.output
    assert "Structures : 3 nouveaux" in result.output and "Services : 3 nouveaux" in result.output
    assert "siret : valeur non conforme" in result.output and "type : valeur non reconnue" in result.output
    paths = [(path, query["page"], query["code_departement"], query["size"]) for path, query, _ in api.requests]
    assert paths == [
        ("/api/v1/structures", "1", "84", "2"),
        ("/api/v1/structures", "2", "84", "2"),
        ("/api/v1/services", "1", "84", "2"),
        ("/api/v1/services", "2", "84", "2"),
    ]
    assert {auth for _, _, auth in api.requests} == {f"Bearer {TOKEN}"}
    db.session.expire_all()
    assert get(Structure, "s-1").siret is None and get(Structure, "s-1").reseaux_porteurs == ["france-service"]
    assert get(Structure, "s-2").labels_nationaux == ["conseiller-numerique"]
    assert get(Service, "svc-1").publics == ["jeunes"] and get(Service, "svc-2").telephone is None
    assert list(get(Service, "svc-3").zone_eligibilite) == ["84"]


def test_neighbouring_departements_are_pulled_too(app, api, monkeypatch):
    api.data["structures"]["13"] = [structure("s-13", "13")]
    api.data["services"]["13"] = [service("svc-13", "s-13")]
    monkeypatch.setitem(app.config, "DATA_INCLUSION_DEPARTEMENTS", ["84", "13"])
    assert sync(app).exit_code == 0
    assert get(Service, "svc-13").structure.source_id == "s-13"
    assert sync(app, "--departement", "13").exit_code == 0  # on demand, one département


@pytest.mark.parametrize(("fault", "message"), [("fail", "l'API a répondu 500"), ("slow", "n'a pas répondu à temps")])
def test_an_api_failure_halfway_leaves_the_directory_as_it_was(app, api, fault, message):
    assert sync(app).exit_code == 0
    api.data["structures"]["84"][0]["nom"] = "Nom changé"
    getattr(api, fault).add(("services", 2))
    result = sync(app)
    assert result.exit_code == 1 and message in result.output and "Rien n'a été modifié" in result.output
    db.session.expire_all()
    assert get(Structure, "s-1").name == "Structure s-1"


def test_a_resync_writes_nothing_new_and_withdraws_what_the_api_no_longer_has(app, api):
    assert sync(app).exit_code == 0
    api.data["services"]["84"].pop()
    result = sync(app)
    assert result.exit_code == 0, result.output
    assert "Services : 0 nouveaux, 0 mis à jour, 2 inchangés, 1 retirés, 0 refusés." in result.output
    db.session.expire_all()
    assert get(Service, "svc-3").withdrawn_at is not None


def test_a_wrong_token_is_refused_and_changes_nothing(app, api, monkeypatch):
    monkeypatch.setitem(app.config, "DATA_INCLUSION_API_TOKEN", "mauvais")
    result = sync(app)
    assert result.exit_code == 1 and "accès refusé par l'API (403)" in result.output
    assert get(Structure, "s-1") is None


def test_the_daily_task_syncs_and_is_scheduled(app, api):
    assert BEAT_SCHEDULE["directory-sync-data-inclusion"]["task"] == tasks.sync_data_inclusion.name
    counts = tasks.sync_data_inclusion()
    assert counts["service"]["new"] == 3
    api.fail.add(("structures", 1))
    with pytest.raises(Exception, match="500"):
        tasks.sync_data_inclusion()
