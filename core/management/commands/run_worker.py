"""The background worker: runs the queued tasks and enqueues the periodic jobs (docs/tasks.md)."""

import contextlib
import itertools
import logging
import os
import signal
import socket
import threading
import time

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError, close_old_connections, connection, connections
from django.utils.crypto import get_random_string
from django_tasks import task_backends

from core.logs import log_worker_outage, log_worker_recovered
from core.tasks import (
    WORKER_ID_PREFIX,
    _is_database_backend,
    schedule_due,
    tasks_requeue_abandoned,
    tasks_requeue_left_by,
    worker_liveness_lock,
)

logger = logging.getLogger("core.tasks")
# A database that is down, restarting or unreachable, as Django reports it or as psycopg does on
# the worker's own connection. Other database errors (a missing table, say) are faults to fix:
# they still end the worker.
DATABASE_ERRORS = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)


def _stop_now(signum, frame):
    raise SystemExit(0)


class Outage:
    """The waits of a worker whose queue's server (`service`: "database" or "redis") does not
    answer: each try that fails is logged as one line (core.logs.log_worker_outage: the first at
    ERROR, the rest at WARNING), then waited after, 1 s at first and twice as long each time up to
    `longest` seconds. SIGTERM and SIGINT end the wait, and the worker, at once."""

    def __init__(self, service: str, *, worker_id: str, longest: float):
        self.service = service
        self.worker_id = worker_id
        self.longest = longest
        self.tries = 0
        self.began: float | None = None

    def wait(self, error: BaseException) -> None:
        self.tries += 1
        if self.began is None:
            self.began = time.monotonic()
        delay = min(self.longest, 2.0 ** (self.tries - 1))
        log_worker_outage(self.service, error, attempt=self.tries, retry_in=delay, worker_id=self.worker_id)
        previous = {number: signal.signal(number, _stop_now) for number in (signal.SIGINT, signal.SIGTERM)}
        try:
            time.sleep(delay)
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    @property
    def ongoing(self) -> bool:
        return self.began is not None

    def over(self) -> None:
        if self.began is not None:
            log_worker_recovered(self.service, seconds=time.monotonic() - self.began, worker_id=self.worker_id)
        self.tries, self.began = 0, None


class Scheduler(threading.Thread):
    """Every `tick` seconds: enqueue the periodic jobs that are due, and (database backend) put
    back in the queue the tasks of workers that died. Several workers may run one each: the
    periodic jobs' rows are locked by whichever takes them."""

    def __init__(self, *, tick: float, requeue: bool):
        super().__init__(name="task-scheduler", daemon=True)
        self.tick = tick
        self.requeue = requeue
        self.stopped = threading.Event()
        self.failing = False

    def run_once(self) -> None:
        try:
            for name in schedule_due():
                logger.info("Periodic job %s enqueued", name)
            if self.requeue:
                tasks_requeue_abandoned()
        except Exception:
            # A database that is down for a while must not end the scheduler: it tries next tick.
            # Its first failure is an error; the same failure every tick after it is not news.
            logger.log(logging.WARNING if self.failing else logging.ERROR, "Scheduling periodic jobs failed", exc_info=True)
            self.failing = True
        else:
            if self.failing:
                logger.warning("Scheduling periodic jobs works again")
            self.failing = False
        finally:
            close_old_connections()

    def run(self) -> None:
        while not self.stopped.wait(self.tick):
            self.run_once()
        connection.close()


