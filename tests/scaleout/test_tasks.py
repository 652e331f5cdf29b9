"""Background tasks with real workers (docs/tasks.md): the database queue keeps what is enqueued
while no worker runs, a failing task is retried with back-off and then listed for staff, a
worker killed mid-task leaves a task that runs again without sending an e-mail twice, the
periodic jobs are enqueued once, and the RQ backend runs the same tasks from Redis.

The workers are `manage.py run_worker` processes on this test's database (tests.scaleout.
worker_settings); their e-mails are written to a file, one line each."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.models import EmailDelivery, FailedTask, PeriodicRun
from core.tasks import email_enqueue, schedule_due, tasks_requeue_abandoned
from orders.models import Order
from tests.factories import UserFactory, place_one
from tests.orders import conftest as orders_fixtures
from tests.scaleout import servers

ROOT = Path(__file__).resolve().parents[2]
# The orders' fixtures: a shop with its manager, a scarf in stock, the fair-stock limits raised.
shop, manager, scarf = orders_fixtures.shop, orders_fixtures.manager, orders_fixtures.scarf
unpaid_limits_raised = orders_fixtures.unpaid_limits_raised

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
REDIS_TEST_URL = "redis://127.0.0.1:6379/12"


@pytest.fixture
def database_queue(settings):
    """Tasks go to the database queue, as on the site, instead of running in the test."""
    settings.TASKS = DATABASE_BACKEND
    return settings


@pytest.fixture
def staff_client(client):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin, backend="accounts.backends.UsernameOrEmailBackend")
    return client


@pytest.fixture
def mail_log(tmp_path) -> Path:
    return tmp_path / "mails.jsonl"


def mails_in(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def worker_environment(mail_log: Path, **extra) -> dict:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "tests.scaleout.worker_settings",
        "DATABASE_URL": servers.database_url(connection.settings_dict),
        "EMAIL_LOG_PATH": str(mail_log),
        "PYTHONPATH": str(ROOT),
    } | extra


def run_worker(mail_log: Path, *arguments: str, code: str | None = None, timeout: float = 60, **extra):
    """Run `manage.py run_worker ARGUMENTS` (or Python `code`) as a process of its own; return it
    once it has exited."""
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", "run_worker", *arguments]
    return subprocess.run(command, cwd=ROOT, env=worker_environment(mail_log, **extra),
                          capture_output=True, text=True, timeout=timeout, check=False)


def test_an_email_of_a_change_that_rolled_back_is_never_queued(database_queue, db):
    with pytest.raises(RuntimeError), transaction.atomic():
        email_enqueue(subject="Never", body="Rolled back", to=["nobody@example.com"])
        raise RuntimeError("the change failed")
    assert not DBTaskResult.objects.exists()


@pytest.mark.slow
def test_orders_placed_while_no_worker_runs_are_mailed_once_a_worker_starts(
    database_queue, transactional_db, buyer, manager, scarf, unpaid_limits_raised, mail_log
):
    orders = [place_one(buyer, scarf, 1) for _ in range(3)]

    # Placed and committed, with no worker running: nothing sent, every e-mail waiting.
    assert len(mail.outbox) == 0 and mails_in(mail_log) == []
    waiting = DBTaskResult.objects.filter(task_path="core.tasks.email_send", status=TaskResultStatus.READY)
    assert waiting.count() == 3 * 3  # the buyer, the producer's address and its manager

    finished = run_worker(mail_log, "--batch")
    assert finished.returncode == 0, finished.stderr

    sent = mails_in(mail_log)
    assert len(sent) == 9
    for order in orders:
        about = [m for m in sent if order.number in m["subject"]]
        assert sorted(address for m in about for address in m["to"]) == sorted(
            ["buyer@example.com", "orders@tha-sawang.example", "somsri@example.com"]
        )
    assert not waiting.exists()
    assert EmailDelivery.objects.count() == 9


@pytest.mark.slow
def test_a_failing_task_is_retried_with_back_off_then_listed_for_staff(
    database_queue, transactional_db, staff_client, mail_log
):
    from tests.scaleout.task_doubles import always_fails

    always_fails.enqueue(reason="the mail server is down")

    finished = run_worker(mail_log, "--max-tasks", "3", "--interval", "0.05", "--no-schedule",
                          TASKS_RETRY_BACKOFF="0.5")
    assert finished.returncode == 0, finished.stderr

    attempts = list(DBTaskResult.objects.filter(task_path=always_fails.module_path).order_by("enqueued_at"))
    assert [a.status for a in attempts] == [TaskResultStatus.FAILED] * 3
    assert [a.args_kwargs["kwargs"].get("_attempt", 1) for a in attempts] == [1, 2, 3]
    # Each retry waits twice as long as the one before: 0.5 s, then 1 s.
    waits = [(a.run_after - a.enqueued_at).total_seconds() for a in attempts[1:]]
    assert 0.45 <= waits[0] < 0.9 and 0.95 <= waits[1] < 1.4, waits
    assert attempts[2].started_at >= attempts[2].run_after

    (failed,) = FailedTask.objects.all()
    assert failed.task_path == "tests.scaleout.task_doubles.always_fails"
    assert failed.attempts == 3
    assert failed.error == "RuntimeError: the mail server is down"
    assert failed.arguments["kwargs"]["reason"] == "the mail server is down"

    page = staff_client.get("/admin/core/failedtask/")
    assert page.status_code == 200
    assert "RuntimeError: the mail server is down" in page.content.decode()

    # Staff run it again: queued afresh, from its first attempt.
    staff_client.post("/admin/core/failedtask/", {"action": "run_again", "_selected_action": [failed.pk]})
    again = DBTaskResult.objects.filter(task_path=always_fails.module_path, status=TaskResultStatus.READY).get()
    assert again.args_kwargs["kwargs"] == {"reason": "the mail server is down"}


# Stand-in for a worker killed at the worst moment: the task has run (its e-mail sent and its
# delivery recorded) but its result is not saved yet.
KILLED_BEFORE_THE_RESULT_IS_SAVED = """
import os, signal, django
django.setup()
from django_tasks_db.models import DBTaskResult
DBTaskResult.set_successful = lambda self, value: os.kill(os.getpid(), signal.SIGKILL)
from django.core.management import call_command
call_command("run_worker", "--max-tasks", "1", "--no-schedule")
"""


@pytest.mark.slow
def test_a_worker_killed_mid_task_leaves_the_task_to_run_again_without_a_second_email(
    database_queue, transactional_db, mail_log
):
    email_enqueue(subject="Your order OT-1 is placed", body="Thank you", to=["buyer@example.com"])

    killed = run_worker(mail_log, code=KILLED_BEFORE_THE_RESULT_IS_SAVED)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    (task,) = DBTaskResult.objects.all()
    assert task.status == TaskResultStatus.RUNNING
    assert len(mails_in(mail_log)) == 1

    # The dead worker's lock is freed when the server notices its connection is gone.
    deadline = time.monotonic() + 10
    while not tasks_requeue_abandoned():
        assert time.monotonic() < deadline, "the killed worker's task was never queued again"
        time.sleep(0.1)
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY

    finished = run_worker(mail_log, "--batch")
    assert finished.returncode == 0, finished.stderr
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.return_value == "already sent"
    assert len(task.worker_ids) == 2
    assert mails_in(mail_log) == [{"to": ["buyer@example.com"], "subject": "Your order OT-1 is placed"}]


def test_a_live_workers_running_task_is_left_alone(database_queue, db):
    from core.tasks import worker_liveness_lock

    email_enqueue(subject="Hello", body="Hi", to=["someone@example.com"])
    task = DBTaskResult.objects.get()
    task.claim("otop-live-worker")
    live = worker_liveness_lock("otop-live-worker")
    try:
        assert tasks_requeue_abandoned() == 0
    finally:
        live.close()
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


def test_a_worker_back_from_a_database_outage_queues_again_only_the_tasks_it_left_running(database_queue, db):
    from core.tasks import tasks_requeue_left_by

    for subject in ("Cut off", "Another worker's"):
        email_enqueue(subject=subject, body="Hi", to=["someone@example.com"])
    by_subject = {task.args_kwargs["kwargs"]["subject"]: task for task in DBTaskResult.objects.all()}
    cut_off, others = by_subject["Cut off"], by_subject["Another worker's"]
    cut_off.claim("otop-back-from-the-outage")
    others.claim("otop-another-worker")

    assert tasks_requeue_left_by("otop-back-from-the-outage") == 1
    cut_off.refresh_from_db()
    others.refresh_from_db()
    assert (cut_off.status, others.status) == (TaskResultStatus.READY, TaskResultStatus.RUNNING)


def test_periodic_jobs_are_enqueued_once_however_many_workers_tick(database_queue, db):
    now = timezone.now()
    first = schedule_due(now=now)
    assert set(first) == set(database_queue.TASKS_SCHEDULE)
    # Another worker ticking at the same moment, or a second later, finds nothing due.
    assert schedule_due(now=now) == []
    assert schedule_due(now=now + timedelta(seconds=1)) == []
    assert DBTaskResult.objects.filter(task_path="orders.tasks.orders_expire_due").count() == 1
    expiry = PeriodicRun.objects.get(name="orders.tasks.orders_expire_due")
    every = database_queue.TASKS_SCHEDULE["orders.tasks.orders_expire_due"]
    assert expiry.next_run_at == now + timedelta(seconds=every)
    assert schedule_due(now=expiry.next_run_at) == ["orders.tasks.orders_expire_due"]


@pytest.mark.slow
def test_the_worker_expires_unpaid_orders_on_its_schedule(database_queue, transactional_db, buyer, manager, scarf, mail_log):
    order = place_one(buyer, scarf, 2)
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    finished = run_worker(mail_log, "--batch")
    assert finished.returncode == 0, finished.stderr

    order.refresh_from_db()
    assert order.state == Order.State.CANCELLED
    scarf.refresh_from_db()
    assert scarf.stock == 10
    assert any(f"{order.number} is cancelled" in m["subject"] for m in mails_in(mail_log))


def redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as error:
        reason = (f"Redis is not reachable at {REDIS_TEST_URL} ({error}): the RQ backend's test needs it "
                  "(README.md, section Scale-out; docs/tasks.md, section RQ)")
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    client = redis.Redis.from_url(REDIS_TEST_URL)
    client.flushdb()
    return client


@pytest.mark.slow
def test_the_rq_backend_runs_tasks_from_redis_in_a_burst_worker(settings, transactional_db, mail_log):
    redis_client = redis_or_skip()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": REDIS_TEST_URL}}
    try:
        email_enqueue(subject="Sent through RQ", body="Hello", to=["rq@example.com"])
        assert redis_client.llen("rq:queue:default") == 1
        assert mails_in(mail_log) == []

        finished = run_worker(mail_log, "--batch", "--no-schedule", WORKER_TASKS_BACKEND="rq",
                              TASKS_REDIS_URL=REDIS_TEST_URL)
        assert finished.returncode == 0, finished.stderr

        assert mails_in(mail_log) == [{"to": ["rq@example.com"], "subject": "Sent through RQ"}]
        assert redis_client.llen("rq:queue:default") == 0
        assert EmailDelivery.objects.filter(subject="Sent through RQ").exists()
    finally:
        redis_client.flushdb()


def search_document_of(product) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_document::text FROM catalogue_product WHERE id = %s", [product.pk])
        return cursor.fetchone()[0] or ""


@pytest.mark.slow
def test_a_products_search_document_is_rebuilt_by_the_worker_after_its_change(
    database_queue, transactional_db, scarf, mail_log
):
    scarf.name_en = "Zanzibarwidget scarf"
    scarf.save()

    assert "zanzibarwidget" not in search_document_of(scarf)
    assert DBTaskResult.objects.filter(task_path="catalogue.tasks.search_reindex", status=TaskResultStatus.READY).exists()

    finished = run_worker(mail_log, "--batch", "--no-schedule")
    assert finished.returncode == 0, finished.stderr
    assert "zanzibarwidget" in search_document_of(scarf)


def test_the_queue_depth_counts_the_tasks_due_and_not_those_waiting_to_retry(database_queue, db):
    from core.tasks import email_send, tasks_waiting

    assert tasks_waiting() == 0
    email_enqueue(subject="Now", body="Hi", to=["a@example.com"])
    email_send.using(run_after=timezone.now() + timedelta(minutes=5)).enqueue(
        key="later", subject="Later", body="Hi", to=["b@example.com"], _attempt=2
    )
    assert tasks_waiting() == 1


@pytest.mark.slow
def test_an_uploaded_images_thumbnails_are_made_by_the_worker(database_queue, transactional_db, media_root, mail_log):
    from django.core.files.storage import default_storage

    from core import images
    from tests.producers import imagefiles

    name = images.store_image(images.clean_upload(imagefiles.good_jpeg()), folder="producers/photos")
    thumbnails = [images.thumbnail_name(name, size) for size in images.THUMBNAIL_SIZES]
    assert default_storage.exists(name)
    assert not any(default_storage.exists(thumbnail) for thumbnail in thumbnails)

    finished = run_worker(mail_log, "--batch", "--no-schedule", MEDIA_ROOT=str(media_root))
    assert finished.returncode == 0, finished.stderr
    assert all(default_storage.exists(thumbnail) for thumbnail in thumbnails)


# --- Periodic clean-ups: expired sessions, django-axes' old records -------------------------------


def sessions_of_age(**expiry_offsets) -> None:
    """A session per keyword: its key, and how far from now it expires (negative: expired)."""
    from django.contrib.sessions.models import Session

    for key, offset in expiry_offsets.items():
        Session.objects.create(session_key=key, session_data="e30:stub", expire_date=timezone.now() + offset)


def login_records_of_age(**ages) -> None:
    """django-axes' records, one of each kind per keyword: its user name, and how long ago it was written."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    common = {"user_agent": "Firefox", "ip_address": "203.0.113.9", "http_accept": "*/*", "path_info": "/accounts/login/"}
    for username, age in ages.items():
        attempt = AccessAttempt.objects.create(username=username, get_data="", post_data="", failures_since_start=3, **common)
        failure = AccessFailureLog.objects.create(username=username, **common)
        log = AccessLog.objects.create(username=username, **common)
        for record in (attempt, failure, log):
            type(record).objects.filter(pk=record.pk).update(attempt_time=timezone.now() - age)


