"""Faults while the site runs: PostgreSQL stopped, Redis stopped; the task worker through both.

The site runs under gunicorn in a subprocess against a PostgreSQL cluster and a Redis of this
module's own (never the machine's services, which other suites use), so both can be stopped and
started again. What must hold: with PostgreSQL stopped, the styled 503 within a second and
/healthz 503, and recovery by itself; with Redis stopped, every page still answered (signed-in
visitors stay signed in: their sessions are also in the database) and the cache used again when
Redis is back.
"""

import contextlib
import http.cookiejar
import json
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import redis

from tests.site.processes import PROJECT_DIR, clean_environment

from .services import Answer, get, manage, postgres_cluster, redis_server, served_site

pytestmark = pytest.mark.slow

DATABASE = "otop"
STYLED_503 = "The marketplace is briefly unavailable"
# Pages that read the database; the login form for an anonymous visitor reads nothing from it.
DATABASE_PAGES = ["/", "/products/", "/producers/"]
PAGES = [*DATABASE_PAGES, "/accounts/login/"]
VISITOR, PASSWORD = "fair-visitor", "Khon-Kaen-silk-2026"

MAKE_VISITOR = f"""
from django.utils import timezone
from accounts.models import User
User.objects.create_user(username={VISITOR!r}, email="visitor@example.com", password={PASSWORD!r}, email_verified_at=timezone.now())
"""


@pytest.fixture(scope="module")
def cluster():
    """A cluster of the module's own with the project's tables and one visitor's account."""
    with postgres_cluster() as server:
        with server.connect() as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")
        environment = clean_environment(DATABASE_URL=server.url(DATABASE), DJANGO_SETTINGS_MODULE="tests.site.served_settings")
        manage("migrate", "--noinput", environment=environment)
        manage("createcachetable", environment=environment)
        manage("shell", "-c", MAKE_VISITOR, environment=environment)
        yield server


def wait_until(check, *, seconds: float = 20) -> float:
    """Seconds until `check()` holds; fails after `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        try:
            if check():
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds} s")


def assert_styled_503(answer: Answer, log=None) -> None:
    assert answer.status == 503, (answer.status, log.read_text()[-6000:] if log else "")
    assert STYLED_503 in answer.body
    assert '<link rel="stylesheet" href="/static/css/site.css">' in answer.body
    assert answer.headers.get("Retry-After") == "30"


# --- PostgreSQL stopped -----------------------------------------------------------------------


def test_postgresql_stopped_gives_the_styled_503_within_a_second_and_the_site_recovers_by_itself(cluster):
    with served_site(DATABASE_URL=cluster.url(DATABASE)) as (port, log):
        assert [get(port, path).status for path in PAGES] == [200] * len(PAGES)

        cluster.stop("fast")
        try:
            pages = [get(port, path) for _ in range(3) for path in DATABASE_PAGES]
            form = get(port, "/accounts/login/")
            health = [get(port, "/healthz") for _ in range(3)]
            ready = get(port, "/readyz")
        finally:
            cluster.start()

        print("PostgreSQL stopped: pages " + ", ".join(f"{a.status} in {a.seconds:.2f} s" for a in pages))
        for page in pages:
            assert_styled_503(page, log)
            assert page.seconds < 1, page.seconds
        assert form.status == 200 or STYLED_503 in form.body, "a page that needs no database is still served"
        assert [answer.status for answer in health] == [503, 503, 503]
        assert max(answer.seconds for answer in health) < 1
        assert health[0].body == '{"status": "unavailable", "database": "down"}'
        assert ready.status == 503 and '"database": "down"' in ready.body

        # Each gunicorn worker keeps its own pool and probe: ask often enough to reach both.
        recovered = wait_until(lambda: all(get(port, path).status == 200 for path in [*PAGES, "/healthz", "/readyz"] * 2))
        print(f"PostgreSQL back: every page 200 after {recovered:.2f} s")
        assert all(get(port, path).status == 200 for path in PAGES * 2)


# --- Redis stopped ----------------------------------------------------------------------------


class Browser:
    """A visitor with cookies, who can sign in through the login form."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects())

    def open(self, path: str, data: dict | None = None) -> Answer:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})  # noqa: S310 - the site on loopback
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=30) as response:
                return Answer(response.status, dict(response.headers), response.read().decode(), time.monotonic() - started)
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read().decode(), time.monotonic() - started)

    def sign_in(self) -> Answer:
        form = self.open("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.body).group(1)
        return self.open("/accounts/login/", {"csrfmiddlewaretoken": token, "username": VISITOR, "password": PASSWORD})

    def signed_in(self) -> bool:
        return self.open("/accounts/profile/").status == 200


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_redis_stopped_pages_still_answer_without_the_cache_and_it_is_used_again_when_back(cluster, tmp_path):
    from .services import free_port

    redis_port = free_port()
    with redis_server(redis_port, tmp_path) as cache_server, served_site(
        DATABASE_URL=cluster.url(DATABASE), REDIS_URL=cache_server.url
    ) as (port, log):
        signed_in_before = Browser(port)
        assert signed_in_before.sign_in().status == 302
        assert signed_in_before.signed_in()
        assert [get(port, path).status for path in PAGES] == [200] * len(PAGES)
        assert '"cache": "up"' in get(port, "/readyz").body
        assert redis.Redis(port=redis_port).dbsize() > 0, "the site uses Redis while it runs"

        cache_server.stop()
        pages = [get(port, path) for _ in range(2) for path in PAGES]
        still_signed_in = signed_in_before.signed_in()
        newcomer = Browser(port)
        sign_in_while_down = newcomer.sign_in()
        newcomer_signed_in = newcomer.signed_in()
        health, ready = get(port, "/healthz"), get(port, "/readyz")

        print("Redis stopped: pages " + ", ".join(f"{a.status} in {a.seconds:.2f} s" for a in pages))
        assert [page.status for page in pages] == [200] * len(pages)
        assert max(page.seconds for page in pages) < 3
        assert still_signed_in, "a visitor signed in before stays signed in (the session is in the database too)"
        assert sign_in_while_down.status == 302 and newcomer_signed_in, "signing in works without Redis"
        assert health.status == 200, "the process and its database are fine"
        assert ready.status == 503 and '"cache": "down"' in ready.body

        cache_server.start()
        recovered = wait_until(lambda: all('"cache": "up"' in get(port, "/readyz").body for _ in range(4)))
        for path in PAGES:
            assert get(port, path).status == 200
        assert signed_in_before.signed_in() and newcomer.signed_in()
        assert redis.Redis(port=redis_port).dbsize() > 0, "the cache is used again"
        print(f"Redis back: the cache is used again after {recovered:.2f} s")
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]  # not gunicorn's own
        requests = [line for line in lines if line["logger"] == "otop.requests"]
        assert len(requests) > 20
        # /readyz said 503 ("cache": "down") on purpose; nothing else may have failed.
        assert not [line for line in requests if line["status"] >= 500 and line["path"] != "/readyz"], "no error while Redis was away"


