"""Sync with the data·inclusion API: every structure and service of the configured départements.

GET `{DATA_INCLUSION_API_URL}/structures` then `/services`, with `code_departement`, `page` and
`size` (the API's own parameter names), pages `{"items": [...], "total", "page", "size"}`, token as
`Authorization: Bearer`. Records stream into the importer (orientation.directory.importers) in one
transaction: an answer that fails halfway (HTTP error, timeout, not JSON) raises SyncError and the
caller rolls back — the directory stays as it was. What a complete sync no longer carries is withdrawn.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
from flask import current_app

from orientation.directory.importers import Importer, ImportFileError, ImportReport

ENDPOINTS = (("structure", "structures"), ("service", "services"))
MAX_PAGES = 10_000  # a safety stop for a server that never says it is done


class SyncError(ImportFileError):
    """The API could not be read to the end (message in French)."""


def sync_data_inclusion(
    departements: list[str] | None = None, *, client: httpx.Client | None = None, progress=None
) -> ImportReport:
    config = current_app.config
    departements = departements or config["DATA_INCLUSION_DEPARTEMENTS"]
    headers = {"Accept": "application/json"}
    if config["DATA_INCLUSION_API_TOKEN"]:
        headers["Authorization"] = f"Bearer {config['DATA_INCLUSION_API_TOKEN']}"
    own_client = client is None
    client = client or httpx.Client(
        base_url=config["DATA_INCLUSION_API_URL"].rstrip("/") + "/",
        headers=headers,
        timeout=config["DATA_INCLUSION_TIMEOUT"],
    )
    importer = Importer(progress=progress)
    try:
        for kind, endpoint in ENDPOINTS:
            for departement in departements:
                for where, record in _pages(client, endpoint, departement, config["DATA_INCLUSION_PAGE_SIZE"]):
                    importer.add(kind, where, record)
            importer.flush(kind)
    finally:
        if own_client:
            client.close()
    return importer.finish()


def _pages(client: httpx.Client, endpoint: str, departement: str, size: int) -> Iterator[tuple[str, object]]:
    read = 0
    for page in range(1, MAX_PAGES + 1):
        where = f"API {endpoint} du {departement}, page {page}"
        body = _get(client, endpoint, {"code_departement": departement, "page": page, "size": size}, where)
        items = body.get("items") if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise SyncError(f"{where} : réponse inattendue (une page « items » était attendue).")
        for number, record in enumerate(items, 1):
            yield f"{where} n°{number}", record
        read += len(items)
        total = body.get("total")
        if not items or (isinstance(total, int) and read >= total):
            return
    raise SyncError(f"API {endpoint} du {departement} : plus de {MAX_PAGES} pages, synchronisation interrompue.")


def _get(client: httpx.Client, endpoint: str, params: dict, where: str):
    try:
        response = client.get(endpoint, params=params)
    except httpx.TimeoutException as error:
        raise SyncError(f"{where} : l'API n'a pas répondu à temps.") from error
    except httpx.HTTPError as error:
        raise SyncError(f"{where} : API injoignable ({error}).") from error
    if response.status_code in (401, 403):
        raise SyncError(f"{where} : accès refusé par l'API ({response.status_code}) — vérifiez le jeton.")
    if response.status_code != 200:
        raise SyncError(f"{where} : l'API a répondu {response.status_code}.")
    try:
        return response.json()
    except ValueError as error:
        raise SyncError(f"{where} : la réponse n'est pas du JSON (page tronquée ?).") from error
