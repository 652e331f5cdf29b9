"""The embedded PostgreSQL used when DATABASE_URL is not set.

Every test runs its own server on a fresh data directory and stops it at the end.
Starts from other processes use fresh Python processes, as `make run` and `make test` do.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import psycopg
import pytest

from otop_site.settings.embedded_postgres import DATABASE_NAME, database_settings, ensure_running, stop

from .processes import PROJECT_DIR, clean_environment

pytestmark = pytest.mark.slow

START_IN_ANOTHER_PROCESS = """
import json, sys, time
from pathlib import Path
go = Path(sys.argv[2]) if len(sys.argv) > 2 else None
while go is not None and not go.exists():
    time.sleep(0.005)
from otop_site.settings.embedded_postgres import ensure_running
server = ensure_running(Path(sys.argv[1]))
print(json.dumps({"pid": server.pid, "port": server.port, "socket_dir": str(server.socket_dir)}))
"""


def postmasters_on(pgdata: Path) -> list[psutil.Process]:
    """The postgres server processes running on this data directory."""
    target = str(pgdata.resolve())
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = process.info["cmdline"] or []
        if process.info["name"] == "postgres" and target in cmdline:
            found.append(process)
    return found


def connect(server, database: str = DATABASE_NAME) -> psycopg.Connection:
    return psycopg.connect(
        host=str(server.socket_dir), port=server.port, user="postgres", dbname=database, autocommit=True, connect_timeout=5
    )


def start_elsewhere(pgdata: Path, go: Path | None = None) -> subprocess.Popen:
    args = [sys.executable, "-c", START_IN_ANOTHER_PROCESS, str(pgdata)] + ([str(go)] if go else [])
    return subprocess.Popen(
        args, cwd=PROJECT_DIR, env=clean_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def result_of(process: subprocess.Popen) -> dict:
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    return json.loads(stdout.strip().splitlines()[-1])


def wait_until_gone(processes: list[psutil.Process], timeout: float = 15) -> None:
    _gone, alive = psutil.wait_procs(processes, timeout=timeout)
    assert not alive, f"still running: {alive}"


@pytest.fixture
def pgdata():
    """A fresh data directory; whatever server runs on it is stopped, and the directory removed, after.

    It lives in its own short temporary folder, not under pytest's tmp_path: every pytest session
    of the same user makes the shared pytest-of-<user> folder private again (chmod 700) and prunes
    old sessions, which pulls the files away from a server running as pgserver (when tests run as
    root) in the middle of a test.
    """
    folder = Path(tempfile.mkdtemp(prefix="otop-pg-"))
    folder.chmod(0o755)
    path = folder / "pg"
    yield path
    stop(path)
    # A test that crashed its server, or failed half-way, may leave one behind: end it by its id.
    leftovers = postmasters_on(path)
    for process in leftovers:
        process.kill()
    wait_until_gone(leftovers)
    shutil.rmtree(folder, ignore_errors=True)


def test_ensure_running_starts_a_server_with_the_project_database(pgdata):
    server = ensure_running(pgdata)

    assert (pgdata / "PG_VERSION").exists()
    assert [p.pid for p in postmasters_on(pgdata)] == [server.pid]
    with connect(server) as conn:
        assert conn.execute("SELECT current_database()").fetchone()[0] == "otop"
        assert conn.execute("SELECT 1 + 1").fetchone()[0] == 2


def test_ensure_running_creates_a_second_database_on_the_same_server(pgdata):
    first = ensure_running(pgdata)
    second = ensure_running(pgdata, database="otop_other")

    assert second.pid == first.pid
    with connect(second, "otop_other") as conn:
        assert conn.execute("SELECT current_database()").fetchone()[0] == "otop_other"


def test_database_settings_point_django_at_the_embedded_server(pgdata):
    settings = database_settings(pgdata)

    assert settings["ENGINE"] == "django.db.backends.postgresql"
    assert settings["NAME"] == "otop"
    assert settings["USER"] == "postgres"
    with psycopg.connect(
        host=settings["HOST"], port=settings["PORT"], user=settings["USER"], dbname=settings["NAME"], connect_timeout=5
    ) as conn:
        assert conn.execute("SELECT 1").fetchone()[0] == 1


def test_a_second_start_reuses_the_running_server(pgdata):
    first = ensure_running(pgdata)

    again_here = ensure_running(pgdata)
    from_another_process = result_of(start_elsewhere(pgdata))

    assert again_here.pid == first.pid
    assert from_another_process["pid"] == first.pid
    assert [p.pid for p in postmasters_on(pgdata)] == [first.pid]


def test_two_processes_starting_at_once_get_one_server(pgdata):
    go = pgdata.parent / "go"
    starters = [start_elsewhere(pgdata, go) for _ in range(3)]
    time.sleep(1.5)  # let every process import and wait at the starting line
    go.touch()

    results = [result_of(starter) for starter in starters]

    pids = {result["pid"] for result in results}
    assert len(pids) == 1
    assert [p.pid for p in postmasters_on(pgdata)] == list(pids)
    with connect(ensure_running(pgdata)) as conn:
        assert conn.execute("SELECT count(*) FROM pg_database WHERE datname = 'otop'").fetchone()[0] == 1


def test_data_is_kept_across_stop_and_start(pgdata):
    server = ensure_running(pgdata)
    with connect(server) as conn:
        conn.execute("CREATE TABLE kept (word text)")
        conn.execute("INSERT INTO kept VALUES ('ผ้าไหม')")

    assert stop(pgdata) is True
    assert postmasters_on(pgdata) == []
    assert stop(pgdata) is False

    restarted = ensure_running(pgdata)

    assert restarted.pid != server.pid
    assert [p.pid for p in postmasters_on(pgdata)] == [restarted.pid]
    with connect(restarted) as conn:
        assert conn.execute("SELECT word FROM kept").fetchall() == [("ผ้าไหม",)]


def test_a_stopped_server_is_started_again_by_another_process(pgdata):
    server = result_of(start_elsewhere(pgdata))
    assert stop(pgdata) is True

    restarted = result_of(start_elsewhere(pgdata))

    assert restarted["pid"] != server["pid"]
    assert [p.pid for p in postmasters_on(pgdata)] == [restarted["pid"]]


def test_ensure_running_recovers_after_the_server_is_killed(pgdata):
    server = ensure_running(pgdata)
    with connect(server) as conn:
        conn.execute("CREATE TABLE orders (number text)")
        conn.execute("INSERT INTO orders VALUES ('OTOP-0001'), ('OTOP-0002')")
    postmaster = psutil.Process(server.pid)
    backends = postmaster.children()

    os.kill(server.pid, signal.SIGKILL)
    wait_until_gone([postmaster, *backends])
    assert (pgdata / "postmaster.pid").exists(), "a crash leaves its postmaster.pid behind"

    recovered = ensure_running(pgdata)

    assert recovered.pid != server.pid
    assert [p.pid for p in postmasters_on(pgdata)] == [recovered.pid]
    with connect(recovered) as conn:
        assert conn.execute("SELECT number FROM orders ORDER BY number").fetchall() == [("OTOP-0001",), ("OTOP-0002",)]


def test_another_process_recovers_at_once_after_the_server_is_killed(pgdata):
    """A restart right after the crash, while the dead postmaster may not even be reaped yet."""
    server = ensure_running(pgdata)
    with connect(server) as conn:
        conn.execute("CREATE TABLE stalls (code text)")
        conn.execute("INSERT INTO stalls VALUES ('B-12')")

    os.kill(server.pid, signal.SIGKILL)
    recovered = result_of(start_elsewhere(pgdata))

    assert recovered["pid"] != server.pid
    assert [p.pid for p in postmasters_on(pgdata)] == [recovered["pid"]]
    with psycopg.connect(
        host=recovered["socket_dir"], port=recovered["port"], user="postgres", dbname="otop", connect_timeout=5
    ) as conn:
        assert conn.execute("SELECT code FROM stalls").fetchall() == [("B-12",)]


def test_stop_answers_false_when_nothing_runs(pgdata):
    pgdata.mkdir()

    assert stop(pgdata) is False