def test_a_hung_redis_costs_pages_one_short_wait_not_one_per_cache_operation(cluster, tmp_path):
    from .services import free_port

    redis_port = free_port()
    with redis_server(redis_port, tmp_path) as cache_server, served_site(
        DATABASE_URL=cluster.url(DATABASE), REDIS_URL=cache_server.url
    ) as (port, _log):
        assert [get(port, path).status for path in PAGES] == [200] * len(PAGES)

        cache_server.process.send_signal(signal.SIGSTOP)  # accepts connections, answers nothing
        try:
            pages = [get(port, path) for _ in range(3) for path in PAGES]
        finally:
            cache_server.process.send_signal(signal.SIGCONT)

        print("Redis hung: pages " + ", ".join(f"{a.status} in {a.seconds:.2f} s" for a in pages))
        assert [page.status for page in pages] == [200] * len(pages)
        # A socket timeout (0.5 s) at most once per process every REDIS_RETRY_AFTER (2 s), not once
        # per cache operation (a dozen a page: 7 to 9 s a page without the pause).
        assert max(page.seconds for page in pages) < 1.5
        assert sum(page.seconds for page in pages) < 4
        wait_until(lambda: all('"cache": "up"' in get(port, "/readyz").body for _ in range(4)))


# --- The task worker through an outage ---------------------------------------------------------


class TaskWorker:
    """`manage.py run_worker` in a process of its own on the module's cluster (its e-mails written
    to a file, its log lines to another), and the e-mails a test queues for it."""

    def __init__(self, folder, **environment: str):
        self.mail_log = folder / "mails.jsonl"
        self.stderr = folder / "worker.log"
        self.environment = clean_environment(
            DJANGO_SETTINGS_MODULE="tests.scaleout.worker_settings", EMAIL_LOG_PATH=str(self.mail_log),
            LOG_FORMAT="json", DATABASE_POOL_SIZE="4", **environment,
        )
        self.process = None

    def start(self) -> None:
        command = [sys.executable, "manage.py", "run_worker", "--interval", "0.2", "--tick", "1", "--retry-max", "2"]
        with open(self.stderr, "wb") as stderr:
            self.process = subprocess.Popen(command, cwd=PROJECT_DIR, env=self.environment, stdout=subprocess.DEVNULL, stderr=stderr)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def queue_email(self, subject: str) -> None:
        code = f"from core.tasks import email_enqueue; email_enqueue(subject={subject!r}, body='Hi', to=['buyer@example.com'])"
        manage("shell", "-c", code, environment=self.environment)

    def subjects_sent(self) -> list[str]:
        if not self.mail_log.exists():
            return []
        return [json.loads(line)["subject"] for line in self.mail_log.read_text().splitlines()]

    def log_lines(self) -> list[dict]:
        lines = []
        for line in self.stderr.read_text().splitlines():
            with contextlib.suppress(ValueError):  # not JSON, or a line still being written
                lines.append(json.loads(line))
        return lines

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self) -> str:
        return self.stderr.read_text()[-3000:]


