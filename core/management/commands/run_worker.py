"""The background worker: runs the queued tasks and enqueues the periodic jobs (docs/tasks.md)."""

import logging
import os
import socket
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection, connections
from django.utils.crypto import get_random_string
from django_tasks import task_backends

from core.tasks import WORKER_ID_PREFIX, _is_database_backend, schedule_due, tasks_requeue_abandoned, worker_liveness_lock

logger = logging.getLogger("core.tasks")


class Scheduler(threading.Thread):
    """Every `tick` seconds: enqueue the periodic jobs that are due, and (database backend) put
    back in the queue the tasks of workers that died. Several workers may run one each: the
    periodic jobs' rows are locked by whichever takes them."""

    def __init__(self, *, tick: float, requeue: bool):
        super().__init__(name="task-scheduler", daemon=True)
        self.tick = tick
        self.requeue = requeue
        self.stopped = threading.Event()

    def run_once(self) -> None:
        try:
            for name in schedule_due():
                logger.info("Periodic job %s enqueued", name)
            if self.requeue:
                tasks_requeue_abandoned()
        except Exception:
            # A database that is down for a while must not end the scheduler: it tries next tick.
            logger.exception("Scheduling periodic jobs failed")
        finally:
            close_old_connections()

    def run(self) -> None:
        while not self.stopped.wait(self.tick):
            self.run_once()
        connection.close()


class Command(BaseCommand):
    help = (
        "Run the background task worker: the queued tasks (e-mails, search reindexing, …) and the "
        "periodic jobs of TASKS_SCHEDULE. Run one or more per machine; stop with SIGTERM or Ctrl-C."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run the tasks that are due, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between looks at an empty queue.")
        parser.add_argument("--tick", type=float, default=5.0, help="Seconds between looks at the schedule.")
        parser.add_argument("--no-schedule", action="store_true", help="Run tasks only; enqueue no periodic jobs.")
        parser.add_argument("--max-tasks", type=int, default=None, help="Exit after this many tasks.")

    def handle(self, *args, batch, interval, tick, no_schedule, max_tasks, verbosity, **options):
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
                self.run_database_worker(worker_id=worker_id, batch=batch, interval=interval, max_tasks=max_tasks)
            elif type(backend).__module__.startswith("django_tasks_rq"):
                self.run_rq_worker(worker_id=worker_id, batch=batch, max_tasks=max_tasks)
            else:
                raise CommandError(f"The {type(backend).__name__} runs tasks without a worker (TASKS_BACKEND).")
        finally:
            if scheduler and scheduler.is_alive():
                scheduler.stopped.set()
                scheduler.join(timeout=tick + 5)

    def run_database_worker(self, *, worker_id, batch, interval, max_tasks):
        from django_tasks_db.management.commands.db_worker import Worker

        # Held while this process lives: tasks it leaves running when it dies are queued again
        # by the other workers' schedulers (core.tasks.tasks_requeue_abandoned).
        liveness = worker_liveness_lock(worker_id)
        try:
            worker = Worker(
                queue_names=["default"], interval=interval, batch=batch, backend_name="default",
                startup_delay=not batch, max_tasks=max_tasks, worker_id=worker_id, excluded_queue_names=[],
            )
            worker.configure_signals()
            self.stdout.write(f"Task worker {worker_id} on the database queue.")
            worker.run()
        finally:
            liveness.close()

    def run_rq_worker(self, *, worker_id, batch, max_tasks):
        import django_rq
        from django_tasks_rq import Job

        worker = django_rq.get_worker("default", job_class=Job, name=worker_id)
        # RQ runs each job in a forked process: none may inherit this one's database connection.
        connections.close_all()
        self.stdout.write(f"Task worker {worker_id} on the RQ queue.")
        # The scheduler moves retries (tasks to run later) into the queue when they are due.
        worker.work(burst=batch, with_scheduler=True, max_jobs=max_tasks)
