"""A real streaming replica of this machine's PostgreSQL service, for the read-replica tests.

Made once per test process with `pg_basebackup -R` from the service at 127.0.0.1:5432 (the
server the tests' DATABASE_URL must name), started as a hot standby on port 5440 (+ the xdist
worker's number) as the `postgres` user, in a temporary directory removed at the end. The
service must accept replication connections from 127.0.0.1 (`host replication all 127.0.0.1/32
trust` in its pg_hba.conf): added here when this process may write that file, as `.ci/run`
does. Without what it needs the tests skip saying why, or fail when CI=true;
docs/scale-out.md, "Running the replica tests", says how to run them.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SERVICE_HBA = Path(os.environ.get("PG_HBA_FILE", "/etc/postgresql/15/main/pg_hba.conf"))
REPLICATION_RULE = "host replication all 127.0.0.1/32 trust"
BASE_PORT = 5440
# How long the standby may take to open for reading once started (see wait_until_readable).
READY_TIMEOUT = 180
HOW_TO_RUN = "docs/scale-out.md, 'Running the replica tests'"
# The standby's settings that must be at least the primary's, or it refuses to start.
PRIMARY_MINIMUMS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


def unavailable(reason: str):
    """Skip, loudly, or fail under CI, where the replica tests must run."""
    message = f"REPLICA TESTS NOT RUN: {reason} (see {HOW_TO_RUN})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@dataclass
class ReplicaCluster:
    host: str
    port: int
    directory: Path

    def connect(self, dbname: str) -> psycopg.Connection:
        return psycopg.connect(host=self.host, port=self.port, user="postgres", dbname=dbname, autocommit=True)

    def sql(self, dbname: str, query: str, params=()):
        with self.connect(dbname) as conn:
            return conn.execute(query, params).fetchone()

    def pause_replay(self, dbname: str) -> None:
        self.sql(dbname, "SELECT pg_wal_replay_pause()")

    def resume_replay(self, dbname: str) -> None:
        self.sql(dbname, "SELECT pg_wal_replay_resume()")

    def wait_for(self, dbname: str, query: str, params=(), *, expected, timeout: float = 15.0):
        """Poll `query` on the replica until it answers `expected` (a bounded wait)."""
        deadline = time.monotonic() + timeout
        answer = None
        while time.monotonic() < deadline:
            answer = self.sql(dbname, query, params)
            if answer is not None and answer[0] == expected:
                return
            time.sleep(0.05)
        raise AssertionError(f"the replica still answers {answer!r} to {query!r} after {timeout} s")


def as_postgres(*command, **kwargs) -> subprocess.CompletedProcess:
    """Run `command` as the postgres user (initdb and postgres refuse root)."""
    if os.geteuid() == 0:
        command = ("runuser", "-u", "postgres", "--", *command)
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def service_conninfo(database: dict) -> dict:
    return {"host": database["HOST"] or "127.0.0.1", "port": int(database["PORT"] or 5432), "user": "postgres", "dbname": "postgres"}


def replication_allowed(primary: psycopg.Connection) -> bool:
    rules = primary.execute(
        "SELECT count(*) FROM pg_hba_file_rules WHERE 'replication' = ANY(database) AND error IS NULL"
    ).fetchone()
    return bool(rules[0])


def allow_replication(primary: psycopg.Connection) -> None:
    """Add the replication rule to the service's pg_hba.conf (once) and reload it, when we may."""
    if replication_allowed(primary):
        return
    if not os.access(SERVICE_HBA, os.W_OK):
        unavailable(f"{SERVICE_HBA} has no replication rule and this process may not add `{REPLICATION_RULE}`")
    text = SERVICE_HBA.read_text()
    if REPLICATION_RULE not in text.splitlines():
        SERVICE_HBA.write_text(text.rstrip("\n") + f"\n# Read-replica tests (docs/scale-out.md)\n{REPLICATION_RULE}\n")
    primary.execute("SELECT pg_reload_conf()")
    time.sleep(0.2)
    if not replication_allowed(primary):
        unavailable(f"the service still refuses replication after adding `{REPLICATION_RULE}` to {SERVICE_HBA}")


def worker_port() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return BASE_PORT + int(worker.removeprefix("gw") or 0) % 10