@pytest.fixture
def task_worker(cluster, tmp_path):
    worker = TaskWorker(tmp_path, DATABASE_URL=cluster.url(DATABASE))
    yield worker
    worker.stop()


def test_the_task_worker_outlives_a_postgresql_outage_and_runs_what_is_queued_after_it(cluster, task_worker):
    task_worker.start()
    task_worker.queue_email("Before the outage")
    wait_until(lambda: task_worker.subjects_sent() == ["Before the outage"], seconds=30)

    cluster.stop("fast")
    try:
        time.sleep(4)
        assert task_worker.alive(), task_worker.log_tail()
    finally:
        cluster.start()

    task_worker.queue_email("After the outage")
    waited = wait_until(lambda: "After the outage" in task_worker.subjects_sent(), seconds=30)
    print(f"PostgreSQL back: the worker sent the e-mail queued after the outage within {waited:.2f} s")
    assert task_worker.subjects_sent() == ["Before the outage", "After the outage"]
    assert task_worker.alive(), "the same worker process ran it"

    outage = [line for line in task_worker.log_lines() if line.get("event") == "worker_outage"]
    assert outage[0]["level"] == "ERROR" and outage[0]["service"] == "database"
    assert outage[0]["retry_in"] == 1 and outage[0]["worker_id"].startswith("otop-")
    assert all(line["level"] == "WARNING" and line["retry_in"] <= 2 for line in outage[1:]), "capped back-off"
    assert any(line.get("event") == "worker_recovered" for line in task_worker.log_lines())

    task_worker.process.send_signal(signal.SIGTERM)
    assert task_worker.process.wait(timeout=5) == 0


def test_a_task_cut_off_by_a_postgresql_outage_runs_again_once_the_server_is_back(cluster, task_worker):
    def naps_rows() -> list[tuple]:
        with cluster.connect(DATABASE) as conn:
            return conn.execute(
                "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE task_path = %s",
                ["tests.scaleout.task_doubles.naps"],
            ).fetchall()

    task_worker.start()
    manage("shell", "-c", "from tests.scaleout.task_doubles import naps; naps.enqueue(seconds=3)",
           environment=task_worker.environment)
    wait_until(lambda: [status for status, _ in naps_rows()] == ["RUNNING"], seconds=30)
    cluster.stop("fast")  # the nap ends while the server is down: its result cannot be saved
    try:
        time.sleep(4)
        assert task_worker.alive(), task_worker.log_tail()
    finally:
        cluster.start()

    wait_until(lambda: [status for status, _ in naps_rows()] == ["SUCCESSFUL"], seconds=40)
    ((_, worker_ids),) = naps_rows()
    assert len(worker_ids) == 2 and worker_ids[0] == worker_ids[1], "run again by the same worker"
    assert task_worker.alive()
    # Queued again by the worker itself once back, or by its scheduler thread if that came first.
    messages = [line["message"] for line in task_worker.log_lines()]
    assert any("cut off by a database outage" in message or "which is gone" in message for message in messages)


def test_the_task_worker_waiting_out_an_outage_stops_at_once_on_sigterm(cluster, task_worker):
    task_worker.start()
    task_worker.queue_email("Before the outage")
    wait_until(lambda: task_worker.subjects_sent() == ["Before the outage"], seconds=30)
    cluster.stop("fast")
    try:
        time.sleep(2.5)  # in its back-off wait
        started = time.monotonic()
        task_worker.process.send_signal(signal.SIGTERM)
        code = task_worker.process.wait(timeout=5)
        stopped = time.monotonic() - started
    finally:
        cluster.start()
    assert code == 0 and stopped < 1.5, (code, stopped)


def test_the_rq_task_worker_waits_for_redis_and_outlives_its_restart(cluster, tmp_path):
    from .services import RedisServer, free_port

    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    queue = RedisServer(port=free_port(), folder=tmp_path)
    worker = TaskWorker(tmp_path, DATABASE_URL=cluster.url(DATABASE), WORKER_TASKS_BACKEND="rq", TASKS_REDIS_URL=queue.url)
    try:
        # Started while Redis is down: it waits for it.
        worker.start()
        time.sleep(5)
        assert worker.alive(), worker.log_tail()
        queue.start()
        worker.queue_email("Redis started")
        wait_until(lambda: worker.subjects_sent() == ["Redis started"], seconds=30)

        # Redis killed and started again (empty) under a running worker.
        queue.stop()
        time.sleep(3)
        queue.start()
        worker.queue_email("Redis restarted")
        wait_until(lambda: "Redis restarted" in worker.subjects_sent(), seconds=30)
        assert worker.alive(), "the same worker process ran it"
        assert worker.subjects_sent() == ["Redis started", "Redis restarted"]
        outage = [line for line in worker.log_lines() if line.get("event") == "worker_outage"]
        assert outage[0]["level"] == "ERROR" and outage[0]["service"] == "redis"

        started = time.monotonic()
        worker.process.send_signal(signal.SIGTERM)
        assert worker.process.wait(timeout=10) == 0
        assert time.monotonic() - started < 5
    finally:
        worker.stop()
        queue.stop()