def test_the_expired_sessions_are_cleared_and_the_live_ones_kept(db):
    from django.contrib.sessions.models import Session

    from core.tasks import sessions_clear_expired

    sessions_of_age(expired_yesterday=timedelta(days=-1), expired_just_now=timedelta(seconds=-1),
                    live=timedelta(minutes=5), live_for_weeks=timedelta(weeks=2))
    result = sessions_clear_expired.enqueue()
    assert result.return_value == 2
    assert set(Session.objects.values_list("session_key", flat=True)) == {"live", "live_for_weeks"}


def test_login_records_are_pruned_past_their_cool_off_and_retention(db, settings):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from core.tasks import login_records_prune

    settings.LOGIN_RECORDS_KEEP_DAYS = 90
    # The cool-off is 15 minutes: an attempt older than that locks nobody out any more.
    login_records_of_age(now=timedelta(minutes=1), last_hour=timedelta(hours=1),
                         last_month=timedelta(days=30), last_year=timedelta(days=365))
    result = login_records_prune.enqueue()

    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"now"}
    for model in (AccessLog, AccessFailureLog):
        assert set(model.objects.values_list("username", flat=True)) == {"now", "last_hour", "last_month"}
    assert result.return_value == 3 + 2


def test_the_clean_ups_delete_in_batches(db):
    from django.contrib.sessions.models import Session

    from core.tasks import _delete_in_batches

    sessions_of_age(**{f"expired{n}": timedelta(days=-1) for n in range(7)}, live=timedelta(days=1))
    assert _delete_in_batches(Session.objects.filter(expire_date__lt=timezone.now()), batch=3) == 7
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]


