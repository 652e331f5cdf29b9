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
- `task_results_prune`, `sessions_clear_expired`, `login_records_prune`: periodic clean-ups.
"""

import functools
import logging
import time
import traceback
import uuid
from collections.abc import Callable
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskContext, task, task_backends

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
    later (the immediate backend of the tests) runs it once. Each attempt writes one log line
    with its task result id (core.logs.log_task): an attempt that is retried at WARNING, the last
    one's failure at ERROR."""

    def decorate(func: Callable):
        @functools.wraps(func)
        def run(context: TaskContext, *args, _attempt: int = 1, **kwargs):
            started = time.perf_counter()
            task_id = str(context.task_result.id) if context.task_result.id is not None else None
            try:
                result = func(*args, **kwargs)
            except Exception as error:
                ms = (time.perf_counter() - started) * 1000
                limit = attempts or settings.TASKS_RETRY_ATTEMPTS
                if _attempt < limit and the_task.get_backend().supports_defer:
                    delay = retry_delay(_attempt)
                    retry = the_task.using(run_after=timezone.now() + delay).enqueue(*args, _attempt=_attempt + 1, **kwargs)
                    log_task(the_task.module_path, "retrying", ms, task_id, error=error, attempt=_attempt,
                             attempts=limit, retry_in=delay.total_seconds(), retry_task_id=str(retry.id))
                else:
                    log_task(the_task.module_path, "failed", ms, task_id, error=error, attempt=_attempt, attempts=limit)
                    FailedTask.objects.create(
                        task_path=the_task.module_path,
                        arguments={"args": list(args), "kwargs": kwargs},
                        attempts=_attempt,
                        error=f"{type(error).__name__}: {error}",
                        traceback="".join(traceback.format_exception(error)),
                    )
                raise
            log_task(the_task.module_path, "succeeded", (time.perf_counter() - started) * 1000, task_id, attempt=_attempt)
            return result

        # The task's signature is run's (the context first), not the function's that wraps copied.
        del run.__wrapped__
        the_task = task(priority=priority, takes_context=True)(run)
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


def tasks_requeue_left_by(worker_id: str) -> int:
    """Put back in the queue the tasks `worker_id` left running when it lost the database in the
    middle of them (their result could not be saved): the worker calls this once the database
    answers again, before it takes the next task. Returns how many."""
    from django_tasks_db.models import DBTaskResult

    from django_tasks import TaskResultStatus

    requeued = 0
    with transaction.atomic():
        for result in DBTaskResult.objects.select_for_update(skip_locked=True).filter(status=TaskResultStatus.RUNNING):
            if result.worker_ids and result.worker_ids[-1] == worker_id:
                logger.warning("Task %s (%s) was cut off by a database outage: queued again", result.id, result.task_path)
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


def _delete_in_batches(rows, *, batch: int = 5000) -> int:
    """Delete the rows of the queryset `rows` a batch at a time (each batch its own statement,
    well within the statement timeout, however many rows piled up); return how many."""
    deleted = 0
    while pks := list(rows.values_list("pk", flat=True)[:batch]):
        rows.model.objects.filter(pk__in=pks).delete()
        deleted += len(pks)
    return deleted


@background_task
def sessions_clear_expired() -> int:
    """Delete the expired sessions from the database (Django's `clearsessions`): the db and
    cached_db engines leave an expired session in its table unless its visitor logs out.
    Returns how many."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return 0  # cache or cookie sessions expire by themselves
    return _delete_in_batches(store.get_model_class().objects.filter(expire_date__lt=timezone.now()))


@background_task
def login_records_prune() -> int:
    """Delete django-axes' old records: failed log-in attempts whose cool-off has passed (they
    lock nobody out any more; axes only cleans them when someone logs in) and the log of log-ins
    and failures older than settings.LOGIN_RECORDS_KEEP_DAYS. Returns how many."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    now = timezone.now()
    deleted = 0
    cool_off = get_cool_off()
    if cool_off is not None:
        deleted += _delete_in_batches(AccessAttempt.objects.filter(attempt_time__lte=now - cool_off))
    before = now - timedelta(days=settings.LOGIN_RECORDS_KEEP_DAYS)
    for model in (AccessLog, AccessFailureLog):
        deleted += _delete_in_batches(model.objects.filter(attempt_time__lt=before))
    return deleted


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
