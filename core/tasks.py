"""Background work through Django's task framework (django-tasks until Django 6, whose
`django.tasks` is the same API: moving is an import change). What runs here, the worker, the
schedule and the retries are described in docs/tasks.md.

- `background_task`: a task retried with back-off when it raises, and recorded as a FailedTask
  for staff once its last attempt fails.
- `enqueue_after_commit`: enqueue only if the current transaction commits. On the database
  backend the task's row is written inside the transaction itself, so the change and its task
  commit together (nothing is lost between the commit and the enqueue).
- `email_enqueue` / `email_send`: every e-mail the site sends, once in effect: each carries a
  delivery key recorded in the transaction that sends it.
- `schedule_due`: the periodic jobs of settings.TASKS_SCHEDULE, enqueued by whichever worker
  comes first.
- `tasks_requeue_abandoned`: tasks whose worker died mid-run go back to the queue.
"""

import functools
import logging
import time
import traceback
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task, task_backends

from .logs import log_task
from .models import EmailDelivery, FailedTask, PeriodicRun

logger = logging.getLogger("core.tasks")

# The worker ids run_worker gives its workers start with this, so abandoned tasks are looked for
# only among those workers (whose liveness lock is known), never among others'.
WORKER_ID_PREFIX = "otop-"
# First key of the advisory lock a live worker holds for its whole life (the second key is the
# hash of its id): "ot" in ASCII.
WORKER_LOCK_CLASS = 0x6F74


def _is_database_backend(backend) -> bool:
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(backend, DatabaseBackend)


def enqueue_after_commit(task_, *args, **kwargs) -> None:
    """Enqueue `task_` if, and once, the current transaction commits (at once outside one).

    On the database backend the row is written in the transaction, so it commits or rolls back
    with the change that caused it, and no worker sees it before. Other backends (RQ, the
    immediate backend of the tests) are handed the task after the commit; a failure to enqueue
    then never turns a committed change into an error page (robust), it is logged.
    """

    def enqueue():
        try:
            task_.enqueue(*args, **kwargs)
        except Exception:
            logger.exception("Task %s could not be enqueued", task_.module_path)

    if not connection.in_atomic_block:
        enqueue()
    elif _is_database_backend(task_.get_backend()):
        task_.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(enqueue)


def retry_delay(attempt: int) -> timedelta:
    """How long after failed attempt number `attempt` the next one runs: doubling each time."""
    return timedelta(seconds=settings.TASKS_RETRY_BACKOFF * 2 ** (attempt - 1))


def background_task(func: Callable | None = None, *, attempts: int | None = None, priority: int = 0):
    """A task (django-tasks' `@task`) that is tried up to `attempts` times (default
    settings.TASKS_RETRY_ATTEMPTS), each retry later than the last (retry_delay); the error of
    the last attempt is kept as a FailedTask, listed in the admin.

    The attempt travels as the `_attempt` keyword argument. A backend that cannot run a task
    later (the immediate backend of the tests) runs it once."""

    def decorate(func: Callable):
        @functools.wraps(func)
        def run(*args, _attempt: int = 1, **kwargs):
            started = time.perf_counter()
            try:
                result = func(*args, **kwargs)
            except Exception as error:
                log_task(the_task.module_path, "failed", (time.perf_counter() - started) * 1000, attempt=_attempt)
                limit = attempts or settings.TASKS_RETRY_ATTEMPTS
                if _attempt < limit and the_task.get_backend().supports_defer:
                    delay = retry_delay(_attempt)
                    logger.warning("Task %s failed (attempt %d of %d), retried in %s: %r",
                                   the_task.module_path, _attempt, limit, delay, error)
                    the_task.using(run_after=timezone.now() + delay).enqueue(*args, _attempt=_attempt + 1, **kwargs)
                else:
                    logger.error("Task %s failed on its last attempt (%d): %r", the_task.module_path, _attempt, error)
                    FailedTask.objects.create(
                        task_path=the_task.module_path,
                        arguments={"args": list(args), "kwargs": kwargs},
                        attempts=_attempt,
                        error=f"{type(error).__name__}: {error}",
                        traceback="".join(traceback.format_exception(error)),
                    )
                raise
            log_task(the_task.module_path, "succeeded", (time.perf_counter() - started) * 1000, attempt=_attempt)
            return result

        the_task = task(priority=priority)(run)
        return the_task

    return decorate(func) if func else decorate


def failed_task_run_again(failed: FailedTask) -> None:
    """Enqueue a failed task afresh (all its attempts again), from the admin."""
    task_ = import_string(failed.task_path)
    enqueue_after_commit(task_, *failed.arguments.get("args", []), **failed.arguments.get("kwargs", {}))
    failed.retried_at = timezone.now()
    failed.save(update_fields=["retried_at"])


# --- E-mail ------------------------------------------------------------------------------------