@pytest.mark.slow
def test_the_worker_clears_expired_sessions_and_old_login_records_on_its_schedule(database_queue, transactional_db, mail_log):
    from axes.models import AccessAttempt, AccessLog
    from django.contrib.sessions.models import Session

    assert {"core.tasks.sessions_clear_expired", "core.tasks.login_records_prune"} <= set(database_queue.TASKS_SCHEDULE)
    sessions_of_age(expired=timedelta(hours=-1), live=timedelta(hours=1))
    login_records_of_age(recent=timedelta(minutes=1), old=timedelta(days=400))

    finished = run_worker(mail_log, "--batch")
    assert finished.returncode == 0, finished.stderr

    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["recent"]
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["recent"]
    ran = {run.name for run in PeriodicRun.objects.filter(last_enqueued_at__isnull=False)}
    assert {"core.tasks.sessions_clear_expired", "core.tasks.login_records_prune"} <= ran


# --- Task log lines: the task's id, a retried attempt at WARNING -----------------------------------


def json_lines(text: str) -> list[dict]:
    lines = []
    for line in text.splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


@pytest.mark.slow
def test_each_attempts_log_line_carries_its_task_id_and_only_the_last_failure_is_an_error(
    database_queue, transactional_db, mail_log
):
    from tests.scaleout.task_doubles import always_fails

    always_fails.enqueue(reason="the mail server is down")
    finished = run_worker(mail_log, "--max-tasks", "3", "--interval", "0.05", "--no-schedule", TASKS_RETRY_BACKOFF="0.1")
    assert finished.returncode == 0, finished.stderr

    attempts = [str(a.id) for a in DBTaskResult.objects.filter(task_path=always_fails.module_path).order_by("enqueued_at")]
    lines = json_lines(finished.stderr)
    ours = [line for line in lines if line["logger"] == "otop.tasks" and line.get("task") == always_fails.module_path]
    assert [(line["status"], line["level"], line["attempt"]) for line in ours] == [
        ("retrying", "WARNING", 1), ("retrying", "WARNING", 2), ("failed", "ERROR", 3),
    ]
    assert [line["task_id"] for line in ours] == attempts
    assert [line.get("retry_task_id") for line in ours] == [attempts[1], attempts[2], None]
    assert all(line["error"] == "RuntimeError: the mail server is down" for line in ours)
    assert "exception" in ours[2] and "exception" not in ours[0]
    # django-tasks' own line for each failed attempt is lowered: one ERROR (ours) reaches Sentry.
    errors = [line for line in lines if line["level"] == "ERROR"]
    assert errors == [ours[2]], errors
    assert len([line for line in lines if line["logger"] == "django_tasks" and "state=FAILED" in line["message"]]) == 3