class Command(BaseCommand):
    help = (
        "Run the background task worker: the queued tasks (e-mails, search reindexing, …) and the "
        "periodic jobs of TASKS_SCHEDULE. Run one or more per machine; stop with SIGTERM or Ctrl-C. "
        "It outlives an outage of its database or Redis: it waits, and carries on when they answer."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run the tasks that are due, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between looks at an empty queue.")
        parser.add_argument("--tick", type=float, default=5.0, help="Seconds between looks at the schedule.")
        parser.add_argument("--no-schedule", action="store_true", help="Run tasks only; enqueue no periodic jobs.")
        parser.add_argument("--max-tasks", type=int, default=None, help="Exit after this many tasks.")
        parser.add_argument("--retry-max", type=float, default=30.0,
                            help="Longest wait, in seconds, between tries to reach a database or Redis that is down.")

    def handle(self, *args, batch, interval, tick, no_schedule, max_tasks, retry_max, verbosity, **options):
        level = logging.INFO if verbosity >= 1 else logging.WARNING
        for name in ("core.tasks", "django_tasks", "django_tasks_db", "rq.worker"):
            logging.getLogger(name).setLevel(level)
        backend = task_backends["default"]
        on_database = _is_database_backend(backend)
        worker_id = f"{WORKER_ID_PREFIX}{os.getpid()}-{get_random_string(8)}-{socket.gethostname()}"[:64]

        scheduler = None if no_schedule else Scheduler(tick=tick, requeue=on_database)
        if scheduler:
            # At once, so a batch run (and a worker just started) sees what is due now.
            scheduler.run_once()
            if not batch:
                scheduler.start()
        try:
            if on_database:
                self.run_database_worker(worker_id=worker_id, batch=batch, interval=interval, max_tasks=max_tasks,
                                         retry_max=retry_max)
            elif type(backend).__module__.startswith("django_tasks_rq"):
                self.run_rq_worker(worker_id=worker_id, batch=batch, max_tasks=max_tasks, retry_max=retry_max)
            else:
                raise CommandError(f"The {type(backend).__name__} runs tasks without a worker (TASKS_BACKEND).")
        finally:
            if scheduler and scheduler.is_alive():
                scheduler.stopped.set()
                scheduler.join(timeout=tick + 5)

    def run_database_worker(self, *, worker_id, batch, interval, max_tasks, retry_max):
        """django-tasks-db's worker, run again whenever it ends on a database error (it re-raises
        them): the database stopped, restarted or unreachable. A batch run ends on one."""
        from django_tasks_db.management.commands.db_worker import Worker

        worker = Worker(
            queue_names=["default"], interval=interval, batch=batch, backend_name="default",
            startup_delay=not batch, max_tasks=max_tasks, worker_id=worker_id, excluded_queue_names=[],
        )
        worker.configure_signals()
        self.stdout.write(f"Task worker {worker_id} on the database queue.")
        outage = Outage("database", worker_id=worker_id, longest=retry_max)
        while True:
            try:
                # Held while this process lives: tasks it leaves running when it dies are queued
                # again by the other workers' schedulers (core.tasks.tasks_requeue_abandoned). A
                # server that went away took the lock with it: it is taken again.
                liveness = worker_liveness_lock(worker_id)
            except DATABASE_ERRORS as error:
                if batch:
                    raise
                outage.wait(error)
                continue
            try:
                if outage.ongoing:
                    tasks_requeue_left_by(worker_id)
                    outage.over()
                worker.run()
                return
            except DATABASE_ERRORS as error:
                if batch or not worker.running:
                    raise
                # The connection is broken: let the next run open a new one.
                connections.close_all()
                outage.wait(error)
            finally:
                liveness.close()

    def run_rq_worker(self, *, worker_id, batch, max_tasks, retry_max):
        """An RQ worker, run again (under a new name: RQ refuses a name it still knows) whenever
        it ends because Redis went away or did not answer."""
        import django_rq
        import redis
        from django_rq.workers import get_worker_class
        from django_tasks_rq import Job

        worker_class = type("RQWorker", (RecordsStopRequest, get_worker_class()), {})
        redis_errors = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
        outage = Outage("redis", worker_id=worker_id, longest=retry_max)
        self.stdout.write(f"Task worker {worker_id} on the RQ queue.")
        for run in itertools.count():
            name = worker_id if run == 0 else f"{worker_id}.{run}"
            try:
                worker = django_rq.get_worker("default", job_class=Job, name=name, worker_class=worker_class)
                worker.connection.ping()
            except redis_errors as error:
                if batch:
                    raise
                outage.wait(error)
                continue
            outage.over()
            # RQ's own waits between tries to dequeue (it survives a short outage by itself).
            worker.max_connection_wait_time = retry_max
            # RQ runs each job in a forked process: none may inherit this one's database connection.
            connections.close_all()
            try:
                # The scheduler moves retries (tasks to run later) into the queue when they are due.
                worker.work(burst=batch, with_scheduler=True, max_jobs=max_tasks)
            except redis_errors as error:
                if batch or worker.stop_requested:
                    raise
                with contextlib.suppress(Exception):
                    worker.unsubscribe()
                outage.wait(error)
                continue
            if batch or max_tasks is not None or worker.stop_requested:
                return
            # Without a stop request, an endless worker ends only on an error it logged (Redis lost
            # between jobs, a timeout): started again after the wait.
            outage.wait(ConnectionError("the RQ worker ended without a stop request (its line before says why)"))


class RecordsStopRequest:
    """Mixed into the RQ worker class: remembers a SIGTERM or SIGINT, so a worker that ended on
    one is not run again."""

    stop_requested = False

    def request_stop(self, signum, frame):
        self.stop_requested = True
        return super().request_stop(signum, frame)

    def request_force_stop(self, signum, frame):
        self.stop_requested = True
        return super().request_force_stop(signum, frame)