@background_task
def email_send(*, key: str, subject: str, body: str, to: list[str], html: str = "") -> str:
    """Send one e-mail unless the delivery `key` was sent already.

    The key is recorded in the transaction that sends the message: if the mail server refuses,
    nothing is recorded and the retry sends it; a second run of the task (its worker killed before
    the result was saved, or two workers at once: the second waits on the key's row lock) finds
    the key and sends nothing. What is left is the instant between the server accepting the
    message and the commit."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                EmailDelivery.objects.create(key=key, recipients=", ".join(to), subject=subject[:300])
        except IntegrityError:
            return "already sent"
        message = EmailMultiAlternatives(subject, body, None, to)
        if html:
            message.attach_alternative(html, "text/html")
        message.send()
    return "sent"


def email_enqueue(*, subject: str, body: str, to: list[str], html: str = "") -> None:
    """Send an e-mail from a worker once the current transaction commits (never for a change that
    rolled back), with a delivery key of its own."""
    enqueue_after_commit(email_send, key=uuid.uuid4().hex, subject=str(subject), body=str(body), to=list(to), html=str(html))


# --- Periodic jobs ------------------------------------------------------------------------------


def schedule_due(*, now=None) -> list[str]:
    """Enqueue the periodic jobs that are due (settings.TASKS_SCHEDULE: a task's path and every
    how many seconds it runs); return their paths.

    Any number of workers call this: a due job's row is locked by the one that takes it (the
    others skip it) and its next run moved on in the same transaction, so it is enqueued once.
    A worker that was down does not catch up on every missed run: the job runs once, then on its
    interval again."""
    schedule = settings.TASKS_SCHEDULE
    now = now or timezone.now()
    PeriodicRun.objects.bulk_create([PeriodicRun(name=name, next_run_at=now) for name in schedule], ignore_conflicts=True)
    enqueued = []
    with transaction.atomic():
        due = PeriodicRun.objects.select_for_update(skip_locked=True).filter(name__in=list(schedule), next_run_at__lte=now)
        for run in due:
            enqueue_after_commit(import_string(run.name))
            run.next_run_at = now + timedelta(seconds=schedule[run.name])
            run.last_enqueued_at = now
            run.save(update_fields=["next_run_at", "last_enqueued_at"])
            enqueued.append(run.name)
    return enqueued


# --- Workers that died mid-task (the database backend) ------------------------------------------


def worker_liveness_lock(worker_id: str):
    """Open a connection of its own that holds the worker's advisory lock while the process lives
    (the server releases it when the connection drops, a SIGKILL included). Returns it; the
    caller closes it on the way out."""
    import psycopg

    params = connection.get_connection_params()
    live = psycopg.connect(**params, autocommit=True)
    live.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [WORKER_LOCK_CLASS, worker_id])
    return live


def tasks_requeue_abandoned() -> int:
    """Put back in the queue the tasks left running by a run_worker process that is gone (killed,
    its machine lost): the advisory lock it held is free. They run again, as a task killed
    mid-way must; the tasks are written to be run twice safely (e-mails by their delivery key).
    Returns how many."""
    from django_tasks_db.models import DBTaskResult

    from django_tasks import TaskResultStatus

    requeued = 0
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update(skip_locked=True).filter(status=TaskResultStatus.RUNNING)
        for result in running:
            worker_id = result.worker_ids[-1] if result.worker_ids else ""
            if not worker_id.startswith(WORKER_ID_PREFIX):
                continue
            with connection.cursor() as cursor:
                # Taken (until this transaction ends) only if no live worker holds it.
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s, hashtext(%s))", [WORKER_LOCK_CLASS, worker_id])
                gone = cursor.fetchone()[0]
            if gone:
                logger.warning("Task %s (%s) was left running by worker %s, which is gone: queued again",
                               result.id, result.task_path, worker_id)
                result.status = TaskResultStatus.READY
                result.save(update_fields=["status"])
                requeued += 1
    return requeued


@background_task
def task_results_prune() -> int:
    """Delete finished tasks' rows (database backend) and e-mail delivery keys older than
    settings.TASKS_KEEP_DAYS: a task is never run again that long after it finished."""
    from django_tasks_db.models import DBTaskResult

    before = timezone.now() - timedelta(days=settings.TASKS_KEEP_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=before).delete()
    deliveries, _ = EmailDelivery.objects.filter(sent_at__lt=before).delete()
    return deleted + deliveries


def tasks_waiting() -> int:
    """How many tasks wait for a worker now (due, not yet taken): the queue depth a readiness
    check reports. Tasks waiting on their retry's back-off are not counted."""
    backend = task_backends["default"]
    if _is_database_backend(backend):
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.ready().count()
    if type(backend).__module__.startswith("django_tasks_rq"):
        import django_rq

        return sum(django_rq.get_queue(name).count for name in backend.queues)
    return 0


@background_task
def thumbnails_make(*, name: str) -> str:
    """Write the thumbnails of the stored image `name` (core.images). Safe to run twice; nothing
    to do when the image was replaced and deleted meanwhile."""
    from django.core.files.storage import default_storage

    from .images import make_thumbnails

    if not default_storage.exists(name):
        return "gone"
    make_thumbnails(name)
    return "made"