def test_a_task_run_at_once_logs_its_id(settings, db):
    import logging

    from core.logs import TASK_LOGGER
    from core.tasks import sessions_clear_expired

    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logging.getLogger(TASK_LOGGER).addHandler(handler)
    try:
        result = sessions_clear_expired.enqueue()
    finally:
        logging.getLogger(TASK_LOGGER).removeHandler(handler)
    (line,) = records
    assert line.task_id == str(result.id) and line.status == "succeeded" and line.levelname == "INFO"


def test_the_task_frameworks_line_for_an_error_log_task_reported_is_lowered_to_a_warning():
    import logging

    from core.logs import TaskFailureLoggedFilter, log_task

    reported, unreported = RuntimeError("retried"), RuntimeError("another task's")
    log_task("tests.some_task", "retrying", 1.0, "id-1", error=reported, attempt=1)
    lowered = TaskFailureLoggedFilter()
    for error, level in ((reported, logging.WARNING), (unreported, logging.ERROR)):
        record = logging.LogRecord("django_tasks", logging.ERROR, __file__, 1, "Task failed", (), (type(error), error, None))
        assert lowered.filter(record)
        assert record.levelno == level
        # RQ's worker logs the failure without exc_info, inside the `except` that caught it.
        try:
            raise error
        except RuntimeError:
            record = logging.LogRecord("rq.worker", logging.ERROR, __file__, 1, "job: exception raised", (), None)
            assert lowered.filter(record)
        assert record.levelno == level