def start_replica(database: dict) -> ReplicaCluster:
    """Clone the service with pg_basebackup and start the clone as a hot standby."""
    conninfo = service_conninfo(database)
    if conninfo["host"] not in ("127.0.0.1", "localhost") or conninfo["port"] != 5432:
        # Not a fault: CI's embedded-server pass skips them, its pass on the service runs them.
        pytest.skip(
            "REPLICA TESTS NOT RUN: they replicate the PostgreSQL service at 127.0.0.1:5432, "
            f"and the tests' database is another server (see {HOW_TO_RUN})"
        )
    for program in ("pg_basebackup", "pg_ctl", "postgres"):
        if not (PG_BIN / program).exists():
            unavailable(f"{PG_BIN / program} is missing (Debian's postgresql-15)")
    if shutil.which("runuser") is None and os.geteuid() == 0:
        unavailable("runuser is missing: the replica cannot run as the postgres user")
    try:
        primary = psycopg.connect(**conninfo, autocommit=True)
    except psycopg.OperationalError as exc:
        unavailable(f"the PostgreSQL service does not answer: {exc}")
    with primary:
        allow_replication(primary)
        minimums = {name: primary.execute(f"SHOW {name}").fetchone()[0] for name in PRIMARY_MINIMUMS}

    port = worker_port()
    directory = Path(tempfile.mkdtemp(prefix=f"otop-replica-{port}-"))
    shutil.chown(directory, "postgres", "postgres")
    directory.chmod(0o700)
    data = directory / "data"
    started = time.monotonic()
    as_postgres(
        str(PG_BIN / "pg_basebackup"), "-h", conninfo["host"], "-p", str(conninfo["port"]), "-U", "postgres",
        "-D", str(data), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync",
        cwd=directory,
    )
    settings = {
        "port": port,
        "listen_addresses": "'127.0.0.1'",
        "unix_socket_directories": f"'{directory}'",
        "hot_standby": "on",
        "fsync": "off",
        "shared_buffers": "'64MB'",
        # Report the standby's position to the primary often, for anyone watching pg_stat_replication.
        "wal_receiver_status_interval": "'1s'",
        **minimums,
    }
    (data / "postgresql.conf").write_text("".join(f"{name} = {value}\n" for name, value in settings.items()))
    (data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
    (data / "pg_ident.conf").write_text("")
    for name in ("postgresql.conf", "pg_hba.conf", "pg_ident.conf"):
        shutil.chown(data / name, "postgres", "postgres")
    cluster = ReplicaCluster("127.0.0.1", port, directory)
    try:
        as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(directory / "log"), "-W", "start", cwd=directory)
        wait_until_readable(cluster, conninfo)
    except (subprocess.CalledProcessError, TimeoutError) as exc:
        log = (directory / "log").read_text() if (directory / "log").exists() else ""
        stop_replica(cluster)
        raise AssertionError(f"the replica did not start: {getattr(exc, 'stderr', exc)}\n{log}") from exc
    assert cluster.sql("postgres", "SELECT pg_is_in_recovery()") == (True,)
    print(f"replica on port {port} from pg_basebackup in {time.monotonic() - started:.1f} s")
    return cluster


def wait_until_readable(cluster: ReplicaCluster, primary_conninfo: dict, timeout: float = READY_TIMEOUT) -> None:
    """Wait until the standby accepts read-only connections.

    A hot standby opens for reading once it has a snapshot of the primary's running
    transactions, which the primary writes at each checkpoint (and every 15 s): while a test
    suite runs on the primary, transactions with many savepoints make such a snapshot
    incomplete, and the standby waits for a later one taken after they ended. A checkpoint
    every few seconds brings that one sooner.
    """
    deadline = time.monotonic() + timeout
    next_checkpoint = time.monotonic() + 2
    while True:
        try:
            cluster.sql("postgres", "SELECT 1")
            return
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the standby does not accept connections after {timeout} s: {exc}") from exc
        if time.monotonic() > next_checkpoint:
            with psycopg.connect(**primary_conninfo, autocommit=True) as primary:
                primary.execute("CHECKPOINT")
            next_checkpoint = time.monotonic() + 3
        time.sleep(0.2)


def stop_replica(cluster: ReplicaCluster) -> None:
    data = cluster.directory / "data"
    if (data / "postmaster.pid").exists():
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
            if os.geteuid() == 0
            else [str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            check=False,
            capture_output=True,
            cwd=cluster.directory,
        )
    shutil.rmtree(cluster.directory, ignore_errors=True)


@pytest.fixture(scope="session")
def replica_cluster(django_db_setup, django_db_blocker):
    """The running standby, once per test process; stopped and removed at the end."""
    from django.db import connections

    with django_db_blocker.unblock():
        cluster = start_replica(connections["default"].settings_dict)
    yield cluster
    stop_replica(cluster)


@pytest.fixture(scope="session")
def replica_alias(replica_cluster):
    """The "replica" database alias, pointing at the standby's copy of the test database."""
    from django.conf import settings
    from django.db import connections

    primary = connections["default"].settings_dict
    replica = copy.deepcopy(primary)
    replica.update(HOST=replica_cluster.host, PORT=str(replica_cluster.port), TEST={"MIRROR": "default"})
    # With DATABASE_REPLICA_URL set, the alias exists already as the test database's mirror.
    # (the connection's settings are then the primary's, not those in DATABASES).
    before = settings.DATABASES.get("replica")
    before_connection = connections["replica"].settings_dict if before is not None else None

    def point_at(settings_dict, connection_settings):
        if settings_dict is None:
            settings.DATABASES.pop("replica", None)
            connections.settings.pop("replica", None)
        else:
            settings.DATABASES["replica"] = connections.settings["replica"] = settings_dict
        if before is not None:
            connections["replica"].close()
            connections["replica"].settings_dict = connection_settings

    point_at(replica, replica)
    # The test database was made on the primary: wait until the standby has it.
    replica_cluster.wait_for("postgres", "SELECT count(*) FROM pg_database WHERE datname = %s", (primary["NAME"],), expected=1)
    yield primary["NAME"]
    connections["replica"].close()
    point_at(before, before_connection)


@pytest.fixture
def replica_routing(replica_alias, settings):
    """The router and its middleware switched on, as DATABASE_REPLICA_URL does."""
    from otop_site.db_router import replica_health

    settings.DATABASE_ROUTERS = ["otop_site.db_router.ReplicaRouter"]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(middleware.index("otop_site.middleware.PrivatePagesMiddleware"), "otop_site.db_router.ReplicaReadsMiddleware")
    settings.MIDDLEWARE = middleware
    settings.DATABASE_REPLICA_MAX_LAG = 600
    replica_health.forget()
    yield replica_alias
    replica_health.forget()