# --- The RQ queue's Redis database --------------------------------------------------------------


def test_the_queue_takes_the_redis_database_after_the_caches():
    from otop_site.settings.redis_urls import next_database_url, redis_database, task_queue_redis_url

    assert task_queue_redis_url(queue_url="", cache_url="redis://cache.internal:6380/2") == "redis://cache.internal:6380/3"
    assert task_queue_redis_url(queue_url="", cache_url="redis://:secret@cache.internal") == "redis://:secret@cache.internal/1"
    assert task_queue_redis_url(queue_url="redis://queue.internal/0", cache_url="redis://cache.internal/0") == "redis://queue.internal/0"
    assert task_queue_redis_url(queue_url="", cache_url="") == "redis://127.0.0.1:6379/0"
    assert next_database_url("unix:///run/redis.sock?db=4") == "unix:///run/redis.sock?db=5"
    assert next_database_url("rediss://cache.internal:6380/0?ssl_cert_reqs=none") == "rediss://cache.internal:6380/1?ssl_cert_reqs=none"
    assert redis_database("redis://Cache.internal/0") == redis_database("redis://cache.internal:6379")
    assert redis_database("redis://cache.internal/0") != redis_database("redis://cache.internal/1")


def test_the_settings_never_put_the_queue_in_the_caches_redis_database():
    from tests.site.processes import import_settings, settings_values

    # A DATABASE_URL, or the settings would start the embedded server; it is never connected to.
    environment = {"DATABASE_URL": "postgres://postgres@127.0.0.1:1/none", "TASKS_BACKEND": "rq",
                   "REDIS_URL": "redis://cache.internal:6379/0"}
    derived = settings_values("otop_site.settings.base", ["RQ_QUEUES"], **environment)["RQ_QUEUES"]
    assert derived["default"]["URL"] == "redis://cache.internal:6379/1"

    shared = import_settings("otop_site.settings.base", ["RQ_QUEUES"], **environment, TASKS_REDIS_URL="redis://cache.internal:6379")
    assert shared.returncode != 0
    assert "ImproperlyConfigured: TASKS_REDIS_URL names the cache's Redis database" in shared.stderr
